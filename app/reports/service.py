"""Rules of reports: previews, one-off and scheduled runs, their recipients and delivery.

- A report is previewed (at most :data:`~app.reports.rows.PREVIEW_ROWS` rows), or run: POST
  writes a scheduled report that the scheduler job delivers, at once when it has no
  ``scheduler_options`` (and only once), else at every occurrence of its ``frequency`` (the
  spec's Quartz cron, UTC; a ``period`` without one runs at 00:00 of each period).
- Recipients are users (members of an organisation the caller may see) and teams (every
  member) of the caller's network, 404 naming the one not found. Without recipients the report
  goes to the requesting user; asked for with an API key, to the owners of the caller's
  organisation. Addresses are looked up at each run (a changed e-mail is followed).
- Filter values are evaluated at each run (``THIS_MONTH`` is the month of the run).
"""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.access import repository as access
from app.auth.principal import Principal
from app.db.base import utcnow
from app.db.models import ScheduledReport
from app.errors import InvalidInput, NotFound
from app.messages import Attachment, queue_message
from app.reports import repository
from app.reports.catalogue import ReportType, report_type
from app.reports.commands import (
    PreviewReport,
    Recipient,
    RunReport,
    SchedulerOptions,
    UpdateScheduledReport,
)
from app.reports.cron import Schedule, parse_schedule
from app.reports.enums import DEFAULT_FREQUENCY, RecipientType, ReportFormat
from app.reports.render import to_csv, to_pdf
from app.reports.rows import (
    MAX_ROWS,
    PREVIEW_ROWS,
    ReportDefinition,
    ReportResult,
    build_definition,
    compute_rows,
)
from app.worker.wake import wake_after_commit

ORIGIN = "REPORT"


def definition_of(
    report: ScheduledReport | ReportType, command: Any, now: datetime
) -> ReportDefinition:
    """The checked definition of a command's (or a stored report's) sets."""
    kind = report if isinstance(report, ReportType) else report_type(report.type)
    return build_definition(
        kind,
        [dict(item) for item in _plain(command.filters_set)],
        [dict(item) for item in _plain(command.columns_set)],
        [dict(item) for item in _plain(command.group_by_set)],
        now,
    )


def _plain(items: Any) -> list[dict[str, Any]]:
    return [item if isinstance(item, dict) else item.model_dump() for item in items or []]


async def preview_report(
    session: AsyncSession, principal: Principal, name: str, command: PreviewReport
) -> ReportResult:
    """The first rows (at most 10) of report ``name`` with the command's filters and columns."""
    now = utcnow()
    definition = definition_of(report_type(name), command, now)
    return await compute_rows(session, principal, definition, now, PREVIEW_ROWS)


def schedule_of(options: SchedulerOptions | None) -> Schedule | None:
    """The schedule the options ask for (None: run once); 400 naming the field otherwise."""
    if options is None:
        return None
    if options.frequency is not None:
        return parse_schedule(options.frequency)
    if options.period is not None:
        return parse_schedule(DEFAULT_FREQUENCY[options.period])
    raise InvalidInput("scheduler_options.frequency", "give a frequency or a period")


async def _check_recipients(
    session: AsyncSession, principal: Principal, recipients: list[Recipient]
) -> None:
    users = [r.recipient_id for r in recipients if r.recipient_type == RecipientType.USER]
    found = await access.visible_users(session, principal, users)
    for user_id in users:
        if user_id not in found:
            raise NotFound("user", user_id)
    for recipient in recipients:
        if recipient.recipient_type == RecipientType.TEAM:
            emails = await access.team_member_emails(session, principal, recipient.recipient_id)
            if emails is None:
                raise NotFound("team", recipient.recipient_id)


def _apply_schedule(
    report: ScheduledReport, options: SchedulerOptions | None, now: datetime
) -> None:
    schedule = schedule_of(options)
    report.period = options.period if options is not None else None
    report.frequency = schedule.quartz if schedule is not None else None
    report.next_scheduled = schedule.next_after(now) if schedule is not None else now
    report.failures = 0
    report.locked_until = None


async def run_report(
    session: AsyncSession, principal: Principal, name: str, command: RunReport
) -> ScheduledReport:
    """Write a report to deliver once (at once) or on its schedule; the scheduler job runs it."""
    kind = report_type(name)
    now = utcnow()
    definition_of(kind, command, now)
    await _check_recipients(session, principal, command.recipients)
    report = ScheduledReport(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        type=kind.name,
        name=command.name or kind.title,
        format=command.format,
        filters_set=_plain(command.filters_set),
        columns_set=_plain(command.columns_set),
        group_by_set=_plain(command.group_by_set),
        recipients=_plain(command.recipients),
        requested_by_user_id=principal.user_id,
        runs=0,
    )
    _apply_schedule(report, command.scheduler_options, now)
    session.add(report)
    await session.flush()
    wake_after_commit(session)
    return report


async def update_scheduled_report(
    session: AsyncSession, principal: Principal, report_id: str, command: UpdateScheduledReport
) -> ScheduledReport:
    """Change the given fields of a scheduled report; a new schedule restarts its runs."""
    report = await repository.scheduled_report_for_change(session, principal, report_id)
    now = utcnow()
    for field in ("filters_set", "columns_set", "group_by_set"):
        if getattr(command, field) is not None:
            setattr(report, field, _plain(getattr(command, field)))
    definition_of(report, report, now)
    if command.recipients is not None:
        await _check_recipients(session, principal, command.recipients)
        report.recipients = _plain(command.recipients)
    if command.format is not None:
        report.format = command.format
    if command.name is not None:
        if not command.name.strip():
            raise InvalidInput("name", "may not be blank")
        report.name = command.name
    if "scheduler_options" in command.model_fields_set:
        _apply_schedule(report, command.scheduler_options, now)
        wake_after_commit(session)
    await session.flush()
    return report


async def delete_scheduled_report(
    session: AsyncSession, principal: Principal, report_id: str
) -> str:
    """Delete a scheduled report (messages already queued stay in the outbox); its id."""
    report = await repository.scheduled_report_for_change(session, principal, report_id)
    await session.delete(report)
    await session.flush()
    return report_id


async def recipient_addresses(
    session: AsyncSession, principal: Principal, report: ScheduledReport
) -> list[str]:
    """The e-mail addresses a report goes to now (see the module's rules); recipients that
    are gone are skipped, and none left is a ``ValueError``."""
    addresses: list[str] = []
    recipients = [Recipient.parse(item) for item in report.recipients]
    users = [r.recipient_id for r in recipients if r.recipient_type == RecipientType.USER]
    found = await access.visible_users(session, principal, users)
    addresses.extend(found[user_id].email for user_id in users if user_id in found)
    for recipient in recipients:
        if recipient.recipient_type == RecipientType.TEAM:
            addresses.extend(
                await access.team_member_emails(session, principal, recipient.recipient_id) or []
            )
    if not recipients:
        requester = report.requested_by_user_id
        if requester is not None:
            user = (await access.visible_users(session, principal, [requester])).get(requester)
            addresses.extend([user.email] if user is not None else [])
        else:
            addresses.extend(await repository.owner_emails(session, report.organisation_id))
    unique = list(dict.fromkeys(addresses))
    if not unique:
        raise ValueError("the report has no recipient with an e-mail address any more")
    return unique


async def render(report: ScheduledReport, result: ReportResult) -> Attachment:
    """The report's file in its format."""
    stamp = result.generated_on.strftime("%Y%m%d-%H%M")
    if report.format == ReportFormat.PDF:
        return Attachment(f"{report.type}-{stamp}.pdf", "application/pdf", await to_pdf(result))
    return Attachment(f"{report.type}-{stamp}.csv", "text/csv", to_csv(result))


async def deliver(
    session: AsyncSession,
    principal: Principal,
    report: ScheduledReport,
    result: ReportResult,
    attachment: Attachment,
) -> None:
    """Queue the report's message to its recipients in ``session``'s transaction."""
    to = await recipient_addresses(session, principal, report)
    lines = [
        f"{report.name} ({result.title})",
        f"Period: {result.period}",
        f"Generated: {result.generated_on.strftime('%Y-%m-%d %H:%M:%S UTC')}",
        f"Rows: {len(result.rows)}"
        + (f" (the first {MAX_ROWS}; more were left out)" if result.truncated else ""),
        f"The report is attached as {attachment.filename}.",
    ]
    await queue_message(
        session,
        organisation_id=report.organisation_id,
        is_test=report.is_test,
        to=to,
        subject=f"{report.name}: {result.generated_on.strftime('%Y-%m-%d %H:%M')} UTC",
        body_text="\n".join(lines) + "\n",
        attachments=[attachment],
        origin=ORIGIN,
    )
