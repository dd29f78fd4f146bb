"""User sign-in: not in the spec, designed in its style (DESIGN §4)."""

from rest_compat.route import RestRoute

ROUTES = [
    RestRoute(
        method="POST",
        path="/users/authenticate",
        section="Users",
        summary="Sign a user in with e-mail and password and get an access token",
        document="""mutation ($body: AuthenticateUserInput!) {
            authenticate_user(input: $body) { access_token expires_in }
        }""",
        body="body",
        public_key_allowed=True,
        notes=(
            "Needs no api_key: the e-mail and password are the credentials.",
            "A wrong password and an unknown e-mail both answer 401 with the same message, "
            "after the same password-hashing work.",
            "After `sign_in_max_failures` (default 10) failed attempts for one e-mail, or from "
            "one client address, within `sign_in_failure_window_seconds` (default 300), further "
            'attempts answer 429 (TOOMANYREQUESTSEXCEPTION, parameters ["retry_after", '
            "<seconds>]) with a `Retry-After` header in seconds, until the oldest failure leaves "
            "the window. The counts are kept per gateway process. A successful sign-in clears "
            "the e-mail's count.",
            "The token (HS256) carries `sub` (the user), `org` (the organisation) and `exp`; a "
            "token without any of them, or for a user who is no longer a member of that "
            "organisation, is refused with a 401.",
        ),
        example_body={"email": "owner@example.com", "password": "secret"},
    ),
]
