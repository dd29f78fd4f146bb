"""GraphQL root fields for signing users in."""

import strawberry

from resolvers import users as resolve
from resolvers.context import Info
from schema.permissions import no_credentials


@strawberry.type(description="A user access token.")
class AccessToken:
    access_token: str = strawberry.field(
        description="Send it as `authorization: Bearer <access_token>`."
    )
    expires_in: int = strawberry.field(description="Seconds until the token expires.")


@strawberry.input(description="A user's sign-in credentials.")
class AuthenticateUserInput:
    email: str = strawberry.field(description="The user's e-mail address.")
    password: str = strawberry.field(description="The user's password.")


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Sign a user in with e-mail and password.", extensions=no_credentials()
    )
    async def authenticate_user(self, info: Info, input: AuthenticateUserInput) -> AccessToken:
        token, expires_in = await resolve.authenticate_user(info, input.email, input.password)
        return AccessToken(access_token=token, expires_in=expires_in)
