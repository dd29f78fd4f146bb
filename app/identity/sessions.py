"""Switching and masquerading (spec routes 86, 87): a signed-in user gets a token pair for
another organisation.

- Switch: to an organisation the user is a member of, with the role the user was invited with
  there; the new token acts in that organisation as if the user had signed in to it.
- Masquerade: to an organisation below the one the user signed in (or switched) to, keeping the
  role held there; the new token sees that organisation's network only.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.authenticate import Authenticator, TokenPair
from app.auth.principal import CredentialKind, Principal
from app.db.models import Membership, Organisation
from app.errors import Forbidden, NotFound


def _signed_in_user(principal: Principal, action: str) -> tuple[str, str, str]:
    """The user, home organisation and role of a signed-in user (403 for API keys)."""
    if (
        principal.kind is not CredentialKind.USER
        or principal.user_id is None
        or principal.role is None
    ):
        raise Forbidden(f"Only a signed-in user may {action}: send a user's access token.")
    return (
        principal.user_id,
        principal.home_organisation_id or principal.organisation_id,
        (principal.role),
    )


async def switch_organisation(
    session: AsyncSession, principal: Principal, authenticator: Authenticator, organisation_id: str
) -> TokenPair:
    """A token pair acting in ``organisation_id`` with the user's role there (404 naming the
    organisation when the user is not a member of it; 403 for API keys)."""
    user_id, _home, _role = _signed_in_user(principal, "switch organisations")
    role = (
        await session.execute(
            select(Membership.role).where(
                Membership.user_id == user_id, Membership.organisation_id == organisation_id
            )
        )
    ).scalar_one_or_none()
    if role is None:
        raise NotFound("organisation", organisation_id)
    return await authenticator.issue_pair(session, user_id, organisation_id, role)


async def masquerade_organisation(
    session: AsyncSession, principal: Principal, authenticator: Authenticator, organisation_id: str
) -> TokenPair:
    """A token pair acting in ``organisation_id``, which must be the organisation the user signed
    in to or one below it (404 naming it otherwise), with the role held where the user signed
    in (403 for API keys)."""
    user_id, home_id, role = _signed_in_user(principal, "masquerade")
    path = (
        await session.execute(select(Organisation.path).where(Organisation.id == organisation_id))
    ).scalar_one_or_none()
    if path is None or f"/{home_id}/" not in path:
        raise NotFound("organisation", organisation_id)
    return await authenticator.issue_pair(
        session, user_id, organisation_id, role, home_organisation_id=home_id
    )
