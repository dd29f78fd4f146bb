"""Currencies: how many decimals an amount in a currency may have (ISO 4217 minor units).

The data is the ``iso4217`` package's copy of the ISO 4217 tables (EUR 2, JPY 0, BHD 3, CLF 4).
A currency the tables give no minor unit (gold ``XAU``, testing ``XTS``) or do not know keeps
only the money rule of :mod:`app.money` (at most 4 decimals).
"""

from decimal import Decimal
from functools import cache

from iso4217 import Currency

from app.errors import InvalidInput
from app.money import MONEY_SCALE

__all__ = ["check_minor_units", "decimals_of", "minor_units"]


@cache
def minor_units(currency_code: str) -> int:
    """The most decimals an amount in ``currency_code`` may have: its ISO 4217 minor unit, at
    most the money rule's scale (4); the money rule's scale for a code without one."""
    try:
        exponent = Currency(currency_code.upper()).exponent
    except ValueError:
        return MONEY_SCALE
    return MONEY_SCALE if exponent is None else min(exponent, MONEY_SCALE)


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
