"""Commands of the wallets domain: creating and changing wallets and posting journals.

Amounts are money in the currency's major unit under ``app.money``'s rule. Limit rules carry
their fields typed here; the rules between them (``limit_amount`` and ``maximum_amount`` name
one thing, at least one bound, minimum below maximum, positive amounts) and their stored form
live in :func:`app.wallets.limits.normalise_limit_rules`.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BeforeValidator, field_validator, model_validator

from app.commands import Command, Money, refuse
from app.wallets.enums import (
    JournalType,
    TopupFrequencyPeriod,
    WalletLimitPeriod,
    WalletTransactionType,
    WeekDay,
)


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise refuse("must not be negative")
    return amount


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise refuse("must be a positive amount")
    return amount


def _blank_is_none(value: Any) -> Any:
    return value or None


NotNegativeAmount = Annotated[Money, AfterValidator(_not_negative)]
"""A money amount of zero or more (minimum balances, top-up thresholds)."""

PositiveAmount = Annotated[Money, AfterValidator(_positive)]
"""A money amount above zero (top-ups, journals)."""


class WalletLimitRule(Command):
    """A limit rule as given: one rule for one or several transaction types and a period."""

    name: str | None = None
    limit_amount: Money | None = None
    maximum_amount: Money | None = None
    minimum_amount: Money | None = None
    maximum_number: int | None = None
    transaction_type: list[WalletTransactionType]
    period: WalletLimitPeriod

    @field_validator("transaction_type", mode="before")
    @classmethod
    def _one_or_a_list(cls, value: Any) -> Any:
        """A single type counts as a list of one (GraphQL coerces the same way)."""
        return [value] if isinstance(value, str) else value


class CreateWallet(Command):
    """A new EFFECTIVE wallet for an account, in the account's currency."""

    minimum_balance: NotNegativeAmount | None = None
    limit_rules: list[WalletLimitRule] | None = None


class PaymentMethod(Command):
    """A payment method: its kind and the contact's identifier of it (blank is none)."""

    type: Annotated[str | None, BeforeValidator(_blank_is_none)] = None
    id: Annotated[str | None, BeforeValidator(_blank_is_none)] = None


class AutoTopup(Command):
    """An automatic top-up of ``amount`` when the balance falls to ``threshold``."""

    threshold: NotNegativeAmount | None = None
    amount: PositiveAmount
    payment_method: PaymentMethod | None = None


class TopupFrequency(Command):
    """Every ``value`` (1 or more) ``period``s."""

    period: TopupFrequencyPeriod
    value: int = 1

    @field_validator("value")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise refuse("must be 1 or more")
        return value


class TopupDay(Command):
    """The day of the month (1 to 31) or of the week a termed top-up happens."""

    day_of_month: int | None = None
    day_of_week: Annotated[WeekDay | None, BeforeValidator(_blank_is_none)] = None

    @field_validator("day_of_month")
    @classmethod
    def _in_a_month(cls, day: int | None) -> int | None:
        if day is not None and not 1 <= day <= 31:
            raise refuse("must be 1 to 31")
        return day


class TermedTopup(Command):
    """A top-up of ``amount`` at regular terms."""

    amount: PositiveAmount
    frequency: TopupFrequency | None = None
    topup_day: TopupDay | None = None
    payment_method: PaymentMethod | None = None


class UpdateWallet(Command):
    """Changes to a wallet's settings: fields left out stay, a top-up given as null is removed,
    ``limit_rules`` replaces the list."""

    auto_topup: AutoTopup | None = None
    termed_topup: TermedTopup | None = None
    limit_rules: list[WalletLimitRule] | None = None
    minimum_balance: NotNegativeAmount | None = None


class PostJournal(Command):
    """A journal that credits or debits a wallet (id or code) with a positive amount.

    ``currency_code`` must be the wallet's (checked by the service); ``created_on`` is the
    business date, checked against the server's clock at posting.
    """

    wallet_id: str
    amount: PositiveAmount
    type: JournalType
    currency_code: str | None = None
    description: str | None = None
    spend_condition_id: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    created_on: datetime | None = None
    allow_negative_balance: bool = False

    @field_validator("wallet_id")
    @classmethod
    def _required(cls, wallet_id: str) -> str:
        if not wallet_id:
            raise refuse("is required")
        return wallet_id

    @model_validator(mode="after")
    def _valid_in_order(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise refuse("is before valid_from", field="valid_to")
        return self
