"""GraphQL types, inputs and root fields of automations and their sequences of actions
(spec: Automations). Field names are the spec's, so the REST door shows them as they are."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.auth.permissions import Permission
from app.automations.codes import (
    Adaptor,
    AdaptorAction,
    AutomationState,
    FilterOperator,
    FilterType,
)
from app.automations.commands import CreateAutomation, SetAutomationActions, UpdateAutomation
from app.automations.repository import DEFAULT_SORT, SORT_COLUMNS, AutomationSearch
from app.db.models import Automation as AutomationRow
from app.db.models import AutomationAction as AutomationActionRow
from app.events.codes import Entity, Event, describe_events
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import automations as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.permissions import needs

AutomationSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
IdArgument = Annotated[strawberry.ID, strawberry.argument(description="The automation identifier.")]

strawberry.enum(AutomationState, description="Whether an automation is ACTIVE or INACTIVE.")
strawberry.enum(
    Entity,
    name="AutomationEntity",
    description="The entity whose events trigger an automation. Its events: "
    + describe_events()
    + ".",
)
strawberry.enum(
    Event,
    name="AutomationEvent",
    description="The event that triggers an automation (one of its entity's: "
    + describe_events()
    + ").",
)
strawberry.enum(Adaptor, description="The adaptor an automation action belongs to.")
strawberry.enum(
    AdaptorAction,
    description="The adaptor action (each belongs to specific adaptors: APPROVAL_REQUESTS "
    "REQUEST_USER_APPROVAL / REQUEST_CUSTOMER_APPROVAL, WEBHOOKS POST_WEBHOOK / PUT_WEBHOOK, "
    "COMMUNICATIONS COMMUNICATE_CUSTOMER / COMMUNICATE_USER, ...).",
)
strawberry.enum(FilterType, name="ActionFilterType", description="The type of a filter's key.")
strawberry.enum(
    FilterOperator,
    name="ActionFilterOperator",
    description="How a filter compares the attribute's actual value with its value: EQUAL, "
    "NOT_EQUAL (every type), GREATER, GREATER_EQUAL, LESS, EQUAL_LESS (numbers, integers, "
    "dates), CONTAINS (strings).",
)


@strawberry.type(description="A parameter of an adaptor's action.")
class AdaptorActionParameter:
    id: strawberry.ID | None = strawberry.field(description="The parameter identifier.")
    parameter_group: str | None = strawberry.field(
        description="The parameter group (when an action takes more than one parameter set)."
    )
    parameter_key: str = strawberry.field(
        description="The parameter key (e.g. USER_ID, TEAM_ID, ROLE_ID, WEBHOOK_ID)."
    )
    parameter_from_value: str | None = strawberry.field(description="The parameter from value.")
    parameter_to_value: str | None = strawberry.field(description="The parameter to value.")
    parameter_type: str | None = strawberry.field(description="The parameter type.")


@strawberry.type(description="A filter condition on the event's data.")
class ActionFilter:
    id: strawberry.ID | None = strawberry.field(description="The filter identifier.")
    attribute: str = strawberry.field(
        description="The attribute of the event's data compared (case-insensitive; a.b for "
        "nested values)."
    )
    custom_field: str | None = strawberry.field(description="The custom field compared.")
    type: FilterType = strawberry.field(description="The type of the key.")
    operator: FilterOperator = strawberry.field(description="The filter operator.")
    value: str | None = strawberry.field(description="The value compared with.")
    value_list: list[str] = strawberry.field(description="Values any of which may match.")


@strawberry.type(description="Filters that must all hold for the action to run.")
class ActionFilterGroup:
    filters: list[ActionFilter] = strawberry.field(description="The filters.")


def _filter_groups(groups: list[dict[str, Any]]) -> list[ActionFilterGroup]:
    return [
        ActionFilterGroup(
            filters=[
                ActionFilter(
                    id=item.get("id"),
                    attribute=item["attribute"],
                    custom_field=item.get("custom_field"),
                    type=FilterType(item.get("type") or FilterType.STRING),
                    operator=FilterOperator(item["operator"]),
                    value=item.get("value"),
                    value_list=list(item.get("value_list") or []),
                )
                for item in group.get("filters") or []
            ]
        )
        for group in groups
    ]


@strawberry.type(description="One action of an automation's sequence.")
class AutomationAction:
    id: strawberry.ID = strawberry.field(description="The automation action identifier.")
    order: int = strawberry.field(description="The action's place in the sequence.")
    path: str | None = strawberry.field(description="The sequence path.")
    adaptor: Adaptor = strawberry.field(description="The automation adaptor.")
    adaptor_action: AdaptorAction = strawberry.field(description="The adaptor action.")
    adaptor_action_parameters: list[AdaptorActionParameter] = strawberry.field(
        description="The action's parameters."
    )
    action_filters: list[ActionFilterGroup] = strawberry.field(
        description="Filter groups; the action runs when every filter of some group holds."
    )

    @classmethod
    def of(cls, row: AutomationActionRow) -> "AutomationAction":
        """The GraphQL action for an action row."""
        return cls(
            id=strawberry.ID(row.id),
            order=row.order,
            path=row.path,
            adaptor=Adaptor(row.adaptor),
            adaptor_action=AdaptorAction(row.adaptor_action),
            adaptor_action_parameters=[
                AdaptorActionParameter(
                    id=item.get("id"),
                    parameter_group=item.get("parameter_group"),
                    parameter_key=item["parameter_key"],
                    parameter_from_value=item.get("parameter_from_value"),
                    parameter_to_value=item.get("parameter_to_value"),
                    parameter_type=item.get("parameter_type"),
                )
                for item in row.parameters or []
            ],
            action_filters=_filter_groups(row.filters or []),
        )


@strawberry.type(description="An automation: actions that run when an entity's event happens.")
class Automation:
    id: strawberry.ID = strawberry.field(description="The automation identifier.")
    name: str = strawberry.field(description="The automation name.")
    description: str | None = strawberry.field(description="The automation description.")
    life_cycle_state: AutomationState = strawberry.field(
        description="Whether the automation is active."
    )
    entity: Entity = strawberry.field(description="The entity whose events trigger it.")
    event: Event = strawberry.field(description="The event that triggers it.")
    created_date: datetime = strawberry.field(description="When the automation was created.")

    @strawberry.field(description="The automation's sequence of actions, in order.")
    async def actions(self, info: Info) -> list[AutomationAction]:
        loader = info.context.loaders.get(resolve.ActionsByAutomationIdLoader)
        return [AutomationAction.of(row) for row in await loader.load(self.id)]

    @classmethod
    def of(cls, row: AutomationRow) -> "Automation":
        """The GraphQL automation for an automation row."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            description=row.description,
            life_cycle_state=AutomationState(row.life_cycle_state),
            entity=Entity(row.entity),
            event=Event(row.event),
            created_date=row.created_on,
        )


@strawberry.input(description="A new automation.")
class CreateAutomationInput:
    name: str = strawberry.field(description="The automation name.")
    description: str | None = strawberry.field(default=None, description="The description.")
    state: AutomationState | None = strawberry.field(
        default=strawberry.UNSET, description="The automation state (default INACTIVE)."
    )
    life_cycle_state: AutomationState | None = strawberry.field(
        default=strawberry.UNSET, description="The automation state (the other spelling)."
    )
    entity: Entity = strawberry.field(description="The entity whose events trigger it.")
    event: Event = strawberry.field(description="The event (one of the entity's) that does.")


@strawberry.input(description="Changes to an automation; fields left out stay as they are.")
class UpdateAutomationInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="The description."
    )
    life_cycle_state: AutomationState | None = strawberry.field(
        default=strawberry.UNSET, description="Whether the automation is active."
    )
    state: AutomationState | None = strawberry.field(
        default=strawberry.UNSET, description="Whether it is active (the other spelling)."
    )
    entity: Entity | None = strawberry.field(default=strawberry.UNSET, description="The entity.")
    event: Event | None = strawberry.field(default=strawberry.UNSET, description="The event.")


@strawberry.input(description="A parameter of an adaptor's action.")
class AdaptorActionParameterInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Ignored: the gateway assigns ids."
    )
    parameter_group: str | None = strawberry.field(
        default=strawberry.UNSET, description="The parameter group."
    )
    parameter_key: str = strawberry.field(description="The parameter key.")
    parameter_from_value: str | None = strawberry.field(
        default=strawberry.UNSET, description="The parameter from value."
    )
    parameter_to_value: str | None = strawberry.field(
        default=strawberry.UNSET, description="The parameter to value."
    )
    parameter_type: str | None = strawberry.field(
        default=strawberry.UNSET, description="The parameter type."
    )


@strawberry.input(description="A filter condition on the event's data.")
class ActionFilterInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Ignored: the gateway assigns ids."
    )
    attribute: str = strawberry.field(description="The attribute of the event's data.")
    custom_field: str | None = strawberry.field(
        default=strawberry.UNSET, description="The custom field."
    )
    type: FilterType = strawberry.field(default=FilterType.STRING, description="The key's type.")
    operator: FilterOperator = strawberry.field(description="The filter operator.")
    value: str | None = strawberry.field(
        default=strawberry.UNSET, description="The value (either value or value_list)."
    )
    value_list: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Values any of which may match."
    )


@strawberry.input(description="Filters that must all hold.")
class ActionFilterGroupInput:
    filters: list[ActionFilterInput] = strawberry.field(description="The filters.")


@strawberry.input(description="One action of a sequence.")
class AutomationActionInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="Ignored: the gateway assigns ids."
    )
    adaptor: Adaptor = strawberry.field(description="The automation adaptor.")
    adaptor_action: AdaptorAction = strawberry.field(description="The adaptor action.")
    order: int | None = strawberry.field(
        default=strawberry.UNSET, description="Its place in the sequence (default: as listed)."
    )
    path: str | None = strawberry.field(default=strawberry.UNSET, description="The path.")
    adaptor_action_parameters: list[AdaptorActionParameterInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The action's parameters."
    )
    action_filters: list[ActionFilterGroupInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Filter groups (any group whose filters all hold)."
    )


@strawberry.input(description="An automation's complete new sequence of actions.")
class AutomationActionsInput:
    content: list[AutomationActionInput] = strawberry.field(description="The actions.")


@strawberry.input(description="Which automations to return: those matching every field given.")
class AutomationFilter:
    search_value: str | None = strawberry.field(
        default=None, description="Text the name contains (ignoring case)."
    )
    name: str | None = strawberry.field(
        default=None, description="Text the name contains (ignoring case)."
    )
    life_cycle_state: AutomationState | None = strawberry.field(
        default=None, description="The automation state."
    )
    entity: Entity | None = strawberry.field(default=None, description="The trigger's entity.")
    event: Event | None = strawberry.field(default=None, description="The trigger's event.")

    def search(self) -> AutomationSearch:
        """The repository search this filter asks for."""
        return AutomationSearch(
            search_value=self.search_value,
            name=self.name,
            life_cycle_state=self.life_cycle_state.value if self.life_cycle_state else None,
            entity=self.entity.value if self.entity else None,
            event=self.event.value if self.event else None,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Get details for a specific automation.",
        extensions=needs(Permission.AUTOMATIONS_READ),
    )
    async def automation(self, info: Info, id: IdArgument) -> Automation:
        return Automation.of(await resolve.automation(info, id))

    @strawberry.field(
        description="Search for automations of the caller's network.",
        extensions=needs(Permission.AUTOMATIONS_READ),
    )
    async def automations(
        self,
        info: Info,
        filter_by: Annotated[
            AutomationFilter | None,
            strawberry.argument(name="filter", description="Only automations matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: AutomationSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Automation]:
        search = (filter_by or AutomationFilter()).search()
        result = await resolve.automations(info, page_request(page, size, sort, order), search)
        return to_page(result, Automation.of)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a new automation in the caller's organisation.",
        extensions=needs(Permission.AUTOMATIONS_WRITE),
    )
    async def create_automation(self, info: Info, input: CreateAutomationInput) -> Automation:
        command = to_command(input, CreateAutomation)
        return Automation.of(await resolve.create_automation(info, command))

    @strawberry.mutation(
        description="Update an existing automation; fields left out stay as they are.",
        extensions=needs(Permission.AUTOMATIONS_WRITE),
    )
    async def update_automation(
        self, info: Info, id: IdArgument, input: UpdateAutomationInput
    ) -> Automation:
        command = to_command(input, UpdateAutomation)
        return Automation.of(await resolve.update_automation(info, id, command))

    @strawberry.mutation(
        description="Delete an existing automation with its actions and runs.",
        extensions=needs(Permission.AUTOMATIONS_WRITE),
    )
    async def delete_automation(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_automation(info, id)))

    @strawberry.mutation(
        description="Set the sequence of actions (including filters) of an automation.",
        extensions=needs(Permission.AUTOMATIONS_WRITE),
    )
    async def set_automation_actions(
        self, info: Info, id: IdArgument, input: AutomationActionsInput
    ) -> Automation:
        command = to_command(input, SetAutomationActions)
        return Automation.of(await resolve.set_automation_actions(info, id, command))
