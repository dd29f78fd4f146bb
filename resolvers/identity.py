"""Resolvers for signing in, refreshing, switching, masquerading, invitations and API keys."""

from typing import TYPE_CHECKING

from app.auth.authenticate import TokenPair
from app.errors import InvalidInput
from app.identity import api_keys, invitations, sessions
from app.identity.commands import AcceptUserInvitation, CreateApiKey, CreateUserInvitation
from app.pagination import Page, PageRequest
from resolvers.context import Info

if TYPE_CHECKING:
    from app.db.models import ApiKey, User, UserInvitation


async def authenticate_user(
    info: Info, username: str | None, email: str | None, password: str
) -> TokenPair:
    """A token pair for a username (or e-mail address, its alias) and password (400 naming
    ``username`` when neither is given; 401 when they do not match; 429 after too many failures
    for this login or client address)."""
    login = username if username is not None else email
    if login is None or not login.strip():
        raise InvalidInput("username", "give the user's username (or email) and password")
    context = info.context
    return await context.authenticator.sign_in(login, password, context.client_address)


async def refresh_access_token(info: Info, refresh_token: str) -> TokenPair:
    """A new token pair for a refresh token, used up by the exchange (401 when it is not valid)."""
    return await info.context.authenticator.refresh(refresh_token)


async def switch_organisation(info: Info, id: str) -> TokenPair:
    """A token pair acting in another organisation the user is a member of."""
    return await info.context.writes(sessions.switch_organisation, info.context.authenticator, id)


async def masquerade_organisation(info: Info, id: str) -> TokenPair:
    """A token pair acting in an organisation below the one the user signed in to."""
    return await info.context.writes(
        sessions.masquerade_organisation, info.context.authenticator, id
    )


async def create_user_invitation(
    info: Info, command: CreateUserInvitation
) -> "tuple[UserInvitation, str]":
    """Invite someone to an organisation of the caller's network; the token is shown once."""
    return await info.context.writes(invitations.create_invitation, command)


async def accept_user_invitation(
    info: Info, command: AcceptUserInvitation
) -> "tuple[User, UserInvitation, TokenPair]":
    """Accept an invitation (no credentials needed: the token is one) and sign the user in to
    the organisation joined."""
    context = info.context
    async with context.write() as session:
        user, invitation = await invitations.accept_invitation(
            session, command, context.authenticator.throttle, context.client_address
        )
        pair = await context.authenticator.issue_pair(
            session, user.id, invitation.organisation_id, invitation.role
        )
    return user, invitation, pair


async def api_keys_of(info: Info, organisation_id: str, page: PageRequest) -> "Page[ApiKey]":
    """A page of an organisation's API keys."""
    return await info.context.reads(api_keys.list_api_keys, organisation_id, page)


async def create_api_key(
    info: Info, organisation_id: str, command: CreateApiKey
) -> "tuple[ApiKey, str]":
    """A new API key of an organisation; the key is shown once."""
    return await info.context.writes(api_keys.create_api_key, organisation_id, command)


async def revoke_api_key(info: Info, organisation_id: str, key_id: str) -> "ApiKey":
    """Revoke an API key; this process refuses it from now on, others within 30 seconds."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        row = await api_keys.revoke_api_key(session, principal, organisation_id, key_id)
    info.context.authenticator.forget_key(row.key_hash)
    return row
