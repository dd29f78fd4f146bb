"""Currencies: how many decimals an amount in a currency may have (ISO 4217 minor units).

The data is the ``iso4217`` package's copy of the ISO 4217 tables (EUR 2, JPY 0, BHD 3, CLF 4).
A currency the tables give no minor unit (gold ``XAU``, testing ``XTS``) or do not know keeps
only the money rule of :mod:`app.money` (at most 4 decimals).
"""

from decimal import Decimal
from functools import cache
from typing import Any

from iso4217 import Currency
from pydantic import BaseModel

from app.errors import InvalidInput
from app.money import MONEY_SCALE

__all__ = [
    "check_amounts",
    "check_minor_units",
    "currencies_refusing",
    "decimals_of",
    "minor_units",
    "most_decimals",
]


@cache
def minor_units(currency_code: str) -> int:
    """The most decimals an amount in ``currency_code`` may have: its ISO 4217 minor unit, at
    most the money rule's scale (4); the money rule's scale for a code without one."""
    try:
        exponent = Currency(currency_code.upper()).exponent
    except ValueError:
        return MONEY_SCALE
    return MONEY_SCALE if exponent is None else min(exponent, MONEY_SCALE)


@cache
def currencies_refusing(decimals: int) -> tuple[str, ...]:
    """The ISO 4217 codes in which an amount with ``decimals`` decimals is refused (their
    :func:`minor_units` are fewer), sorted: the rule of :func:`check_minor_units` as a list a
    statement can test a row's currency against (2 decimals: ``JPY``, ``KRW``, ...)."""
    return tuple(
        sorted(currency.code for currency in Currency if minor_units(currency.code) < decimals)
    )


def decimals_of(amount: Decimal) -> int:
    """How many decimals ``amount`` has once trailing zeros go (``10.50`` has 1, ``10`` 0)."""
    exponent = amount.normalize().as_tuple().exponent
    assert isinstance(exponent, int), amount  # money is finite (app.money)
    return max(-exponent, 0)


def check_minor_units(amount: Decimal, currency_code: str, field: str) -> None:
    """Refuse an amount with more decimals than its currency has (400 ``InvalidInput`` naming
    ``field``: EUR ``0.001`` is refused, ``0.10`` is fine)."""
    allowed = minor_units(currency_code)
    if decimals_of(amount) > allowed:
        raise InvalidInput(
            field,
            f"{currency_code.upper()} amounts have at most {allowed} decimal"
            f"{'' if allowed == 1 else 's'}",
        )


def _amounts(value: Any, path: str) -> list[tuple[str, Decimal]]:
    """Every ``Decimal`` inside a command value, with its field path (``limit_rules[0].x``)."""
    if isinstance(value, Decimal):
        return [(path, value)]
    if isinstance(value, BaseModel):
        found: list[tuple[str, Decimal]] = []
        for name in type(value).model_fields:
            found += _amounts(getattr(value, name), f"{path}.{name}" if path else name)
        return found
    if isinstance(value, list | tuple):
        return [pair for i, item in enumerate(value) for pair in _amounts(item, f"{path}[{i}]")]
    return []


def most_decimals(command: BaseModel) -> int:
    """The most decimals any amount of ``command`` has (see :func:`check_amounts`); 0 without
    amounts."""
    return max((decimals_of(amount) for _, amount in _amounts(command, "")), default=0)


def check_amounts(command: BaseModel, currency_code: str) -> None:
    """Refuse a command any of whose amounts (its ``Decimal`` fields, nested ones included:
    commands hold money and nothing else as ``Decimal``) has more decimals than
    ``currency_code``; the 400 names the first such field by its path."""
    for path, amount in _amounts(command, ""):
        check_minor_units(amount, currency_code, path)
