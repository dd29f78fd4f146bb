"""GraphQL root fields for signing users in and refreshing their tokens."""

import strawberry

from app.auth.authenticate import TokenPair
from resolvers import identity as resolve_identity
from resolvers import users as resolve
from resolvers.context import Info
from schema.permissions import no_credentials


@strawberry.type(description="A user's token pair.")
class AccessToken:
    access_token: str = strawberry.field(
        description="Send it as `authorization: Bearer <access_token>` (or raw, as CRM.COM's "
        "client libraries do)."
    )
    refresh_token: str = strawberry.field(
        description="Exchange it once for a new pair (refresh_access_token, POST /users/refresh)."
    )
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")


@strawberry.input(description="A user's sign-in credentials.")
class AuthenticateUserInput:
    username: str | None = strawberry.field(
        default=None, description="The user's username (an e-mail address by default)."
    )
    email: str | None = strawberry.field(
        default=None, description="The user's e-mail address (an alias of username)."
    )
    password: str = strawberry.field(description="The user's password.")


@strawberry.input(description="A refresh token to exchange.")
class RefreshAccessTokenInput:
    refresh_token: str = strawberry.field(description="The refresh token of an earlier pair.")


def token_pair(pair: TokenPair) -> AccessToken:
    """The GraphQL token pair for a pair the authenticator issued."""
    return AccessToken(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Sign a user in with username (or email) and password; the token acts in "
        "the organisation the user joined first.",
        extensions=no_credentials(),
    )
    async def authenticate_user(self, info: Info, input: AuthenticateUserInput) -> AccessToken:
        pair = await resolve.authenticate_user(info, input.username, input.email, input.password)
        return token_pair(pair)

    @strawberry.mutation(
        description="Exchange a refresh token (once) for a new token pair acting where the old "
        "one did.",
        extensions=no_credentials(),
    )
    async def refresh_access_token(self, info: Info, input: RefreshAccessTokenInput) -> AccessToken:
        return token_pair(await resolve_identity.refresh_access_token(info, input.refresh_token))
