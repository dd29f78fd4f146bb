"""Outbox routes: outbound e-mail messages (report deliveries, automation communications).

Not in the spec; in its style (lists with paging, details by id, 404 for another
organisation's ids).
"""

from rest_compat.route import PAGING, RestRoute
from schema.messages import OutboxAttachment, OutboxMessage
from schema.selections import leaf_fields

SECTION = "Outbox"
NOT_IN_SPEC = (
    "Not in the spec: the gateway's outbox, where e-mails it sends (report deliveries,"
    " automation communications) are kept. Without an SMTP server (CRM_GATEWAY_SMTP_HOST) and"
    " for test-mode data they stay here as KEPT; otherwise they are SENT (or FAILED after"
    " their retries), with the server's reply in outcome."
)
ATTACHMENT_FIELDS = "position filename content_type size"
MESSAGE_FIELDS = f"""
    {leaf_fields(OutboxMessage)}
    attachments {{ {ATTACHMENT_FIELDS} }}
"""

ROUTES = [
    RestRoute(
        method="GET",
        path="/outbox_messages",
        section=SECTION,
        summary="Retrieve the outbound messages",
        document=f"""query ($states: [MessageState!], $origin: String, $page: Int = 1,
                $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            outbox_messages(filter: {{states: $states, origin: $origin}}, page: $page,
                    size: $size, sort: $sort, order: $order) {{
                content {{ {MESSAGE_FIELDS} }} {PAGING}
            }}
        }}""",
        query={
            "state": "states",
            "states": "states",
            "origin": "origin",
            **{name: name for name in ("page", "size", "sort", "order")},
        },
        notes=(
            NOT_IN_SPEC,
            "state (or states): QUEUED, SENT, FAILED or KEPT, comma-separated for several;"
            " origin: REPORT, AUTOMATION... sort: created_on (default) or state.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/outbox_messages/{id}",
        section=SECTION,
        summary="Get an outbound message",
        document=f"""query ($id: ID!) {{ outbox_message(id: $id) {{ {MESSAGE_FIELDS} }} }}""",
        notes=(NOT_IN_SPEC, "attachments are listed without their content (see the next route)."),
    ),
    RestRoute(
        method="GET",
        path="/outbox_messages/{id}/attachments/{position}",
        section=SECTION,
        summary="Download an attachment of an outbound message",
        document=f"""query ($id: ID!, $position: Int!) {{
            outbox_attachment(id: $id, position: $position) {{ {leaf_fields(OutboxAttachment)} }}
        }}""",
        notes=(
            NOT_IN_SPEC,
            "position numbers the attachments from 1. Every answer of the gateway is JSON: the"
            " file comes as content, base64-encoded, with its filename and content_type.",
        ),
    ),
]
