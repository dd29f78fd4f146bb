"""GraphQL types, inputs and root fields of media groups, media and signed uploads (spec:
Media). Field names are the spec's snake_case ones; the REST door shows them as they are (and
in camelCase for POST /upload/sign, as the spec's example there)."""

from datetime import datetime
from typing import Annotated

import strawberry

from app.auth.permissions import Permission
from app.db import models
from app.media.commands import CreateMediaGroup, CreateUploadSignature
from app.media.enums import UPLOAD_TYPE, MediaUsageType
from app.media.repository import DEFAULT_SORT, SORT_COLUMNS
from app.media.service import SignedUpload
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import media as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.mapping import maps, relation
from schema.permissions import needs

MediaGroupSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
MediaIdArgument = Annotated[strawberry.ID, strawberry.argument(description="The media id.")]
MediaGroupIdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The media group id or external id.")
]

strawberry.enum(
    MediaUsageType,
    description="How a media item will be used: LOGO (partner logos configurable by the service "
    "owner, for businesses, merchants and venues), MARKETING, ATTACHMENT, AVATAR (applications).",
)


@maps(models.Media)
@strawberry.type(description="A media item: one upload into a media group.")
class Media:
    id: strawberry.ID = strawberry.field(description="The media identifier.")
    media_group_id: strawberry.ID = strawberry.field(description="The media group it is in.")
    usage_type: MediaUsageType = strawberry.field(description="How the media will be used.")
    folder: str = strawberry.field(
        description="The Cloudinary folder: the organisation id, then the folder asked for."
    )
    tracking_key: str = strawberry.field(description="The key to track the upload.")
    public_id: str = strawberry.field(
        description="The Cloudinary public id of the media (folder/media id)."
    )
    url: str | None = strawberry.field(
        description="The delivery URL of the media, when known in advance (images: LOGO, "
        "MARKETING, AVATAR); null for an ATTACHMENT."
    )
    organisation_id: strawberry.ID = strawberry.field(description="The owning organisation.")
    created_on: datetime = strawberry.field(description="When the upload was signed.")


@maps(models.MediaGroup)
@strawberry.type(description="A group for media uploaded for one purpose.")
class MediaGroup:
    id: strawberry.ID = strawberry.field(description="The media group identifier.")
    external_id: str = strawberry.field(
        description="The media group external identifier (uploads name the group by it)."
    )
    name: str = strawberry.field(description="The media group name.")
    description: str | None = strawberry.field(description="The media group description.")
    organisation_id: strawberry.ID = strawberry.field(description="The owning organisation.")
    created_on: datetime = strawberry.field(description="When the media group was created.")
    media: list[Media] = relation(
        resolve.MediaByMediaGroupIdLoader, description="The group's media, oldest first."
    )


@strawberry.type(description="Options of a Cloudinary upload.")
class UploadTypeOptions:
    type: str = strawberry.field(description="The option type (always upload).")


@strawberry.type(
    description="Parameters the upload call must send as they are: they are signed (with "
    "context and timestamp)."
)
class SignatureOptions:
    folder: str = strawberry.field(description="The folder the media is uploaded to.")
    type: str = strawberry.field(description="The action performed on the media (upload).")
    public_id: str = strawberry.field(description="The public id the media gets in the folder.")


@strawberry.type(description="Details about one signed upload.")
class UploadOption:
    folder: str = strawberry.field(description="The folder the media will be uploaded to.")
    media_group_external_id: str = strawberry.field(
        description="The media group external identifier."
    )
    media_usage_type: MediaUsageType = strawberry.field(description="How the media will be used.")
    options: UploadTypeOptions = strawberry.field(description="The upload options.")
    needed_signature_options: SignatureOptions = strawberry.field(
        description="The parameters the signature covers, to send with the upload."
    )
    tracking_key: str = strawberry.field(description="The key to track the current upload.")
    media_id: strawberry.ID = strawberry.field(
        description="The media item recorded for this upload (DELETE /media/{id} removes it)."
    )


@strawberry.type(
    description="A Cloudinary upload signature: send file, api_key, timestamp, signature, "
    "context and the needed signature options to "
    "https://api.cloudinary.com/v1_1/<cloud_name>/auto/upload within the hour."
)
class UploadSignature:
    api_key: str = strawberry.field(description="The API key that is used for uploading media.")
    cloud_name: str = strawberry.field(description="The name of the Cloudinary instance.")
    context: str = strawberry.field(description="The upload's signed context.")
    signature: str = strawberry.field(description="The upload's signature (hex digest).")
    timestamp: int = strawberry.field(description="When the signature was made (epoch seconds).")
    upload_options: list[UploadOption] = strawberry.field(description="The signed upload.")
    media: Media = strawberry.field(description="The media item recorded for the upload.")

    @classmethod
    def of(cls, signed: SignedUpload) -> "UploadSignature":
        """The GraphQL answer for a signed upload."""
        media = signed.media
        option = UploadOption(
            folder=media.folder,
            media_group_external_id=signed.media_group.external_id,
            media_usage_type=MediaUsageType(media.usage_type),
            options=UploadTypeOptions(type=UPLOAD_TYPE),
            needed_signature_options=SignatureOptions(
                folder=signed.signed["folder"],
                type=signed.signed["type"],
                public_id=signed.signed["public_id"],
            ),
            tracking_key=media.tracking_key,
            media_id=strawberry.ID(media.id),
        )
        return cls(
            api_key=signed.api_key,
            cloud_name=signed.cloud_name,
            context=signed.signed["context"],
            signature=signed.signature,
            timestamp=signed.timestamp,
            upload_options=[option],
            media=media,  # type: ignore[arg-type]  # a row shown as the type that maps it
        )


@strawberry.input(description="A new media group.")
class CreateMediaGroupInput:
    name: str = strawberry.field(description="The media group name.")
    description: str | None = strawberry.field(
        default=None, description="The media group description."
    )
    external_id: str | None = strawberry.field(
        default=None,
        description="The media group external identifier (unique in the organisation; "
        "generated when left out).",
    )


@strawberry.input(description="The upload to sign.")
class CreateUploadSignatureInput:
    media_group_external_id: str = strawberry.field(
        description="The media group (external id, or id) the media will belong to."
    )
    media_usage_type: MediaUsageType = strawberry.field(description="How the media will be used.")
    folder: str | None = strawberry.field(
        default=None,
        description="A sub-folder of the organisation's Cloudinary folder (folder names of "
        "letters, digits, '.', '_', '-' separated by '/').",
    )
    tracking_key: str | None = strawberry.field(
        default=None, description="The key to track the upload (a random UUID when left out)."
    )


@strawberry.input(description="Which media groups to return: those matching every field given.")
class MediaGroupFilter:
    name: str | None = strawberry.field(
        default=None, description="Text the media group name contains (ignoring case)."
    )
    external_id: str | None = strawberry.field(
        default=None, description="The media group external identifier."
    )


@strawberry.type
class Query:
    @strawberry.field(
        description="One media group of the caller's network, by id or external id.",
        extensions=needs(Permission.MEDIA_READ),
    )
    async def media_group(self, info: Info, id: MediaGroupIdArgument) -> MediaGroup:
        return await resolve.media_group(info, id)  # type: ignore[return-value]

    @strawberry.field(
        description="A page of the media groups of the caller's network.",
        extensions=needs(Permission.MEDIA_READ),
    )
    async def media_groups(
        self,
        info: Info,
        filter_by: Annotated[
            MediaGroupFilter | None,
            strawberry.argument(name="filter", description="Only media groups matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: MediaGroupSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[MediaGroup]:
        wanted = filter_by or MediaGroupFilter()
        request = page_request(page, size, sort, order)
        return to_page(await resolve.media_groups(info, request, wanted.name, wanted.external_id))

    @strawberry.field(
        description="One media item of the caller's network.",
        extensions=needs(Permission.MEDIA_READ),
    )
    async def media(self, info: Info, id: MediaIdArgument) -> Media:
        return await resolve.media(info, id)  # type: ignore[return-value]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a new group for upcoming uploaded media.",
        extensions=needs(Permission.MEDIA_WRITE),
    )
    async def create_media_group(self, info: Info, input: CreateMediaGroupInput) -> MediaGroup:
        command = to_command(input, CreateMediaGroup)
        return await resolve.create_media_group(info, command)  # type: ignore[return-value]

    @strawberry.mutation(
        description="Sign an upload of one media item to Cloudinary and record the item "
        "(503 naming the CRM_GATEWAY_CLOUDINARY_* settings when uploads are not configured).",
        extensions=needs(Permission.MEDIA_WRITE),
    )
    async def create_media_upload_signature(
        self, info: Info, input: CreateUploadSignatureInput
    ) -> UploadSignature:
        command = to_command(input, CreateUploadSignature)
        return UploadSignature.of(await resolve.sign_upload(info, command))

    @strawberry.mutation(
        description="Delete an existing media item.",
        extensions=needs(Permission.MEDIA_WRITE),
    )
    async def delete_media(self, info: Info, id: MediaIdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_media(info, id)))
