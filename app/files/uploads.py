"""What an upload may be: its size and content type (settings ``max_upload_bytes`` and
``upload_content_types``), checked before anything is stored.

The content type is the one the client declared for the part (or, for none or
``application/octet-stream``, the one its file name suggests); it must be on the allow-list
(``type/*`` allows a family). For the types whose content starts with a known signature
(PDF, PNG, JPEG, GIF, WebP) the first bytes must show it, and text types (CSV, plain text,
JSON) must be UTF-8, so a file cannot pass as a type it is not.
"""

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import InvalidInput, PayloadTooLarge

_GENERIC = {"", "application/octet-stream"}
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/webp": (b"RIFF",),
}
_TEXT = {"text/csv", "text/plain", "application/json"}


@dataclass(frozen=True)
class UploadRules:
    """The limits an upload must meet (from the settings)."""

    max_bytes: int
    content_types: Sequence[str]

    def allows(self, mime: str) -> bool:
        """Whether ``mime`` is on the allow-list (exactly, or by a ``family/*`` entry)."""
        family = mime.split("/", 1)[0] + "/*"
        return mime in self.content_types or family in self.content_types


def content_type(declared: str | None, filename: str) -> str:
    """The media type of an upload: the declared one without parameters, lower case, or the
    one the file name suggests when none (or a generic one) was declared."""
    mime = (declared or "").split(";", 1)[0].strip().lower()
    if mime in _GENERIC:
        mime = (mimetypes.guess_type(filename)[0] or "application/octet-stream").lower()
    return mime


def check_upload(rules: UploadRules, mime: str, data: bytes) -> None:
    """Refuse an upload that breaks the rules: 413 when larger than ``max_bytes``; 400 naming
    ``file`` when empty, of a type not allowed, or whose content is not of its type."""
    if len(data) > rules.max_bytes:
        raise PayloadTooLarge(rules.max_bytes)
    if not data:
        raise InvalidInput("file", "is empty")
    if not rules.allows(mime):
        raise InvalidInput(
            "file", f"content type {mime} is not allowed; allowed: {', '.join(rules.content_types)}"
        )
    signatures = _SIGNATURES.get(mime)
    if signatures and not data.startswith(signatures):
        raise InvalidInput("file", f"content is not {mime}")
    if mime in _TEXT:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("file", f"{mime} content must be UTF-8 text") from None
