"""Enumerations of the reports domain (spec: Reports)."""

from enum import StrEnum


class ReportFormat(StrEnum):
    """The format a report is delivered in (spec: ``format``)."""

    CSV = "CSV"
    PDF = "PDF"


class RecipientType(StrEnum):
    """Who receives a report (spec: ``recipients[].recipient_type``): a user, or every member
    of a team."""

    USER = "USER"
    TEAM = "TEAM"


class SchedulePeriod(StrEnum):
    """The period a scheduled report covers (spec: ``scheduler_options.period``); without a
    ``frequency`` it also says when it runs: every day, Monday, first of the month or of the
    year, at 00:00 UTC."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"


DEFAULT_FREQUENCY = {
    SchedulePeriod.DAILY: "0 0 0 * * ?",
    SchedulePeriod.WEEKLY: "0 0 0 ? * MON",
    SchedulePeriod.MONTHLY: "0 0 0 1 * ?",
    SchedulePeriod.YEARLY: "0 0 0 1 1 ?",
}
"""The Quartz expression a period without a ``frequency`` runs at."""
