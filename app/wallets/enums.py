"""The wallets domain's enumerations (registered with GraphQL in ``schema/wallets.py``)."""

from enum import StrEnum


class WalletLifeCycleState(StrEnum):
    """The life cycle state of a wallet."""

    EFFECTIVE = "EFFECTIVE"
    TERMINATED = "TERMINATED"


class WalletAction(StrEnum):
    """An action that changes a wallet's state."""

    TERMINATED = "TERMINATED"


class JournalType(StrEnum):
    """Whether a journal credits or debits its wallet."""

    CREDIT = "CREDIT"
    DEBIT = "DEBIT"


class WalletTransactionType(StrEnum):
    """The journals a limit rule counts: DEBIT, CREDIT, or TOPUP (credits of the open balance,
    i.e. without a spend condition)."""

    CREDIT = "CREDIT"
    DEBIT = "DEBIT"
    TOPUP = "TOPUP"


class WalletLimitPeriod(StrEnum):
    """The calendar period (UTC) over which a limit rule counts."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    ANNUAL = "ANNUAL"


class TopupFrequencyPeriod(StrEnum):
    """The unit of a termed top-up's frequency."""

    DAYS = "DAYS"
    WEEKS = "WEEKS"
    MONTHS = "MONTHS"
    YEARS = "YEARS"


class WeekDay(StrEnum):
    """A day of the week (a termed top-up's day; a plain string on the wire)."""

    MONDAY = "MONDAY"
    TUESDAY = "TUESDAY"
    WEDNESDAY = "WEDNESDAY"
    THURSDAY = "THURSDAY"
    FRIDAY = "FRIDAY"
    SATURDAY = "SATURDAY"
    SUNDAY = "SUNDAY"
