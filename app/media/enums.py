"""Enumerations of the media domain (spec: Media)."""

from enum import StrEnum


class MediaUsageType(StrEnum):
    """How a media item will be used (spec: ``media_usage_type`` / ``mediaUsageType`` /
    ``usage_type``)."""

    LOGO = "LOGO"
    """Partner logos configurable by the service owner (business, merchant, venue)."""
    MARKETING = "MARKETING"
    """Marketing creatives (applications)."""
    ATTACHMENT = "ATTACHMENT"
    """Attachments (applications)."""
    AVATAR = "AVATAR"
    """Profile pictures (applications)."""


UPLOAD_STRATEGY = "MEDIA_UPLOAD"
"""The ``uploadStrategy`` of the signature context (spec example)."""

UPLOAD_TYPE = "upload"
"""The Cloudinary delivery type of every upload (spec: ``options.type`` "always upload")."""
