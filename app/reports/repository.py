"""SQL of scheduled reports and of their recipients' addresses, narrowed to the caller."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import Membership, ScheduledReport, User
from app.db.repository import TenantRepository
from app.errors import NotFound
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

SCHEDULED_REPORTS = TenantRepository(ScheduledReport)

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": ScheduledReport.created_on,
    "name": ScheduledReport.name,
    "type": ScheduledReport.type,
    "next_scheduled": ScheduledReport.next_scheduled,
}


@dataclass(frozen=True)
class ScheduledReportSearch:
    """The spec's filters of ``GET /reports``: text the name contains, the report type."""

    name: str | None = None
    type: str | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search."""
        conditions: list[Any] = []
        if self.name:
            conditions.append(contains_literal(ScheduledReport.name, self.name))
        if self.type:
            conditions.append(ScheduledReport.type == self.type)
        return conditions


async def search_scheduled_reports(
    session: AsyncSession, principal: Principal, request: PageRequest, search: ScheduledReportSearch
) -> Page[ScheduledReport]:
    """A page of the caller's scheduled reports."""
    stmt = SCHEDULED_REPORTS.readable(principal).where(*search.conditions())
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def get_scheduled_report(
    session: AsyncSession, principal: Principal, report_id: str
) -> ScheduledReport:
    """The caller's scheduled report (404 naming the report otherwise)."""
    return await SCHEDULED_REPORTS.lookup(session, principal, "report", report_id)


async def scheduled_report_for_change(
    session: AsyncSession, principal: Principal, report_id: str
) -> ScheduledReport:
    """The caller's scheduled report, locked for a change (404 otherwise)."""
    stmt = SCHEDULED_REPORTS.writable(principal).where(ScheduledReport.id == report_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("report", report_id)
    return found


async def owner_emails(session: AsyncSession, organisation_id: str) -> list[str]:
    """The e-mail addresses of an organisation's owners (a report asked for with an API key
    and no recipients goes to them)."""
    stmt = (
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, Membership.role == "OWNER")
        .order_by(User.email)
    )
    return list((await session.execute(stmt)).scalars())


def _due(now: datetime) -> list[Any]:
    return [
        ScheduledReport.next_scheduled.is_not(None),
        ScheduledReport.next_scheduled <= now,
        or_(ScheduledReport.locked_until.is_(None), ScheduledReport.locked_until < now),
    ]


def due_reports_select_unscoped(now: datetime) -> Any:
    """The SELECT of the scheduled reports due at ``now`` and not leased (for the worker's
    look before it claims)."""
    return select(ScheduledReport.id).where(*_due(now))


async def due_reports_unscoped(
    session: AsyncSession, now: datetime, limit: int
) -> list[ScheduledReport]:
    """Scheduled reports of every organisation due at ``now`` and not leased, locked
    (``FOR UPDATE SKIP LOCKED``: several workers claim disjoint rows)."""
    stmt = (
        select(ScheduledReport)
        .where(*_due(now))
        .order_by(ScheduledReport.next_scheduled, ScheduledReport.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def due_count_unscoped(session: AsyncSession, now: datetime) -> tuple[int, datetime | None]:
    """How many scheduled reports are due at ``now``, and the oldest due time."""
    row = (
        await session.execute(
            select(func.count(), func.min(ScheduledReport.next_scheduled)).where(*_due(now))
        )
    ).one()
    return int(row[0]), row[1]
