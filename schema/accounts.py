"""GraphQL types, inputs and root fields for accounts."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.accounts.commands import (
    AddAccountMerchants,
    ChangeLifeCycleState,
    CreateAccount,
    SignUpToRewardScheme,
    UpdateAccount,
    UpdateAccountRewards,
)
from app.accounts.enums import AccountLifeCycleState, AutomaticSpendPreference
from app.accounts.repository import DEFAULT_SORT, SORT_COLUMNS
from app.auth.permissions import Permission
from app.db import models
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import accounts as resolve
from resolvers.contacts import AddressByIdLoader, ContactByIdLoader
from resolvers.context import Info
from resolvers.inputs import filter_values, to_command
from resolvers.reference import (
    AccountClassificationByIdLoader,
    OrganisationByIdLoader,
    PaymentTermsByIdLoader,
    RewardSchemeByIdLoader,
)
from resolvers.wallets import EffectiveWalletByAccountIdLoader
from schema.common import (
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.contacts import Contact, ContactAddress
from schema.mapping import always_null, maps, relation
from schema.permissions import needs
from schema.reference import AccountClassification, PaymentTerms, RewardScheme
from schema.rows import shown_as

if TYPE_CHECKING:
    from schema.wallets import Wallet

AccountSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]

ACCOUNT_ID = "The account's id or number."


strawberry.enum(AccountLifeCycleState, description="The life cycle state of an account.")
strawberry.enum(
    AutomaticSpendPreference, description="Where automatic spends of an account's rewards happen."
)


@strawberry.type(description="An accounting period (this gateway keeps none; always null).")
class AccountingPeriod:
    id: strawberry.ID = strawberry.field(description="The accounting period identifier.")
    name: str = strawberry.field(description="The accounting period name.")


@strawberry.type(description="An organisation (identifier and name).")
class SignedUpOrganisation:
    id: strawberry.ID = strawberry.field(description="The organisation identifier.")
    name: str = strawberry.field(description="The organisation name.")


@strawberry.type(description="The automatic spend settings of an account.")
class AutomaticSpendSettings:
    enable_automatic_spend: bool = strawberry.field(
        description="Whether automatic spend is enabled for the account."
    )
    automatic_spend_preference: AutomaticSpendPreference | None = strawberry.field(
        description="Spend on the next purchase at a specific merchant (NEXT_MERCHANT_PURCHASE)"
        " or by wallet balance and purchase amount at a group of merchants"
        " (ALL_MERCHANT_PURCHASE)."
    )
    minimum_wallet_balance: Decimal | None = strawberry.field(
        description="The wallet balance needed for a spend (ALL_MERCHANT_PURCHASE only)."
    )
    from_purchase_amount: Decimal | None = strawberry.field(
        description="The least purchase amount (inclusive) a spend applies to"
        " (ALL_MERCHANT_PURCHASE only)."
    )


@strawberry.type(description="An account's reward tier and its progress towards the next one.")
class AccountRewardTier:
    id: strawberry.ID = strawberry.field(description="The reward tier identifier.")
    name: str = strawberry.field(description="The reward tier name.")
    color: str | None = strawberry.field(description="The tier's colour as a hex code.")
    period_value_units: Decimal = strawberry.field(
        description="The account's value units of the last rolling period."
    )
    lifetime_value_units: Decimal = strawberry.field(
        description="The account's value units overall."
    )
    next_tier_progression: Decimal | None = strawberry.field(
        description="Percent (0-100) of the next tier's threshold that the period value units"
        " reach; null on the scheme's highest tier."
    )


@strawberry.type(description="An account's sign-up to a reward scheme.")
class AccountRewardSchemeSignUp:
    reward_scheme_id: strawberry.Private[str]
    signed_up_on: datetime = strawberry.field(description="When the account signed up.")
    email_address: str | None = strawberry.field(
        description="The e-mail address used to sign up (EMAIL_DOMAIN schemes)."
    )

    @strawberry.field(description="The reward scheme identifier.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.reward_scheme_id)

    @strawberry.field(description="The reward scheme name.")
    async def name(self, info: Info) -> str | None:
        scheme = await info.context.loaders.get(RewardSchemeByIdLoader).load(self.reward_scheme_id)
        return scheme.name if scheme else None

    @strawberry.field(description="How customers may sign up: OPEN, EMAIL_DOMAIN or SIGN_UP_CODE.")
    async def sign_up_method(self, info: Info) -> str | None:
        scheme = await info.context.loaders.get(RewardSchemeByIdLoader).load(self.reward_scheme_id)
        return scheme.sign_up_method if scheme else None

    @strawberry.field(description="The reward scheme.")
    async def reward_scheme(self, info: Info) -> RewardScheme | None:
        loader = info.context.loaders.get(RewardSchemeByIdLoader)
        return await loader.load(self.reward_scheme_id)


@strawberry.type(description="An organisation allowed to perform automatic spends for an account.")
class AccountMerchant:
    merchant_id: strawberry.Private[str]
    is_next_visit: bool = strawberry.field(
        description="Whether the merchant is set up for automatic spend on the next visit."
    )

    @strawberry.field(description="The merchant's organisation identifier.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.merchant_id)

    @strawberry.field(description="The merchant's organisation name.")
    async def name(self, info: Info) -> str | None:
        organisation = await info.context.loaders.get(OrganisationByIdLoader).load(self.merchant_id)
        return organisation.name if organisation else None


async def _sign_ups(info: Info, account_id: str) -> list[AccountRewardSchemeSignUp]:
    loader = info.context.loaders.get(resolve.RewardSchemeSignUpsByAccountIdLoader)
    return await loader.load(account_id)


async def _merchants(info: Info, account_id: str) -> list[AccountMerchant]:
    loader = info.context.loaders.get(resolve.MerchantsByAccountIdLoader)
    return await loader.load(account_id)


@strawberry.type(description="The reward attributes of a contact's primary account.")
class AccountRewards:
    id: strawberry.ID = strawberry.field(description="The account identifier.")
    signed_up_on: datetime | None = strawberry.field(
        description="When the customer first signed up."
    )
    signed_up_organisation_id: strawberry.Private[str | None]
    spending_blocked_status: bool = strawberry.field(
        description="Whether spending is blocked for the account."
    )
    enable_automatic_spend: strawberry.Private[bool]
    automatic_spend_preference: strawberry.Private[str | None]
    minimum_wallet_balance: strawberry.Private[Decimal | None]
    from_purchase_amount: strawberry.Private[Decimal | None]
    preferred_payment_method_id: str | None = strawberry.field(
        description="The customer's preferred payment method."
    )
    reward_tier_id: strawberry.Private[str | None]
    period_value_units: strawberry.Private[Decimal]
    lifetime_value_units: strawberry.Private[Decimal]

    @strawberry.field(description="The organisation that first signed the customer up.")
    async def signed_up_organisation(self, info: Info) -> SignedUpOrganisation | None:
        if self.signed_up_organisation_id is None:
            return None
        loader = info.context.loaders.get(OrganisationByIdLoader)
        return await loader.load(self.signed_up_organisation_id)

    @strawberry.field(description="The automatic spend settings of the account.")
    def automatic_spend_settings(self) -> AutomaticSpendSettings:
        preference = self.automatic_spend_preference
        return AutomaticSpendSettings(
            enable_automatic_spend=self.enable_automatic_spend,
            automatic_spend_preference=AutomaticSpendPreference(preference) if preference else None,
            minimum_wallet_balance=self.minimum_wallet_balance,
            from_purchase_amount=self.from_purchase_amount,
        )

    @strawberry.field(description="The account's reward tier, with its progression.")
    async def reward_tier(self, info: Info) -> AccountRewardTier | None:
        progress = await resolve.reward_tier_of(info, self)
        return None if progress is None else shown_as(AccountRewardTier, progress)

    @strawberry.field(description="The reward schemes the account has signed up to.")
    async def reward_schemes(self, info: Info) -> list[AccountRewardSchemeSignUp]:
        return await _sign_ups(info, self.id)

    @strawberry.field(
        description="The merchants allowed to perform automatic spends.",
        deprecation_reason="Replaced by organisations.",
    )
    async def merchants(self, info: Info) -> list[AccountMerchant]:
        return await _merchants(info, self.id)

    @strawberry.field(description="The organisations allowed to perform automatic spends.")
    async def organisations(self, info: Info) -> list[AccountMerchant]:
        return await _merchants(info, self.id)


async def _contact(root: Any, info: Info) -> Any:
    return await info.context.loaders.get(ContactByIdLoader).load(root.contact_id)


@maps(models.Account)
@strawberry.type(description="A contact's account in one currency.")
class Account:
    id: strawberry.ID = strawberry.field(description="The account identifier (UUID).")
    number: str = strawberry.field(description="The account number (alternative identifier).")
    name: str = strawberry.field(description='The account name ("<contact name> <number>").')
    is_primary: bool = strawberry.field(
        description="Whether this is the contact's primary account."
    )
    life_cycle_state: AccountLifeCycleState = strawberry.field(
        description="ACTIVE, SUSPENDED or TERMINATED."
    )
    currency_code: str = strawberry.field(description="The account's currency (3-letter code).")
    balance: Decimal = strawberry.field(description="The account's calculated balance.")
    credit_limit: Decimal = strawberry.field(description="The account's credit limit.")
    overdue_amount: Decimal = strawberry.field(
        description="The unpaid amount that is past its due date."
    )
    opening_balance: Decimal = strawberry.field(
        description="The opening balance brought forward (0: this gateway closes no periods)."
    )
    contact_id: strawberry.ID = strawberry.field(description="The account's contact.")
    organisation_id: strawberry.ID = strawberry.field(description="The owning organisation.")
    created_on: datetime = strawberry.field(description="When the account was created.")
    terminated_on: datetime | None = strawberry.field(description="When it was terminated.")
    classification_id: strawberry.Private[str | None]
    payment_terms_id: strawberry.Private[str | None]
    billing_address_id: strawberry.Private[str | None]

    # Declared as attributes, like the relations around them, to keep the schema's field order.
    contact: Contact = strawberry.field(
        resolver=_contact, description="The contact the account belongs to."
    )

    classification: AccountClassification | None = relation(
        AccountClassificationByIdLoader,
        parent_key="classification_id",
        description="The account's classification.",
    )
    payment_terms: PaymentTerms | None = relation(
        PaymentTermsByIdLoader,
        parent_key="payment_terms_id",
        description="The account's payment terms.",
    )

    billing_address: ContactAddress | None = relation(
        AddressByIdLoader,
        parent_key="billing_address_id",
        description="The contact address the account bills.",
    )

    wallet: Annotated["Wallet", strawberry.lazy("schema.wallets")] | None = relation(
        EffectiveWalletByAccountIdLoader,
        description="The account's EFFECTIVE wallet, else its most recent one;"
        " null if it has none (needs WALLETS_READ).",
        needs=Permission.WALLETS_READ,
    )
    accounting_period: AccountingPeriod | None = always_null(
        description="The latest closed accounting period; always null, since this gateway keeps"
        " no accounting periods (opening_balance stays as set)."
    )

    @strawberry.field(description="The reward schemes the account has signed up to.")
    async def reward_schemes(self, info: Info) -> list[AccountRewardSchemeSignUp]:
        return await _sign_ups(info, self.id)

    @strawberry.field(description="The organisations allowed to perform automatic spends.")
    async def merchants(self, info: Info) -> list[AccountMerchant]:
        return await _merchants(info, self.id)

    @strawberry.field(
        description="The reward attributes; null unless this is the contact's primary account"
        " (only primary accounts hold reward information)."
    )
    def rewards(self) -> AccountRewards | None:
        return shown_as(AccountRewards, self) if self.is_primary else None


@strawberry.input(description="A new account of a contact.")
class CreateAccountInput:
    currency_code: str = strawberry.field(description="The account's currency (3-letter code).")
    classification_id: strawberry.ID | None = strawberry.field(
        default=None, description="The account's classification."
    )
    is_primary: bool = strawberry.field(
        default=False,
        description="Make this the contact's primary account even if another one is (a"
        " contact's first account is always primary).",
    )
    billing_address_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="One of the contact's addresses; defaults to its primary address, if any.",
    )


@strawberry.input(description="Changes to an account; fields left out stay as they are.")
class UpdateAccountInput:
    classification_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The account's classification (null clears it)."
    )
    is_primary: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="true makes this the contact's primary account; false on the primary"
        " account is refused (make another account primary instead).",
    )
    billing_address_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="One of the contact's addresses (null clears it)."
    )
    credit_limit: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="The credit limit (zero or more)."
    )
    payment_terms_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The account's payment terms (null clears them)."
    )


@strawberry.input(description="A change of an account's life cycle state.")
class ChangeAccountLifeCycleStateInput:
    life_cycle_state: AccountLifeCycleState = strawberry.field(
        description="The new state; TERMINATED is final."
    )
    transfer_to_account_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The account (id or number) that receives the balance on termination;"
        " required when terminating, ignored otherwise.",
    )


@strawberry.input(description="Changes to the automatic spend settings; left-out fields stay.")
class AutomaticSpendSettingsInput:
    enable_automatic_spend: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether automatic spend is enabled."
    )
    automatic_spend_preference: AutomaticSpendPreference | None = strawberry.field(
        default=strawberry.UNSET,
        description="ALL_MERCHANT_PURCHASE or NEXT_MERCHANT_PURCHASE (which clears the two"
        " amounts below).",
    )
    minimum_wallet_balance: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="The wallet balance needed for a spend (ALL_MERCHANT_PURCHASE only).",
    )
    from_purchase_amount: Decimal | None = strawberry.field(
        default=strawberry.UNSET,
        description="The least purchase amount a spend applies to (ALL_MERCHANT_PURCHASE only).",
    )


@strawberry.input(description="Changes to the reward attributes of a primary account.")
class UpdateAccountRewardsInput:
    signed_up_on: datetime | None = strawberry.field(
        default=strawberry.UNSET, description="When the customer first signed up."
    )
    signed_up_organisation_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="The organisation of the caller's network that first signed the customer up.",
    )
    spending_blocked_status: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether spending is blocked for the account."
    )
    automatic_spend_settings: AutomaticSpendSettingsInput | None = strawberry.field(
        default=strawberry.UNSET, description="The automatic spend settings."
    )
    preferred_payment_method_id: str | None = strawberry.field(
        default=strawberry.UNSET, description="The customer's preferred payment method."
    )


@strawberry.input(description="A sign-up of an account to a reward scheme.")
class RewardSchemeSignUpInput:
    reward_scheme_id: strawberry.ID = strawberry.field(description="The reward scheme.")
    email_address: str | None = strawberry.field(
        default=None,
        description="The customer's e-mail address; required by EMAIL_DOMAIN schemes, whose"
        " domains it must belong to.",
    )
    sign_up_code: str | None = strawberry.field(
        default=None, description="The scheme's code; required by SIGN_UP_CODE schemes."
    )
    signed_up_on: datetime | None = strawberry.field(
        default=None, description="When the account signed up (default: now)."
    )


@strawberry.input(description="An organisation allowed to perform automatic spends.")
class AccountMerchantInput:
    organisation_id: strawberry.ID = strawberry.field(
        description="An organisation of the caller's network."
    )
    is_next_visit: bool = strawberry.field(
        default=False, description="Whether automatic spend applies on the next visit."
    )


@strawberry.input(description="Merchants to add to (or update on) an account.")
class AddAccountMerchantsInput:
    merchants: list[AccountMerchantInput] = strawberry.field(
        description="The merchants; naming an existing one updates its is_next_visit."
    )


@strawberry.input(description="Which accounts to return: those matching every field given.")
class AccountFilter:
    is_primary: bool | None = strawberry.field(
        default=None, description="Only the primary account (true), or only the others (false)."
    )
    life_cycle_state: AccountLifeCycleState | None = strawberry.field(
        default=None, description="Only accounts in this state."
    )


@strawberry.type
class Query:
    @strawberry.field(
        extensions=needs(Permission.ACCOUNTS_READ), description="One account by id or number."
    )
    async def account(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
    ) -> Account:
        return shown_as(Account, await resolve.account(info, id))

    @strawberry.field(
        extensions=needs(Permission.ACCOUNTS_READ), description="The accounts of a contact."
    )
    async def contact_accounts(
        self,
        info: Info,
        contact_id: Annotated[
            strawberry.ID, strawberry.argument(description="The contact's id or code.")
        ],
        filter_by: Annotated[
            AccountFilter | None,
            strawberry.argument(name="filter", description="Only accounts matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: AccountSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Account]:
        filters = filter_values(filter_by, AccountFilter)
        result = await resolve.contact_accounts(
            info, contact_id, page_request(page, size, sort, order), filters
        )
        return to_page(result)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE), description="Add an account to a contact."
    )
    async def create_account(
        self,
        info: Info,
        contact_id: Annotated[
            strawberry.ID, strawberry.argument(description="The contact's id or code.")
        ],
        input: Annotated[CreateAccountInput, strawberry.argument(description="The account.")],
    ) -> Account:
        command = to_command(input, CreateAccount)
        return shown_as(Account, await resolve.create_account(info, contact_id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Change an account; fields left out stay as they are.",
    )
    async def update_account(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        input: Annotated[UpdateAccountInput, strawberry.argument(description="The changes.")],
    ) -> Account:
        command = to_command(input, UpdateAccount)
        return shown_as(Account, await resolve.update_account(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Activate, suspend or terminate an account; termination moves its balance"
        " (and its wallet's balance) to another account.",
    )
    async def change_account_life_cycle_state(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        input: Annotated[
            ChangeAccountLifeCycleStateInput, strawberry.argument(description="The new state.")
        ],
    ) -> Account:
        command = to_command(input, ChangeLifeCycleState)
        return shown_as(Account, await resolve.change_life_cycle_state(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Change the reward attributes of a primary account.",
    )
    async def update_account_rewards(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        input: Annotated[
            UpdateAccountRewardsInput, strawberry.argument(description="The changes.")
        ],
    ) -> Account:
        command = to_command(input, UpdateAccountRewards)
        return shown_as(Account, await resolve.update_rewards(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Sign a primary account up to a reward scheme.",
    )
    async def sign_up_account_to_reward_scheme(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        input: Annotated[RewardSchemeSignUpInput, strawberry.argument(description="Sign-up.")],
    ) -> AccountRewardSchemeSignUp:
        command = to_command(input, SignUpToRewardScheme)
        sign_up = await resolve.sign_up_to_reward_scheme(info, id, command)
        return shown_as(AccountRewardSchemeSignUp, sign_up)

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Sign an account out of a reward scheme.",
    )
    async def sign_out_account_from_reward_scheme(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        reward_scheme_id: Annotated[
            strawberry.ID, strawberry.argument(description="The reward scheme.")
        ],
    ) -> Account:
        account = await resolve.sign_out_of_reward_scheme(info, id, reward_scheme_id)
        return shown_as(Account, account)

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Allow organisations to perform automatic spends for a primary account.",
    )
    async def add_account_merchants(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        input: Annotated[AddAccountMerchantsInput, strawberry.argument(description="Merchants.")],
    ) -> Account:
        command = to_command(input, AddAccountMerchants)
        return shown_as(Account, await resolve.add_merchants(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ACCOUNTS_WRITE),
        description="Remove a merchant from an account's automatic spends.",
    )
    async def remove_account_merchant(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=ACCOUNT_ID)],
        merchant_id: Annotated[
            strawberry.ID, strawberry.argument(description="The merchant's organisation id.")
        ],
    ) -> Account:
        return shown_as(Account, await resolve.remove_merchant(info, id, merchant_id))
