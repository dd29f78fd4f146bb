"""SQL for media groups, media and the media groups linked to organisations, always narrowed
to the caller's network and mode."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import Media, MediaGroup, OrganisationMediaGroup
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

MEDIA_GROUPS = TenantRepository(MediaGroup)
MEDIA = TenantRepository(Media)
ORGANISATION_MEDIA_GROUPS = ChildRepository(
    OrganisationMediaGroup, ORGANISATIONS, "organisation_id"
)

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {"created_on": MediaGroup.created_on, "name": MediaGroup.name}


def media_order(media: Any = Media) -> list[Any]:
    """A group's media: oldest first."""
    return [media.created_on, media.id]


def link_order(link: Any = OrganisationMediaGroup) -> list[Any]:
    """An organisation's media groups: in the order they were given."""
    return [link.position, link.id]


async def find_media_group(session: AsyncSession, principal: Principal, key: str) -> MediaGroup:
    """The caller's media group whose id or external id is ``key`` (an id match wins; 404
    naming the media group otherwise)."""
    stmt = MEDIA_GROUPS.readable(principal).where(
        or_(MediaGroup.id == key, MediaGroup.external_id == key)
    )
    found = list((await session.execute(stmt)).scalars())
    if not found:
        raise NotFound("media_group", key)
    return next((group for group in found if group.id == key), found[0])


async def external_id_in_use(session: AsyncSession, principal: Principal, external_id: str) -> bool:
    """Whether a media group of the caller's organisation and mode has ``external_id``, or a
    media group the caller sees has it as its id (so lookups stay unambiguous)."""
    taken = select(
        exists().where(
            MediaGroup.organisation_id == principal.organisation_id,
            MediaGroup.is_test.is_(principal.is_test),
            MediaGroup.external_id == external_id,
        )
    )
    if (await session.execute(taken)).scalar():
        return True
    return await MEDIA_GROUPS.get_by_id(session, principal, external_id) is not None


async def media_groups(
    session: AsyncSession,
    principal: Principal,
    request: PageRequest,
    name: str | None = None,
    external_id: str | None = None,
) -> Page[MediaGroup]:
    """A page of the caller's media groups, those whose name contains ``name`` (any case) and
    whose external id is ``external_id`` when given."""
    stmt = MEDIA_GROUPS.readable(principal)
    if name:
        stmt = stmt.where(contains_literal(MediaGroup.name, name))
    if external_id:
        stmt = stmt.where(MediaGroup.external_id == external_id)
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def get_media(session: AsyncSession, principal: Principal, media_id: str) -> Media:
    """The caller's media item with this id (404 naming the media otherwise)."""
    return await MEDIA.lookup(session, principal, "media", media_id)


async def media_for_change(session: AsyncSession, principal: Principal, media_id: str) -> Media:
    """The caller's media item, locked for a change (404 naming the media otherwise)."""
    stmt = MEDIA.writable(principal).where(Media.id == media_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("media", media_id)
    return found


async def replace_organisation_media_groups(
    session: AsyncSession, principal: Principal, organisation_id: str, group_ids: Sequence[str]
) -> None:
    """Make ``group_ids`` the organisation's media groups of the caller's mode (links to
    groups of the other mode stay: live and test media are kept apart)."""
    await session.execute(
        delete(OrganisationMediaGroup).where(
            OrganisationMediaGroup.organisation_id == organisation_id,
            OrganisationMediaGroup.media_group_id.in_(MEDIA_GROUPS.visible_ids(principal)),
        )
    )
    session.add_all(
        OrganisationMediaGroup(
            organisation_id=organisation_id, media_group_id=group_id, position=position
        )
        for position, group_id in enumerate(group_ids)
    )
    await session.flush()
