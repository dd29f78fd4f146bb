"""SQL for reference data, always narrowed to the caller's network and mode."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import (
    Account,
    AccountClassification,
    AccountRewardScheme,
    BusinessActivity,
    Industry,
    IndustrySector,
    Journal,
    Organisation,
    OrganisationGroup,
    PaymentTerms,
    RewardScheme,
    RewardTier,
    SpendCondition,
    WalletCommerceBalance,
)
from app.db.models.organisations import (
    organisation_business_activities,
    organisation_group_members,
    organisation_industry_sectors,
)
from app.db.models.reference import ReferenceColumns
from app.db.repository import TenantRepository, repository_of
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

# One repository per kind of reference data (``repository_of(Industry)``...).
REFERENCE_REPOSITORIES: dict[type[ReferenceColumns], TenantRepository[Any]] = {
    model: TenantRepository(model)
    for model in (
        AccountClassification,
        PaymentTerms,
        Industry,
        IndustrySector,
        BusinessActivity,
        OrganisationGroup,
        RewardScheme,
        RewardTier,
        SpendCondition,
    )
}

DEFAULT_SORT = "created_on"

# What a caller may sort each kind by, beyond the common name and created_on.
_EXTRA_SORT_COLUMNS: dict[type[ReferenceColumns], dict[str, Any]] = {
    PaymentTerms: {"days": PaymentTerms.days},
    RewardTier: {"threshold_value_units": RewardTier.threshold_value_units},
}

# The columns that point at each kind, with the name of what they belong to: a row still
# pointed at cannot be deleted.
REFERENCED_BY: dict[type[ReferenceColumns], tuple[tuple[str, Any], ...]] = {
    AccountClassification: (("accounts", Account.classification_id),),
    PaymentTerms: (("accounts", Account.payment_terms_id),),
    Industry: (
        ("organisations", Organisation.industry_id),
        ("industry_sectors", IndustrySector.industry_id),
    ),
    IndustrySector: (("organisations", organisation_industry_sectors.c.industry_sector_id),),
    BusinessActivity: (("organisations", organisation_business_activities.c.business_activity_id),),
    OrganisationGroup: (("organisations", organisation_group_members.c.group_id),),
    RewardScheme: (
        ("account_sign_ups", AccountRewardScheme.reward_scheme_id),
        ("reward_tiers", RewardTier.reward_scheme_id),
    ),
    RewardTier: (("accounts", Account.reward_tier_id),),
    SpendCondition: (
        ("commerce_balances", WalletCommerceBalance.spend_condition_id),
        ("journals", Journal.spend_condition_id),
    ),
}


def reward_tier_order(tier: Any = RewardTier) -> list[Any]:
    """How a reward scheme's tiers are listed: lowest threshold first."""
    return [tier.threshold_value_units, tier.id]


def sort_columns(model: type[ReferenceColumns]) -> dict[str, Any]:
    """The sort names a caller may use for ``model`` and their columns."""
    return {
        "created_on": model.created_on,
        "name": model.name,
        **_EXTRA_SORT_COLUMNS.get(model, {}),
    }


async def search(
    session: AsyncSession,
    principal: Principal,
    model: type[ReferenceColumns],
    request: PageRequest,
    *,
    search_value: str | None = None,
    equals: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """A page of the caller's rows of ``model`` (:func:`matching`)."""
    stmt = matching(principal, model, search_value=search_value, equals=equals)
    return await fetch_page(session, stmt, request, sort_columns(model), default_sort=DEFAULT_SORT)


def matching(
    principal: Principal,
    model: type[ReferenceColumns],
    *,
    search_value: str | None = None,
    equals: Mapping[str, Any] | None = None,
) -> Select[Any]:
    """The caller's rows of ``model`` whose name contains ``search_value`` (any case).

    ``equals`` maps column names to values the rows must have; ``None`` values are ignored.
    """
    stmt = repository_of(model).readable(principal)
    if search_value:
        stmt = stmt.where(contains_literal(model.name, search_value))
    for name, value in (equals or {}).items():
        if value is not None:
            stmt = stmt.where(getattr(model, name) == value)
    return stmt


async def first_reference(
    session: AsyncSession, model: type[ReferenceColumns], row_id: str
) -> str | None:
    """The name of the first kind of row still pointing at this row, or ``None``."""
    for name, column in REFERENCED_BY.get(model, ()):
        if (await session.execute(select(exists().where(column == row_id)))).scalar():
            return name
    return None


async def first_invisible_organisation(
    session: AsyncSession, principal: Principal, organisation_ids: Sequence[str]
) -> str | None:
    """The first of these organisation ids the caller may not see, or ``None``."""
    if not organisation_ids:
        return None
    stmt = ORGANISATIONS.scoped(select(Organisation.id), principal).where(
        Organisation.id.in_(organisation_ids)
    )
    found = set((await session.execute(stmt)).scalars())
    return next((org_id for org_id in organisation_ids if org_id not in found), None)


async def delete_row(session: AsyncSession, row: ReferenceColumns) -> None:
    """Remove a reference row in a savepoint: a key still pointing at it fails only the delete."""
    async with session.begin_nested():
        await session.delete(row)
