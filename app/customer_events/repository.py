"""SQL for recorded customer events, always narrowed to the caller's network and mode."""

from app.db.models import CustomerEvent
from app.db.repository import TenantRepository

CUSTOMER_EVENTS = TenantRepository(CustomerEvent)
