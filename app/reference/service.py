"""Rules for reference data: one create / read / update / delete path for the nine kinds.

The kinds differ only in their model, their commands (``app.reference.commands``, which
normalise and validate the fields) and the checks that need the database, kept in ``KINDS``;
every check runs before anything is written, so a refused request changes nothing.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.commands import Command, apply
from app.db.models import (
    AccountClassification,
    BusinessActivity,
    Industry,
    IndustrySector,
    OrganisationGroup,
    PaymentTerms,
    RewardScheme,
    RewardTier,
    SpendCondition,
)
from app.db.models.reference import ReferenceColumns
from app.errors import Conflict, InvalidInput, NotFound
from app.pagination import Page, PageRequest
from app.reference import repository
from app.reference.commands import (
    CreateAccountClassification,
    CreateBusinessActivity,
    CreateIndustry,
    CreateIndustrySector,
    CreateOrganisationGroup,
    CreatePaymentTerms,
    CreateReference,
    CreateRewardScheme,
    CreateRewardTier,
    CreateSpendCondition,
    UpdateAccountClassification,
    UpdateBusinessActivity,
    UpdateIndustry,
    UpdateIndustrySector,
    UpdateOrganisationGroup,
    UpdatePaymentTerms,
    UpdateReference,
    UpdateRewardScheme,
    UpdateRewardTier,
    UpdateSpendCondition,
)
from app.reference.enums import SignUpMethod
from app.reference.lookup import get_visible


class ReferenceKind(StrEnum):
    """The kinds of reference data; each value is the entity name errors report."""

    ACCOUNT_CLASSIFICATION = "account_classification"
    PAYMENT_TERMS = "payment_terms"
    INDUSTRY = "industry"
    INDUSTRY_SECTOR = "industry_sector"
    BUSINESS_ACTIVITY = "business_activity"
    ORGANISATION_GROUP = "organisation_group"
    REWARD_SCHEME = "reward_scheme"
    REWARD_TIER = "reward_tier"
    SPEND_CONDITION = "spend_condition"


Check = Callable[[AsyncSession, Principal, Any, Any], Awaitable[None]]
"""A kind's own check of a valid command against the database (``current`` is the row being
changed, or ``None`` when creating)."""


async def _no_own_check(
    session: AsyncSession, principal: Principal, command: Command, current: Any
) -> None:
    """Kinds whose commands check everything themselves."""


@dataclass(frozen=True, slots=True)
class KindRules:
    """The model of a kind, its create and update commands, the check they leave over, and
    the name of its list query in the graph (its query by id is the kind's value)."""

    model: type[ReferenceColumns]
    create: type[CreateReference]
    update: type[UpdateReference]
    check: Check = _no_own_check
    list_field: str = field(kw_only=True)


def _resulting(command: Command, current: Any, name: str, default: Any) -> Any:
    """The value ``name`` will have: the given one, else the row's, else ``default``."""
    if command.given(name):
        return getattr(command, name)
    return getattr(current, name) if current is not None else default


async def _check_industry_sector(
    session: AsyncSession,
    principal: Principal,
    command: CreateIndustrySector | UpdateIndustrySector,
    current: IndustrySector | None,
) -> None:
    if command.industry_id is not None:
        await get_visible(session, principal, Industry, "industry", command.industry_id)


async def _check_reward_scheme(
    session: AsyncSession,
    principal: Principal,
    command: CreateRewardScheme | UpdateRewardScheme,
    current: RewardScheme | None,
) -> None:
    method = _resulting(command, current, "sign_up_method", SignUpMethod.OPEN)
    if method == SignUpMethod.EMAIL_DOMAIN and not _resulting(
        command, current, "email_domains", []
    ):
        raise InvalidInput("email_domains", "an EMAIL_DOMAIN scheme needs at least one domain")
    if method == SignUpMethod.SIGN_UP_CODE and not _resulting(
        command, current, "sign_up_code", None
    ):
        raise InvalidInput("sign_up_code", "a SIGN_UP_CODE scheme needs a sign-up code")


async def _check_reward_tier(
    session: AsyncSession,
    principal: Principal,
    command: CreateRewardTier | UpdateRewardTier,
    current: RewardTier | None,
) -> None:
    if command.reward_scheme_id is not None:
        await get_visible(
            session, principal, RewardScheme, "reward_scheme", command.reward_scheme_id
        )


async def _check_spend_condition(
    session: AsyncSession,
    principal: Principal,
    command: CreateSpendCondition | UpdateSpendCondition,
    current: SpendCondition | None,
) -> None:
    if command.organisation_ids:
        unknown = await repository.first_invisible_organisation(
            session, principal, command.organisation_ids
        )
        if unknown is not None:
            raise NotFound("organisation", unknown)


KINDS: dict[ReferenceKind, KindRules] = {
    ReferenceKind.ACCOUNT_CLASSIFICATION: KindRules(
        AccountClassification,
        CreateAccountClassification,
        UpdateAccountClassification,
        list_field="account_classifications",
    ),
    ReferenceKind.PAYMENT_TERMS: KindRules(
        PaymentTerms, CreatePaymentTerms, UpdatePaymentTerms, list_field="payment_terms_list"
    ),
    ReferenceKind.INDUSTRY: KindRules(
        Industry, CreateIndustry, UpdateIndustry, list_field="industries"
    ),
    ReferenceKind.INDUSTRY_SECTOR: KindRules(
        IndustrySector,
        CreateIndustrySector,
        UpdateIndustrySector,
        _check_industry_sector,
        list_field="industry_sectors",
    ),
    ReferenceKind.BUSINESS_ACTIVITY: KindRules(
        BusinessActivity,
        CreateBusinessActivity,
        UpdateBusinessActivity,
        list_field="business_activities",
    ),
    ReferenceKind.ORGANISATION_GROUP: KindRules(
        OrganisationGroup,
        CreateOrganisationGroup,
        UpdateOrganisationGroup,
        list_field="organisation_groups",
    ),
    ReferenceKind.REWARD_SCHEME: KindRules(
        RewardScheme,
        CreateRewardScheme,
        UpdateRewardScheme,
        _check_reward_scheme,
        list_field="reward_schemes",
    ),
    ReferenceKind.REWARD_TIER: KindRules(
        RewardTier,
        CreateRewardTier,
        UpdateRewardTier,
        _check_reward_tier,
        list_field="reward_tiers",
    ),
    ReferenceKind.SPEND_CONDITION: KindRules(
        SpendCondition,
        CreateSpendCondition,
        UpdateSpendCondition,
        _check_spend_condition,
        list_field="spend_conditions",
    ),
}


async def get(session: AsyncSession, principal: Principal, kind: ReferenceKind, row_id: str) -> Any:
    """The row of this kind with this id (404 naming the kind if the caller cannot see it)."""
    return await get_visible(session, principal, KINDS[kind].model, kind.value, row_id)


async def search(
    session: AsyncSession,
    principal: Principal,
    kind: ReferenceKind,
    request: PageRequest,
    *,
    search_value: str | None = None,
    equals: Mapping[str, Any] | None = None,
) -> Page[Any]:
    """A page of the caller's rows of this kind, filtered by name and by exact values."""
    return await repository.search(
        session, principal, KINDS[kind].model, request, search_value=search_value, equals=equals
    )


async def create(
    session: AsyncSession, principal: Principal, kind: ReferenceKind, command: CreateReference
) -> Any:
    """Create a row of this kind (``command`` is the kind's create command) in the caller's
    organisation and mode."""
    rules = KINDS[kind]
    await rules.check(session, principal, command, None)
    row: Any = rules.model()
    row.organisation_id = principal.organisation_id
    row.is_test = principal.is_test
    apply(command, row)
    session.add(row)
    await session.flush()
    return row


async def update(
    session: AsyncSession,
    principal: Principal,
    kind: ReferenceKind,
    row_id: str,
    command: UpdateReference,
) -> Any:
    """Change the given fields of a row of this kind (``command`` is the kind's update command);
    fields left out stay as they are."""
    rules = KINDS[kind]
    row = await get(session, principal, kind, row_id)
    await rules.check(session, principal, command, row)
    apply(command, row)
    await session.flush()
    return row


async def delete(
    session: AsyncSession, principal: Principal, kind: ReferenceKind, row_id: str
) -> str:
    """Remove a row of this kind that nothing points at any more; returns its id."""
    row = await get(session, principal, kind, row_id)
    used_by = await repository.first_reference(session, KINDS[kind].model, row.id)
    if used_by is not None:
        raise Conflict(
            f"The {kind.value} is still used by {used_by} and cannot be deleted.",
            [kind.value, row.id],
        )
    try:
        await repository.delete_row(session, row)
    except IntegrityError as exc:
        # A reference added by a concurrent request after the check above.
        raise Conflict(f"The {kind.value} is still in use.", [kind.value, row.id]) from exc
    return row.id
