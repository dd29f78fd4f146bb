"""The report types a caller may preview, run and schedule, each with its columns and filters.

A report type names its rows' source (a statement over the caller's visible rows), its columns
(SQL expressions, so rows are computed in the database) and the filters it understands. Column
keys the spec's examples use for ``contacts_summary`` (``product_code`` labelled "Code",
``product_type`` labelled "Type") are accepted as aliases of ``code`` and ``contact_type``.

Filters take the spec's relative periods (``THIS_MONTH``, also written "This month"), or a
date: epoch seconds or ``YYYY-MM-DD`` (UTC). ``period_from`` / ``period_to`` bound the report's
date (a contact's registration, a journal's date); a relative period given to ``period_from``
bounds both ends, so ``{"key": "period_from", "value": "THIS_MONTH"}`` means this month.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, func, literal, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from app.auth.principal import Principal
from app.contacts.repository import CONTACTS
from app.db.base import Money
from app.db.models import Contact, Journal, Wallet
from app.errors import InvalidInput, NotFound
from app.wallets.repository import JOURNALS


class ColumnType(StrEnum):
    """The data type of a report column or filter (the spec's TEXT, INTEGER, DATE; DECIMAL
    for amounts)."""

    TEXT = "TEXT"
    INTEGER = "INTEGER"
    DATE = "DATE"
    DECIMAL = "DECIMAL"


class RelativePeriod(StrEnum):
    """Periods a date filter may name instead of a date, relative to the run (UTC)."""

    TODAY = "TODAY"
    YESTERDAY = "YESTERDAY"
    THIS_WEEK = "THIS_WEEK"
    LAST_WEEK = "LAST_WEEK"
    THIS_MONTH = "THIS_MONTH"
    LAST_MONTH = "LAST_MONTH"
    THIS_YEAR = "THIS_YEAR"
    LAST_YEAR = "LAST_YEAR"


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def period_bounds(period: RelativePeriod, now: datetime) -> tuple[datetime, datetime]:
    """The ``[start, end)`` of a relative period around ``now`` (UTC midnights)."""
    today = now.astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday())
    spans: dict[RelativePeriod, tuple[date, date]] = {
        RelativePeriod.TODAY: (today, today + timedelta(days=1)),
        RelativePeriod.YESTERDAY: (today - timedelta(days=1), today),
        RelativePeriod.THIS_WEEK: (monday, monday + timedelta(days=7)),
        RelativePeriod.LAST_WEEK: (monday - timedelta(days=7), monday),
        RelativePeriod.THIS_MONTH: (_month_start(today), _next_month(today)),
        RelativePeriod.LAST_MONTH: (
            _month_start(_month_start(today) - timedelta(days=1)),
            _month_start(today),
        ),
        RelativePeriod.THIS_YEAR: (date(today.year, 1, 1), date(today.year + 1, 1, 1)),
        RelativePeriod.LAST_YEAR: (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
    }
    start, end = spans[period]
    return (
        datetime(start.year, start.month, start.day, tzinfo=UTC),
        datetime(end.year, end.month, end.day, tzinfo=UTC),
    )


@dataclass(frozen=True)
class ReportColumn:
    """A column a report can show: its key, default label, type and SQL expression."""

    key: str
    label: str
    type: ColumnType
    expression: Callable[[], Any]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportFilter:
    """A filter a report understands: ``apply(stmt, value, now)`` narrows the statement;
    ``field`` names the request field for errors."""

    key: str
    label: str
    type: ColumnType
    apply: Callable[[Select[Any], str, datetime, str], Select[Any]]


@dataclass(frozen=True)
class ReportType:
    """A kind of report: its unique name, title, source rows, columns and filters.

    ``source(principal)`` selects from the caller's visible rows; ``grouped`` reports
    aggregate (their columns are aggregates over ``group_keys``).
    """

    name: str
    title: str
    description: str
    source: Callable[[Principal], Select[Any]]
    columns: tuple[ReportColumn, ...]
    filters: tuple[ReportFilter, ...]
    default_order: Callable[[], list[Any]]
    group_keys: Callable[[], list[Any]] = field(default=lambda: [])

    def column(self, key: str) -> ReportColumn | None:
        """The column of ``key`` (or one of its aliases)."""
        for column in self.columns:
            if key == column.key or key in column.aliases:
                return column
        return None

    def filter(self, key: str) -> ReportFilter | None:
        """The filter of ``key``."""
        return next((f for f in self.filters if f.key == key), None)


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_moment(value: str, field: str) -> datetime:
    """Epoch seconds or ``YYYY-MM-DD`` (UTC) as a time; ``InvalidInput`` naming ``field``."""
    text = value.strip()
    if text.lstrip("-").isdigit():
        try:
            return datetime.fromtimestamp(int(text), UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidInput(field, f"{value!r} is not a time") from None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            field,
            f"{value!r} is not a period ({', '.join(RelativePeriod)}), epoch seconds or a date "
            "YYYY-MM-DD",
        ) from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def relative_period(value: str) -> RelativePeriod | None:
    """``THIS_MONTH`` (or the display text "This month") as a period; None for other text."""
    normalised = "_".join(value.strip().upper().split())
    try:
        return RelativePeriod(normalised)
    except ValueError:
        return None


def date_filters(date_column: Callable[[], Any], label: str) -> tuple[ReportFilter, ...]:
    """``period_from`` and ``period_to`` over ``date_column``."""

    def from_(stmt: Select[Any], value: str, now: datetime, field: str) -> Select[Any]:
        period = relative_period(value)
        if period is not None:
            start, end = period_bounds(period, now)
            return stmt.where(date_column() >= start, date_column() < end)
        return stmt.where(date_column() >= parse_moment(value, field))

    def to(stmt: Select[Any], value: str, now: datetime, field: str) -> Select[Any]:
        period = relative_period(value)
        if period is not None:
            return stmt.where(date_column() < period_bounds(period, now)[1])
        moment = parse_moment(value, field)
        if _DAY.match(value.strip()):  # a whole day: up to its end
            moment += timedelta(days=1)
            return stmt.where(date_column() < moment)
        return stmt.where(date_column() <= moment)

    return (
        ReportFilter("period_from", f"{label} from", ColumnType.DATE, from_),
        ReportFilter("period_to", f"{label} to", ColumnType.DATE, to),
    )


def equals_filter(key: str, label: str, column: Callable[[], Any], upper: bool) -> ReportFilter:
    """A filter keeping rows whose ``column`` equals the value (upper-cased if ``upper``)."""

    def apply(stmt: Select[Any], value: str, _now: datetime, _field: str) -> Select[Any]:
        return stmt.where(column() == (value.strip().upper() if upper else value.strip()))

    return ReportFilter(key, label, ColumnType.TEXT, apply)


def _contact_name() -> ColumnElement[Any]:
    person = func.trim(
        func.coalesce(Contact.first_name, "") + literal(" ") + func.coalesce(Contact.last_name, "")
    )
    return case(
        (
            (Contact.contact_type == "COMPANY") & Contact.company_name.is_not(None),
            Contact.company_name,
        ),
        else_=person,
    )


CONTACTS_SUMMARY = ReportType(
    name="contacts_summary",
    title="Contacts Summary",
    description="The contacts of the caller's network with their registration date.",
    source=lambda principal: CONTACTS.scoped(select(), principal).select_from(Contact),
    columns=(
        ReportColumn("code", "Code", ColumnType.TEXT, lambda: Contact.code, ("product_code",)),
        ReportColumn("name", "Name", ColumnType.TEXT, _contact_name),
        ReportColumn(
            "contact_type", "Type", ColumnType.TEXT, lambda: Contact.contact_type, ("product_type",)
        ),
        ReportColumn("first_name", "First name", ColumnType.TEXT, lambda: Contact.first_name),
        ReportColumn("last_name", "Last name", ColumnType.TEXT, lambda: Contact.last_name),
        ReportColumn("company_name", "Company", ColumnType.TEXT, lambda: Contact.company_name),
        ReportColumn("email_address", "E-mail", ColumnType.TEXT, lambda: Contact.email_address),
        ReportColumn(
            "registration_date", "Registration date", ColumnType.DATE, lambda: Contact.created_on
        ),
        ReportColumn("id", "ID", ColumnType.TEXT, lambda: Contact.id),
    ),
    filters=(
        *date_filters(lambda: Contact.created_on, "Registration date"),
        equals_filter("contact_type", "Type", lambda: Contact.contact_type, upper=True),
    ),
    default_order=lambda: [Contact.created_on, Contact.id],
)


def _signed(kind: str) -> ColumnElement[Any]:
    return type_coerce(
        func.sum(case((Journal.type == kind, Journal.amount), else_=literal(0, Money()))),
        Money(),
    )


JOURNALS_SUMMARY = ReportType(
    name="journals_summary",
    title="Journals Summary",
    description="Credits, debits and net movement per wallet and currency over a period "
    "(by the journals' dates).",
    source=lambda principal: (
        JOURNALS.scoped(select(), principal)
        .select_from(Journal)
        .join(Wallet, Wallet.id == Journal.wallet_id)
    ),
    columns=(
        ReportColumn("wallet_code", "Wallet", ColumnType.TEXT, lambda: Wallet.code),
        ReportColumn("currency_code", "Currency", ColumnType.TEXT, lambda: Journal.currency_code),
        ReportColumn("credits", "Credits", ColumnType.DECIMAL, lambda: _signed("CREDIT")),
        ReportColumn("debits", "Debits", ColumnType.DECIMAL, lambda: _signed("DEBIT")),
        ReportColumn(
            "net",
            "Net",
            ColumnType.DECIMAL,
            lambda: type_coerce(_signed("CREDIT") - _signed("DEBIT"), Money()),
        ),
        ReportColumn("journals", "Journals", ColumnType.INTEGER, lambda: func.count(Journal.id)),
        ReportColumn("wallet_id", "Wallet ID", ColumnType.TEXT, lambda: Wallet.id),
    ),
    filters=(
        *date_filters(lambda: Journal.created_on, "Journal date"),
        equals_filter("currency_code", "Currency", lambda: Journal.currency_code, upper=True),
        equals_filter("wallet_code", "Wallet", lambda: Wallet.code, upper=False),
    ),
    default_order=lambda: [Wallet.code, Journal.currency_code],
    group_keys=lambda: [Wallet.id, Wallet.code, Journal.currency_code],
)

REPORT_TYPES: dict[str, ReportType] = {
    report.name: report for report in (CONTACTS_SUMMARY, JOURNALS_SUMMARY)
}
DEFAULT_COLUMNS = 10
"""Columns a report shows when the request names none (the spec: "up to 10 by default")."""


def report_type(name: str) -> ReportType:
    """The report type of a unique name (404 naming the report otherwise)."""
    found = REPORT_TYPES.get(name)
    if found is None:
        raise NotFound("report", name)
    return found
