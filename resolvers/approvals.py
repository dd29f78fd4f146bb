"""Resolvers and dataloaders for approval requests."""

from collections.abc import AsyncIterator

from app.approvals import repository, service
from app.approvals.commands import DecideApproval
from app.approvals.live import LIVE_TOPIC
from app.approvals.repository import ApprovalSearch
from app.db.models import ApprovalCondition, ApprovalRequest, ApprovalResponse
from app.db.relations import Related
from app.errors import NotFound
from app.live import subscribe
from app.organisations.repository import visible_ids as visible_organisation_ids
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.relations import RelationLoader


class ConditionsByApprovalRequestIdLoader(RelationLoader):
    """Who may decide each approval request, in the order the action named them."""

    related = Related(
        ApprovalCondition, "approval_request_id", repository.condition_order, many=True
    )


class ResponsesByApprovalRequestIdLoader(RelationLoader):
    """The decisions on each approval request, oldest first."""

    related = Related(ApprovalResponse, "approval_request_id", repository.response_order, many=True)


async def approval_request(info: Info, id: str) -> ApprovalRequest:
    """One approval request."""
    return await info.context.reads(repository.get_approval, id)


async def approval_requests(
    info: Info, request: PageRequest, search: ApprovalSearch
) -> Page[ApprovalRequest]:
    """A page of approval requests matching the search."""
    return await info.context.reads(repository.search_approvals, request, search)


async def my_pending_approvals(
    info: Info, request: PageRequest, search: ApprovalSearch
) -> Page[ApprovalRequest]:
    """The signed-in user's pending approvals."""
    return await info.context.reads(repository.my_pending_approvals, request, search)


async def my_requests(
    info: Info, request: PageRequest, search: ApprovalSearch
) -> Page[ApprovalRequest]:
    """The approval requests the signed-in user's changes raised."""
    return await info.context.reads(repository.my_requests, request, search)


async def decide_approval_request(info: Info, id: str, command: DecideApproval) -> ApprovalRequest:
    """Approve or reject an approval request."""
    return await info.context.writes(service.decide, id, command)


async def approval_request_updates(info: Info) -> AsyncIterator[ApprovalRequest]:
    """The caller's approval requests each time one is created or decided (see
    :mod:`app.approvals.live`)."""
    organisation_ids = await info.context.reads(visible_organisation_ids)
    async for update in subscribe(LIVE_TOPIC, organisation_ids):
        try:
            row = await info.context.reads(repository.get_approval, update.payload["id"])
        except NotFound:  # of the other mode: not the caller's
            continue
        info.context.loaders.clear_all()  # each update is read afresh (responses...)
        await info.context.check_still_authenticated()
        yield row
