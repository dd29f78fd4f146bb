"""Searching every customer event (recorded, journals, sign-ups) of the caller's network."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts.repository import CONTACTS
from app.customer_events.source import event_source
from app.db.models import Contact
from app.errors import InvalidInput
from app.pagination import Page, PageRequest, SortOrder

SORTS = ("occurred_on", "amount", "type")
"""The attributes a search may be sorted by (``occurred_on`` by default)."""


@dataclass(frozen=True)
class EventRow:
    """One customer event as the source reads it (see :mod:`app.customer_events.source`)."""

    id: str
    organisation_id: str
    type: str
    contact_id: str
    amount: Decimal | None
    currency_code: str | None
    occurred_on: datetime
    properties: dict[str, Any]
    source: str


@dataclass(frozen=True)
class EventSearch:
    """The filters of ``GET /customer_events``; each given one narrows the result.

    ``contact`` is a contact id or code; the ``occurred_on_*`` bounds compare the event's date.
    """

    types: Sequence[str] = ()
    contact: str | None = None
    organisation_id: str | None = None
    sources: Sequence[str] = ()
    occurred_on_gte: datetime | None = None
    occurred_on_gt: datetime | None = None
    occurred_on_lt: datetime | None = None
    occurred_on_lte: datetime | None = None


def _conditions(events: Any, principal: Principal, search: EventSearch) -> list[Any]:
    column = events.c
    conditions: list[Any] = []
    if search.contact:
        named = CONTACTS.scoped(select(Contact.id), principal).where(
            or_(Contact.id == search.contact, Contact.code == search.contact)
        )
        conditions.append(column.contact_id.in_(named))
    if search.organisation_id:
        conditions.append(column.organisation_id == search.organisation_id)
    if search.sources:
        conditions.append(column.source.in_(list(search.sources)))
    bounds = (
        (search.occurred_on_gte, column.occurred_on.__ge__),
        (search.occurred_on_gt, column.occurred_on.__gt__),
        (search.occurred_on_lt, column.occurred_on.__lt__),
        (search.occurred_on_lte, column.occurred_on.__le__),
    )
    conditions.extend(compare(bound) for bound, compare in bounds if bound is not None)
    return conditions


async def search_events(
    session: AsyncSession, principal: Principal, request: PageRequest, search: EventSearch
) -> Page[EventRow]:
    """A page of the caller's customer events matching ``search``, newest first by default."""
    sort = request.sort or "occurred_on"
    if sort not in SORTS:
        raise InvalidInput(
            "sort", f"unknown sort attribute {sort!r}; use one of {', '.join(SORTS)}"
        )
    events = event_source(principal, list(search.types) or None)
    where = _conditions(events, principal, search)
    total = (
        await session.execute(select(func.count()).select_from(events).where(*where))
    ).scalar_one()
    key, tie = events.c[sort], events.c.id
    order = [key.asc(), tie.asc()] if request.order is SortOrder.ASC else [key.desc(), tie.desc()]
    stmt = select(events).where(*where).order_by(*order).limit(request.size)
    rows = (await session.execute(stmt.offset(request.offset))).mappings()
    items = [EventRow(**dict(row)) for row in rows]
    return Page(items=items, page=request.page, size=request.size, total=total)
