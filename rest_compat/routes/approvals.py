"""Approval request routes (spec: Approval requests, routes 64-67)."""

from rest_compat.route import PAGING, RestRoute, identifier
from schema.approvals import ApprovalAutomation, ApprovalEntity, ApprovalParty
from schema.selections import leaf_fields

SECTION = "Approval requests"
PARTY = leaf_fields(ApprovalParty)
COMMON_FIELDS = f"""
    id state description created_date pending_requests
    entity {{ {leaf_fields(ApprovalEntity)} }}
    automations {{ {leaf_fields(ApprovalAutomation)} }}
"""
REQUEST_FIELDS = f"""
    {COMMON_FIELDS}
    response authorised_on authorised_by {{ {PARTY} }}
    authorised_conditions {{ {PARTY} }}
    responses {{ message state authorised_on authorised_by {{ {PARTY} }} }}
"""
PAGE_QUERY = {name: name for name in ("page", "size", "sort", "order")}
PAGE_VARIABLES = "$page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC"
PAGE_ARGUMENTS = "page: $page, size: $size, sort: $sort, order: $order"
SORT_NOTE = "sort: created_on (default), state or entity_type; order DESC (default) or ASC."
USER_NOTE = (
    "For the signed-in user (authorization: Bearer <token>); an API key has no approvals of"
    " its own (403)."
)
DECIDE_NOTES = (
    "life_cycle_state (the spec's example) or state: APPROVED or REJECTED; the reason as"
    " response (or reason). The spec's heading names /actions and its example URL"
    " /life_cycle_state: both paths are served.",
    "A signed-in user decides a PENDING request that names them (as a USER, through a TEAM"
    " they belong to, or the ROLE of their membership), once; a secret API key decides only"
    " customer approvals (REQUEST_CUSTOMER_APPROVAL), relaying the customer's answer (403"
    " otherwise; 409 for a request decided already or answered already by the user).",
    "One rejection rejects the request and stops the automation waiting for it; once its"
    " REQUIRED_APPROVALS approvals are in it is APPROVED and the automation goes on with its"
    " next action.",
)


def _decide(path: str) -> RestRoute:
    return RestRoute(
        method="POST",
        path=path,
        section=SECTION,
        summary="Change the life cycle state of a single approval request",
        document="""mutation ($id: ID!, $body: DecideApprovalInput!) {
            decide_approval_request(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"life_cycle_state": "REJECTED", "response": "Not this month"},
        notes=DECIDE_NOTES,
    )


ROUTES = [
    RestRoute(
        method="GET",
        path="/approval_requests",
        section=SECTION,
        summary="Search for approval requests",
        document=f"""query ($search_value: String, $state: ApprovalRequestState,
                $automation_id: ID, $user_id: ID, $contact_id: ID,
                $condition_type: ApprovalConditionType, $requested_by: ID,
                $entity_type: String, $entity_id: ID, {PAGE_VARIABLES}) {{
            approval_requests(filter: {{search_value: $search_value, state: $state,
                    automation_id: $automation_id, user_id: $user_id, contact_id: $contact_id,
                    condition_type: $condition_type, requested_by: $requested_by,
                    entity_type: $entity_type, entity_id: $entity_id}}, {PAGE_ARGUMENTS}) {{
                content {{ {REQUEST_FIELDS} }} {PAGING}
            }}
        }}""",
        query={
            **{
                name: name
                for name in (
                    "search_value",
                    "state",
                    "automation_id",
                    "user_id",
                    "contact_id",
                    "condition_type",
                    "requested_by",
                    "entity_type",
                    "entity_id",
                )
            },
            **PAGE_QUERY,
        },
        notes=(
            "search_value matches the entity type or reference (containing it, ignoring case).",
            "state: PENDING, APPROVED or REJECTED. user_id / contact_id: a user or contact"
            " named to decide; condition_type: USER, TEAM, ROLE or CONTACT; requested_by: the"
            " user whose change raised the request. automation_id applies whatever the"
            " org_requests setting the spec mentions (not a parameter here).",
            "response, authorised_by and authorised_on are the latest decision's; responses"
            " lists every decision, pending_requests the approvals still needed.",
            SORT_NOTE,
        ),
    ),
    _decide("/approval_requests/{id}/actions"),
    _decide("/approval_requests/{id}/life_cycle_state"),
    RestRoute(
        method="GET",
        path="/approval_requests/my_pending_approvals",
        section=SECTION,
        summary="Retrieve the pending approvals that the signed-in user is authorised to "
        "approve/reject, but not yet processed",
        document=f"""query ($search_value: String, $entity_type: String, {PAGE_VARIABLES}) {{
            my_pending_approvals(filter: {{search_value: $search_value,
                    entity_type: $entity_type}}, {PAGE_ARGUMENTS}) {{
                content {{ {COMMON_FIELDS} }} {PAGING}
            }}
        }}""",
        query={"search_value": "search_value", "entity_type": "entity_type", **PAGE_QUERY},
        notes=(USER_NOTE, SORT_NOTE),
    ),
    RestRoute(
        method="GET",
        path="/approval_requests/my_requests",
        section=SECTION,
        summary="Retrieve the approvals requested by the signed-in user",
        document=f"""query ($search_value: String, $state: ApprovalRequestState,
                $entity_type: String, {PAGE_VARIABLES}) {{
            my_approval_requests(filter: {{search_value: $search_value, state: $state,
                    entity_type: $entity_type}}, {PAGE_ARGUMENTS}) {{
                content {{ {COMMON_FIELDS}
                    responses {{ message state authorised_on authorised_by {{ {PARTY} }} }}
                }} {PAGING}
            }}
        }}""",
        query={
            "search_value": "search_value",
            "state": "state",
            "entity_type": "entity_type",
            **PAGE_QUERY,
        },
        notes=(
            "The requests raised by changes the signed-in user made (their user is the event's).",
            USER_NOTE,
            SORT_NOTE,
        ),
    ),
]
