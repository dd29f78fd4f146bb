"""Adaptor record routes (spec: Adaptors, routes 61-63)."""

from rest_compat.route import PAGING, RestRoute, identifier
from schema.adaptors import AdaptorRecord, RecordAttribute
from schema.selections import leaf_fields

SECTION = "Adaptors"
RECORD_FIELDS = (
    f"{leaf_fields(AdaptorRecord)} record_attributes {{ {leaf_fields(RecordAttribute)} }}"
)
PATH_NOTES = (
    "{id} is the adaptor's code and {action_id} the code of one of its actions: WEBHOOKS with"
    " POST_WEBHOOK (webhook requests sent with POST) or PUT_WEBHOOK (sent with PUT). An"
    ' unknown adaptor is a 404 with parameters ["adaptor", <code>], an unknown action of'
    ' it ["adaptor_action", <code>], a record that is not the caller\'s (or not of that'
    ' action) ["record", <id>].',
    "Webhook request records have the attributes url-endpoint, method, url-auth, state,"
    " webhook-id, body, response-status, response, retries, automation-id and created-on"
    " (type string, integer or date: epoch seconds; every value is text). Attribute ids are"
    " stable (derived from the record id and the key). They need WEBHOOKS_READ (reads) and"
    " WEBHOOKS_WRITE (changes).",
)

ROUTES = [
    RestRoute(
        method="POST",
        path="/adaptors/{id}/actions/{action_id}/records/{record_id}",
        section=SECTION,
        summary="Change the value of a specific adaptor action record attribute",
        document="""mutation ($id: ID!, $action_id: ID!, $record_id: ID!,
                $body: RecordAttributeInput!) {
            change_adaptor_record(adaptor: $id, action: $action_id, id: $record_id,
                input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"key": "url-endpoint", "value": "https://crm.com"},
        notes=(
            *PATH_NOTES,
            "Webhook requests: only url-endpoint can be changed (400 naming key for another"
            " attribute; an absolute http(s) URL, 400 naming value otherwise; 409 for a"
            " delivered request). The request's next attempts go there; a FAILED one still"
            " needs POST /webhook_requests/actions to be resent.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/adaptors/{id}/actions/{action_id}/records",
        section=SECTION,
        summary="Search for an adaptor action's records",
        document=f"""query ($id: ID!, $action_id: ID!, $search_type: String,
                $search_value: String, $automation_id: ID, $adaptor_action_id: ID,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            adaptor_records(adaptor: $id, action: $action_id,
                filter: {{search_type: $search_type, search_value: $search_value,
                    automation_id: $automation_id, adaptor_action_id: $adaptor_action_id}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {RECORD_FIELDS} }} {PAGING}
            }}
        }}""",
        query={
            name: name
            for name in (
                "search_type",
                "search_value",
                "automation_id",
                "adaptor_action_id",
                "page",
                "size",
                "sort",
                "order",
            )
        },
        notes=(
            *PATH_NOTES,
            "search_type names the attribute key searched (webhook requests: url-endpoint,"
            " state, webhook-name or response) and search_value the text it contains, ignoring"
            " case; each needs the other (400 naming the one missing).",
            "automation_id: records of that automation; adaptor_action_id: records created by"
            " that automation action. sort (webhook requests): created_on (default), state or"
            " next_attempt_on.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/adaptors/{id}/actions/{action_id}/records/{record_id}",
        section=SECTION,
        summary="Retrieve details for a specific adaptor action's record",
        document=f"""query ($id: ID!, $action_id: ID!, $record_id: ID!) {{
            adaptor_record(adaptor: $id, action: $action_id, id: $record_id) {{
                {RECORD_FIELDS}
            }}
        }}""",
        notes=PATH_NOTES,
    ),
]
