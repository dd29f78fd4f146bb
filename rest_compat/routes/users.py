"""User sign-in, token refresh and invitations: not in the spec, designed in its style
(DESIGN §4)."""

from rest_compat.route import RestRoute

SECTION = "Users"
TOKEN_PAIR = "access_token refresh_token expires_in"

ROUTES = [
    RestRoute(
        method="POST",
        path="/users/authenticate",
        section=SECTION,
        summary="Sign a user in with username (or e-mail) and password and get a token pair",
        document=f"""mutation ($body: AuthenticateUserInput!) {{
            authenticate_user(input: $body) {{ {TOKEN_PAIR} }}
        }}""",
        body="body",
        public_key_allowed=True,
        notes=(
            "Needs no api_key: the username and password are the credentials. The body is "
            '`{"username", "password"}` as CRM.COM\'s client libraries send it; `email` is '
            "accepted as an alias of `username` (a user's username is its e-mail address "
            "unless chosen otherwise when accepting an invitation).",
            "The answer is `{access_token, refresh_token, expires_in}`. Send the access token as "
            "`authorization: Bearer <token>` or raw (`authorization: <token>`, as CRM.COM's "
            "client libraries do: a value with two dots that decodes as a JWT is a token, an "
            "sk_/pk_ value an API key). With a token and an `api_key` header both, the key must "
            "belong to the organisation the token acts in (or the one signed in to, after a "
            "masquerade), else 401; the request then acts as the user, in the key's mode.",
            "The token acts in the organisation the user joined first; POST "
            "/organisations/{id}/switch and /masquerade give tokens for others.",
            "A wrong password and an unknown username both answer 401 with the same message, "
            "after the same password-hashing work.",
            "After `sign_in_max_failures` (default 10) failed attempts for one username, or from "
            "one client address, within `sign_in_failure_window_seconds` (default 300), further "
            'attempts answer 429 (TOOMANYREQUESTSEXCEPTION, parameters ["retry_after", '
            "<seconds>]) with a `Retry-After` header in seconds, until the oldest failure leaves "
            "the window. The counts are kept per gateway process. A successful sign-in clears "
            "the username's count.",
            "The token (HS256) carries `sub` (the user), `org` (the organisation it acts in), "
            "`role` (the role of the membership it was issued for), `exp`, and after a "
            "masquerade `home` (the organisation signed in to). They are checked on every "
            "request: a token without one of them, for a membership that was removed, or whose "
            "role has changed, is refused with a 401.",
        ),
        example_body={"username": "j_doe@crm.com", "password": "secret"},
    ),
    RestRoute(
        method="POST",
        path="/users/refresh",
        section=SECTION,
        summary="Exchange a refresh token for a new token pair",
        document=f"""mutation ($body: RefreshAccessTokenInput!) {{
            refresh_access_token(input: $body) {{ {TOKEN_PAIR} }}
        }}""",
        body="body",
        public_key_allowed=True,
        notes=(
            "Needs no api_key: the refresh token is the credential. Each refresh token is "
            "exchanged once; a used, unknown or expired one (they live "
            "`refresh_token_ttl_seconds`, default 14 days) answers 401.",
            "The new pair acts where the old one did, with the role the membership has now "
            "(401 if the membership was removed).",
        ),
        example_body={"refresh_token": "rt_..."},
    ),
    RestRoute(
        method="POST",
        path="/users/invitations",
        section=SECTION,
        summary="Invite a user to an organisation with a role",
        document="""mutation ($body: CreateUserInvitationInput!) {
            create_user_invitation(input: $body) {
                id token organisation_id role email expires_on
            }
        }""",
        body="body",
        notes=(
            "`organisation_id` (the caller's own when left out) must be in the caller's network "
            "(404 otherwise). `role` is a role code: OWNER, ADMIN, READ_ONLY or a custom role's.",
            "The answer's `token` is shown only now: give it to the invitee, who accepts with "
            "POST /users/invitations/accept within 7 days. An e-mail address that is a member "
            "already is a 409.",
            'Test-mode keys are refused (403, parameters ["test_mode"]): users are shared by '
            "live and test mode.",
        ),
        example_body={"email": "j_doe@crm.com", "role": "ADMIN"},
    ),
    RestRoute(
        method="POST",
        path="/users/invitations/accept",
        section=SECTION,
        summary="Accept an invitation and join its organisation",
        document=f"""mutation ($body: AcceptUserInvitationInput!) {{
            accept_user_invitation(input: $body) {{
                user_id organisation_id role {TOKEN_PAIR}
            }}
        }}""",
        body="body",
        public_key_allowed=True,
        notes=(
            "Needs no api_key: the invitation token is the credential. An unknown, expired or "
            "accepted token is a 400 naming `token`.",
            "A new user gives a `password` (at least 8 characters) and may choose a `username` "
            "(the e-mail address by default; 409 when taken). If a user with the invitation's "
            "e-mail address exists, `password` must be that user's (401 otherwise), and that "
            "user joins. `email` is needed only when the invitation names none.",
            "The answer carries a token pair acting in the organisation joined, with the "
            "invitation's role.",
        ),
        example_body={"token": "inv_...", "password": "a-long-password"},
    ),
]
