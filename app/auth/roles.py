"""Loading a custom role's permission codes for a user's principal."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import BUILT_IN_ROLES
from app.db.models import Role
from app.tenancy import network_path_ids


async def custom_permissions(
    session: AsyncSession, network_path: str, role: str | None
) -> frozenset[str] | None:
    """The permission codes of the custom role ``role`` for a user acting in the organisation
    at ``network_path``: the role of that code defined by the organisation itself or, else,
    by the nearest organisation above it. ``None`` for built-in roles (no query) and for codes
    no organisation on the path defines (such a user holds no permission).
    """
    if role is None or role in BUILT_IN_ROLES:
        return None
    ids = network_path_ids(network_path)
    rows = (
        await session.execute(
            select(Role.organisation_id, Role.permissions).where(
                Role.code == role, Role.organisation_id.in_(ids)
            )
        )
    ).all()
    if not rows:
        return None
    depth = {organisation_id: index for index, organisation_id in enumerate(ids)}
    nearest = max(rows, key=lambda row: depth[row.organisation_id])
    return frozenset(nearest.permissions)
