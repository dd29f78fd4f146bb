"""Commands of the reports domain (spec: Reports): previews, runs and scheduled reports.

Keys of filters, columns and groupings are checked against the report type by the service
(``app.reports.rows.build_definition``); a ``frequency`` is checked by ``app.reports.cron``.
"""

from pydantic import field_validator

from app.commands import Command, refuse
from app.reports.catalogue import ColumnType
from app.reports.enums import RecipientType, ReportFormat, SchedulePeriod


class FilterSetting(Command):
    """A filter of a report: its key, the value as the user gave it, an optional label and
    data type (kept as given)."""

    key: str
    value: str
    label: str | None = None
    type: ColumnType | None = None


class ColumnSetting(Command):
    """A column (or grouping field) of a report: its key, with an optional position
    (``order``), label and data type (kept as given)."""

    key: str
    order: int | None = None
    label: str | None = None
    type: ColumnType | None = None


class SchedulerOptions(Command):
    """When a report runs again: a Quartz cron ``frequency`` and/or a ``period``."""

    period: SchedulePeriod | None = None
    frequency: str | None = None


class Recipient(Command):
    """A user, or a team (all its members), receiving a report."""

    recipient_type: RecipientType
    recipient_id: str

    @field_validator("recipient_id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not value.strip() or len(value) > 36:
            raise refuse("must be an identifier of at most 36 characters")
        return value.strip()


class PreviewReport(Command):
    """A preview: filters and columns (at most 10 rows are answered)."""

    filters_set: list[FilterSetting] = []
    columns_set: list[ColumnSetting] = []
    group_by_set: list[ColumnSetting] = []


class RunReport(PreviewReport):
    """A report to deliver once (no ``scheduler_options``) or on a schedule, to
    ``recipients`` (none: the requesting user)."""

    format: ReportFormat = ReportFormat.CSV
    name: str | None = None
    scheduler_options: SchedulerOptions | None = None
    recipients: list[Recipient] = []

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise refuse("may not be blank")
        return value


class UpdateScheduledReport(Command):
    """Changes to a scheduled report: fields left out stay; lists replace theirs; a null
    ``scheduler_options`` makes it run once more, at once."""

    format: ReportFormat | None = None
    name: str | None = None
    filters_set: list[FilterSetting] | None = None
    columns_set: list[ColumnSetting] | None = None
    group_by_set: list[ColumnSetting] | None = None
    scheduler_options: SchedulerOptions | None = None
    recipients: list[Recipient] | None = None
