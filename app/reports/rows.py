"""A report definition checked against its type, and its rows computed in the database.

The request's ``filters_set``, ``columns_set`` and ``group_by_set`` are checked here once (a
400 naming ``columns_set[i].key`` and the like for a key the report does not have); rows are
selected by one SQL statement with the chosen columns' expressions, the filters' conditions,
the grouping's order (rows of one group together, groups in the order given) and, for a
preview, a limit.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.errors import InvalidInput
from app.money import MONEY_SCALE
from app.reports.catalogue import (
    DEFAULT_COLUMNS,
    ColumnType,
    ReportColumn,
    ReportFilter,
    ReportType,
    period_bounds,
    relative_period,
)

PREVIEW_ROWS = 10
MAX_ROWS = 10_000
"""Most rows a delivered report holds (its message says when there were more)."""


@dataclass(frozen=True)
class ChosenColumn:
    """A column of the report as asked for: the type's column with the caller's label."""

    column: ReportColumn
    label: str


@dataclass(frozen=True)
class ChosenFilter:
    """A filter with the caller's value; ``field`` is where the request gave it."""

    filter: ReportFilter
    value: str
    label: str
    field: str


@dataclass(frozen=True)
class ReportDefinition:
    """What to compute: a report type, its columns in order, filters and grouping."""

    report: ReportType
    columns: list[ChosenColumn]
    filters: list[ChosenFilter]
    group_by: list[ChosenColumn]

    def period_text(self, now: datetime) -> str:
        """The filters in words, for the delivered report's heading ("All" without any); a
        relative period shows its dates (``THIS_MONTH (2026-11-01 to 2026-11-30)``)."""
        parts = []
        for chosen in self.filters:
            text = f"{chosen.label}: {chosen.value}"
            period = relative_period(chosen.value)
            if period is not None:
                start, end = period_bounds(period, now)
                last = (end - timedelta(days=1)).date()
                text += f" ({start.date().isoformat()} to {last.isoformat()})"
            parts.append(text)
        return "; ".join(parts) or "All"


@dataclass(frozen=True)
class ReportResult:
    """Computed rows: column labels and types, the rows' values, whether rows were left out."""

    title: str
    period: str
    labels: list[str]
    types: list[ColumnType]
    rows: list[list[Any]]
    truncated: bool
    generated_on: datetime


def _ordered(items: Sequence[Mapping[str, Any]]) -> list[tuple[int, Mapping[str, Any]]]:
    """Items with their index in the request, sorted by their ``order`` (then as given)."""
    indexed = list(enumerate(items))
    return sorted(indexed, key=lambda pair: (pair[1].get("order") or 0, pair[0]))


def _column(report: ReportType, item: Mapping[str, Any], field: str) -> ChosenColumn:
    key = str(item.get("key") or "")
    column = report.column(key)
    if column is None:
        known = ", ".join(c.key for c in report.columns)
        raise InvalidInput(f"{field}.key", f"{report.name} has no column {key!r}; use {known}")
    return ChosenColumn(column, str(item.get("label") or column.label))


def build_definition(
    report: ReportType,
    filters_set: Sequence[Mapping[str, Any]],
    columns_set: Sequence[Mapping[str, Any]],
    group_by_set: Sequence[Mapping[str, Any]],
    now: datetime,
) -> ReportDefinition:
    """The checked definition (filter values tried at ``now``); ``InvalidInput`` naming the
    request field at fault."""
    filters: list[ChosenFilter] = []
    for index, item in enumerate(filters_set):
        field = f"filters_set[{index}]"
        key = str(item.get("key") or "")
        found = report.filter(key)
        if found is None:
            known = ", ".join(f.key for f in report.filters)
            raise InvalidInput(f"{field}.key", f"{report.name} has no filter {key!r}; use {known}")
        value = item.get("value")
        if value is None or not str(value).strip():
            raise InvalidInput(f"{field}.value", "is required")
        chosen = ChosenFilter(
            found, str(value), str(item.get("label") or found.label), f"{field}.value"
        )
        chosen.filter.apply(select(), chosen.value, now, chosen.field)  # a bad value: 400 now
        filters.append(chosen)
    columns = [
        _column(report, item, f"columns_set[{index}]") for index, item in _ordered(columns_set)
    ]
    if not columns:
        columns = [ChosenColumn(c, c.label) for c in report.columns[:DEFAULT_COLUMNS]]
    group_by = [
        _column(report, item, f"group_by_set[{index}]") for index, item in _ordered(group_by_set)
    ]
    return ReportDefinition(report, columns, filters, group_by)


async def compute_rows(
    session: AsyncSession,
    principal: Principal,
    definition: ReportDefinition,
    now: datetime,
    limit: int,
) -> ReportResult:
    """The report's rows for the caller's visible data, at most ``limit`` (one statement)."""
    report = definition.report
    stmt = report.source(principal).add_columns(
        *(
            chosen.column.expression().label(f"c{index}")
            for index, chosen in enumerate(definition.columns)
        )
    )
    for chosen in definition.filters:
        stmt = chosen.filter.apply(stmt, chosen.value, now, chosen.field)
    group_keys = report.group_keys()
    if group_keys:
        stmt = stmt.group_by(*group_keys)
    order = [chosen.column.expression() for chosen in definition.group_by]
    stmt = stmt.order_by(*order, *report.default_order()).limit(limit + 1)
    rows = [list(row) for row in (await session.execute(stmt)).all()]
    return ReportResult(
        title=report.title,
        period=definition.period_text(now),
        labels=[chosen.label for chosen in definition.columns],
        types=[chosen.column.type for chosen in definition.columns],
        rows=rows[:limit],
        truncated=len(rows) > limit,
        generated_on=now,
    )


def format_value(value: Any) -> str:
    """A value as report text: times in UTC (``2026-11-29 12:00:00 UTC``), amounts exact with
    at least two decimals, nothing for null."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, Decimal):
        exact = value.quantize(Decimal(1).scaleb(-MONEY_SCALE)).normalize()
        places = max(2, -exact.as_tuple().exponent)  # type: ignore[operator]
        return f"{value:.{min(places, MONEY_SCALE)}f}"
    return str(value)
