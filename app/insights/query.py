"""An insight's results computed in the database: one SQL statement per result.

For each event of the definition, the matching events (its type, its criteria, the filters,
the dates) are grouped by every breakdown level at once (``GROUP BY b1, b2, ...``) into a
common table ``fine``; the result's levels are then sums over ``fine`` (level 0, the EVENTS
level, by event; level 1 by event and first breakdown; ...), all in one ``UNION ALL``. Python
only links the rows into a tree (ids and parent ids) and orders siblings (most events first).

Rules:

- A criterion, filter or breakdown without a property name, and blank values of a value list,
  are left out (the spec's examples send empty form rows).
- IS: the property's text is one of the values; IS_NOT / NOT_EQUAL: it is none of them (a
  missing property counts); CONTAINS: its text contains one of the values ignoring case;
  DOES_NOT_CONTAIN: none of them (a missing property counts); BETWEEN: its number is at least
  ``min_value`` and at most ``max_value``.
- ``count`` is the number of events; ``amount`` the total of ``totals.property_name`` (the
  event's ``amount`` when that is blank or ``amount``), 0 when no event matched.
- A result row's ``id`` is stable: derived from the insight (or preview), the event and the
  breakdown values leading to it, so that ``parent_id`` links a level to the one above.
- On PostgreSQL, IS on an event JSON property is written as JSONB containment
  (``properties @> '{"venue": {"name": ...}}'``) so that the GIN index can serve it; like the
  path comparison of SQLite, it matches string values only.
"""

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Numeric,
    String,
    cast,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import JSONB

from app.auth.principal import Principal
from app.customer_events.source import event_source
from app.db.base import Money
from app.db.models import Contact
from app.errors import InvalidInput
from app.insights.commands import (
    InsightBreakdownSpec,
    InsightEventSpec,
    InsightFilterSpec,
    blank,
)
from app.insights.enums import Operator, PropertyType
from app.insights.properties import (
    EVENT_COLUMNS,
    event_number,
    event_text,
    first_addresses,
    is_address_property,
    property_text,
)
from app.search import contains_literal

_IDS = uuid.UUID("5c1b8e0a-3f4d-4e43-9c1f-6a1e2b7d9c10")
NUMBER = Numeric(28, 8)


@dataclass(frozen=True)
class Definition:
    """What an insight measures, over which dates (both ends included; ``None``: unbounded)."""

    events: Sequence[InsightEventSpec]
    filters: Sequence[InsightFilterSpec] = ()
    breakdowns: Sequence[InsightBreakdownSpec] = ()
    start_date: datetime | None = None
    end_date: datetime | None = None

    def active_breakdowns(self) -> list[tuple[int, InsightBreakdownSpec]]:
        """The breakdown levels that name a property, with their index in the definition."""
        return [(i, b) for i, b in enumerate(self.breakdowns) if not blank(b.property_name)]


@dataclass
class ResultRow:
    """One row of an insight's results (spec: ``content[].breakdown``), with its children."""

    id: str
    parent_id: str | None
    level: int
    event_name: str
    property_name: str | None
    property_value: str | None
    count: int
    amount: Decimal
    list_name: str | None = None
    children: list["ResultRow"] = field(default_factory=list)


def _values(values: Sequence[str]) -> list[str]:
    return [value for value in values if not blank(value)]


def _nested(path: str, value: str) -> dict[str, Any]:
    nested: Any = value
    for segment in reversed(path.split(".")):
        nested = {segment: nested}
    result: dict[str, Any] = nested
    return result


def _comparison(
    text: Any,
    number: Any,
    operator: str,
    values: Sequence[str],
    bounds: tuple[str | None, str | None],
) -> Any:
    """The condition of one criterion or filter (``None`` when it asks for nothing)."""
    values = _values(values)
    if operator == Operator.BETWEEN:
        low, high = (None if blank(b) else Decimal(str(b)) for b in bounds)
        parts = [
            *([type_coerce(number(), NUMBER) >= low] if low is not None else []),
            *([type_coerce(number(), NUMBER) <= high] if high is not None else []),
        ]
        return parts[0] if len(parts) == 1 else (parts[0] & parts[1]) if parts else None
    if not values:
        return None
    expr = text()
    if operator == Operator.IS:
        return expr.in_(values)
    if operator in (Operator.IS_NOT, Operator.NOT_EQUAL):
        return or_(expr.is_(None), expr.not_in(values))
    contains = or_(*(contains_literal(expr, value) for value in values))
    if operator == Operator.CONTAINS:
        return contains
    return or_(expr.is_(None), not_(contains))


def _event_condition(
    events: Any,
    name: str,
    operator: str,
    values: Sequence[str],
    bounds: tuple[str | None, str | None],
    dialect: str,
) -> Any:
    condition = _comparison(
        lambda: event_text(events, name),
        lambda: event_number(events, name, dialect),
        operator,
        values,
        bounds,
    )
    wanted = _values(values)
    if (
        condition is not None
        and dialect == "postgresql"
        and operator == Operator.IS
        and name not in EVENT_COLUMNS
    ):
        documents = [literal(_nested(name, value), JSONB) for value in wanted]
        contained = or_(
            *(events.c.properties.op("@>", return_type=Boolean)(document) for document in documents)
        )
        # Containment alone: equal to the path's text being one of the (string) values, and
        # the GIN index serves it; both together would make the planner's row estimate wrong.
        condition = contained
    return condition


@dataclass(frozen=True)
class _EventRows:
    """The rows one event of a definition counts: FROM, WHERE and the breakdown values."""

    events: Any
    from_: Any
    where: list[Any]
    breakdowns: list[Any]


def _event_rows(
    principal: Principal, definition: Definition, event: InsightEventSpec, dialect: str
) -> _EventRows:
    events = event_source(principal, [event.event_name])
    where: list[Any] = [events.c.type == event.event_name]
    if definition.start_date is not None:
        where.append(events.c.occurred_on >= definition.start_date)
    if definition.end_date is not None:
        where.append(events.c.occurred_on <= definition.end_date)
    for criterion in event.criteria:
        prop = criterion.property
        if blank(prop.property):
            continue
        assert prop.property is not None
        condition = _event_condition(
            events, prop.property, prop.operator, prop.value_list, (None, None), dialect
        )
        if condition is not None:
            where.append(condition)
    contact_names = [
        name
        for kind, name in (
            *((spec.type, spec.property_name) for spec in definition.filters),
            *((spec.type, spec.property_name) for spec in definition.breakdowns),
        )
        if kind == PropertyType.CONTACT and name is not None and not blank(name)
    ]
    needs_contact = bool(contact_names)
    addresses = first_addresses() if any(map(is_address_property, contact_names)) else None
    for index, spec in enumerate(definition.filters):
        if blank(spec.property_name):
            continue
        assert spec.property_name is not None
        field_name = f"filters[{index}].property_name"
        bounds = (spec.min_value, spec.max_value)
        if spec.type == PropertyType.EVENT:
            condition = _event_condition(
                events, spec.property_name, spec.operator, spec.value_list, bounds, dialect
            )
        else:
            name = spec.property_name
            if spec.operator == Operator.BETWEEN:
                raise InvalidInput(field_name, "BETWEEN applies to EVENT properties")
            condition = _comparison(
                lambda name=name, f=field_name: property_text(
                    PropertyType.CONTACT, events, name, f, addresses
                ),
                lambda: None,
                spec.operator,
                spec.value_list,
                bounds,
            )
        if condition is not None:
            where.append(condition)
    breakdowns = []
    for index, breakdown in definition.active_breakdowns():
        assert breakdown.property_name is not None
        field_name = f"breakdowns[{index}].property_name"
        breakdowns.append(
            property_text(breakdown.type, events, breakdown.property_name, field_name, addresses)
        )
    from_ = events.join(Contact, Contact.id == events.c.contact_id) if needs_contact else events
    if addresses is not None:
        from_ = from_.outerjoin(addresses, addresses.c.contact_id == Contact.id)
    return _EventRows(events, from_, where, breakdowns)


def _totalled(event: InsightEventSpec, events: Any, dialect: str) -> tuple[Any, Any]:
    """The money and number columns an event totals (one of them ``NULL``)."""
    name = event.totals.property_name
    if blank(name) or name == "amount":
        return events.c.amount, cast(null(), NUMBER)
    assert name is not None
    return cast(null(), Money()), type_coerce(event_number(events, name, dialect), NUMBER)


def results_statement(principal: Principal, definition: Definition, dialect: str) -> Any:
    """The one statement of a definition's results: rows of ``(ev, level, b0.., n, money,
    number)``, ``ev`` the event's index, ``b<k>`` the breakdown values down to ``level``."""
    depth = len(definition.active_breakdowns())
    grouped = []
    for index, event in enumerate(definition.events):
        rows = _event_rows(principal, definition, event, dialect)
        money, number = _totalled(event, rows.events, dialect)
        keys = [cast(expr, String).label(f"b{k}") for k, expr in enumerate(rows.breakdowns)]
        inner = (
            select(*keys, money.label("money"), number.label("number"))
            .select_from(rows.from_)
            .where(*rows.where)
            .subquery(f"rows{index}")
        )
        columns = [inner.c[f"b{k}"] for k in range(depth)]
        grouped.append(
            select(
                literal(index).label("ev"),
                *columns,
                func.count().label("n"),
                func.sum(inner.c.money).label("money"),
                func.sum(inner.c.number).label("number"),
            )
            .select_from(inner)
            .group_by(*columns)
        )
    fine = (grouped[0] if len(grouped) == 1 else union_all(*grouped)).cte("fine")
    levels = []
    for level in range(depth + 1):
        known: list[Any] = [fine.c[f"b{k}"] for k in range(level)]
        missing: list[Any] = [cast(null(), String).label(f"b{k}") for k in range(level, depth)]
        levels.append(
            select(
                fine.c.ev,
                literal(level).label("level"),
                *known,
                *missing,
                func.sum(fine.c.n).label("n"),
                func.sum(fine.c.money).label("money"),
                func.sum(fine.c.number).label("number"),
            ).group_by(fine.c.ev, *known)
        )
    return levels[0] if len(levels) == 1 else union_all(*levels)


def _row_id(scope: str, index: int, values: Sequence[str | None]) -> str:
    return str(uuid.uuid5(_IDS, json.dumps([scope, index, *values])))


def _sort_key(row: ResultRow) -> tuple[int, str]:
    return (-row.count, row.property_value or "")


def result_tree(scope: str, definition: Definition, rows: Sequence[Any]) -> list[ResultRow]:
    """The level-0 rows (one per event, in the definition's order) with their children, from
    the rows of :func:`results_statement`; ``scope`` (the insight id, or ``preview``) makes
    the row ids."""
    breakdowns = [b for _, b in definition.active_breakdowns()]
    roots: dict[int, ResultRow] = {}
    nodes: dict[str, ResultRow] = {}
    ordered = sorted(rows, key=lambda r: (r.ev, r.level))
    for row in ordered:
        event = definition.events[row.ev]
        values = [getattr(row, f"b{k}") for k in range(row.level)]
        total = row.money if row.money is not None else row.number
        node = ResultRow(
            id=_row_id(scope, row.ev, values),
            parent_id=_row_id(scope, row.ev, values[:-1]) if row.level else None,
            level=row.level,
            event_name=event.event_name,
            property_name=breakdowns[row.level - 1].property_name if row.level else None,
            property_value=values[-1] if row.level else event.name,
            count=int(row.n),
            amount=Decimal(str(total)) if total is not None else Decimal(0),
        )
        nodes[node.id] = node
        if row.level == 0:
            roots[row.ev] = node
        elif node.parent_id in nodes:
            nodes[node.parent_id].children.append(node)
    for node in nodes.values():
        node.children.sort(key=_sort_key)
    result = []
    for index, event in enumerate(definition.events):
        result.append(
            roots.get(index)
            or ResultRow(
                id=_row_id(scope, index, []),
                parent_id=None,
                level=0,
                event_name=event.event_name,
                property_name=None,
                property_value=event.name,
                count=0,
                amount=Decimal(0),
            )
        )
    return result


def flatten(rows: Sequence[ResultRow]) -> list[ResultRow]:
    """The rows of a tree depth first: each row followed by its children."""
    flat: list[ResultRow] = []
    for row in rows:
        flat.append(row)
        flat.extend(flatten(row.children))
    return flat


def granular_statement(principal: Principal, definition: Definition, dialect: str) -> Any:
    """The events a definition counts, one row each (for the UGD export): the event's name in
    the definition, the event's columns, its breakdown values and properties."""
    selects = []
    depth = len(definition.active_breakdowns())
    for index, event in enumerate(definition.events):
        rows = _event_rows(principal, definition, event, dialect)
        columns = rows.events.c
        selects.append(
            select(
                literal(index).label("ev"),
                columns.id,
                columns.type,
                columns.occurred_on,
                columns.contact_id,
                columns.organisation_id,
                columns.amount,
                columns.currency_code,
                *[cast(expr, String).label(f"b{k}") for k, expr in enumerate(rows.breakdowns)],
                *[cast(null(), String).label(f"b{k}") for k in range(len(rows.breakdowns), depth)],
                columns.properties,
            )
            .select_from(rows.from_)
            .where(*rows.where)
        )
    if len(selects) == 1:
        only = selects[0]
        return only.order_by(only.selected_columns.occurred_on, only.selected_columns.id)
    return union_all(*selects).order_by("ev", "occurred_on", "id")
