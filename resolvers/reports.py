"""Resolvers of reports: previews, runs and scheduled reports."""

from app.db.models import ScheduledReport
from app.pagination import Page, PageRequest
from app.reports import repository, service
from app.reports.commands import PreviewReport, RunReport, UpdateScheduledReport
from app.reports.repository import ScheduledReportSearch
from app.reports.rows import ReportResult
from resolvers.context import Info


async def report_preview(info: Info, name: str, command: PreviewReport) -> ReportResult:
    """The first rows of a report."""
    return await info.context.reads(service.preview_report, name, command)


async def scheduled_reports(
    info: Info, request: PageRequest, search: ScheduledReportSearch
) -> Page[ScheduledReport]:
    """A page of scheduled reports."""
    return await info.context.reads(repository.search_scheduled_reports, request, search)


async def scheduled_report(info: Info, id: str) -> ScheduledReport:
    """One scheduled report."""
    return await info.context.reads(repository.get_scheduled_report, id)


async def run_report(info: Info, name: str, command: RunReport) -> ScheduledReport:
    """Run a report once or on a schedule."""
    return await info.context.writes(service.run_report, name, command)


async def update_scheduled_report(
    info: Info, id: str, command: UpdateScheduledReport
) -> ScheduledReport:
    """Change a scheduled report."""
    return await info.context.writes(service.update_scheduled_report, id, command)


async def delete_scheduled_report(info: Info, id: str) -> str:
    """Delete a scheduled report; its id."""
    return await info.context.writes(service.delete_scheduled_report, id)
