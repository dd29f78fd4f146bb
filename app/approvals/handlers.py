"""The APPROVAL_REQUESTS adaptor's actions: ask for approval and wait for the decision.

REQUEST_USER_APPROVAL creates a PENDING approval request that the users (USER_ID), the
members of the teams (TEAM_ID) and the holders of the roles (ROLE_ID) named by the action's
parameters may decide; REQUEST_CUSTOMER_APPROVAL one that the customer (CONTACT_ID, default:
the event's contact) decides. Either makes the run wait: an approval resumes it with the next
action, a rejection stops it (``app.approvals.service.decide``).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from app.access.repository import ROLES, TEAMS, member
from app.approvals.codes import ApprovalParameter, ConditionType
from app.approvals.live import publish_change
from app.auth.permissions import BUILT_IN_ROLES
from app.auth.principal import Principal
from app.automations.actions import ActionConfig, Outcome, RunContext
from app.contacts.repository import CONTACTS
from app.db.models import ApprovalCondition, ApprovalRequest, Role
from app.errors import BusinessRuleViolation, InvalidInput, NotFound
from app.events.codes import ENTITY_TYPES, Entity, Event, entity_reference
from app.events.emit import emit

_USER_KEYS = (ApprovalParameter.USER_ID, ApprovalParameter.TEAM_ID, ApprovalParameter.ROLE_ID)
_COMMON_KEYS = (ApprovalParameter.REQUIRED_APPROVALS, ApprovalParameter.DESCRIPTION)


def _check_keys(action: ActionConfig, allowed: tuple[ApprovalParameter, ...]) -> None:
    for index, item in enumerate(action.parameters):
        key = item.get("parameter_key")
        field = f"adaptor_action_parameters[{index}]"
        if key not in allowed:
            names = ", ".join(allowed)
            raise InvalidInput(f"{field}.parameter_key", f"{key} is not one of {names}")
        if not item.get("parameter_from_value"):
            raise InvalidInput(f"{field}.parameter_from_value", "is required")
    required = action.value(ApprovalParameter.REQUIRED_APPROVALS)
    if required is not None and (not required.isdigit() or int(required) < 1):
        raise InvalidInput(
            "adaptor_action_parameters", "REQUIRED_APPROVALS must be a whole number of 1 or more"
        )


async def _role_exists(session: AsyncSession, principal: Principal, code: str) -> bool:
    if code in BUILT_IN_ROLES:
        return True
    stmt = ROLES.readable(principal).where(Role.code == code)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none() is not None


async def check_user_approvers(
    session: AsyncSession, principal: Principal, action: ActionConfig
) -> None:
    """REQUEST_USER_APPROVAL needs at least one USER_ID, TEAM_ID or ROLE_ID; each must be a
    member, team or role of the caller's organisation (404 naming it otherwise)."""
    _check_keys(action, (*_USER_KEYS, *_COMMON_KEYS))
    if not any(action.values(key) for key in _USER_KEYS):
        raise InvalidInput(
            "adaptor_action_parameters", "name who may decide: USER_ID, TEAM_ID or ROLE_ID"
        )
    for user_id in action.values(ApprovalParameter.USER_ID):
        if await member(session, principal, principal.organisation_id, user_id) is None:
            raise NotFound("user", user_id)
    for team_id in action.values(ApprovalParameter.TEAM_ID):
        await TEAMS.lookup(session, principal, "team", team_id)
    for code in action.values(ApprovalParameter.ROLE_ID):
        if not await _role_exists(session, principal, code):
            raise NotFound("role", code)


async def check_customer_approvers(
    session: AsyncSession, principal: Principal, action: ActionConfig
) -> None:
    """REQUEST_CUSTOMER_APPROVAL takes an optional CONTACT_ID (a contact of the caller's
    network, 404 otherwise); without it the event's contact decides."""
    _check_keys(action, (ApprovalParameter.CONTACT_ID, *_COMMON_KEYS))
    for contact_id in action.values(ApprovalParameter.CONTACT_ID):
        await CONTACTS.lookup(session, principal, "contact", contact_id)


async def _request_approval(
    session: AsyncSession, run: RunContext, conditions: list[tuple[str, str]]
) -> Outcome:
    event = run.event
    required = run.action.value(ApprovalParameter.REQUIRED_APPROVALS)
    request = ApprovalRequest(
        organisation_id=run.principal.organisation_id,
        is_test=run.principal.is_test,
        entity_type=ENTITY_TYPES[Entity(event["entity"])],
        entity_id=event["entity_id"],
        entity_reference=entity_reference(event["data"], event["entity_id"]),
        description=run.action.value(ApprovalParameter.DESCRIPTION) or run.automation_description,
        automation_id=run.automation_id,
        automation_name=run.automation_name,
        run_id=run.run_id,
        position=run.position,
        requested_by_user_id=run.user_id,
        required_approvals=int(required) if required else 1,
    )
    session.add(request)
    await session.flush()
    session.add_all(
        ApprovalCondition(
            approval_request_id=request.id, type=kind, target_id=target, position=index
        )
        for index, (kind, target) in enumerate(conditions)
    )
    await emit(
        session,
        run.principal,
        entity=Entity.APPROVALS,
        event=Event.REQUEST_APPROVAL,
        entity_id=request.id,
        data={
            "reference": request.entity_reference,
            "state": request.state,
            "entity_type": request.entity_type,
            "entity_id": request.entity_id,
            "automation_id": run.automation_id,
        },
        depth=run.depth + 1,
    )
    await publish_change(session, request)
    return Outcome.WAIT


async def request_user_approval(session: AsyncSession, run: RunContext) -> Outcome:
    """Create an approval request for the configured users, teams and roles; wait."""
    kinds = (
        (ApprovalParameter.USER_ID, ConditionType.USER),
        (ApprovalParameter.TEAM_ID, ConditionType.TEAM),
        (ApprovalParameter.ROLE_ID, ConditionType.ROLE),
    )
    conditions = [(kind.value, target) for key, kind in kinds for target in run.action.values(key)]
    return await _request_approval(session, run, conditions)


async def request_customer_approval(session: AsyncSession, run: RunContext) -> Outcome:
    """Create an approval request for the customer (CONTACT_ID, else the event's contact:
    ``data.contact_id``, or the entity itself for CONTACTS events); wait."""
    event = run.event
    contact_id = run.action.value(ApprovalParameter.CONTACT_ID) or event["data"].get("contact_id")
    if contact_id is None and event["entity"] == Entity.CONTACTS:
        contact_id = event["entity_id"]
    if not contact_id:
        raise BusinessRuleViolation(
            "The event names no contact to ask for approval; set CONTACT_ID.", ["CONTACT_ID"]
        )
    return await _request_approval(session, run, [(ConditionType.CONTACT.value, str(contact_id))])
