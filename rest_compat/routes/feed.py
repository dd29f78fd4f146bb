"""The activity feed of an organisation (spec: Organisations, route 85)."""

from typing import Any

from rest_compat.json_schema import JsonSchema, non_null, object_schema
from rest_compat.route import PAGING, RestRoute, Shape
from schema.feed import ActivityFeedEntry, TopupEntity
from schema.selections import leaf_fields

SECTION = "Organisations"
FEED_FIELDS = f"{leaf_fields(ActivityFeedEntry)} topup_entity {{ {leaf_fields(TopupEntity)} }}"
CREATED_DATE_BOUNDS = {
    f"created_date[{op}]": f"created_date_{op}" for op in ("gte", "gt", "lt", "lte")
}


def _feed(organisation: Any) -> dict[str, Any]:
    page = organisation["activity_feed"]
    return {"activity_feed": page["content"], "paging": page["paging"]}


def _feed_schema(selected: JsonSchema) -> JsonSchema:
    page = non_null(selected["properties"]["activity_feed"])["properties"]
    return object_schema(
        {"activity_feed": page["content"], "paging": page["paging"]},
        ["activity_feed", "paging"],
        "A page of the organisation's activity feed.",
    )


activity_feed = Shape(_feed, _feed_schema)
"""An organisation's feed page as the spec lists it: ``{"activity_feed": [...], "paging":
{...}}``."""

ROUTES = [
    RestRoute(
        method="GET",
        path="/organisations/{id}/activity_feed",
        section=SECTION,
        summary="Get the activity feed of a single organisation",
        document=f"""query ($id: ID!, $activity_type: [FeedActivityType!],
                $created_date: DateTime, $created_date_gte: DateTime,
                $created_date_gt: DateTime, $created_date_lt: DateTime,
                $created_date_lte: DateTime, $page: Int = 1, $size: Int = 20, $sort: String,
                $order: SortOrder = DESC) {{
            organisation(id: $id) {{
                activity_feed(filter: {{activity_type: $activity_type,
                        created_date: $created_date, created_date_gte: $created_date_gte,
                        created_date_gt: $created_date_gt, created_date_lt: $created_date_lt,
                        created_date_lte: $created_date_lte}},
                    page: $page, size: $size, sort: $sort, order: $order) {{
                    content {{ {FEED_FIELDS} }} {PAGING}
                }}
            }}
        }}""",
        query={
            "activity_type": "activity_type",
            "created_date": "created_date",
            **CREATED_DATE_BOUNDS,
            **{name: name for name in ("page", "size", "sort", "order")},
        },
        shape=activity_feed,
        notes=(
            "The organisation's own dated events (not those of the organisations below it), in "
            "the caller's mode, merged by one query: activities created in it (activity_type "
            "ACTIVITY; number, state = status, notes = description or name), journals posted "
            "to its wallets (JOURNAL; number = wallet code, state POSTED, type CREDIT or DEBIT, "
            "direction INCOMING for credits and OUTGOING for debits, total_amount, currency, "
            "topup_entity = the wallet's ACCOUNT) and contacts registered with it "
            "(CONTACT_REGISTRATION; code, type PERSON or COMPANY, notes = name).",
            "Needs ACTIVITIES_READ; journals appear only with JOURNALS_READ and contact "
            "registrations with CONTACTS_READ. An organisation outside the caller's network is "
            "a 404 naming it.",
            "activity_type: ACTIVITY, JOURNAL or CONTACT_REGISTRATION (comma-separated: any of "
            "them). created_date (epoch seconds or ISO 8601; the time is ignored): entries "
            "created on that UTC day. created_date[gte|gt|lt|lte] bound the creation time.",
            "sort: created_date (default) or activity_type; order DESC (default) or ASC; ties "
            "are broken by date, then id. The spec has no invoices: reference_number and "
            "due_date are null.",
        ),
    ),
]
