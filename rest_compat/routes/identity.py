"""Switch and masquerade (spec routes 86, 87) and an organisation's API keys (not in the spec,
designed in its style: DESIGN §4)."""

from rest_compat.route import PAGING, RestRoute

SECTION = "Organisations"
TOKEN_PAIR = "access_token refresh_token expires_in"
API_KEY_FIELDS = "id prefix type mode is_revoked created_on last_used_on revoked_on"
KEYS_TEST_MODE = (
    'Test-mode keys are refused (403, parameters ["test_mode"]): a key reaches live and test '
    "data alike."
)

ROUTES = [
    RestRoute(
        method="POST",
        path="/organisations/{id}/switch",
        section=SECTION,
        summary="Switch the user to another organisation",
        document=f"""mutation ($id: ID!) {{ switch_organisation(id: $id) {{ {TOKEN_PAIR} }} }}""",
        notes=(
            "For a signed-in user (a user's token in `authorization`; API keys are refused with "
            "a 403). The spec's answer is an empty 200; this one carries a new token pair "
            "`{access_token, refresh_token, expires_in}` acting in the organisation, with the "
            "role the user was invited with there (the spec's note), as if the user had signed "
            "in to it.",
            "404 naming the organisation when the user is not a member of it.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/organisations/{id}/masquerade",
        section=SECTION,
        summary="Masquerade the user as another organisation",
        document=f"""mutation ($id: ID!) {{
            masquerade_organisation(id: $id) {{ {TOKEN_PAIR} }}
        }}""",
        notes=(
            "For a signed-in user (API keys are refused with a 403). The answer is a new token "
            "pair acting in the organisation, which must be the one the user signed in (or "
            "switched) to or one below it (404 naming it otherwise), with the role the user has "
            "where it signed in (the spec's note). The token sees that organisation and those "
            "below it, nothing above; it stops working when the user's membership where it "
            "signed in is removed or its role changes.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/organisations/{id}/api_keys",
        section=SECTION,
        summary="List an organisation's API keys",
        document=f"""query ($id: ID!, $page: Int = 1, $size: Int = 20) {{
            api_keys(organisation_id: $id, page: $page, size: $size) {{
                content {{ {API_KEY_FIELDS} }}
                {PAGING}
            }}
        }}""",
        query={"page": "page", "size": "size"},
        notes=(
            "Newest first, revoked keys included. A key itself is never shown again: `prefix` "
            "is its first 12 characters.",
            "`last_used_on` is recorded at most once a minute per key and gateway process.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/organisations/{id}/api_keys",
        section=SECTION,
        summary="Create an API key for an organisation",
        document=f"""mutation ($id: ID!, $body: CreateApiKeyInput!) {{
            create_api_key(organisation_id: $id, input: $body) {{ key {API_KEY_FIELDS} }}
        }}""",
        body="body",
        notes=(
            "`type` SECRET (default) or PUBLIC, `mode` LIVE (default) or TEST. The answer's "
            "`key` is shown only now; only its digest is stored.",
            KEYS_TEST_MODE,
        ),
        example_body={"type": "SECRET", "mode": "LIVE"},
    ),
    RestRoute(
        method="DELETE",
        path="/organisations/{id}/api_keys/{key_id}",
        section=SECTION,
        summary="Revoke an API key",
        document=f"""mutation ($id: ID!, $key_id: ID!) {{
            revoke_api_key(organisation_id: $id, id: $key_id) {{ {API_KEY_FIELDS} }}
        }}""",
        notes=(
            "The key is refused (401) at once by the gateway process that revoked it, and "
            "within 30 seconds by every other process (each caches valid keys for 30 s). "
            "Revoking a revoked key changes nothing. The key stays listed, with `revoked_on`.",
            KEYS_TEST_MODE,
        ),
    ),
]
