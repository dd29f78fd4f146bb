"""The accounts domain's enumerations (registered with GraphQL in ``schema/accounts.py``)."""

from enum import StrEnum


class AccountLifeCycleState(StrEnum):
    """The life cycle state of an account; TERMINATED is final."""

    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"


class AutomaticSpendPreference(StrEnum):
    """Where automatic spends of an account's rewards happen."""

    ALL_MERCHANT_PURCHASE = "ALL_MERCHANT_PURCHASE"
    NEXT_MERCHANT_PURCHASE = "NEXT_MERCHANT_PURCHASE"
