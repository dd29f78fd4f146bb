"""Customer event routes (not in the spec; in its style): record one, search them."""

from rest_compat.route import PAGING, RestRoute, identifier
from schema.customer_events import CustomerEvent
from schema.selections import leaf_fields

SECTION = "Customer events"

OCCURRED_ON_BOUNDS = {
    f"occurred_on[{op}]": f"occurred_on_{op}" for op in ("gte", "gt", "lt", "lte")
}
LIST_QUERY = {
    "type": "types",
    "types": "types",
    "contact_id": "contact_id",
    "organisation_id": "organisation_id",
    "source": "sources",
    **OCCURRED_ON_BOUNDS,
    **{name: name for name in ("page", "size", "sort", "order")},
}

ROUTES = [
    RestRoute(
        method="POST",
        path="/customer_events",
        section=SECTION,
        summary="Record a customer event",
        document="""mutation ($body: RecordCustomerEventInput!) {
            record_customer_event(input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "type": "PURCHASE",
            "contact_id": "C123",
            "amount": 12.8,
            "currency_code": "EUR",
            "occurred_on": 1612953199,
            "properties": {
                "venue": {"name": "Costa Coffee Nicosia"},
                "products": [{"name": "Cappuccino", "quantity": 2}],
            },
        },
        notes=(
            "Not a route of the spec: events feed insights and analytics. type: PURCHASE,"
            " SPEND, AWARD, REFERRAL or ACHIEVEMENT.",
            "The contact is named by exactly one of contact_id (id or code), contact_code or"
            " wallet_code (404 naming it when the caller cannot see it).",
            "organisation_id: the venue or merchant, the caller's organisation (default) or one"
            " below it (404 otherwise).",
            "amount (zero or more, at most the currency's minor units) and currency_code come"
            " together; occurred_on (epoch seconds) defaults to now and may not be in the"
            " future; properties is a free JSON object (at most 10,000 characters, 8 levels).",
        ),
    ),
    RestRoute(
        method="GET",
        path="/customer_events",
        section=SECTION,
        summary="Search customer events",
        document=f"""query ($types: [CustomerEventType!], $contact_id: ID, $organisation_id: ID,
                $sources: [EventSource!], $occurred_on_gte: DateTime, $occurred_on_gt: DateTime,
                $occurred_on_lt: DateTime, $occurred_on_lte: DateTime,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            customer_events(filter: {{types: $types, contact_id: $contact_id,
                    organisation_id: $organisation_id, sources: $sources,
                    occurred_on_gte: $occurred_on_gte, occurred_on_gt: $occurred_on_gt,
                    occurred_on_lt: $occurred_on_lt, occurred_on_lte: $occurred_on_lte}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {leaf_fields(CustomerEvent)} }} {PAGING}
            }}
        }}""",
        query=LIST_QUERY,
        notes=(
            "Lists recorded events together with wallet journals (a DEBIT shows up as SPEND, a"
            " CREDIT as AWARD, source JOURNAL) and contacts' sign-ups (SIGN_UP, source"
            " CONTACT).",
            "type (or types) and source take comma-separated lists; contact_id takes an id or"
            " a code; occurred_on[gte|gt|lt|lte] (epoch seconds) bound the date.",
            "sort: occurred_on (default), amount or type; order DESC (default) or ASC.",
        ),
    ),
]
