"""Rules for media: groups, signed uploads, media items and the groups of an organisation.

- A media group's ``external_id`` is unique in its organisation and mode (409 naming it) and
  never equals the id of a media group the caller sees; without one a random UUID is given.
- An upload is signed for one media item, recorded at once: it goes to the folder of the
  caller's organisation (its id), below it the ``folder`` asked for (spec: "within CRM the
  folder is set as the media related organisation-id"), with the media id as its public id,
  so the signature only admits that upload and the item's public id and URL are known before
  the client uploads. The signed parameters are ``context``, ``folder``, ``public_id``,
  ``timestamp`` and ``type`` (:mod:`app.media.signing`).
- Deleting a media item removes its record (the asset stays on Cloudinary: the gateway makes
  no outbound calls to Cloudinary).
"""

import time
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.base import new_id
from app.db.models import Media, MediaGroup, Organisation
from app.errors import Conflict
from app.media import repository
from app.media.commands import CreateMediaGroup, CreateUploadSignature, LinkMediaGroups
from app.media.enums import UPLOAD_STRATEGY, UPLOAD_TYPE, MediaUsageType
from app.media.signing import CloudinaryAccount
from app.organisations.repository import ORGANISATIONS

DELIVERY_HOST = "https://res.cloudinary.com"
IMAGE_USAGES = frozenset({MediaUsageType.LOGO, MediaUsageType.MARKETING, MediaUsageType.AVATAR})
"""Usage types uploaded as images (their delivery URL is known in advance); an ATTACHMENT may
be any file, so its URL is known only once Cloudinary has it."""


async def create_media_group(
    session: AsyncSession, principal: Principal, command: CreateMediaGroup
) -> MediaGroup:
    """Create a media group of the caller's organisation."""
    external_id = command.external_id or str(uuid.uuid4())
    taken = Conflict("A media group with this external id exists.", ["external_id", external_id])
    if await repository.external_id_in_use(session, principal, external_id):
        raise taken
    group = MediaGroup(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        external_id=external_id,
        name=command.name,
        description=command.description,
    )
    session.add(group)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:  # a concurrent create took it between the check and the insert
        raise taken from None
    return group


@dataclass(frozen=True)
class SignedUpload:
    """A signed upload of one media item: what the client sends to Cloudinary's upload API
    (``api_key``, ``timestamp``, ``signature`` and the ``signed`` parameters) and the item."""

    api_key: str
    cloud_name: str
    signature: str
    timestamp: int
    signed: dict[str, str]
    media: Media
    media_group: MediaGroup


def _context(principal: Principal, group: MediaGroup, media: Media) -> str:
    """The Cloudinary context of an upload (the spec's example keys, then the media id)."""
    pairs = (
        ("uploadStrategy", UPLOAD_STRATEGY),
        ("organisationId", principal.organisation_id),
        ("trackingKey", media.tracking_key),
        ("mediaGroupExternalId", group.external_id),
        ("usageType", media.usage_type),
        ("mediaId", media.id),
    )
    return "|".join(f"{key}={value}" for key, value in pairs)


async def sign_upload(
    session: AsyncSession,
    principal: Principal,
    account: CloudinaryAccount,
    command: CreateUploadSignature,
) -> SignedUpload:
    """Record a media item of a group of the caller's and sign its upload (404 naming the
    media group if the caller has no such group)."""
    group = await repository.find_media_group(session, principal, command.media_group_external_id)
    folder = "/".join(part for part in (principal.organisation_id, command.folder) if part)
    media_id = new_id()
    usage = MediaUsageType(command.media_usage_type)
    media = Media(
        id=media_id,
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        media_group_id=group.id,
        usage_type=usage,
        folder=folder,
        tracking_key=command.tracking_key or str(uuid.uuid4()),
        public_id=f"{folder}/{media_id}",
        url=(
            f"{DELIVERY_HOST}/{account.cloud_name}/image/{UPLOAD_TYPE}/{folder}/{media_id}"
            if usage in IMAGE_USAGES
            else None
        ),
    )
    session.add(media)
    await session.flush()
    timestamp = int(time.time())
    signed = {
        "context": _context(principal, group, media),
        "folder": folder,
        "public_id": media_id,
        "timestamp": str(timestamp),
        "type": UPLOAD_TYPE,
    }
    return SignedUpload(
        api_key=account.api_key,
        cloud_name=account.cloud_name,
        signature=account.sign(signed),
        timestamp=timestamp,
        signed=signed,
        media=media,
        media_group=group,
    )


async def delete_media(session: AsyncSession, principal: Principal, media_id: str) -> str:
    """Delete the record of a media item of the caller's; returns its id."""
    media = await repository.media_for_change(session, principal, media_id)
    await session.delete(media)
    await session.flush()
    return media_id


async def link_media_groups(
    session: AsyncSession, principal: Principal, organisation_id: str, command: LinkMediaGroups
) -> Organisation:
    """Make the given media groups (by id or external id, each a group the caller sees) the
    organisation's media groups of the caller's mode (404 naming the organisation or the
    first unknown group)."""
    organisation = await ORGANISATIONS.lookup(session, principal, "organisation", organisation_id)
    group_ids: list[str] = []
    for reference in command.media_groups:
        group = await repository.find_media_group(session, principal, reference.id)
        if group.id not in group_ids:
            group_ids.append(group.id)
    await repository.replace_organisation_media_groups(
        session, principal, organisation.id, group_ids
    )
    return organisation
