"""JSON encodings of results: the REST door's numbers and epochs, GraphQL's strings and ISO."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from app.compiled.plan import MoneyFormat, TimeFormat, ValueFormat
from app.money import JsonNumber
from schema.scalars import canonical_decimal

# How compiled reads write the values of each encoding below.
REST_VALUES = ValueFormat(money=MoneyFormat.NUMBER, times=TimeFormat.EPOCH)
GRAPHQL_VALUES = ValueFormat(money=MoneyFormat.TEXT, times=TimeFormat.ISO)


def _money_number(value: Decimal) -> orjson.Fragment:
    """A JSON number written from the decimal's digits (never through float): ``9.99``, ``200``."""
    if not value.is_finite():
        raise TypeError(f"cannot encode {value} as a JSON number")
    return orjson.Fragment(format(canonical_decimal(value), "f"))


def _rest_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _money_number(value)
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, JsonNumber):
        return orjson.Fragment(value.text)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _graphql_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, JsonNumber):
        return orjson.Fragment(value.text)
    raise TypeError(f"cannot encode {type(value).__name__}")


def rest_json(data: Any) -> bytes:
    """REST JSON: money as exact numbers (canonical digits, no trailing zeros) and times as
    epoch seconds, as the spec shows them."""
    return orjson.dumps(data, default=_rest_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def graphql_json(data: Any) -> bytes:
    """GraphQL JSON: money as exact decimal strings and times as ISO 8601."""
    return orjson.dumps(data, default=_graphql_default)
