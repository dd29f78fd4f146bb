"""JSON encodings of results: the REST door's numbers and epochs, GraphQL's strings and ISO."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from app.compiled.plan import MoneyFormat, TimeFormat, ValueFormat
from app.db.text_limits import storable_values
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
    return _dumps(data, _rest_default, orjson.OPT_PASSTHROUGH_DATETIME)


def graphql_json(data: Any) -> bytes:
    """GraphQL JSON: money as exact decimal strings and times as ISO 8601."""
    return _dumps(data, _graphql_default, None)


def _dumps(data: Any, default: Callable[[Any], Any], option: int | None) -> bytes:
    """``orjson.dumps``; a text holding a lone surrogate (JSON bodies may escape one, ``"\\ud800"``,
    and an answer may echo it: the id a 404 names) is written with U+FFFD in its place, as
    UTF-8 cannot hold it (:func:`app.db.text_limits.storable_values`, the database's rule)."""
    try:
        return orjson.dumps(data, default=default, option=option)
    except orjson.JSONEncodeError:
        return orjson.dumps(storable_values(data), default=default, option=option)
