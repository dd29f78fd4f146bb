"""Automation routes (spec: Automations, routes 54-60)."""

from typing import Any

from app.automations.codes import ADAPTOR_ACTIONS
from app.events.codes import describe_events
from rest_compat.json_schema import JsonSchema, non_null, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier
from schema.automations import (
    ActionFilter,
    AdaptorActionParameter,
    AutomationAction,
)
from schema.selections import leaf_fields

SECTION = "Automations"
AUTOMATION_FIELDS = "id name description life_cycle_state entity event"
ACTION_FIELDS = f"""
    {leaf_fields(AutomationAction)}
    adaptor_action_parameters {{ {leaf_fields(AdaptorActionParameter)} }}
    action_filters {{ filters {{ {leaf_fields(ActionFilter)} }} }}
"""
LIST_QUERY = {
    name: name
    for name in (
        "search_value",
        "name",
        "life_cycle_state",
        "entity",
        "event",
        "page",
        "size",
        "sort",
        "order",
    )
}
ADAPTORS_NOTE = "Adaptors and their actions: " + "; ".join(
    f"{adaptor.value}: {', '.join(action.value for action in actions)}"
    for adaptor, actions in ADAPTOR_ACTIONS.items()
)
EVENTS_NOTE = (
    "entity and event (codes in the spec's style; the event must be one of the entity's): "
    + describe_events()
    + "."
)
STATE_NOTE = (
    "The state is accepted as state (the spec's create example) or life_cycle_state (its update"
    " example); both given with different values is a 400. Answers show life_cycle_state."
)


def _actions(data: Any) -> dict[str, Any]:
    return {"content": data["actions"]}


def _actions_schema(selected: JsonSchema) -> JsonSchema:
    actions = non_null(selected["properties"]["actions"])
    return object_schema({"content": actions}, ["content"], "The automation's actions.")


automation_actions = Shape(_actions, _actions_schema)
"""An automation's actions as the spec lists them: ``{"content": [...]}``."""

ROUTES = [
    RestRoute(
        method="POST",
        path="/automations",
        section=SECTION,
        summary="Create a new automation",
        document="""mutation ($body: CreateAutomationInput!) {
            create_automation(input: $body) { id }
        }""",
        body="body",
        status=201,
        shape=identifier,
        example_body={
            "name": "Approve Offers",
            "description": "Require 4 approvals for an offer",
            "state": "INACTIVE",
            "entity": "CONTACTS",
            "event": "REGISTER_CUSTOMER",
        },
        notes=(
            "The spec's example names entity ORDERS and event ORDER_INITIATION, which this"
            " gateway has no domain for; the example body uses CONTACTS / REGISTER_CUSTOMER.",
            EVENTS_NOTE,
            STATE_NOTE,
            "A new automation is INACTIVE unless a state is given.",
        ),
    ),
    RestRoute(
        method="PUT",
        path="/automations/{id}",
        section=SECTION,
        summary="Update an existing automation",
        document="""mutation ($id: ID!, $body: UpdateAutomationInput!) {
            update_automation(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "name": "Approve Offers",
            "description": "Require 4 approvals for an offer",
            "life_cycle_state": "ACTIVE",
        },
        notes=(
            "Fields left out stay as they are. The spec shows no response: the answer is the"
            " automation's id.",
            STATE_NOTE,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/automations/{id}",
        section=SECTION,
        summary="Delete an existing automation",
        document="""mutation ($id: ID!) { delete_automation(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "Its actions and runs go with it (a run waiting for approval ends); approval"
            " requests it made stay, with its id and name.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/automations",
        section=SECTION,
        summary="Search for automations",
        document=f"""query ($search_value: String, $name: String,
                $life_cycle_state: AutomationState, $entity: AutomationEntity,
                $event: AutomationEvent, $page: Int = 1, $size: Int = 20, $sort: String,
                $order: SortOrder = DESC) {{
            automations(filter: {{search_value: $search_value, name: $name,
                    life_cycle_state: $life_cycle_state, entity: $entity, event: $event}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {AUTOMATION_FIELDS} }} {PAGING}
            }}
        }}""",
        query=LIST_QUERY,
        notes=(
            "search_value and name match automations whose name contains them, ignoring case.",
            "The spec's list example shows display names (Contacts, Register Customer); answers"
            " carry the codes, as its single-automation example does.",
            "sort: created_on (default), name, life_cycle_state, entity or event.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/automations/{id}",
        section=SECTION,
        summary="Get details for a specific automation",
        document=f"""query ($id: ID!) {{ automation(id: $id) {{ {AUTOMATION_FIELDS} }} }}""",
    ),
    RestRoute(
        method="POST",
        path="/automations/{id}/actions",
        section=SECTION,
        summary="Set the sequence of actions (including filters) for a specific automation",
        document="""mutation ($id: ID!, $body: AutomationActionsInput!) {
            set_automation_actions(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "content": [
                {
                    "id": "ACTIONB5E44F44B28451FE021FCAD51E",
                    "adaptor": "APPROVAL_REQUESTS",
                    "adaptor_action": "REQUEST_USER_APPROVAL",
                    "order": 1,
                    "path": "1",
                    "adaptor_action_parameters": [
                        {
                            "id": "4b8e0ae7-0f8a-4313-a1fd-ecc1c0510f55",
                            "parameter_group": "1",
                            "parameter_key": "ROLE_ID",
                            "parameter_from_value": "ADMIN",
                        }
                    ],
                    "action_filters": [
                        {
                            "filters": [
                                {
                                    "id": "edd5ac0e-05e3-e543-d38e-c6df6eed8d46",
                                    "attribute": "NAME",
                                    "type": "STRING",
                                    "operator": "EQUAL",
                                    "value": "John",
                                    "value_list": [""],
                                }
                            ]
                        }
                    ],
                }
            ]
        },
        notes=(
            "The body's content becomes the automation's complete sequence; actions run by"
            " order (else as listed). Ids sent are not kept: the gateway assigns them.",
            ADAPTORS_NOTE + ". The spec's example action ASSIGN_SPECIFIC_DEPARTMENT is none of"
            " them; the example body uses REQUEST_USER_APPROVAL.",
            "An action is refused (400 naming content[i].adaptor_action) when it is not one of"
            " its adaptor's, or when it cannot run in this gateway (no handler registered).",
            "APPROVAL_REQUESTS parameters (parameter_key / parameter_from_value): USER_ID,"
            " TEAM_ID and ROLE_ID (a role code) name who may decide REQUEST_USER_APPROVAL (at"
            " least one); CONTACT_ID the customer of REQUEST_CUSTOMER_APPROVAL (default: the"
            " event's contact); REQUIRED_APPROVALS (default 1); DESCRIPTION. WEBHOOKS actions"
            ' name their webhook with {"parameter_key": "WEBHOOK_ID", "parameter_from_value":'
            ' "<webhook id>"}.',
            "action_filters is a list of groups: the action runs for an event when every filter"
            " of some group holds (no groups: always). attribute names a field of the event's"
            " data (case-insensitive, a.b for nested ones); operator EQUAL, NOT_EQUAL, GREATER,"
            " GREATER_EQUAL, LESS, EQUAL_LESS (NUMBER, INTEGER, DATE) or CONTAINS (STRING);"
            " either value or a non-blank value_list (any of which matches) is required. An"
            " action filtered out is skipped and the sequence goes on.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/automations/{id}/actions",
        section=SECTION,
        summary="Retrieves the automation's sequence of actions (including filters)",
        document=f"""query ($id: ID!) {{
            automation(id: $id) {{ actions {{ {ACTION_FIELDS} }} }}
        }}""",
        shape=automation_actions,
        notes=("The actions in the order they run, in the shape POST takes.",),
    ),
]
