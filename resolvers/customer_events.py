"""Resolvers for customer events."""

from app.customer_events import service
from app.customer_events.commands import RecordCustomerEvent
from app.customer_events.search import EventRow, EventSearch, search_events
from app.db.models import CustomerEvent
from app.pagination import Page, PageRequest
from resolvers.context import Info


async def record_customer_event(info: Info, command: RecordCustomerEvent) -> CustomerEvent:
    """Record a customer event."""
    return await info.context.writes(service.record_event, command)


async def customer_events(info: Info, request: PageRequest, search: EventSearch) -> Page[EventRow]:
    """A page of customer events (recorded, journals, sign-ups) matching the search."""
    return await info.context.reads(search_events, request, search)
