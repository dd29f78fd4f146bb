"""Custom scalars: exact money and timestamps that accept ISO 8601 or epoch seconds."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import strawberry
from strawberry.types.scalar import ScalarDefinition

MAX_MONEY_PLACES = 4


def canonical_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and without an exponent (``9.9900`` -> ``9.99``)."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return normalized.quantize(Decimal(1))
    return normalized


def parse_money(value: Any) -> Decimal:
    """A money amount from a JSON number or a decimal string; at most four decimal places."""
    if isinstance(value, bool):
        raise ValueError("Money must be a number, not a boolean")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"Money must be a decimal number, got {value!r}") from exc
    if not amount.is_finite():
        raise ValueError("Money must be a finite number")
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_MONEY_PLACES:
        raise ValueError(f"Money has at most {MAX_MONEY_PLACES} decimal places, got {value!r}")
    return amount


def parse_datetime(value: Any) -> datetime:
    """A UTC timestamp from epoch seconds (number or digits) or an ISO 8601 string."""
    if isinstance(value, bool):
        raise ValueError("DateTime must be epoch seconds or an ISO 8601 string")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return datetime.fromtimestamp(int(value), UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"DateTime must be epoch seconds or ISO 8601, got {value!r}") from exc
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    raise ValueError("DateTime must be epoch seconds or an ISO 8601 string")


MoneyScalar: ScalarDefinition = strawberry.scalar(
    name="Money",
    description=(
        'An exact decimal amount. GraphQL responses carry it as a string ("9.99"), REST '
        "responses as a JSON number; inputs accept either."
    ),
    serialize=canonical_decimal,
    parse_value=parse_money,
)

DateTimeScalar: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description=(
        "A point in time in UTC. GraphQL responses carry ISO 8601, REST responses epoch "
        "seconds; inputs accept either."
    ),
    serialize=lambda value: value,
    parse_value=parse_datetime,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {Decimal: MoneyScalar, datetime: DateTimeScalar}
