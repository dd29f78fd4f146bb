"""SQL for insights, their parts and exports, always narrowed to the caller's network and mode;
and the distinct values of a property (``GET /distincts``)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, join, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts.repository import CONTACTS
from app.customer_events.source import event_source
from app.db.models import (
    Contact,
    Insight,
    InsightBreakdown,
    InsightEvent,
    InsightExport,
    InsightFilter,
)
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.insights.enums import PropertyType
from app.insights.properties import (
    contact_property,
    event_text,
    first_addresses,
    is_address_property,
)
from app.pagination import Page, PageRequest, fetch_page

INSIGHTS = TenantRepository(Insight)
INSIGHT_EVENTS = ChildRepository(InsightEvent, INSIGHTS, "insight_id")
INSIGHT_FILTERS = ChildRepository(InsightFilter, INSIGHTS, "insight_id")
INSIGHT_BREAKDOWNS = ChildRepository(InsightBreakdown, INSIGHTS, "insight_id")
INSIGHT_EXPORTS = TenantRepository(InsightExport)

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {"created_on": Insight.created_on, "name": Insight.name}
MAX_DISTINCTS = 1000
"""The most distinct values ``GET /distincts`` answers (the first in order)."""


def part_order(part: Any) -> list[Any]:
    """An insight's events, filters and breakdowns: in the order they were added."""
    return [part.position, part.id]


async def get_insight(session: AsyncSession, principal: Principal, insight_id: str) -> Insight:
    """The caller's insight with this id (404 naming the insight otherwise)."""
    return await INSIGHTS.lookup(session, principal, "insight", insight_id)


async def insight_for_change(
    session: AsyncSession, principal: Principal, insight_id: str
) -> Insight:
    """The caller's insight, locked for a change (404 naming the insight otherwise)."""
    stmt = INSIGHTS.writable(principal).where(Insight.id == insight_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("insight", insight_id)
    return found


async def list_insights(
    session: AsyncSession, principal: Principal, request: PageRequest
) -> Page[Insight]:
    """A page of the caller's insights."""
    return await fetch_page(
        session, INSIGHTS.readable(principal), request, SORT_COLUMNS, DEFAULT_SORT
    )


async def parts(session: AsyncSession, model: Any, insight_id: str) -> list[Any]:
    """An insight's events, filters or breakdowns (``model``), in order."""
    stmt = select(model).where(model.insight_id == insight_id).order_by(*part_order(model))
    return list((await session.execute(stmt)).scalars())


async def next_position(session: AsyncSession, model: Any, insight_id: str) -> int:
    """The position after an insight's last event, filter or breakdown."""
    stmt = select(func.coalesce(func.max(model.position), -1)).where(model.insight_id == insight_id)
    return int((await session.execute(stmt)).scalar_one()) + 1


async def delete_insight_rows(session: AsyncSession, insight: Insight) -> None:
    """Delete an insight with its events, filters, breakdowns and export records."""
    for model in (InsightEvent, InsightFilter, InsightBreakdown, InsightExport):
        await session.execute(delete(model).where(model.insight_id == insight.id))
    await session.delete(insight)
    await session.flush()


async def get_export(session: AsyncSession, principal: Principal, export_id: str) -> InsightExport:
    """The caller's insight export with this id (404 naming the export otherwise)."""
    return await INSIGHT_EXPORTS.lookup(session, principal, "export", export_id)


async def distinct_values(
    session: AsyncSession, principal: Principal, collection: PropertyType, name: str
) -> Sequence[str]:
    """The distinct non-null values of a CONTACT or EVENT property in the caller's network, in
    order (at most :data:`MAX_DISTINCTS`)."""
    if collection == PropertyType.CONTACT:
        addresses = first_addresses() if is_address_property(name) else None
        value = contact_property(name, "property", addresses)
        source: Any = Contact
        if addresses is not None:
            source = join(Contact, addresses, addresses.c.contact_id == Contact.id)
        stmt = CONTACTS.scoped(select(value.label("value")), principal).select_from(source)
    else:
        events = event_source(principal)
        stmt = select(event_text(events, name).label("value")).select_from(events)
    rows = select(stmt.subquery().c.value).distinct()
    column = rows.selected_columns[0]
    rows = rows.where(column.is_not(None)).order_by(column).limit(MAX_DISTINCTS)
    return [str(value) for value in (await session.execute(rows)).scalars()]
