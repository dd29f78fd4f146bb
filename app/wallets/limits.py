"""Wallet limit rules: how they are given and stored, and the check every journal passes.

A rule names one transaction type (DEBIT, CREDIT or TOPUP: a credit of the open balance, i.e.
one without a spend condition) and one calendar period (DAILY, WEEKLY from Monday, MONTHLY,
ANNUAL; in UTC). Within the period that holds the moment the journal is posted (the server's
clock, the journal's ``posted_on``), the sum of the amounts of that type posted in the period
(this journal included) must not exceed ``maximum_amount``, their number must not exceed
``maximum_number``, and a single amount must be at least ``minimum_amount``.

Periods never follow the caller's ``created_on`` (the business date): a back- or forward-dated
journal would otherwise be counted in another period and let a limit be sidestepped
(DESIGN.md section 3: time rules use the server's clock at posting).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.errors import InvalidInput, WalletLimitExceeded
from app.wallets import repository
from app.wallets.enums import WalletLimitPeriod, WalletTransactionType

TRANSACTION_TYPES = tuple(WalletTransactionType)
PERIODS = tuple(WalletLimitPeriod)


def _amount(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    amount = Decimal(value)
    if amount <= 0:
        raise InvalidInput(field, "must be a positive amount")
    return amount


def normalise_limit_rules(rules: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules as stored: one per transaction type, amounts as exact decimal strings.

    ``limit_amount`` (the spec's example) and ``maximum_amount`` (its field list) name the same
    thing; a rule given for several transaction types becomes one rule per type.
    """
    stored: list[dict[str, Any]] = []
    for index, rule in enumerate(rules):
        prefix = f"limit_rules[{index}]"
        limit_amount = _amount(rule.get("limit_amount"), f"{prefix}.limit_amount")
        maximum_amount = _amount(rule.get("maximum_amount"), f"{prefix}.maximum_amount")
        if None not in (limit_amount, maximum_amount) and limit_amount != maximum_amount:
            raise InvalidInput(
                f"{prefix}.limit_amount", "differs from maximum_amount; give only one"
            )
        maximum_amount = maximum_amount if maximum_amount is not None else limit_amount
        minimum_amount = _amount(rule.get("minimum_amount"), f"{prefix}.minimum_amount")
        maximum_number = rule.get("maximum_number")
        if maximum_number is not None and maximum_number < 1:
            raise InvalidInput(f"{prefix}.maximum_number", "must be 1 or more")
        if maximum_amount is None and minimum_amount is None and maximum_number is None:
            raise InvalidInput(
                prefix, "give at least one of maximum_amount, minimum_amount, maximum_number"
            )
        if (
            minimum_amount is not None
            and maximum_amount is not None
            and minimum_amount > maximum_amount
        ):
            raise InvalidInput(f"{prefix}.minimum_amount", "is above maximum_amount")
        period = rule.get("period")
        if period not in PERIODS:
            raise InvalidInput(f"{prefix}.period", f"must be one of {', '.join(PERIODS)}")
        types = rule.get("transaction_type") or []
        if isinstance(types, str):
            types = [types]
        if not types:
            raise InvalidInput(f"{prefix}.transaction_type", "give at least one transaction type")
        for transaction_type in dict.fromkeys(types):
            if transaction_type not in TRANSACTION_TYPES:
                raise InvalidInput(
                    f"{prefix}.transaction_type",
                    f"must be one of {', '.join(TRANSACTION_TYPES)}",
                )
            stored.append(
                {
                    "name": rule.get("name"),
                    "transaction_type": transaction_type,
                    "period": period,
                    "minimum_amount": None if minimum_amount is None else str(minimum_amount),
                    "maximum_amount": None if maximum_amount is None else str(maximum_amount),
                    "maximum_number": maximum_number,
                }
            )
    return stored


def period_bounds(period: str, moment: datetime) -> tuple[datetime, datetime]:
    """The calendar period (UTC) of this kind that holds ``moment``: ``[start, end)``."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "DAILY":
        return day, day + timedelta(days=1)
    if period == "WEEKLY":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    if period == "MONTHLY":
        start = day.replace(day=1)
        if start.month == 12:
            return start, start.replace(year=start.year + 1, month=1)
        return start, start.replace(month=start.month + 1)
    start = day.replace(month=1, day=1)
    return start, start.replace(year=start.year + 1)


def _applies(rule: dict[str, Any], journal_type: str, has_spend_condition: bool) -> bool:
    if rule["transaction_type"] == "TOPUP":
        return journal_type == "CREDIT" and not has_spend_condition
    return bool(rule["transaction_type"] == journal_type)


class LimitedWallet(Protocol):
    """What the check reads of a wallet (a ``Wallet`` or a ``MovedWallet``)."""

    @property
    def id(self) -> str: ...

    @property
    def limit_rules(self) -> list[dict[str, Any]]: ...


async def check_limits(
    session: AsyncSession,
    wallet: LimitedWallet,
    journal_type: str,
    amount: Decimal,
    has_spend_condition: bool,
    posted_on: datetime,
) -> None:
    """Refuse (WalletLimitExceeded) a journal that would break one of the wallet's rules.

    ``posted_on`` is the server's time of posting (UTC); it picks the periods counted.
    """
    for rule in wallet.limit_rules or []:
        if not _applies(rule, journal_type, has_spend_condition):
            continue
        label = rule.get("name") or f"{rule['period']} {rule['transaction_type']}"
        minimum = rule.get("minimum_amount")
        if minimum is not None and amount < Decimal(minimum):
            raise WalletLimitExceeded(
                wallet.id, f"Limit {label}: a single amount must be at least {minimum}."
            )
        maximum = rule.get("maximum_amount")
        maximum_number = rule.get("maximum_number")
        if maximum is None and maximum_number is None:
            continue
        start, end = period_bounds(rule["period"], posted_on)
        total, count = await repository.period_totals(
            session,
            wallet.id,
            "CREDIT" if rule["transaction_type"] == "TOPUP" else rule["transaction_type"],
            start,
            end,
            open_balance_only=rule["transaction_type"] == "TOPUP",
        )
        if maximum is not None and total + amount > Decimal(maximum):
            raise WalletLimitExceeded(
                wallet.id,
                f"Limit {label}: {total} already this period; {amount} more would exceed "
                f"{maximum}.",
            )
        if maximum_number is not None and count + 1 > maximum_number:
            raise WalletLimitExceeded(
                wallet.id,
                f"Limit {label}: at most {maximum_number} per period, {count} already.",
            )
