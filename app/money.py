"""Money's one rule: exact decimals, four decimal places, a magnitude below 10^14.

Every money field (amounts, balances, credit limits, minimum balances, limit amounts,
thresholds) is a ``Decimal`` in the currency's major unit. The rule is what both databases hold
exactly: PostgreSQL's ``NUMERIC(20, 4)`` and SQLite's scaled integer of 1/10,000 units (below
10^18, so a signed 64-bit integer with room for sums). Inputs are checked here, at the edge,
so that an amount is refused with a 400 naming its field before anything is written, the same
on both databases. JSON bodies are read with their numbers' text kept (:class:`JsonNumber`),
so that money is taken from the digits the caller sent, never through a float.
"""

import json
import re
from decimal import Decimal
from typing import Any

import orjson

MONEY_SCALE = 4
"""Decimal places a money amount may have."""

MONEY_LIMIT = Decimal(10) ** 14
"""Every money amount is strictly between ``-MONEY_LIMIT`` and ``MONEY_LIMIT``."""

MAX_MONEY = MONEY_LIMIT - Decimal(1).scaleb(-MONEY_SCALE)
"""The largest money amount: ``99999999999999.9999``."""

MONEY_RULE = (
    f"at most 14 digits before the decimal point and {MONEY_SCALE} after, so from "
    f"-{MAX_MONEY} to {MAX_MONEY}"
)
"""The rule in words, for error messages and the Money scalar's description."""

_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_MAX_INT_DIGITS = 4000


class JsonNumber(float):
    """A JSON number with a fraction or an exponent, as read from a request body.

    It is a ``float`` wherever the schema asks for one (``Float``, ``Int`` of ``10.0``), and
    keeps the number's text so that money is read exactly: ``Decimal(number.text)``.
    """

    __slots__ = ("text",)

    text: str

    def __new__(cls, text: str) -> "JsonNumber":
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __repr__(self) -> str:
        return self.text

    def exact(self) -> Decimal:
        """The number as written, as an exact decimal."""
        return Decimal(self.text)


def parse_money(value: Any) -> Decimal:
    """An exact money amount from a plain decimal string, an integer or an exact ``Decimal``.

    Strings must be plain ASCII decimal literals (``-?digits(.digits)?``): no exponent, sign
    ``+``, separators, whitespace or non-ASCII digits. A ``Decimal`` (a JSON number read from
    its text) and a :class:`JsonNumber` may use JSON's exponent form if the amount is exact.
    Plain floats (their digits are already lost), booleans, NaN and infinities are refused.
    Raises ``ValueError`` (with a message for the caller) when the value is not such an amount
    or breaks :data:`MONEY_RULE`.
    """
    if isinstance(value, str):
        if not _PLAIN_DECIMAL.fullmatch(value):
            raise ValueError(f"must be a plain decimal number such as 1234.56, got {value!r}")
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, JsonNumber):
        amount = value.exact()
    elif isinstance(value, int) and not isinstance(value, bool):
        amount = Decimal(value)
    else:
        raise ValueError(
            f"must be a decimal number (a JSON number or a decimal string), got {value!r}"
        )
    return check_money(amount)


def check_money(amount: Decimal) -> Decimal:
    """``amount`` if it follows :data:`MONEY_RULE` (a negative zero becomes zero).

    Raises ``ValueError`` for NaN, infinities, more than four decimal places or a magnitude of
    10^14 or more; results of arithmetic (a balance after a credit) are checked here too.
    """
    if not amount.is_finite():
        raise ValueError("must be a finite number")
    if abs(amount) >= MONEY_LIMIT:
        raise ValueError(f"is out of range: money has {MONEY_RULE}")
    if amount != amount.quantize(_QUANTUM):
        raise ValueError(f"has at most {MONEY_SCALE} decimal places")
    return amount + 0 if amount.is_zero() else amount


def money_in_range(amount: Decimal) -> bool:
    """Whether ``amount`` (a result of arithmetic on valid amounts) is within the range."""
    return abs(amount) < MONEY_LIMIT


def _has_float(value: Any) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float):
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _refuse_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a JSON number", name, 0)


def _parse_int(text: str) -> int | JsonNumber:
    # Python refuses to convert integers of more than 4,300 digits; such a number keeps its
    # text (and is refused as an Int or as money by the type that reads it).
    return int(text) if len(text) <= _MAX_INT_DIGITS else JsonNumber(text)


def _loads_decimal(raw: str | bytes) -> Any:
    try:
        return json.loads(
            raw, parse_float=JsonNumber, parse_int=_parse_int, parse_constant=_refuse_constant
        )
    except RecursionError:
        raise json.JSONDecodeError("the document is nested too deeply", "", 0) from None


def loads_exact(raw: str | bytes) -> Any:
    """A JSON document with its numbers exact: integers as ``int``, others as :class:`JsonNumber`.

    orjson parses first (fast, strict); only a document in which it found a number with a
    fraction or an exponent, or an integer beyond 64 bits, is read again keeping each number's
    text. Raises ``json.JSONDecodeError`` on invalid JSON, including ``NaN`` and ``Infinity``.
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        # orjson refuses numbers beyond a double's range (1e400); the exact parser takes them.
        try:
            return _loads_decimal(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            pass
        raise
    return _loads_decimal(raw) if _has_float(value) else value
