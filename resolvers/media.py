"""Resolvers and dataloaders for media groups, media and the media groups of organisations."""

from app.auth.permissions import Permission
from app.db.models import Media, MediaGroup, Organisation, OrganisationMediaGroup
from app.db.relations import Related
from app.media import repository, service
from app.media.commands import CreateMediaGroup, CreateUploadSignature, LinkMediaGroups
from app.media.service import SignedUpload
from app.media.signing import cloudinary_account
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.relations import RelationLoader


class MediaByMediaGroupIdLoader(RelationLoader):
    """A media group's media, oldest first."""

    related = Related(Media, "media_group_id", repository.media_order, many=True)


class MediaGroupByIdLoader(RelationLoader):
    """Media groups of the caller's network and mode by id."""

    related = Related(MediaGroup, "id")


class MediaGroupLinksByOrganisationIdLoader(RelationLoader):
    """The media groups linked to an organisation (links of both modes: the groups are read
    through :class:`MediaGroupByIdLoader`, which keeps the caller's mode)."""

    related = Related(OrganisationMediaGroup, "organisation_id", repository.link_order, many=True)


async def organisation_media_groups(info: Info, organisation_id: str) -> list[MediaGroup]:
    """The media groups of the caller's mode linked to an organisation, in the order given."""
    links = await info.context.loaders.get(MediaGroupLinksByOrganisationIdLoader).load(
        organisation_id
    )
    groups = await info.context.loaders.get(MediaGroupByIdLoader).load_many(
        [link.media_group_id for link in links]
    )
    return [group for group in groups if group is not None]


async def organisation_creatives(info: Info, organisation_id: str) -> list[Media]:
    """The media of the media groups linked to an organisation (none for a caller without
    MEDIA_READ: the organisation stays readable, its images are left out)."""
    if not info.context.backoffice().has_permission(Permission.MEDIA_READ):
        return []
    groups = await organisation_media_groups(info, organisation_id)
    loader = info.context.loaders.get(MediaByMediaGroupIdLoader)
    return [media for items in await loader.load_many([g.id for g in groups]) for media in items]


async def media_group(info: Info, id: str) -> MediaGroup:
    """One media group, by id or external id."""
    return await info.context.reads(repository.find_media_group, id)


async def media_groups(
    info: Info, request: PageRequest, name: str | None, external_id: str | None
) -> Page[MediaGroup]:
    """A page of media groups."""
    return await info.context.reads(repository.media_groups, request, name, external_id)


async def media(info: Info, id: str) -> Media:
    """One media item."""
    return await info.context.reads(repository.get_media, id)


async def create_media_group(info: Info, command: CreateMediaGroup) -> MediaGroup:
    """Create a media group."""
    return await info.context.writes(service.create_media_group, command)


async def sign_upload(info: Info, command: CreateUploadSignature) -> SignedUpload:
    """Record a media item and sign its upload (503 naming the missing Cloudinary settings,
    checked before anything is written)."""
    info.context.backoffice()
    account = cloudinary_account(info.context.settings)
    return await info.context.writes(service.sign_upload, account, command)


async def delete_media(info: Info, id: str) -> str:
    """Delete a media item; returns its id."""
    return await info.context.writes(service.delete_media, id)


async def link_media_groups(info: Info, id: str, command: LinkMediaGroups) -> Organisation:
    """Make the given media groups an organisation's media groups."""
    return await info.context.writes(service.link_media_groups, id, command)
