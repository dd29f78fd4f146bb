"""GraphQL types, inputs and root fields of reports (spec: Reports): the report types, previews,
runs and scheduled reports. Field names are the spec's, so the REST door shows them as they are."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.auth.permissions import Permission
from app.db.models import ScheduledReport as ScheduledReportRow
from app.pagination import DEFAULT_PAGE_SIZE
from app.reports.catalogue import REPORT_TYPES, ColumnType
from app.reports.catalogue import ReportType as ReportTypeRow
from app.reports.commands import PreviewReport, RunReport, UpdateScheduledReport
from app.reports.enums import RecipientType, ReportFormat, SchedulePeriod
from app.reports.repository import DEFAULT_SORT, SORT_COLUMNS, ScheduledReportSearch
from app.reports.rows import ReportResult, format_value
from resolvers import reports as resolve
from resolvers.activities import TeamByIdLoader, UserByIdLoader
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.permissions import needs

ReportSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
ReportIdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The scheduled report identifier.")
]
ReportNameArgument = Annotated[
    str,
    strawberry.argument(
        description="The report's unique name (contacts_summary, journals_summary)."
    ),
]

strawberry.enum(ReportFormat, description="The format a report is delivered in.")
strawberry.enum(RecipientType, description="Who receives a report: a user, or a team's members.")
strawberry.enum(
    SchedulePeriod,
    description="The period a scheduled report covers; without a frequency it runs at 00:00 "
    "UTC of each period (every day, Monday, the 1st of the month or of January).",
)
strawberry.enum(
    ColumnType, description="The data type of a report column or filter (DECIMAL: amounts)."
)


@strawberry.type(description="A column a report type can show.")
class ReportTypeColumn:
    key: str = strawberry.field(description="The column's key (columns_set[].key).")
    label: str = strawberry.field(description="Its default label.")
    type: ColumnType = strawberry.field(description="Its data type.")
    aliases: list[str] = strawberry.field(description="Other keys accepted for it.")


@strawberry.type(description="A filter a report type understands.")
class ReportTypeFilter:
    key: str = strawberry.field(description="The filter's key (filters_set[].key).")
    label: str = strawberry.field(description="Its default label.")
    type: ColumnType = strawberry.field(description="Its data type.")


@strawberry.type(description="A report that can be previewed, run and scheduled.")
class ReportType:
    name: str = strawberry.field(description="The report's unique name.")
    title: str = strawberry.field(description="The report's title.")
    description: str = strawberry.field(description="What the report shows.")
    columns: list[ReportTypeColumn] = strawberry.field(description="Its columns.")
    filters: list[ReportTypeFilter] = strawberry.field(
        description="Its filters; period_from / period_to take a date (epoch seconds or "
        "YYYY-MM-DD) or a period: TODAY, YESTERDAY, THIS_WEEK, LAST_WEEK, THIS_MONTH, "
        "LAST_MONTH, THIS_YEAR, LAST_YEAR."
    )

    @classmethod
    def of(cls, report: ReportTypeRow) -> "ReportType":
        """The GraphQL report type of a catalogue entry."""
        return cls(
            name=report.name,
            title=report.title,
            description=report.description,
            columns=[
                ReportTypeColumn(key=c.key, label=c.label, type=c.type, aliases=list(c.aliases))
                for c in report.columns
            ],
            filters=[
                ReportTypeFilter(key=f.key, label=f.label, type=f.type) for f in report.filters
            ],
        )


@strawberry.type(description="One value of a report row: the column's label and the value.")
class ReportField:
    key: str = strawberry.field(description="The column's label.")
    value: str = strawberry.field(
        description="The value as text (times in UTC, amounts exact; empty for none)."
    )


@strawberry.type(description="One row of a report preview.")
class ReportRow:
    fields: list[ReportField] = strawberry.field(description="The row's values, column by column.")


@strawberry.type(description="A report's first rows (at most 10).")
class ReportPreview:
    content: list[ReportRow] = strawberry.field(description="The rows.")

    @classmethod
    def of(cls, result: ReportResult) -> "ReportPreview":
        """The preview of computed rows."""
        return cls(
            content=[
                ReportRow(
                    fields=[
                        ReportField(key=label, value=format_value(value))
                        for label, value in zip(result.labels, row, strict=True)
                    ]
                )
                for row in result.rows
            ]
        )


@strawberry.type(description="A filter of a report as the user set it.")
class ReportFilterSetting:
    key: str = strawberry.field(description="The filter's name.")
    value: str = strawberry.field(description="The filter's value as the user gave it.")
    label: str | None = strawberry.field(description="The filter's label.")
    type: ColumnType | None = strawberry.field(description="The data type of the filter.")


@strawberry.type(description="A column (or grouping field) of a report as the user set it.")
class ReportColumnSetting:
    key: str = strawberry.field(description="The field's name.")
    order: int | None = strawberry.field(description="The ordering, from left to right.")
    label: str | None = strawberry.field(description="The label shown on the report.")
    type: ColumnType | None = strawberry.field(description="The data type.")


@strawberry.type(description="When a scheduled report runs.")
class ReportSchedulerOptions:
    period: SchedulePeriod | None = strawberry.field(description="The period it covers.")
    frequency: str | None = strawberry.field(
        description="The repeat frequency as a Quartz cron expression (UTC), e.g. 0 0 12 * * ?"
    )
    next_scheduled: datetime | None = strawberry.field(
        description="The next run (none once a one-off report has run)."
    )


@strawberry.type(description="A recipient of a report.")
class ReportRecipient:
    recipient_type: RecipientType = strawberry.field(description="USER or TEAM.")
    recipient_id: strawberry.ID = strawberry.field(description="The user or team identifier.")
    type: RecipientType = strawberry.field(description="USER or TEAM (the spec's list name).")
    name: str | None = strawberry.field(description="The user's or team's name.")
    username: str | None = strawberry.field(description="The user's username (users only).")


def _settings(items: list[dict[str, Any]], kind: type[Any]) -> list[Any]:
    names = {field for field in kind.__annotations__}
    return [kind(**{name: item.get(name) for name in names}) for item in items]


@strawberry.type(description="A report delivered once or on a schedule, by e-mail.")
class ScheduledReport:
    id: strawberry.ID = strawberry.field(description="The scheduled report identifier.")
    name: str = strawberry.field(description="The scheduled report name.")
    type: str = strawberry.field(description="The report's unique name (contacts_summary...).")
    format: ReportFormat = strawberry.field(description="The report's format.")
    filters_set: list[ReportFilterSetting] = strawberry.field(description="Its filters.")
    columns_set: list[ReportColumnSetting] = strawberry.field(description="Its columns.")
    group_by_set: list[ReportColumnSetting] = strawberry.field(
        description="The fields its rows are grouped by (rows of a group together)."
    )
    scheduler_options: ReportSchedulerOptions = strawberry.field(
        description="When it runs (frequency null: once)."
    )
    runs: int = strawberry.field(description="How many times it was delivered.")
    last_run_on: datetime | None = strawberry.field(description="When it last ran.")
    last_error: str | None = strawberry.field(description="Why its last attempt failed.")
    created_date: datetime = strawberry.field(description="When it was created.")
    row: strawberry.Private[ScheduledReportRow]

    @strawberry.field(
        description="Who receives it (none: the requesting user, or for an API key the "
        "organisation's owners)."
    )
    async def recipients(self, info: Info) -> list[ReportRecipient]:
        found: list[ReportRecipient] = []
        for item in self.row.recipients:
            kind = RecipientType(item["recipient_type"])
            name = username = None
            if kind == RecipientType.USER:
                user = await info.context.loaders.get(UserByIdLoader).load(item["recipient_id"])
                if user is not None:
                    full = " ".join(p for p in (user.first_name, user.last_name) if p)
                    name, username = full or user.email, user.username
            else:
                team = await info.context.loaders.get(TeamByIdLoader).load(item["recipient_id"])
                name = team.name if team is not None else None
            found.append(
                ReportRecipient(
                    recipient_type=kind,
                    recipient_id=strawberry.ID(item["recipient_id"]),
                    type=kind,
                    name=name,
                    username=username,
                )
            )
        return found

    @classmethod
    def of(cls, row: ScheduledReportRow) -> "ScheduledReport":
        """The GraphQL scheduled report of a row."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            type=row.type,
            format=ReportFormat(row.format),
            filters_set=_settings(row.filters_set, ReportFilterSetting),
            columns_set=_settings(row.columns_set, ReportColumnSetting),
            group_by_set=_settings(row.group_by_set, ReportColumnSetting),
            scheduler_options=ReportSchedulerOptions(
                period=SchedulePeriod(row.period) if row.period else None,
                frequency=row.frequency,
                next_scheduled=row.next_scheduled,
            ),
            runs=row.runs,
            last_run_on=row.last_run_on,
            last_error=row.last_error,
            created_date=row.created_on,
            row=row,
        )


@strawberry.input(description="A filter of a report.")
class ReportFilterInput:
    key: str = strawberry.field(description="The filter's name (period_from, contact_type...).")
    value: str = strawberry.field(
        description="The value as the user gave it: THIS_MONTH (or 'This month'), epoch "
        "seconds, YYYY-MM-DD, a code."
    )
    label: str | None = strawberry.field(default=None, description="The filter's label.")
    type: ColumnType | None = strawberry.field(default=None, description="The data type.")


@strawberry.input(description="A column (or grouping field) of a report.")
class ReportColumnInput:
    key: str = strawberry.field(description="The field's name (code, name...).")
    order: int | None = strawberry.field(default=None, description="Left-to-right position.")
    label: str | None = strawberry.field(default=None, description="The label to show.")
    type: ColumnType | None = strawberry.field(default=None, description="The data type.")


@strawberry.input(description="When a report runs again.")
class ReportSchedulerOptionsInput:
    period: SchedulePeriod | None = strawberry.field(default=None, description="The period.")
    frequency: str | None = strawberry.field(
        default=None,
        description="A Quartz cron expression (seconds minutes hours day_of_month month "
        "day_of_week [year], UTC), e.g. 0 0 12 * * ?; L, W and # are not supported.",
    )


@strawberry.input(description="A recipient of a report.")
class ReportRecipientInput:
    recipient_type: RecipientType = strawberry.field(description="USER or TEAM.")
    recipient_id: strawberry.ID = strawberry.field(description="The user or team identifier.")


@strawberry.input(description="What a report preview shows.")
class PreviewReportInput:
    filters_set: list[ReportFilterInput] = strawberry.field(
        default_factory=list, description="The filters."
    )
    columns_set: list[ReportColumnInput] = strawberry.field(
        default_factory=list, description="The columns (up to 10 by default)."
    )
    group_by_set: list[ReportColumnInput] = strawberry.field(
        default_factory=list, description="Fields to group rows by."
    )


@strawberry.input(description="A report to deliver once, or on a schedule.")
class RunReportInput:
    format: ReportFormat = strawberry.field(default=ReportFormat.CSV, description="CSV or PDF.")
    name: str | None = strawberry.field(
        default=None, description="The scheduled report name (default: the report's title)."
    )
    filters_set: list[ReportFilterInput] = strawberry.field(
        default_factory=list, description="The filters."
    )
    columns_set: list[ReportColumnInput] = strawberry.field(
        default_factory=list, description="The columns (up to 10 by default)."
    )
    group_by_set: list[ReportColumnInput] = strawberry.field(
        default_factory=list, description="Fields to group rows by."
    )
    scheduler_options: ReportSchedulerOptionsInput | None = strawberry.field(
        default=None, description="When it runs again (none: once, at once)."
    )
    recipients: list[ReportRecipientInput] = strawberry.field(
        default_factory=list, description="Who receives it (none: the requesting user)."
    )


@strawberry.input(description="Changes to a scheduled report; fields left out stay.")
class UpdateScheduledReportInput:
    format: ReportFormat | None = strawberry.field(default=strawberry.UNSET, description="Format.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    filters_set: list[ReportFilterInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of filters."
    )
    columns_set: list[ReportColumnInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of columns."
    )
    group_by_set: list[ReportColumnInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new grouping."
    )
    scheduler_options: ReportSchedulerOptionsInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="The new schedule (restarts it; null: run once more, at once).",
    )
    recipients: list[ReportRecipientInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of recipients."
    )


@strawberry.input(description="Which scheduled reports to return: those matching every field.")
class ScheduledReportFilter:
    name: str | None = strawberry.field(
        default=None, description="Text the report name contains (ignoring case)."
    )
    type: str | None = strawberry.field(
        default=None, description="The report's unique name (contacts_summary...)."
    )

    def search(self) -> ScheduledReportSearch:
        """The repository search this filter asks for."""
        return ScheduledReportSearch(name=self.name, type=self.type)


@strawberry.type
class Query:
    @strawberry.field(
        description="The reports that can be previewed, run and scheduled.",
        extensions=needs(Permission.REPORTS_READ),
    )
    def report_types(self) -> list[ReportType]:
        return [ReportType.of(report) for report in REPORT_TYPES.values()]

    @strawberry.field(
        description="Runs a report in preview mode: at most 10 rows of its results.",
        extensions=needs(Permission.REPORTS_READ),
    )
    async def report_preview(
        self, info: Info, name: ReportNameArgument, input: PreviewReportInput | None = None
    ) -> ReportPreview:
        command = to_command(input or PreviewReportInput(), PreviewReport)
        return ReportPreview.of(await resolve.report_preview(info, name, command))

    @strawberry.field(
        description="Retrieve all scheduled reports.",
        extensions=needs(Permission.REPORTS_READ),
    )
    async def scheduled_reports(
        self,
        info: Info,
        filter_by: Annotated[
            ScheduledReportFilter | None,
            strawberry.argument(name="filter", description="Only reports matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ReportSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[ScheduledReport]:
        search = (filter_by or ScheduledReportFilter()).search()
        result = await resolve.scheduled_reports(
            info, page_request(page, size, sort, order), search
        )
        return to_page(result, ScheduledReport.of)

    @strawberry.field(
        description="Get details for a specific (scheduled) report.",
        extensions=needs(Permission.REPORTS_READ),
    )
    async def scheduled_report(self, info: Info, id: ReportIdArgument) -> ScheduledReport:
        return ScheduledReport.of(await resolve.scheduled_report(info, id))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Run a report and send its results by e-mail, once or on a schedule.",
        extensions=needs(Permission.REPORTS_WRITE),
    )
    async def run_report(
        self, info: Info, name: ReportNameArgument, input: RunReportInput | None = None
    ) -> ScheduledReport:
        command = to_command(input or RunReportInput(), RunReport)
        return ScheduledReport.of(await resolve.run_report(info, name, command))

    @strawberry.mutation(
        description="Update a scheduled report; fields left out stay as they are.",
        extensions=needs(Permission.REPORTS_WRITE),
    )
    async def update_scheduled_report(
        self, info: Info, id: ReportIdArgument, input: UpdateScheduledReportInput
    ) -> ScheduledReport:
        command = to_command(input, UpdateScheduledReport)
        return ScheduledReport.of(await resolve.update_scheduled_report(info, id, command))

    @strawberry.mutation(
        description="Delete a scheduled report.",
        extensions=needs(Permission.REPORTS_WRITE),
    )
    async def delete_scheduled_report(self, info: Info, id: ReportIdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_scheduled_report(info, id)))
