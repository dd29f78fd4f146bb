"""The scheduler job: claims due reports, runs them, queues their messages, moves them on.

A round leases up to :data:`BATCH_SIZE` due reports (``next_scheduled`` passed, no live
lease) in one short transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several
processes claim disjoint reports; the lease keeps the others off while this one computes).
Each is then computed (a read), rendered (a worker thread for PDFs) and, in one transaction
that still holds the lease, its message is queued and its next occurrence set (after now:
occurrences missed while nothing ran are not made up), or for a one-off report, none. A report
that fails is tried again after a backoff; after :data:`MAX_FAILURES` failures of one
occurrence it moves on to the next, with the error kept in ``last_error``.
"""

from datetime import datetime, timedelta
from typing import Any

import structlog

from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import Organisation, ScheduledReport
from app.errors import InvalidInput
from app.organisations.repository import ORGANISATIONS
from app.reports import repository, service
from app.reports.cron import parse_schedule
from app.reports.rows import MAX_ROWS, compute_rows
from app.tenancy import organisation_principal
from app.worker.job import has_due_rows

log = structlog.get_logger("crm_gateway.reports")

BATCH_SIZE = 5
LEASE = timedelta(minutes=10)
MAX_FAILURES = 3
FIRST_RETRY_SECONDS = 60


async def _claim_unscoped(db: Database, now: datetime) -> list[tuple[str, datetime]]:
    """Lease due reports of every organisation: (id, lease end) of each claimed."""
    lease_end = now + LEASE
    if not await has_due_rows(db, repository.due_reports_select_unscoped(now)):
        return []  # nothing due: no write transaction
    async with db.write() as session:
        claimed = await repository.due_reports_unscoped(session, now, BATCH_SIZE)
        for report in claimed:
            report.locked_until = lease_end
        return [(report.id, lease_end) for report in claimed]


def _advance(report: ScheduledReport, now: datetime) -> None:
    """Set the next occurrence after ``now`` (none for a one-off report, nor for a schedule
    whose last occurrence has passed, e.g. one naming a year)."""
    report.next_scheduled = None
    if report.frequency:
        try:
            report.next_scheduled = parse_schedule(report.frequency).next_after(now)
        except InvalidInput:
            report.last_error = "The schedule has no occurrence after now."
    report.failures = 0
    report.locked_until = None


async def _run_one_unscoped(db: Database, report_id: str, lease_end: datetime) -> bool:
    """Run one leased report; whether it was delivered."""
    now = utcnow()
    async with db.read() as session:
        report = await session.get(ScheduledReport, report_id)
        organisation = (
            await ORGANISATIONS.get_by_id_unscoped(session, report.organisation_id)
            if report is not None
            else None
        )
    if report is None or not isinstance(organisation, Organisation):
        return False
    principal = organisation_principal(organisation, report.is_test)
    try:
        async with db.read() as session:
            definition = service.definition_of(report, report, now)
            result = await compute_rows(session, principal, definition, now, MAX_ROWS)
        attachment = await service.render(report, result)
        async with db.write() as session:
            stored = await session.get(ScheduledReport, report_id, with_for_update=True)
            if stored is None or stored.locked_until != lease_end:
                return False  # deleted, or the lease ran out and another worker has it
            await service.deliver(session, principal, stored, result, attachment)
            stored.runs += 1
            stored.last_run_on = now
            stored.last_error = None
            _advance(stored, now)
        return True
    except Exception as error:  # a failing report must not stop the others
        log.warning("scheduled report failed", report_id=report_id, error=str(error))
        await _record_failure(db, report_id, lease_end, f"{type(error).__name__}: {error}")
        return False


async def _record_failure(db: Database, report_id: str, lease_end: datetime, error: str) -> None:
    now = utcnow()
    async with db.write() as session:
        stored = await session.get(ScheduledReport, report_id, with_for_update=True)
        if stored is None or stored.locked_until != lease_end:
            return
        stored.last_error = error[:1000]
        stored.failures += 1
        if stored.failures >= MAX_FAILURES:
            _advance(stored, now)
        else:
            backoff = FIRST_RETRY_SECONDS * 2 ** (stored.failures - 1)
            stored.locked_until = now + timedelta(seconds=backoff)


async def run_due_reports(db: Database) -> int:
    """The scheduler job's round: run the due reports it could claim; how many it
    claimed (each delivered, or its failure recorded)."""
    claimed = await _claim_unscoped(db, utcnow())
    for report_id, lease_end in claimed:
        await _run_one_unscoped(db, report_id, lease_end)
    return len(claimed)


async def schedule_health(db: Database) -> dict[str, Any]:
    """Due reports for ``/ready``: how many, and the oldest due time (epoch seconds)."""
    async with db.read() as session:
        depth, oldest = await repository.due_count_unscoped(session, utcnow())
    return {
        "queue_depth": depth,
        "oldest_pending_on": int(oldest.timestamp()) if oldest is not None else None,
    }
