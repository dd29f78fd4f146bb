"""SQL for approval requests, their conditions and responses, narrowed to the caller's
network and mode."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.approvals.codes import ApprovalState, ConditionType
from app.auth.principal import Principal
from app.db.models import ApprovalCondition, ApprovalRequest, ApprovalResponse, TeamMember
from app.db.repository import ChildRepository, TenantRepository
from app.errors import Forbidden, NotFound
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

APPROVALS = TenantRepository(ApprovalRequest)
CONDITIONS = ChildRepository(ApprovalCondition, APPROVALS, "approval_request_id")
RESPONSES = ChildRepository(ApprovalResponse, APPROVALS, "approval_request_id")

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": ApprovalRequest.created_on,
    "state": ApprovalRequest.state,
    "entity_type": ApprovalRequest.entity_type,
}


def condition_order(condition: Any = ApprovalCondition) -> list[Any]:
    """A request's authorised conditions in the order the action named them."""
    return [condition.position, condition.id]


def response_order(response: Any = ApprovalResponse) -> list[Any]:
    """A request's responses, oldest first."""
    return [response.authorised_on, response.id]


def _condition(kind: ConditionType, target: Any) -> Any:
    return exists().where(
        ApprovalCondition.approval_request_id == ApprovalRequest.id,
        ApprovalCondition.type == kind.value,
        ApprovalCondition.target_id == target,
    )


@dataclass(frozen=True)
class ApprovalSearch:
    """The spec's approval request filters; each given field narrows the result.

    ``search_value`` matches the entity type or reference (containing it, ignoring case);
    ``user_id`` / ``contact_id`` a user or contact named by an authorised condition;
    ``condition_type`` requests with a condition of that type; ``requested_by`` the user whose
    change raised the request; ``of_customer`` customer approvals (True: a CONTACT decides,
    REQUEST_CUSTOMER_APPROVAL) or user approvals (False).
    """

    search_value: str | None = None
    state: str | None = None
    automation_id: str | None = None
    user_id: str | None = None
    contact_id: str | None = None
    condition_type: str | None = None
    requested_by: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    entity_reference: str | None = None
    description: str | None = None
    of_customer: bool | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search."""
        found: list[Any] = []
        if self.search_value:
            found.append(
                or_(
                    contains_literal(ApprovalRequest.entity_type, self.search_value),
                    contains_literal(ApprovalRequest.entity_reference, self.search_value),
                )
            )
        for column, value in (
            (ApprovalRequest.state, self.state),
            (ApprovalRequest.automation_id, self.automation_id),
            (ApprovalRequest.requested_by_user_id, self.requested_by),
            (ApprovalRequest.entity_type, self.entity_type),
            (ApprovalRequest.entity_id, self.entity_id),
        ):
            if value:
                found.append(column == value)
        if self.user_id:
            found.append(_condition(ConditionType.USER, self.user_id))
        if self.contact_id:
            found.append(_condition(ConditionType.CONTACT, self.contact_id))
        for column, text in (
            (ApprovalRequest.entity_reference, self.entity_reference),
            (ApprovalRequest.description, self.description),
        ):
            if text:
                found.append(contains_literal(column, text))
        if self.of_customer is not None:
            customer = exists().where(
                ApprovalCondition.approval_request_id == ApprovalRequest.id,
                ApprovalCondition.type == ConditionType.CONTACT,
            )
            found.append(customer if self.of_customer else ~customer)
        if self.condition_type:
            found.append(
                exists().where(
                    ApprovalCondition.approval_request_id == ApprovalRequest.id,
                    ApprovalCondition.type == self.condition_type,
                )
            )
        return found


def signed_in_user(principal: Principal) -> str:
    """The signed-in user's id (403 for API keys: these lists are a user's own)."""
    if principal.user_id is None:
        raise Forbidden(
            "Only a signed-in user (Bearer token) has approvals of their own.", ["user"]
        )
    return principal.user_id


def authorised_condition(principal: Principal) -> Any:
    """A request names the signed-in user: as a USER, through a TEAM they belong to, or
    through the ROLE their membership holds."""
    user_id = signed_in_user(principal)
    teams = select(TeamMember.team_id).where(TeamMember.user_id == user_id)
    kind, target = ApprovalCondition.type, ApprovalCondition.target_id
    return exists().where(
        ApprovalCondition.approval_request_id == ApprovalRequest.id,
        or_(
            and_(kind == ConditionType.USER, target == user_id),
            and_(kind == ConditionType.TEAM, target.in_(teams)),
            and_(kind == ConditionType.ROLE, target == (principal.role or "")),
        ),
    )


async def get_approval(
    session: AsyncSession, principal: Principal, approval_id: str
) -> ApprovalRequest:
    """The caller's approval request (404 naming it otherwise)."""
    return await APPROVALS.lookup(session, principal, "approval_request", approval_id)


async def approval_for_change(
    session: AsyncSession, principal: Principal, approval_id: str
) -> ApprovalRequest:
    """The caller's approval request, locked for a decision (404 otherwise)."""
    stmt = APPROVALS.writable(principal).where(ApprovalRequest.id == approval_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("approval_request", approval_id)
    return found


async def search_approvals(
    session: AsyncSession, principal: Principal, request: PageRequest, search: ApprovalSearch
) -> Page[ApprovalRequest]:
    """A page of the caller's approval requests matching ``search``."""
    stmt = APPROVALS.readable(principal).where(*search.conditions())
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def my_pending_approvals(
    session: AsyncSession, principal: Principal, request: PageRequest, search: ApprovalSearch
) -> Page[ApprovalRequest]:
    """PENDING requests the signed-in user may decide and has not answered yet."""
    user_id = signed_in_user(principal)
    answered = exists().where(
        ApprovalResponse.approval_request_id == ApprovalRequest.id,
        ApprovalResponse.authorised_by_type == ConditionType.USER,
        ApprovalResponse.authorised_by_id == user_id,
    )
    stmt = APPROVALS.readable(principal).where(
        ApprovalRequest.state == ApprovalState.PENDING,
        authorised_condition(principal),
        ~answered,
        *search.conditions(),
    )
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def my_requests(
    session: AsyncSession, principal: Principal, request: PageRequest, search: ApprovalSearch
) -> Page[ApprovalRequest]:
    """Requests raised by the signed-in user's changes."""
    user_id = signed_in_user(principal)
    stmt = APPROVALS.readable(principal).where(
        ApprovalRequest.requested_by_user_id == user_id, *search.conditions()
    )
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def is_authorised(session: AsyncSession, principal: Principal, approval_id: str) -> bool:
    """Whether the signed-in user may decide the request."""
    stmt = select(func.count()).where(
        ApprovalRequest.id == approval_id, authorised_condition(principal)
    )
    return bool((await session.execute(stmt)).scalar_one())


async def has_answered(session: AsyncSession, approval_id: str, kind: str, actor: str) -> bool:
    """Whether ``actor`` has answered the request already."""
    stmt = select(func.count()).where(
        ApprovalResponse.approval_request_id == approval_id,
        ApprovalResponse.authorised_by_type == kind,
        ApprovalResponse.authorised_by_id == actor,
    )
    return bool((await session.execute(stmt)).scalar_one())


async def approvals_count(session: AsyncSession, approval_id: str) -> int:
    """How many APPROVED responses the request has."""
    stmt = select(func.count()).where(
        ApprovalResponse.approval_request_id == approval_id,
        ApprovalResponse.state == ApprovalState.APPROVED,
    )
    return int((await session.execute(stmt)).scalar_one())


async def contact_conditions(session: AsyncSession, approval_id: str) -> list[str]:
    """The contacts a request names (customer approvals)."""
    stmt = select(ApprovalCondition.target_id).where(
        ApprovalCondition.approval_request_id == approval_id,
        ApprovalCondition.type == ConditionType.CONTACT,
    )
    return list((await session.execute(stmt.order_by(ApprovalCondition.position))).scalars())
