"""Resolvers for user sign-in (see also :mod:`resolvers.identity`)."""

from app.auth.authenticate import TokenPair
from resolvers import identity
from resolvers.context import Info


async def authenticate_user(
    info: Info, username: str | None, email: str | None, password: str
) -> TokenPair:
    """A token pair for the user's username (or e-mail address) and password (401 when they do
    not match, 429 after too many failures from this login or client address)."""
    return await identity.authenticate_user(info, username, email, password)
