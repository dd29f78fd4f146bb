"""Users, roles and teams routes: not in the spec, designed in its style (issue 8, item 3)."""

from typing import Any

from rest_compat.json_schema import JsonSchema, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier

USER_FIELDS = "id email first_name last_name created_on role organisation_id teams { id name }"
ROLE_FIELDS = "id code name description permissions is_built_in organisation_id"
TEAM_FIELDS = (
    "id name description organisation_id created_on members { id email first_name last_name role }"
)
ORGANISATION_QUERY = {"organisation_id": "organisation_id"}
ORGANISATION_NOTE = (
    "`organisation_id` (query) names another organisation of the caller's network; the "
    "caller's own organisation by default.",
)
SHARED_NOTE = (
    "Users, roles and teams are shared by live and test mode: a test-mode key may read them "
    'but a change answers 403, parameters ["test_mode"].'
)
HAND_OUT_NOTE = (
    "A user may give only a role whose permissions it holds itself, and only an OWNER may make "
    'or unmake an OWNER (403, parameters ["role"]). The last OWNER of an organisation can be '
    'neither demoted nor removed (409, parameters ["role", "OWNER"]).'
)


def _content(data: Any) -> dict[str, Any]:
    return {"content": data}


def _content_schema(selected: JsonSchema) -> JsonSchema:
    return object_schema({"content": selected}, ["content"])


content_list = Shape(_content, _content_schema)
"""A whole list (not paged) in the list routes' envelope: ``{"content": [...]}``."""

ROUTES = [
    RestRoute(
        method="GET",
        path="/users",
        section="Users",
        summary="List the users (members) of an organisation with their roles",
        document=f"""query ($organisation_id: ID, $search_value: String, $role: String,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            users(organisation_id: $organisation_id,
                filter: {{search_value: $search_value, role: $role}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {USER_FIELDS} }} {PAGING}
            }}
        }}""",
        query={
            name: name
            for name in (
                "organisation_id",
                "search_value",
                "role",
                "page",
                "size",
                "sort",
                "order",
            )
        },
        notes=(
            *ORGANISATION_NOTE,
            "search_value matches e-mail, first and last name (plain text, ignoring case).",
        ),
    ),
    RestRoute(
        method="GET",
        path="/users/{id}",
        section="Users",
        summary="Get a user as a member of an organisation (its role and teams)",
        document=f"""query ($id: ID!, $organisation_id: ID) {{
            user(id: $id, organisation_id: $organisation_id) {{ {USER_FIELDS} }}
        }}""",
        query=ORGANISATION_QUERY,
        notes=ORGANISATION_NOTE,
    ),
    RestRoute(
        method="PUT",
        path="/users/{id}",
        section="Users",
        summary="Change a user's role in an organisation",
        document="""mutation ($id: ID!, $body: ChangeUserInput!, $organisation_id: ID) {
            update_user(id: $id, input: $body, organisation_id: $organisation_id) { id }
        }""",
        query=ORGANISATION_QUERY,
        body="body",
        shape=identifier,
        example_body={"role": "READ_ONLY"},
        notes=(*ORGANISATION_NOTE, HAND_OUT_NOTE, SHARED_NOTE),
    ),
    RestRoute(
        method="DELETE",
        path="/users/{id}",
        section="Users",
        summary="Remove a user from an organisation (and from its teams)",
        document="""mutation ($id: ID!, $organisation_id: ID) {
            remove_user(id: $id, organisation_id: $organisation_id) { id }
        }""",
        query=ORGANISATION_QUERY,
        shape=identifier,
        notes=(*ORGANISATION_NOTE, "The user keeps its other memberships.", HAND_OUT_NOTE),
    ),
    RestRoute(
        method="GET",
        path="/roles",
        section="Roles",
        summary="List the roles members may hold: built-in ones, then the organisation's own",
        document=f"""query ($organisation_id: ID) {{
            roles(organisation_id: $organisation_id) {{ {ROLE_FIELDS} }}
        }}""",
        query=ORGANISATION_QUERY,
        shape=content_list,
        notes=(
            *ORGANISATION_NOTE,
            "Built-in roles: OWNER and ADMIN (every permission), READ_ONLY (every *_READ). "
            "Members of an organisation may also hold the custom roles of the organisations "
            "above it.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/roles",
        section="Roles",
        summary="Create a custom role with its permissions",
        document="""mutation ($body: CreateRoleInput!, $organisation_id: ID) {
            create_role(input: $body, organisation_id: $organisation_id) { id }
        }""",
        query=ORGANISATION_QUERY,
        body="body",
        shape=identifier,
        example_body={
            "code": "CASHIER",
            "name": "Cashier",
            "permissions": ["CONTACTS_READ", "WALLETS_READ", "JOURNALS_WRITE"],
        },
        notes=(
            *ORGANISATION_NOTE,
            'A code of a built-in role or one the organisation has already is a 409 (["code", '
            "<code>]); a user may give a role only permissions it holds itself (403).",
            SHARED_NOTE,
        ),
    ),
    RestRoute(
        method="GET",
        path="/roles/{id}",
        section="Roles",
        summary="Get a role: a built-in one by code, a custom one by id",
        document=f"""query ($id: ID!) {{ role(id: $id) {{ {ROLE_FIELDS} }} }}""",
    ),
    RestRoute(
        method="PUT",
        path="/roles/{id}",
        section="Roles",
        summary="Change a custom role; its members' permissions follow with their next request",
        document="""mutation ($id: ID!, $body: UpdateRoleInput!) {
            update_role(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"permissions": ["CONTACTS_READ", "CONTACTS_WRITE"]},
        notes=("Built-in roles cannot be changed (403).", SHARED_NOTE),
    ),
    RestRoute(
        method="DELETE",
        path="/roles/{id}",
        section="Roles",
        summary="Delete a custom role that no member holds",
        document="""mutation ($id: ID!) { delete_role(id: $id) { id } }""",
        shape=identifier,
        notes=('A role members hold is a 409 (["role", <id>]).', SHARED_NOTE),
    ),
    RestRoute(
        method="GET",
        path="/teams",
        section="Teams",
        summary="List the teams of the caller's network",
        document=f"""query ($organisation_id: ID, $search_value: String, $page: Int = 1,
                $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            teams(filter: {{organisation_id: $organisation_id, search_value: $search_value}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {TEAM_FIELDS} }} {PAGING}
            }}
        }}""",
        query={
            name: name
            for name in ("organisation_id", "search_value", "page", "size", "sort", "order")
        },
        notes=("`organisation_id` keeps the teams of that organisation only.",),
    ),
    RestRoute(
        method="POST",
        path="/teams",
        section="Teams",
        summary="Create a team",
        document="""mutation ($body: CreateTeamInput!, $organisation_id: ID) {
            create_team(input: $body, organisation_id: $organisation_id) { id }
        }""",
        query=ORGANISATION_QUERY,
        body="body",
        shape=identifier,
        example_body={"name": "Support", "description": "Answers customers"},
        notes=(
            *ORGANISATION_NOTE,
            'Team names are unique per organisation (409, ["name"]).',
            SHARED_NOTE,
        ),
    ),
    RestRoute(
        method="GET",
        path="/teams/{id}",
        section="Teams",
        summary="Get a team with its members",
        document=f"""query ($id: ID!) {{ team(id: $id) {{ {TEAM_FIELDS} }} }}""",
    ),
    RestRoute(
        method="PUT",
        path="/teams/{id}",
        section="Teams",
        summary="Change a team's name or description",
        document="""mutation ($id: ID!, $body: UpdateTeamInput!) {
            update_team(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"description": "Answers customers and merchants"},
        notes=(SHARED_NOTE,),
    ),
    RestRoute(
        method="DELETE",
        path="/teams/{id}",
        section="Teams",
        summary="Delete a team (its members stay users of the organisation)",
        document="""mutation ($id: ID!) { delete_team(id: $id) { id } }""",
        shape=identifier,
        notes=(SHARED_NOTE,),
    ),
    RestRoute(
        method="POST",
        path="/teams/{id}/members",
        section="Teams",
        summary="Add a user (a member of the team's organisation) to a team",
        document="""mutation ($id: ID!, $body: AddTeamMemberInput!) {
            add_team_member(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"user_id": "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"},
        notes=(
            'A user who is not a member of the team\'s organisation is a 404 (["user", <id>]); '
            "adding a member twice changes nothing.",
            SHARED_NOTE,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/teams/{id}/members/{user_id}",
        section="Teams",
        summary="Take a user out of a team",
        document="""mutation ($id: ID!, $user_id: ID!) {
            remove_team_member(id: $id, user_id: $user_id) { id }
        }""",
        shape=identifier,
        notes=(SHARED_NOTE,),
    ),
]
