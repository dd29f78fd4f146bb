"""Commands of the media domain (spec: Media; Organisations ``/media_groups``).

Identifiers and tracking keys are plain text (letters, digits, ``.``, ``_``, ``:``, ``-``); a
folder is such segments separated by ``/`` (no empty, ``.`` or ``..`` segment), so that no
value can change the meaning of the Cloudinary context (``|``, ``=``) or of the string that is
signed (``&``).
"""

import re

from pydantic import field_validator

from app.commands import Command, refuse
from app.media.enums import MediaUsageType

_PLAIN = re.compile(r"^[A-Za-z0-9._:-]+$")
_SEGMENT = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*$")
EXTERNAL_ID_LENGTH = 100
TRACKING_KEY_LENGTH = 64
FOLDER_LENGTH = 200


def _plain(value: str | None, length: int) -> str | None:
    if value is not None and (not _PLAIN.match(value) or len(value) > length):
        raise refuse(f"must be 1 to {length} letters, digits, '.', '_', ':' or '-'")
    return value


class CreateMediaGroup(Command):
    """A new media group; without ``external_id`` one is generated."""

    name: str
    description: str | None = None
    external_id: str | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise refuse("may not be blank")
        return value

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        return _plain(value, EXTERNAL_ID_LENGTH)


class CreateUploadSignature(Command):
    """What a client wants to upload: into which group, for what use, in which sub-folder."""

    media_group_external_id: str
    media_usage_type: MediaUsageType
    folder: str | None = None
    tracking_key: str | None = None

    @field_validator("media_group_external_id")
    @classmethod
    def _group(cls, value: str) -> str:
        _plain(value, EXTERNAL_ID_LENGTH)
        return value

    @field_validator("tracking_key")
    @classmethod
    def _tracking_key(cls, value: str | None) -> str | None:
        return _plain(value, TRACKING_KEY_LENGTH)

    @field_validator("folder")
    @classmethod
    def _folder(cls, value: str | None) -> str | None:
        if value is None:
            return None
        segments = value.strip("/").split("/")
        if len(value) > FOLDER_LENGTH or not all(_SEGMENT.match(part) for part in segments):
            raise refuse(
                f"must be at most {FOLDER_LENGTH} characters of folder names (letters, digits,"
                " '.', '_', '-') separated by '/'"
            )
        return "/".join(segments)


class MediaGroupReference(Command):
    """A media group, by id or external id."""

    id: str

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        _plain(value, EXTERNAL_ID_LENGTH)
        return value


class LinkMediaGroups(Command):
    """The complete list of media groups an organisation is linked with."""

    media_groups: list[MediaGroupReference]
