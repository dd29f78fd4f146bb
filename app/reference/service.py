"""Rules for reference data: one create / read / update / delete path for the nine kinds.

The kinds differ only in their model and their own checks, kept in ``KINDS``: each check
normalises and validates the fields a caller gave (``current`` is the row being changed, or
``None`` when creating) before anything is written, so a refused request changes nothing.
"""

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
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
from app.reference.lookup import get_visible

MAX_NAME_LENGTH = 200
MAX_SIGN_UP_CODE_LENGTH = 100
SIGN_UP_METHODS = ("OPEN", "EMAIL_DOMAIN", "SIGN_UP_CODE")
PRODUCT_ID_TYPES = ("BRAND", "PRODUCT", "CATEGORY")
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_COLOR = re.compile(r"^#?([0-9a-f]{3}|[0-9a-f]{6})$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


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


Fields = dict[str, Any]
Check = Callable[[AsyncSession, Principal, Fields, Any], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class KindRules:
    """The model of a kind and the checks its own fields need."""

    model: type[ReferenceColumns]
    check: Check


def _current(fields: Fields, current: Any, name: str, default: Any) -> Any:
    """The value ``name`` will have: the given one, else the row's, else ``default``."""
    if name in fields:
        return fields[name]
    return getattr(current, name) if current is not None else default


def _check_name(fields: Fields, creating: bool) -> None:
    if not creating and "name" not in fields:
        return
    name = (fields.get("name") or "").strip()
    if not name:
        raise InvalidInput("name", "must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput("name", f"must be at most {MAX_NAME_LENGTH} characters")
    fields["name"] = name


async def _no_own_fields(
    session: AsyncSession, principal: Principal, fields: Fields, current: Any
) -> None:
    """Kinds with only a name and a description need no further checks."""


async def _check_payment_terms(
    session: AsyncSession, principal: Principal, fields: Fields, current: PaymentTerms | None
) -> None:
    if "days" in fields and (fields["days"] is None or fields["days"] < 0):
        raise InvalidInput("days", "must be 0 or more")


async def _check_industry_sector(
    session: AsyncSession, principal: Principal, fields: Fields, current: IndustrySector | None
) -> None:
    if current is None and "industry_id" not in fields:
        raise InvalidInput("industry_id", "is required")
    if "industry_id" in fields:
        if not fields["industry_id"]:
            raise InvalidInput("industry_id", "is required")
        await get_visible(session, principal, Industry, "industry", fields["industry_id"])


def _normalised_domain(value: str) -> str:
    domain = value.strip().lower().lstrip("@")
    if not _DOMAIN.match(domain):
        raise InvalidInput("email_domains", f"{value!r} is not an e-mail domain")
    return domain


async def _check_reward_scheme(
    session: AsyncSession, principal: Principal, fields: Fields, current: RewardScheme | None
) -> None:
    method = _current(fields, current, "sign_up_method", "OPEN")
    if method not in SIGN_UP_METHODS:
        raise InvalidInput("sign_up_method", f"must be one of {', '.join(SIGN_UP_METHODS)}")
    if "email_domains" in fields:
        domains = [_normalised_domain(value) for value in fields["email_domains"] or []]
        fields["email_domains"] = list(dict.fromkeys(domains))
    if "sign_up_code" in fields:
        code = (fields["sign_up_code"] or "").strip() or None
        if code is not None and len(code) > MAX_SIGN_UP_CODE_LENGTH:
            raise InvalidInput(
                "sign_up_code", f"must be at most {MAX_SIGN_UP_CODE_LENGTH} characters"
            )
        fields["sign_up_code"] = code
    if method == "EMAIL_DOMAIN" and not _current(fields, current, "email_domains", []):
        raise InvalidInput("email_domains", "an EMAIL_DOMAIN scheme needs at least one domain")
    if method == "SIGN_UP_CODE" and not _current(fields, current, "sign_up_code", None):
        raise InvalidInput("sign_up_code", "a SIGN_UP_CODE scheme needs a sign-up code")


async def _check_reward_tier(
    session: AsyncSession, principal: Principal, fields: Fields, current: RewardTier | None
) -> None:
    if current is None and "reward_scheme_id" not in fields:
        raise InvalidInput("reward_scheme_id", "is required")
    if "reward_scheme_id" in fields:
        if not fields["reward_scheme_id"]:
            raise InvalidInput("reward_scheme_id", "is required")
        await get_visible(
            session, principal, RewardScheme, "reward_scheme", fields["reward_scheme_id"]
        )
    if fields.get("color") is not None:
        color = fields["color"].strip().lower()
        if not _COLOR.match(color):
            raise InvalidInput("color", 'must be a hexadecimal colour code such as "#d4af37"')
        fields["color"] = "#" + color.lstrip("#")
    if "threshold_value_units" in fields:
        threshold: Decimal | None = fields["threshold_value_units"]
        if threshold is None or threshold < 0:
            raise InvalidInput("threshold_value_units", "must be 0 or more")


def _normalised_product(index: int, product: Mapping[str, Any]) -> dict[str, Any]:
    field = f"products[{index}]"
    if product.get("id_type") not in PRODUCT_ID_TYPES:
        raise InvalidInput(f"{field}.id_type", f"must be one of {', '.join(PRODUCT_ID_TYPES)}")
    product_id = (product.get("id") or "").strip()
    if not product_id:
        raise InvalidInput(f"{field}.id", "is required")
    return {
        "id_type": product["id_type"],
        "id": product_id,
        "name": product.get("name"),
        "description": product.get("description"),
    }


def _normalised_timing(index: int, timing: Mapping[str, Any]) -> dict[str, Any]:
    field = f"timings[{index}]"
    month, day = timing.get("month"), timing.get("day")
    if month is not None and not 1 <= month <= 12:
        raise InvalidInput(f"{field}.month", "must be between 1 and 12")
    if day is not None and not 1 <= day <= 7:
        raise InvalidInput(f"{field}.day", "must be between 1 (Sunday) and 7")
    start, end = timing.get("start_time"), timing.get("end_time")
    for name, value in (("start_time", start), ("end_time", end)):
        if value is not None and not _HH_MM.match(value):
            raise InvalidInput(f"{field}.{name}", 'must be a 24-hour time "HH:MM"')
    if (start is None) != (end is None):
        missing = "end_time" if end is None else "start_time"
        raise InvalidInput(f"{field}.{missing}", "start_time and end_time go together")
    if start is not None and end is not None and start >= end:
        raise InvalidInput(f"{field}.end_time", "must be later than start_time")
    return {"month": month, "day": day, "start_time": start, "end_time": end}


async def _check_spend_condition(
    session: AsyncSession, principal: Principal, fields: Fields, current: SpendCondition | None
) -> None:
    if "organisation_ids" in fields:
        organisation_ids = list(dict.fromkeys(fields["organisation_ids"] or []))
        unknown = await repository.first_invisible_organisation(
            session, principal, organisation_ids
        )
        if unknown is not None:
            raise NotFound("organisation", unknown)
        fields["organisation_ids"] = organisation_ids
    if "products" in fields:
        products = fields["products"] or []
        fields["products"] = [_normalised_product(i, p) for i, p in enumerate(products)]
    if "timings" in fields:
        timings = fields["timings"] or []
        fields["timings"] = [_normalised_timing(i, t) for i, t in enumerate(timings)]
    if "is_active" in fields and fields["is_active"] is None:
        raise InvalidInput("is_active", "must be true or false")


KINDS: dict[ReferenceKind, KindRules] = {
    ReferenceKind.ACCOUNT_CLASSIFICATION: KindRules(AccountClassification, _no_own_fields),
    ReferenceKind.PAYMENT_TERMS: KindRules(PaymentTerms, _check_payment_terms),
    ReferenceKind.INDUSTRY: KindRules(Industry, _no_own_fields),
    ReferenceKind.INDUSTRY_SECTOR: KindRules(IndustrySector, _check_industry_sector),
    ReferenceKind.BUSINESS_ACTIVITY: KindRules(BusinessActivity, _no_own_fields),
    ReferenceKind.ORGANISATION_GROUP: KindRules(OrganisationGroup, _no_own_fields),
    ReferenceKind.REWARD_SCHEME: KindRules(RewardScheme, _check_reward_scheme),
    ReferenceKind.REWARD_TIER: KindRules(RewardTier, _check_reward_tier),
    ReferenceKind.SPEND_CONDITION: KindRules(SpendCondition, _check_spend_condition),
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
    session: AsyncSession, principal: Principal, kind: ReferenceKind, fields: Fields
) -> Any:
    """Create a row of this kind in the caller's organisation and mode."""
    rules = KINDS[kind]
    fields = dict(fields)
    _check_name(fields, creating=True)
    await rules.check(session, principal, fields, None)
    row: Any = rules.model()
    row.organisation_id = principal.organisation_id
    row.is_test = principal.is_test
    for name, value in fields.items():
        setattr(row, name, value)
    session.add(row)
    await session.flush()
    return row


async def update(
    session: AsyncSession, principal: Principal, kind: ReferenceKind, row_id: str, fields: Fields
) -> Any:
    """Change the given fields of a row of this kind; fields left out stay as they are."""
    rules = KINDS[kind]
    row = await get(session, principal, kind, row_id)
    fields = dict(fields)
    _check_name(fields, creating=False)
    await rules.check(session, principal, fields, row)
    for name, value in fields.items():
        setattr(row, name, value)
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
