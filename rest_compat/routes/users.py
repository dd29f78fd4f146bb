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
        notes=("Needs no api_key: the e-mail and password are the credentials.",),
        example_body={"email": "owner@example.com", "password": "secret"},
    ),
]
