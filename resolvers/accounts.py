"""Resolvers and dataloaders for accounts."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from app.accounts import repository, service
from app.accounts.commands import (
    AddAccountMerchants,
    ChangeLifeCycleState,
    CreateAccount,
    SignUpToRewardScheme,
    UpdateAccount,
    UpdateAccountRewards,
)
from app.db.models import Account, AccountMerchant, AccountRewardScheme, RewardTier
from app.db.relations import Related
from app.pagination import Page, PageRequest
from app.reference.repository import reward_tier_order
from resolvers.context import Info
from resolvers.reference import RewardTierByIdLoader
from resolvers.relations import RelationLoader


class AccountsByContactIdLoader(RelationLoader):
    """A contact's accounts, primary first, then oldest first."""

    related = Related(Account, "contact_id", repository.contact_account_order, many=True)


class AccountByIdLoader(RelationLoader):
    """The caller's accounts by id."""

    related = Related(Account, "id")


class RewardSchemeSignUpsByAccountIdLoader(RelationLoader):
    """An account's reward scheme sign-ups, oldest first."""

    related = Related(AccountRewardScheme, "account_id", repository.sign_up_order, many=True)


class MerchantsByAccountIdLoader(RelationLoader):
    """An account's automatic-spend merchants, in the order they were added."""

    related = Related(AccountMerchant, "account_id", repository.merchant_order, many=True)


class RewardTiersBySchemeIdLoader(RelationLoader):
    """The tiers of a reward scheme, lowest threshold first."""

    related = Related(RewardTier, "reward_scheme_id", reward_tier_order, many=True)


async def account(info: Info, id: str) -> Account:
    """One account by id or number."""
    return await info.context.reads(repository.get_account, id)


async def contact_accounts(
    info: Info, contact_id: str, request: PageRequest, filters: dict[str, Any]
) -> Page[Account]:
    """A page of a contact's accounts (404 if the contact is not visible)."""
    return await info.context.reads(service.contact_accounts, contact_id, request, filters)


async def create_account(info: Info, contact_id: str, command: CreateAccount) -> Account:
    """Add an account to a contact."""
    return await info.context.writes(service.create_account, contact_id, command)


async def update_account(info: Info, id: str, command: UpdateAccount) -> Account:
    """Change an account."""
    return await info.context.writes(service.update_account, id, command)


async def change_life_cycle_state(info: Info, id: str, command: ChangeLifeCycleState) -> Account:
    """Activate, suspend or terminate an account."""
    return await info.context.writes(service.change_life_cycle_state, id, command)


async def update_rewards(info: Info, id: str, command: UpdateAccountRewards) -> Account:
    """Change the reward attributes of a primary account."""
    return await info.context.writes(service.update_rewards, id, command)


async def sign_up_to_reward_scheme(
    info: Info, id: str, command: SignUpToRewardScheme
) -> AccountRewardScheme:
    """Sign an account up to a reward scheme."""
    return await info.context.writes(service.sign_up_to_reward_scheme, id, command)


async def sign_out_of_reward_scheme(info: Info, id: str, reward_scheme_id: str) -> Account:
    """Sign an account out of a reward scheme."""
    return await info.context.writes(service.sign_out_of_reward_scheme, id, reward_scheme_id)


async def add_merchants(info: Info, id: str, command: AddAccountMerchants) -> Account:
    """Add or update an account's automatic-spend merchants."""
    return await info.context.writes(service.add_merchants, id, command)


async def remove_merchant(info: Info, id: str, merchant_id: str) -> Account:
    """Remove a merchant from an account's automatic spends."""
    return await info.context.writes(service.remove_merchant, id, merchant_id)


@dataclass(frozen=True)
class RewardTierProgress:
    """An account's reward tier with the account's value units and its progress to the next."""

    id: str
    name: str
    color: str | None
    period_value_units: Decimal
    lifetime_value_units: Decimal
    next_tier_progression: Decimal | None


class RewardHolder(Protocol):
    """What the reward tier of an account is computed from (an account row)."""

    @property
    def reward_tier_id(self) -> str | None: ...
    @property
    def period_value_units(self) -> Decimal: ...
    @property
    def lifetime_value_units(self) -> Decimal: ...


async def reward_tier_of(info: Info, account: RewardHolder) -> RewardTierProgress | None:
    """The account's reward tier and progression, or ``None`` if it has no tier."""
    if account.reward_tier_id is None:
        return None
    tier = await info.context.loaders.get(RewardTierByIdLoader).load(account.reward_tier_id)
    if tier is None:
        return None
    tiers: list[RewardTier] = []
    if tier.reward_scheme_id is not None:
        loader = info.context.loaders.get(RewardTiersBySchemeIdLoader)
        tiers = await loader.load(tier.reward_scheme_id)
    return RewardTierProgress(
        id=tier.id,
        name=tier.name,
        color=tier.color,
        period_value_units=account.period_value_units,
        lifetime_value_units=account.lifetime_value_units,
        next_tier_progression=service.next_tier_progression(
            account.period_value_units, tier, tiers
        ),
    )
