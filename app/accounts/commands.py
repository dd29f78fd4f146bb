"""Commands of the accounts domain: creating and changing accounts, their life cycle, reward
attributes, reward scheme sign-ups and merchants.

Amounts are money in the currency's major unit (``app.money``); the rules that depend on the
account's state (primary only, not terminated, the automatic spend preference) stay in
``app.accounts.service``.
"""

from datetime import datetime

from pydantic import field_validator

from app.accounts.enums import AccountLifeCycleState, AutomaticSpendPreference
from app.commands import Command, CurrencyCode, NonNegativeMoney, refuse, refuse_null

_TRUE_OR_FALSE = "must be true or false"


def _required(value: str) -> str:
    if not value:
        raise refuse("is required")
    return value


class CreateAccount(Command):
    """A new account of a contact; ``is_primary`` makes it primary even if another one is."""

    currency_code: CurrencyCode
    classification_id: str | None = None
    is_primary: bool = False
    billing_address_id: str | None = None


class UpdateAccount(Command):
    """Changes to an account: fields left out stay; reference ids given as null clear them."""

    classification_id: str | None = None
    is_primary: bool | None = None
    billing_address_id: str | None = None
    credit_limit: NonNegativeMoney | None = None
    payment_terms_id: str | None = None

    _is_primary = field_validator("is_primary")(refuse_null(_TRUE_OR_FALSE))
    _credit_limit = field_validator("credit_limit")(refuse_null("must be an amount, not null"))


class ChangeLifeCycleState(Command):
    """A move to another life cycle state; terminating needs the account taking the balance."""

    life_cycle_state: AccountLifeCycleState
    transfer_to_account_id: str | None = None


class AutomaticSpendSettings(Command):
    """Changes to an account's automatic spend settings: fields left out stay.

    The two amounts apply only to the ALL_MERCHANT_PURCHASE preference (checked by the service
    against the account's resulting preference).
    """

    enable_automatic_spend: bool | None = None
    automatic_spend_preference: AutomaticSpendPreference | None = None
    minimum_wallet_balance: NonNegativeMoney | None = None
    from_purchase_amount: NonNegativeMoney | None = None

    _enable = field_validator("enable_automatic_spend")(refuse_null(_TRUE_OR_FALSE))


class UpdateAccountRewards(Command):
    """Changes to the reward attributes of a primary account: fields left out stay."""

    signed_up_on: datetime | None = None
    signed_up_organisation_id: str | None = None
    spending_blocked_status: bool | None = None
    automatic_spend_settings: AutomaticSpendSettings | None = None
    preferred_payment_method_id: str | None = None

    _blocked = field_validator("spending_blocked_status")(refuse_null(_TRUE_OR_FALSE))


class SignUpToRewardScheme(Command):
    """A sign-up of a primary account to a reward scheme (the scheme's rule decides)."""

    reward_scheme_id: str
    email_address: str | None = None
    sign_up_code: str | None = None
    signed_up_on: datetime | None = None

    _scheme = field_validator("reward_scheme_id")(_required)

    @field_validator("email_address")
    @classmethod
    def _normalise_email(cls, email: str | None) -> str | None:
        """Trimmed and lower case; blank is none."""
        return email.strip().lower() if email and email.strip() else None


class AccountMerchant(Command):
    """An organisation of the caller's network allowed to perform automatic spends."""

    organisation_id: str
    is_next_visit: bool = False

    _organisation = field_validator("organisation_id")(_required)


class AddAccountMerchants(Command):
    """Merchants to add to (or update on) an account; naming one again updates it.

    An empty list is refused by the service, after the account is found (a stranger's 404
    comes first)."""

    merchants: list[AccountMerchant]
