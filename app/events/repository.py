"""SQL for domain events as a caller may see them (the worker's own reads are in
``app.automations.runs``)."""

from app.db.models import DomainEvent
from app.db.repository import TenantRepository

EVENTS = TenantRepository(DomainEvent)
