"""JSON encodings of results: the REST door's numbers and epochs, GraphQL's strings and ISO."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from app.compiled.plan import MoneyFormat, TimeFormat, ValueFormat

# How compiled reads write the values of each encoding below.
REST_VALUES = ValueFormat(money=MoneyFormat.NUMBER, times=TimeFormat.EPOCH)
GRAPHQL_VALUES = ValueFormat(money=MoneyFormat.TEXT, times=TimeFormat.ISO)


def _rest_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return int(value.timestamp())
    raise TypeError(f"cannot encode {type(value).__name__}")


def _graphql_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


def rest_json(data: Any) -> bytes:
    """REST JSON: money as numbers and times as epoch seconds, as the spec shows them."""
    return orjson.dumps(data, default=_rest_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def graphql_json(data: Any) -> bytes:
    """GraphQL JSON: money as exact decimal strings and times as ISO 8601."""
    return orjson.dumps(data, default=_graphql_default)
