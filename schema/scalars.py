"""Custom scalars: exact money and timestamps that accept ISO 8601 or epoch seconds."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import strawberry
from graphql import (
    FloatValueNode,
    GraphQLError,
    IntValueNode,
    StringValueNode,
    ValueNode,
    print_ast,
)
from strawberry.types.scalar import ScalarDefinition

from app.money import MONEY_RULE, parse_money


def canonical_decimal(value: Decimal) -> Decimal:
    """``value`` without trailing zeros and without an exponent (``9.9900`` -> ``9.99``)."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return normalized.quantize(Decimal(1))
    return normalized


def parse_money_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Decimal:
    """A money amount written in the document: a number or string literal, read from its text.

    Raises ``GraphQLError`` (a validation error the caller sees) when it breaks the money rule.
    """
    try:
        if isinstance(node, IntValueNode | FloatValueNode):
            # A literal number is read from its text (never through float), as JSON numbers are.
            return parse_money(Decimal(node.value))
        if isinstance(node, StringValueNode):
            return parse_money(node.value)
        raise ValueError("must be a number or a decimal string")
    except ValueError as exc:
        raise GraphQLError(f"Money {exc}; found: {print_ast(node)}.", node) from None


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
        "An exact decimal amount in the currency's major unit, with "
        f'{MONEY_RULE}. GraphQL responses carry it as a string ("9.99"), REST responses as '
        "a JSON number written from the exact decimal. Inputs accept a JSON number (read from "
        'its text, never through a float) or a plain decimal string ("-1234.56": ASCII digits, '
        "an optional minus sign and decimal point; no exponent, separators or spaces)."
    ),
    serialize=canonical_decimal,
    parse_value=parse_money,
    parse_literal=parse_money_literal,
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
