"""Activity and activity tag routes (spec: Activities, routes 17-22; Activity tags, 23-26)."""

from typing import Any

from rest_compat.json_schema import JsonSchema, non_null, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier
from schema.activities import (
    Activity,
    ActivityContact,
    ActivityStatusEntry,
    ActivityTag,
    ActivityTeam,
    ActivityType,
    ActivityUser,
    LinkedEntity,
)
from schema.common import CustomField
from schema.contacts import ContactAddress
from schema.selections import leaf_fields

SECTION = "Activities"
TAGS_SECTION = "Activity tags"
ACTIVITY_FIELDS = f"""
    {leaf_fields(Activity)}
    activity_type {{ {leaf_fields(ActivityType)} }}
    address {{ {leaf_fields(ContactAddress)} }}
    linked_to {{ {leaf_fields(LinkedEntity)} }}
    contact {{ {leaf_fields(ActivityContact)} }}
    user {{ {leaf_fields(ActivityUser)} }}
    assign_to {{
        user {{ {leaf_fields(ActivityUser)} }}
        team {{ {leaf_fields(ActivityTeam)} }}
    }}
    statuses {{ {leaf_fields(ActivityStatusEntry)} }}
    tags {{ {leaf_fields(ActivityTag)} }}
    custom_fields {{ {leaf_fields(CustomField)} }}
"""

CREATED_ON_BOUNDS = {f"created_on[{op}]": f"created_on_{op}" for op in ("gte", "gt", "lt", "lte")}
FILTERS = (
    "type_id",
    "name",
    "statuses",
    "tag_ids",
    "user_id",
    "assigned_user_id",
    "assigned_team_id",
    "contact_id",
    "order_id",
    "lead_id",
    "service_request_id",
    "custom_fields",
)
LIST_QUERY = {
    **{name: name for name in FILTERS},
    **CREATED_ON_BOUNDS,
    **{name: name for name in ("page", "size", "sort", "order")},
}

EXAMPLE_BODY = {
    "name": "Call customer",
    "description": "We need to call the customer (after 4pm) in order to schedule a demo",
    "type_id": "CEEE83D6E0804A30966F684B0269AD91",
    "date": 8634785,
    "from_time": "09:00",
    "to_time": "09:30",
    "use_entity_address": "false",
    "linked_to": [{"type": "ORDER", "id": "CEEE83D6E0804A30966F684B0269AD91"}],
    "custom_fields": [{"key": "back_office", "value": "0001-12345"}],
}
REFERENCE_NOTES = (
    "user_id (the user responsible to complete it) and assign_to.user_id must be members of"
    " the activity's organisation, assign_to.team_id one of its teams (404 naming the user or"
    " team otherwise). address_id must be an address of a contact of the caller's network;"
    " address_id and use_entity_address are exclusive (400).",
    "linked_to[].type: CONTACT (checked to exist in the caller's network, 404 naming it),"
    " ORDER, LEAD or SERVICE_REQUEST (no such domain in this gateway yet: the id is kept as"
    " given). from_time and to_time are HH:MM; to_time may not be before from_time.",
    "The spec's examples name users, teams and an address that do not exist here; the example"
    " bodies leave them out.",
)


def _tags(data: Any) -> dict[str, Any]:
    return {"content": data["tags"]}


def _tags_schema(selected: JsonSchema) -> JsonSchema:
    tags = non_null(selected["properties"]["tags"])
    return object_schema({"content": tags}, ["content"], "The activity's tags.")


activity_tags = Shape(_tags, _tags_schema)
"""An activity's tags as the spec lists them: ``{"content": [{"id": ...}]}``."""

TAG_NOTES = (
    "The spec has no route that defines tags (their name and colour): a tag is named by its"
    " id, and GET lists the ids an activity holds, by id.",
)

ROUTES = [
    RestRoute(
        method="POST",
        path="/activities",
        section=SECTION,
        summary="Create a new activity",
        document="""mutation ($body: CreateActivityInput!) {
            create_activity(input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body=EXAMPLE_BODY,
        notes=(
            "The activity starts PENDING (or the status given); that state is the first entry"
            " of its statuses.",
            *REFERENCE_NOTES,
        ),
    ),
    RestRoute(
        method="PUT",
        path="/activities/{id}",
        section=SECTION,
        summary="Update an existing activity",
        document="""mutation ($id: ID!, $body: UpdateActivityInput!) {
            update_activity(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "name": "Approve Offers",
            "description": "Require 4 approvals for an offer",
            "date": 863478,
            "from_time": "09:00",
            "to_time": "09:30",
            "linked_to": [{"type": "ORDER", "id": "CEEE83D6E0804A30966F684B0269AD91"}],
            "custom_fields": [{"key": "back_office", "value": "0001-12345"}],
        },
        notes=(
            "Fields left out stay as they are; linked_to and custom_fields replace their"
            " lists, assign_to replaces the assignment. The status changes only through"
            " PUT /activities/{id}/status.",
            *REFERENCE_NOTES,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/activities/{id}",
        section=SECTION,
        summary="Delete an existing activity",
        document="""mutation ($id: ID!) { delete_activity(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "The spec's example URL shows /automations/{id}; the route is"
            " DELETE /activities/{id}. The activity's states, links and tags go with it.",
        ),
    ),
    RestRoute(
        method="PUT",
        path="/activities/{id}/status",
        section=SECTION,
        summary="Update an existing activity's status",
        document="""mutation ($id: ID!, $body: ChangeActivityStatusInput!) {
            update_activity_status(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"status": "CANCELLED"},
        notes=(
            "status: PENDING (the activity is created with this status), COMPLETED (closed"
            " with this status), CANCELLED (cancelled with this status). Each change is kept"
            " with its date in statuses; setting the current status again changes nothing.",
            "A COMPLETED activity cannot become CANCELLED nor the other way round (409"
            ' CRM.EXCEPTIONS.CONFLICTEXCEPTION, parameters ["status", <value>]); either may'
            " be reopened as PENDING.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/activities",
        section=SECTION,
        summary="Search for activities",
        document=f"""query ($type_id: ID, $name: String, $statuses: [ActivityStatus!],
                $tag_ids: [ID!], $user_id: ID, $assigned_user_id: ID, $assigned_team_id: ID,
                $contact_id: ID, $order_id: ID, $lead_id: ID, $service_request_id: ID,
                $custom_fields: String, $created_on_gte: DateTime, $created_on_gt: DateTime,
                $created_on_lt: DateTime, $created_on_lte: DateTime,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            activities(filter: {{type_id: $type_id, name: $name, statuses: $statuses,
                    tag_ids: $tag_ids, user_id: $user_id, assigned_user_id: $assigned_user_id,
                    assigned_team_id: $assigned_team_id, contact_id: $contact_id,
                    order_id: $order_id, lead_id: $lead_id,
                    service_request_id: $service_request_id, custom_fields: $custom_fields,
                    created_on_gte: $created_on_gte, created_on_gt: $created_on_gt,
                    created_on_lt: $created_on_lt, created_on_lte: $created_on_lte}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {ACTIVITY_FIELDS} }} {PAGING}
            }}
        }}""",
        query=LIST_QUERY,
        notes=(
            "name matches activities whose name contains it, ignoring case (plain text).",
            "created_on[gte], created_on[gt], created_on[lt] and created_on[lte] (epoch seconds"
            " or ISO 8601) bound the creation date.",
            "statuses and tag_ids take comma-separated lists (any of them matches).",
            "contact_id, order_id, lead_id and service_request_id match the linked entities;"
            " user_id the responsible user; assigned_user_id and assigned_team_id the"
            " assignment.",
            "custom_fields: key=value pairs separated by semicolons; every pair must be held.",
            "sort: created_on (default), name, date or status; order DESC (default) or ASC.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/activities/{id}",
        section=SECTION,
        summary="Get details for a specific activity",
        document=f"""query ($id: ID!) {{ activity(id: $id) {{ {ACTIVITY_FIELDS} }} }}""",
        notes=("statuses lists every state the activity entered with its date, oldest first.",),
    ),
    RestRoute(
        method="POST",
        path="/activities/{id}/tags",
        section=TAGS_SECTION,
        summary="Add tags to an activity",
        document="""mutation ($id: ID!, $body: ActivityTagsInput!) {
            add_activity_tags(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"tags": [{"id": "FDHNFDBR675765ghdh"}]},
        notes=(*TAG_NOTES, "Tags the activity holds already stay once."),
    ),
    RestRoute(
        method="PUT",
        path="/activities/{id}/tags",
        section=TAGS_SECTION,
        summary="Update the tags of an activity",
        document="""mutation ($id: ID!, $body: ActivityTagsInput!) {
            update_activity_tags(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"tags": [{"id": "JGFJHGJHSDGHJSG"}]},
        notes=(*TAG_NOTES, "The list given becomes the activity's complete list of tags."),
    ),
    RestRoute(
        method="DELETE",
        path="/activities/{id}/tags/{tag_id}",
        section=TAGS_SECTION,
        summary="Delete a tag on an activity",
        document="""mutation ($id: ID!, $tag_id: ID!) {
            remove_activity_tag(id: $id, tag_id: $tag_id) { id }
        }""",
        shape=identifier,
        notes=("404 naming the tag when the activity does not hold it.",),
    ),
    RestRoute(
        method="GET",
        path="/activities/{id}/tags",
        section=TAGS_SECTION,
        summary="Retrieve the tags of an activity",
        document=f"""query ($id: ID!) {{
            activity(id: $id) {{ tags {{ {leaf_fields(ActivityTag)} }} }}
        }}""",
        shape=activity_tags,
        notes=TAG_NOTES,
    ),
]
