"""An organisation's API keys through the API: list, create (the key shown once), revoke.

Only a key's SHA-256 digest is stored, with its first 12 characters (``prefix``) to recognise
it. Revoking is effective at once in the process that revoked it (its key cache forgets the key)
and within ``Authenticator.KEY_CACHE_SECONDS`` (30 s) in every other process.
"""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import ALL_PERMISSIONS
from app.auth.principal import Principal, require_live_mode, require_permission
from app.db.base import utcnow
from app.db.models import ApiKey
from app.errors import NotFound
from app.identity.commands import ApiKeyMode, ApiKeyType, CreateApiKey
from app.onboarding import add_api_key
from app.organisations import repository as organisations
from app.pagination import Page, PageRequest

# Keys give access to live and test data alike.
CHANGE_KEYS = "create or revoke API keys"


async def list_api_keys(
    session: AsyncSession, principal: Principal, organisation_id: str, page: PageRequest
) -> Page[ApiKey]:
    """The keys of an organisation of the caller's network (404 otherwise), newest first,
    revoked ones included."""
    organisation = await organisations.get_organisation(session, principal, organisation_id)
    total = (
        await session.execute(
            select(func.count(ApiKey.id)).where(ApiKey.organisation_id == organisation.id)
        )
    ).scalar_one()
    rows = (
        await session.execute(
            select(ApiKey)
            .where(ApiKey.organisation_id == organisation.id)
            .order_by(ApiKey.created_on.desc(), ApiKey.id.desc())
            .offset(page.offset)
            .limit(page.size)
        )
    ).scalars()
    return Page(list(rows), page.page, page.size, total)


async def create_api_key(
    session: AsyncSession, principal: Principal, organisation_id: str, command: CreateApiKey
) -> tuple[ApiKey, str]:
    """A new key for an organisation of the caller's network (404 otherwise): the row and the
    key itself, which is shown only now. A test-mode key is refused (403 ``["test_mode"]``).

    A secret key holds every permission, so a user may create one only when its role holds
    every permission too (403 naming the first it lacks): ``API_KEYS_WRITE`` alone must not
    become a way around the role.
    """
    require_live_mode(principal, CHANGE_KEYS)
    if command.type == ApiKeyType.SECRET:
        for permission in sorted(ALL_PERMISSIONS):
            require_permission(principal, permission)
    organisation = await organisations.get_organisation(session, principal, organisation_id)
    row, key = add_api_key(
        session,
        organisation.id,
        is_public=command.type == ApiKeyType.PUBLIC,
        is_test=command.mode == ApiKeyMode.TEST,
    )
    await session.flush()
    return row, key


async def revoke_api_key(
    session: AsyncSession, principal: Principal, organisation_id: str, key_id: str
) -> ApiKey:
    """Revoke a key of an organisation of the caller's network (404 naming the key otherwise;
    revoking a revoked key changes nothing). A test-mode key is refused (403 ``["test_mode"]``).
    The caller makes its process forget the key (``Authenticator.forget_key``)."""
    require_live_mode(principal, CHANGE_KEYS)
    organisation = await organisations.get_organisation(session, principal, organisation_id)
    row = (
        await session.execute(
            select(ApiKey).where(ApiKey.id == key_id, ApiKey.organisation_id == organisation.id)
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("api_key", key_id)
    if row.revoked_on is None:
        row.revoked_on = utcnow()
        await session.flush()
    return row
