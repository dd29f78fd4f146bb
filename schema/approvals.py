"""GraphQL types, inputs and root fields of approval requests (spec: Approval requests).
Field names are the spec's (``automations`` is the spec's name of the automation that asked,
``entity`` the record it asks about); ``automation`` links to the automation itself."""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from app.accounts.service import contact_display_name
from app.approvals.codes import ApprovalState, ConditionType
from app.approvals.commands import DecideApproval, Decision
from app.approvals.repository import DEFAULT_SORT, SORT_COLUMNS, ApprovalSearch
from app.auth.permissions import BUILT_IN_ROLES, Permission
from app.db.models import ApprovalRequest as ApprovalRequestRow
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import approvals as resolve
from resolvers.activities import TeamByIdLoader, UserByIdLoader
from resolvers.automations import AutomationByIdLoader
from resolvers.contacts import ContactByIdLoader
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.automations import Automation
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
from schema.permissions import any_caller, needs

ApprovalSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
IdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The approval request identifier.")
]

strawberry.enum(
    ApprovalState,
    name="ApprovalRequestState",
    description="An approval request's state: PENDING, APPROVED or REJECTED.",
)
strawberry.enum(Decision, name="ApprovalDecision", description="APPROVED or REJECTED.")
strawberry.enum(
    ConditionType,
    name="ApprovalConditionType",
    description="Who is named: a USER, a TEAM's members, a ROLE's holders, a CONTACT.",
)


@strawberry.type(description="A user, team, role or contact named by or deciding a request.")
class ApprovalParty:
    id: strawberry.ID = strawberry.field(description="Its identifier (a role: its code).")
    name: str | None = strawberry.field(description="Its name.")
    type: ConditionType = strawberry.field(description="USER, TEAM, ROLE or CONTACT.")


async def _party(info: Info, kind: str, target: str) -> ApprovalParty:
    """The named party with its name (``None`` when the caller cannot see it)."""
    loaders = info.context.loaders
    name: str | None = None
    if kind == ConditionType.USER:
        user = await loaders.get(UserByIdLoader).load(target)
        if user is not None:
            name = " ".join(p for p in (user.first_name, user.last_name) if p) or user.email
    elif kind == ConditionType.TEAM:
        team = await loaders.get(TeamByIdLoader).load(target)
        name = team.name if team is not None else None
    elif kind == ConditionType.CONTACT:
        contact = await loaders.get(ContactByIdLoader).load(target)
        name = contact_display_name(contact) if contact is not None else None
    else:
        role = BUILT_IN_ROLES.get(target)
        name = role.name if role is not None else target
    return ApprovalParty(id=strawberry.ID(target), name=name, type=ConditionType(kind))


@strawberry.type(description="The record an approval request is about.")
class ApprovalEntity:
    id: strawberry.ID = strawberry.field(description="The record's identifier.")
    type: str = strawberry.field(
        description="The record's type (CONTACT, ACCOUNT, WALLET, JOURNAL, ORGANISATION, "
        "ACTIVITY, APPROVAL_REQUEST)."
    )
    reference: str | None = strawberry.field(
        description="What a person recognises it by (a code, a number, a name)."
    )


@strawberry.type(description="The automation that asked for approval (its id and name).")
class ApprovalAutomation:
    id: strawberry.ID = strawberry.field(description="The automation identifier.")
    name: str | None = strawberry.field(description="The automation name.")


@strawberry.type(description="One decision on an approval request.")
class ApprovalResponse:
    message: str | None = strawberry.field(description="The reason given.")
    state: ApprovalState = strawberry.field(description="APPROVED or REJECTED.")
    authorised_on: datetime = strawberry.field(description="When it was given.")
    by_type: strawberry.Private[str]
    by_id: strawberry.Private[str]

    @strawberry.field(description="Who gave it.")
    async def authorised_by(self, info: Info) -> ApprovalParty:
        return await _party(info, self.by_type, self.by_id)


@strawberry.type(description="A request for approval made by an automation.")
class ApprovalRequest:
    id: strawberry.ID = strawberry.field(description="The approval request identifier.")
    state: ApprovalState = strawberry.field(description="PENDING, APPROVED or REJECTED.")
    description: str | None = strawberry.field(description="What is to be approved.")
    created_date: datetime = strawberry.field(description="When the request was made.")
    required_approvals: int = strawberry.field(description="Approvals it needs.")
    entity: ApprovalEntity = strawberry.field(description="The record it is about.")
    automations: ApprovalAutomation | None = strawberry.field(
        description="The automation that asked (kept when the automation is deleted)."
    )
    row: strawberry.Private[ApprovalRequestRow]

    @strawberry.field(description="The automation that asked, if it still exists.")
    async def automation(self, info: Info) -> Automation | None:
        if self.row.automation_id is None:
            return None
        found = await info.context.loaders.get(AutomationByIdLoader).load(self.row.automation_id)
        return Automation.of(found) if found is not None else None

    @strawberry.field(description="Who may approve or reject it.")
    async def authorised_conditions(self, info: Info) -> list[ApprovalParty]:
        loader = info.context.loaders.get(resolve.ConditionsByApprovalRequestIdLoader)
        rows = await loader.load(self.id)
        return [await _party(info, row.type, row.target_id) for row in rows]

    @strawberry.field(description="The decisions given so far, oldest first.")
    async def responses(self, info: Info) -> list[ApprovalResponse]:
        loader = info.context.loaders.get(resolve.ResponsesByApprovalRequestIdLoader)
        return [
            ApprovalResponse(
                message=row.message,
                state=ApprovalState(row.state),
                authorised_on=row.authorised_on,
                by_type=row.authorised_by_type,
                by_id=row.authorised_by_id,
            )
            for row in await loader.load(self.id)
        ]

    @strawberry.field(description="Approvals still needed (0 once decided).")
    async def pending_requests(self, info: Info) -> int:
        if self.state != ApprovalState.PENDING:
            return 0
        given = [r for r in await self.responses(info) if r.state == ApprovalState.APPROVED]
        return max(self.required_approvals - len(given), 0)

    async def _last(self, info: Info) -> ApprovalResponse | None:
        responses = await self.responses(info)
        return responses[-1] if responses else None

    @strawberry.field(description="The reason of the latest decision.")
    async def response(self, info: Info) -> str | None:
        last = await self._last(info)
        return last.message if last else None

    @strawberry.field(description="Who gave the latest decision.")
    async def authorised_by(self, info: Info) -> ApprovalParty | None:
        last = await self._last(info)
        return await _party(info, last.by_type, last.by_id) if last else None

    @strawberry.field(description="When the latest decision was given.")
    async def authorised_on(self, info: Info) -> datetime | None:
        last = await self._last(info)
        return last.authorised_on if last else None

    @classmethod
    def of(cls, row: ApprovalRequestRow) -> "ApprovalRequest":
        """The GraphQL approval request for a row."""
        automation = (
            ApprovalAutomation(id=strawberry.ID(row.automation_id), name=row.automation_name)
            if row.automation_id
            else None
        )
        return cls(
            id=strawberry.ID(row.id),
            state=ApprovalState(row.state),
            description=row.description,
            created_date=row.created_on,
            required_approvals=row.required_approvals,
            entity=ApprovalEntity(
                id=strawberry.ID(row.entity_id),
                type=row.entity_type,
                reference=row.entity_reference,
            ),
            automations=automation,
            row=row,
        )


@strawberry.input(description="Approve or reject an approval request.")
class DecideApprovalInput:
    life_cycle_state: Decision | None = strawberry.field(
        default=strawberry.UNSET, description="The state it changes to."
    )
    state: Decision | None = strawberry.field(
        default=strawberry.UNSET, description="The state it changes to (the other spelling)."
    )
    response: str | None = strawberry.field(
        default=strawberry.UNSET, description="Why it was approved or rejected."
    )
    reason: str | None = strawberry.field(
        default=strawberry.UNSET, description="Why (the other name of response)."
    )


@strawberry.input(description="Which approval requests to return: those matching every field.")
class ApprovalRequestFilter:
    search_value: str | None = strawberry.field(
        default=None, description="Text the entity type or reference contains (ignoring case)."
    )
    state: ApprovalState | None = strawberry.field(default=None, description="The state.")
    automation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The automation that asked."
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="A user named to approve or reject it."
    )
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="A contact named to approve or reject it."
    )
    condition_type: ConditionType | None = strawberry.field(
        default=None, description="Requests naming a party of this type."
    )
    requested_by: strawberry.ID | None = strawberry.field(
        default=None, description="The user whose change raised it."
    )
    entity_type: str | None = strawberry.field(default=None, description="The entity type.")
    entity_id: strawberry.ID | None = strawberry.field(
        default=None, description="The entity record."
    )

    def search(self) -> ApprovalSearch:
        """The repository search this filter asks for."""
        return ApprovalSearch(
            search_value=self.search_value,
            state=self.state.value if self.state else None,
            automation_id=self.automation_id,
            user_id=self.user_id,
            contact_id=self.contact_id,
            condition_type=self.condition_type.value if self.condition_type else None,
            requested_by=self.requested_by,
            entity_type=self.entity_type,
            entity_id=self.entity_id,
        )


FilterArgument = Annotated[
    ApprovalRequestFilter | None,
    strawberry.argument(name="filter", description="Only approval requests matching it."),
]


@strawberry.type
class Query:
    @strawberry.field(
        description="Get details for a specific approval request.",
        extensions=needs(Permission.APPROVALS_READ),
    )
    async def approval_request(self, info: Info, id: IdArgument) -> ApprovalRequest:
        return ApprovalRequest.of(await resolve.approval_request(info, id))

    @strawberry.field(
        description="Search for approval requests of the caller's network.",
        extensions=needs(Permission.APPROVALS_READ),
    )
    async def approval_requests(
        self,
        info: Info,
        filter_by: FilterArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ApprovalSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[ApprovalRequest]:
        search = (filter_by or ApprovalRequestFilter()).search()
        request = page_request(page, size, sort, order)
        return to_page(await resolve.approval_requests(info, request, search), ApprovalRequest.of)

    @strawberry.field(
        description="The pending approvals the signed-in user may approve or reject and has "
        "not answered yet (a Bearer token's user; 403 for API keys).",
        extensions=needs(Permission.APPROVALS_READ),
    )
    async def my_pending_approvals(
        self,
        info: Info,
        filter_by: FilterArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ApprovalSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[ApprovalRequest]:
        search = (filter_by or ApprovalRequestFilter()).search()
        request = page_request(page, size, sort, order)
        result = await resolve.my_pending_approvals(info, request, search)
        return to_page(result, ApprovalRequest.of)

    @strawberry.field(
        description="The approval requests the signed-in user's changes raised (a Bearer "
        "token's user; 403 for API keys).",
        extensions=needs(Permission.APPROVALS_READ),
    )
    async def my_approval_requests(
        self,
        info: Info,
        filter_by: FilterArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ApprovalSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[ApprovalRequest]:
        search = (filter_by or ApprovalRequestFilter()).search()
        request = page_request(page, size, sort, order)
        return to_page(await resolve.my_requests(info, request, search), ApprovalRequest.of)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Approve or reject an approval request (life_cycle_state or state, with "
        "a reason as response or reason). A signed-in user decides requests that name them; "
        "a secret API key decides customer approvals on the customer's behalf. Being named "
        "by the request is the permission: no role permission is needed.",
        extensions=any_caller(),
    )
    async def decide_approval_request(
        self, info: Info, id: IdArgument, input: DecideApprovalInput
    ) -> ApprovalRequest:
        command = to_command(input, DecideApproval)
        return ApprovalRequest.of(await resolve.decide_approval_request(info, id, command))


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The caller's approval requests as they are created and decided, over "
        "graphql-transport-ws.",
        extensions=needs(Permission.APPROVALS_READ),
    )
    async def approval_request_updates(self, info: Info) -> AsyncGenerator[ApprovalRequest, None]:
        async for row in resolve.approval_request_updates(info):
            yield ApprovalRequest.of(row)
