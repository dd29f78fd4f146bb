"""Webhook and webhook request routes (spec: Webhooks, routes 68-74)."""

from typing import Any

from rest_compat.json_schema import JsonSchema, non_null, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier
from schema.selections import leaf_fields
from schema.webhooks import (
    AutomationReference,
    Webhook,
    WebhookReference,
    WebhookRequest,
    WebhookRequestAttempt,
    WebhookRequestEntity,
)

SECTION = "Webhooks"
REQUEST_FIELDS = f"""
    {leaf_fields(WebhookRequest)}
    webhook {{ {leaf_fields(WebhookReference)} }}
    automation {{ {leaf_fields(AutomationReference)} }}
    entity {{ {leaf_fields(WebhookRequestEntity)} }}
    attempts {{ {leaf_fields(WebhookRequestAttempt)} }}
"""

EXAMPLE_BODY = {
    "name": "CRMdotCOM Delivery",
    "method": "POST",
    "url_endpoint": "https://crm.com/delivery",
    "url_auth": "NO_AUTH",
    "username": "johndoe",
    "password": "crm.com",
    "api_key": "qwert-12345-qwewerwer-123234234-werwerwr",
}
FIELD_NOTES = (
    "url_endpoint must be an absolute http:// or https:// URL (400 naming url_endpoint"
    " otherwise). url_auth USERNAME_PASSWORD needs username and password (sent as HTTP basic"
    " authentication), API_KEY needs api_key (sent in an api_key header); credentials"
    " url_auth does not use are not kept (the spec's example sends all three with NO_AUTH).",
    "retries: times to retry a failed request after the first attempt, 0 to 10 (default 3);"
    " wait_period: seconds before the first retry, 0 to 86400 (default 60), each later retry"
    " waiting twice as long as the one before (at most a day). The spec documents both"
    " without naming them; these are their names here.",
)
SECRET_NOTES = (
    "Every request is signed as the Standard Webhooks specification says: headers webhook-id"
    " (the webhook request's id, the same on every retry: receivers drop duplicates by it),"
    " webhook-timestamp (epoch seconds) and webhook-signature (v1,<base64 HMAC-SHA256 of"
    ' "{webhook-id}.{webhook-timestamp}.{body}" keyed by the secret\'s bytes>). The secret'
    " (whsec_ + base64 of 32 random bytes) is answered as signing_secret, only here: keep it.",
)
LIST_QUERY = {
    **{name: name for name in ("search_value", "name", "url_endpoint", "has_failed_requests")},
    **{name: name for name in ("entity", "event")},
    **{name: name for name in ("page", "size", "sort", "order")},
}
REQUEST_QUERY = {
    **{name: name for name in ("search_value", "webhook_id", "url_endpoint", "state")},
    "automation_id": "automation_id",
    **{name: name for name in ("page", "size", "sort", "order")},
}


def _created(data: Any) -> dict[str, Any]:
    return {"id": data["id"], "signing_secret": data["signing_secret"]}


def _created_schema(selected: JsonSchema) -> JsonSchema:
    properties = selected["properties"]
    return object_schema(
        {"id": properties["id"], "signing_secret": properties["signing_secret"]},
        ["id", "signing_secret"],
    )


with_secret = Shape(_created, _created_schema)
"""A created webhook (or one whose secret was rotated): ``{"id", "signing_secret"}``."""


def _in_content(data: Any) -> dict[str, Any]:
    return {"content": [data]}


def _in_content_schema(selected: JsonSchema) -> JsonSchema:
    items = {"type": "array", "items": non_null(selected)}
    return object_schema({"content": items}, ["content"], "The webhook, as the spec wraps it.")


in_content = Shape(_in_content, _in_content_schema)
"""One object wrapped as the spec's GET /webhooks/{id} shows it: ``{"content": [object]}``."""


def _list_content(data: Any) -> dict[str, Any]:
    return {"content": data}


def _list_content_schema(selected: JsonSchema) -> JsonSchema:
    return object_schema({"content": non_null(selected)}, ["content"], "The requests acted on.")


list_content = Shape(_list_content, _list_content_schema)
"""A list answered as ``{"content": [...]}``."""

ROUTES = [
    RestRoute(
        method="POST",
        path="/webhooks",
        section=SECTION,
        summary="Create a new webhook",
        document="""mutation ($body: CreateWebhookInput!) {
            create_webhook(input: $body) { id signing_secret }
        }""",
        body="body",
        shape=with_secret,
        example_body=EXAMPLE_BODY,
        notes=(*FIELD_NOTES, *SECRET_NOTES, "method: POST (default) or PUT."),
    ),
    RestRoute(
        method="PUT",
        path="/webhooks/{id}",
        section=SECTION,
        summary="Update an existing webhook",
        document="""mutation ($id: ID!, $body: UpdateWebhookInput!) {
            update_webhook(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={k: v for k, v in EXAMPLE_BODY.items() if k != "method"},
        notes=(
            "Fields left out stay as they are (method too, which the spec leaves out of this"
            " route but may be changed here). Requests already queued keep the url and"
            " method they were queued with; the credentials and signing secret used are the"
            " webhook's at each attempt.",
            *FIELD_NOTES,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/webhooks/{id}",
        section=SECTION,
        summary="Delete an existing webhook",
        document="""mutation ($id: ID!) { delete_webhook(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "The webhook's requests (pending ones included: they are not sent) and their"
            " attempts go with it.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/webhooks",
        section=SECTION,
        summary="Retrieve all webhooks",
        document=f"""query ($search_value: String, $name: String, $url_endpoint: String,
                $has_failed_requests: Boolean, $entity: AutomationEntity,
                $event: AutomationEvent, $page: Int = 1, $size: Int = 20,
                $sort: String, $order: SortOrder = DESC) {{
            webhooks(filter: {{search_value: $search_value, name: $name,
                    url_endpoint: $url_endpoint, has_failed_requests: $has_failed_requests,
                    entity: $entity, event: $event}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {leaf_fields(Webhook)} }} {PAGING}
            }}
        }}""",
        query=LIST_QUERY,
        notes=(
            "search_value matches the name or the url endpoint, name and url_endpoint their"
            " own field (text contained, ignoring case); has_failed_requests: true for"
            " webhooks with at least one FAILED request, false for the others.",
            'entity and event (the spec\'s "related automation" filters): webhooks named'
            " (WEBHOOK_ID) by a POST_WEBHOOK or PUT_WEBHOOK action of an automation, in any"
            " state, of that entity / event (codes as in GET /automations: CONTACTS,"
            " REGISTER_CUSTOMER...); an unknown code is a 400 naming the parameter.",
            "password is ******** when set and api_key shows only its last four characters:"
            " credentials are never shown back whole (the spec's example echoes them).",
            "sort: created_on (default) or name; order DESC (default) or ASC.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/webhooks/{id}",
        section=SECTION,
        summary="Get details of a single webhook",
        document=f"""query ($id: ID!) {{ webhook(id: $id) {{ {leaf_fields(Webhook)} }} }}""",
        shape=in_content,
        notes=(
            'The webhook is wrapped in "content": [ ... ], as the spec\'s example shows.',
            "password is ******** when set and api_key shows only its last four characters:"
            " credentials are never shown back whole (the spec's example echoes them).",
        ),
    ),
    RestRoute(
        method="POST",
        path="/webhooks/{id}/rotate_secret",
        section=SECTION,
        summary="Replace a webhook's signing secret",
        document="""mutation ($id: ID!) { rotate_webhook_secret(id: $id) { id signing_secret } }""",
        shape=with_secret,
        notes=(
            "Not in the spec. The new secret is answered once and signs every attempt from"
            " now on (retries of requests queued before included); the old one stops at once.",
            *SECRET_NOTES,
        ),
    ),
    RestRoute(
        method="GET",
        path="/webhook_requests",
        section=SECTION,
        summary="Retrieve webhook requests",
        document=f"""query ($search_value: String, $webhook_id: ID, $url_endpoint: String,
                $state: [WebhookRequestState!], $automation_id: ID, $page: Int = 1,
                $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            webhook_requests(filter: {{search_value: $search_value, webhook_id: $webhook_id,
                    url_endpoint: $url_endpoint, state: $state,
                    automation_id: $automation_id}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {REQUEST_FIELDS} }} {PAGING}
            }}
        }}""",
        query=REQUEST_QUERY,
        notes=(
            "One item per message: state PENDING (waiting for an attempt or a retry), SUCCESS"
            " or FAILED (every attempt allowed failed: dead-lettered, see"
            " POST /webhook_requests/actions). attempts lists every attempt with its status,"
            " response (first 2,000 characters) or error, and times; retries counts the"
            " attempts after the first; response is the last one.",
            "body is the JSON sent (the spec's example shows a whole HTTP message); id is the"
            " webhook-id header of every attempt.",
            "search_value matches the webhook name or the url endpoint (ignoring case); state"
            " takes a comma-separated list (PENDING, SUCCESS, FAILED); automation_id the"
            " automation that queued it.",
            "sort: created_on (default), state or next_attempt_on; order DESC or ASC.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/webhook_requests/actions",
        section=SECTION,
        summary="Resend a number of failed webhook requests",
        document=f"""mutation ($body: WebhookRequestsActionInput!) {{
            webhook_requests_action(input: $body) {{ {leaf_fields(WebhookRequest)} }}
        }}""",
        body="body",
        shape=list_content,
        example_body={"action": "RESEND", "webhook_requests": ["<a FAILED webhook request id>"]},
        notes=(
            "The spec names this operation without its method and path; it is built in the"
            ' style of the spec\'s other actions: {"action": "RESEND", "webhook_requests":'
            " [ids]} (1 to 100 ids).",
            "Each request must be FAILED (409 CRM.EXCEPTIONS.CONFLICTEXCEPTION naming it"
            " otherwise; nothing changes); each becomes PENDING, due now, with its webhook's"
            " retries allowed afresh, and keeps its id (the webhook-id) and its earlier"
            " attempts. Answers the requests as they are now.",
        ),
    ),
]
