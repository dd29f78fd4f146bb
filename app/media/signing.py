"""Cloudinary upload signatures, computed as Cloudinary verifies them.

Cloudinary's rule for signed uploads (https://cloudinary.com/documentation/authentication_signatures):
every parameter of the upload call but ``file``, ``cloud_name``, ``resource_type`` and
``api_key`` (and the signature itself) is signed; parameters without a value are left out;
each is written ``name=value`` (a list joined with ``,``), the pairs are sorted and joined with
``&`` (an ``&`` inside a pair is sent as ``%26``: "signature version 2"), the API secret is
appended, and the SHA-1 (or SHA-256) hex digest of that text is the signature.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import SecretStr

from app.errors import ServiceUnavailable
from app.settings import Settings

NOT_SIGNED = frozenset({"file", "cloud_name", "resource_type", "api_key", "signature"})
"""Upload parameters Cloudinary leaves out of the signed text."""

SETTINGS = (
    ("cloudinary_cloud_name", "CRM_GATEWAY_CLOUDINARY_CLOUD_NAME"),
    ("cloudinary_api_key", "CRM_GATEWAY_CLOUDINARY_API_KEY"),
    ("cloudinary_api_secret", "CRM_GATEWAY_CLOUDINARY_API_SECRET"),
)


@dataclass(frozen=True)
class CloudinaryAccount:
    """The Cloudinary product environment uploads go to (the secret stays a ``SecretStr``,
    so that no repr or log line shows it)."""

    cloud_name: str
    api_key: str
    api_secret: SecretStr
    algorithm: Literal["sha1", "sha256"] = "sha1"

    def sign(self, params: Mapping[str, object]) -> str:
        """The signature of an upload call with ``params``."""
        text = string_to_sign(params) + self.api_secret.get_secret_value()
        return hashlib.new(self.algorithm, text.encode()).hexdigest()


def cloudinary_account(settings: Settings) -> CloudinaryAccount:
    """The configured Cloudinary account; raises ``ServiceUnavailable`` (503) naming the
    ``CRM_GATEWAY_CLOUDINARY_*`` settings that are missing."""
    missing = [env for name, env in SETTINGS if not _value(getattr(settings, name))]
    if missing:
        raise ServiceUnavailable(
            "Media uploads are not configured on this gateway: set " + ", ".join(missing) + ".",
            missing,
        )
    assert settings.cloudinary_cloud_name and settings.cloudinary_api_key
    assert settings.cloudinary_api_secret is not None
    return CloudinaryAccount(
        cloud_name=settings.cloudinary_cloud_name,
        api_key=settings.cloudinary_api_key,
        api_secret=settings.cloudinary_api_secret,
        algorithm=settings.cloudinary_signature_algorithm,
    )


def _value(setting: str | SecretStr | None) -> str:
    if isinstance(setting, SecretStr):
        return setting.get_secret_value().strip()
    return (setting or "").strip()


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return ",".join(str(item) for item in value)
    return str(value)


def string_to_sign(params: Mapping[str, object]) -> str:
    """The text Cloudinary signs for ``params`` (without the secret)."""
    pairs = [
        f"{name}={_text(value)}".replace("&", "%26")
        for name, value in params.items()
        if name not in NOT_SIGNED and value  # as Cloudinary's SDKs: empty values are not sent
    ]
    return "&".join(sorted(pairs))
