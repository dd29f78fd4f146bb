"""Whether an event's data passes an action's filters (spec: ``action_filters[].filters[]``).

``action_filters`` is a list of groups: the event passes when every filter of some group holds
(a group is "all of", the list "any of"; no groups: always passes). A filter names an
``attribute`` of the event's ``data`` (case-insensitive; ``a.b`` reads a nested value), a
``type`` and an ``operator``, and a ``value`` or a ``value_list`` (any of whose values may
match; NOT_EQUAL: none may). A missing attribute fails every operator but NOT_EQUAL.
"""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.automations.codes import FilterOperator, FilterType


def _lookup(data: dict[str, Any], attribute: str) -> Any:
    value: Any = data
    for part in attribute.split("."):
        if not isinstance(value, dict):
            return None
        lowered = {str(key).lower(): item for key, item in value.items()}
        value = lowered.get(part.lower())
    return value


def _typed(value: Any, kind: str) -> Any:
    """``value`` as its filter type, or ``None`` if it is not one."""
    if value is None:
        return None
    try:
        if kind in (FilterType.NUMBER, FilterType.INTEGER):
            return Decimal(str(value))
        if kind == FilterType.DATE:
            if isinstance(value, int | float | Decimal) or str(value).isdigit():
                return Decimal(str(value))
            parsed = datetime.fromisoformat(str(value))
            parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
            return Decimal(int(parsed.timestamp()))
        if kind == FilterType.BOOLEAN:
            return str(value).lower() in ("true", "1")
    except (InvalidOperation, ValueError):
        return None
    return str(value).lower()


def _holds(actual: Any, operator: str, wanted: Any) -> bool:
    if actual is None or wanted is None:
        return False
    if operator == FilterOperator.EQUAL:
        return bool(actual == wanted)
    if operator == FilterOperator.CONTAINS:
        return str(wanted) in str(actual)
    try:
        if operator == FilterOperator.GREATER:
            return bool(actual > wanted)
        if operator == FilterOperator.GREATER_EQUAL:
            return bool(actual >= wanted)
        if operator == FilterOperator.LESS:
            return bool(actual < wanted)
        if operator == FilterOperator.EQUAL_LESS:
            return bool(actual <= wanted)
    except TypeError:
        return False
    return False


def filter_values(item: dict[str, Any]) -> list[Any]:
    """The values a filter compares with: ``value`` if given, else its non-blank
    ``value_list`` entries."""
    value = item.get("value")
    if value is not None and str(value) != "":
        return [value]
    return [entry for entry in item.get("value_list") or [] if str(entry) != ""]


def filter_holds(item: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether one filter holds for ``data``."""
    kind = item.get("type") or FilterType.STRING
    actual = _typed(_lookup(data, str(item.get("attribute") or "")), kind)
    wanted = [_typed(value, kind) for value in filter_values(item)]
    operator = item.get("operator") or FilterOperator.EQUAL
    if operator == FilterOperator.NOT_EQUAL:
        return not any(_holds(actual, FilterOperator.EQUAL, value) for value in wanted)
    return any(_holds(actual, operator, value) for value in wanted)


def passes(groups: list[dict[str, Any]], data: dict[str, Any]) -> bool:
    """Whether ``data`` passes an action's filter groups (see the module's docstring)."""
    real = [group for group in groups if group.get("filters")]
    if not real:
        return True
    return any(all(filter_holds(item, data) for item in group["filters"]) for group in real)
