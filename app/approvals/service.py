"""Rules for deciding approval requests (spec: Approval requests).

- Only a PENDING request can be decided (409 otherwise).
- A signed-in user decides a request that names them (as a USER, through a TEAM they belong
  to, or the ROLE of their membership), once (403 / 409 otherwise). A secret API key decides
  only customer approvals (a CONTACT condition), on the customer's behalf: customers do not
  sign in to this gateway, the application that asked them relays their answer.
- One rejection rejects the request; it is approved when its ``required_approvals``
  approvals are in. Either final decision emits APPROVALS ``DECIDE_APPROVAL`` and reaches the
  automation run waiting for it: approved, it goes on with its next action; rejected, it stops.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from app.approvals import repository
from app.approvals.codes import ApprovalState, ConditionType
from app.approvals.commands import DecideApproval
from app.approvals.live import publish_change
from app.auth.principal import Principal
from app.automations.runs import resume_run
from app.db.base import utcnow
from app.db.models import ApprovalRequest, ApprovalResponse
from app.errors import Conflict, Forbidden
from app.events.codes import Entity, Event
from app.events.emit import emit


async def _decider(
    session: AsyncSession, principal: Principal, request: ApprovalRequest
) -> tuple[str, str]:
    """Who decides (condition type, id), if the caller may (403 otherwise)."""
    if principal.user_id is not None:
        if not await repository.is_authorised(session, principal, request.id):
            raise Forbidden(
                "This approval request does not name you, your teams or your role.",
                ["approval_request", request.id],
            )
        return ConditionType.USER.value, principal.user_id
    contacts = await repository.contact_conditions(session, request.id)
    if not contacts:
        raise Forbidden(
            "A user approval is decided by a signed-in user it names (Bearer token), not by "
            "an API key.",
            ["approval_request", request.id],
        )
    return ConditionType.CONTACT.value, contacts[0]


async def decide(
    session: AsyncSession, principal: Principal, approval_id: str, command: DecideApproval
) -> ApprovalRequest:
    """Record the caller's decision on a request and apply it (see the module's rules)."""
    request = await repository.approval_for_change(session, principal, approval_id)
    if request.state != ApprovalState.PENDING:
        raise Conflict(
            f"The approval request is {request.state} already.", ["state", request.state]
        )
    kind, actor = await _decider(session, principal, request)
    if await repository.has_answered(session, request.id, kind, actor):
        raise Conflict("You have answered this approval request already.", ["approval_request"])
    session.add(
        ApprovalResponse(
            approval_request_id=request.id,
            state=command.decision,
            message=command.message,
            authorised_by_type=kind,
            authorised_by_id=actor,
        )
    )
    await session.flush()
    approved = command.decision == ApprovalState.APPROVED
    if approved and await repository.approvals_count(session, request.id) < (
        request.required_approvals
    ):
        await publish_change(session, request)  # one more approval: still PENDING
        return request
    request.state = command.decision
    request.decided_on = utcnow()
    if request.run_id is not None and request.position is not None:
        await resume_run(session, principal, request.run_id, request.position, approved)
    await emit(
        session,
        principal,
        entity=Entity.APPROVALS,
        event=Event.DECIDE_APPROVAL,
        entity_id=request.id,
        data={
            "reference": request.entity_reference,
            "state": request.state,
            "entity_type": request.entity_type,
            "entity_id": request.entity_id,
            "automation_id": request.automation_id,
        },
        organisation_id=request.organisation_id,
    )
    await session.flush()
    await publish_change(session, request)
    return request
