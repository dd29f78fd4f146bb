"""Resolvers for user sign-in."""

from resolvers.context import Info


async def authenticate_user(info: Info, email: str, password: str) -> tuple[str, int]:
    """An access token for the user's e-mail and password (401 when they do not match, 429
    after too many failures from this e-mail or client address)."""
    context = info.context
    return await context.authenticator.sign_in(email, password, context.client_address)
