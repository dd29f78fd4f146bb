"""Resolvers for files: uploads read from the multipart request, content links signed here."""

from typing import Any

from app.db.models import StoredFile
from app.errors import InvalidInput
from app.files import links, service
from app.files.uploads import UploadRules
from app.settings import Settings
from resolvers.context import Context, Info


def upload_rules(settings: Settings) -> UploadRules:
    """The upload limits the settings give."""
    return UploadRules(settings.max_upload_bytes, tuple(settings.upload_content_types))


async def read_upload(upload: Any, max_bytes: int) -> service.Upload:
    """The uploaded file of a multipart request (Starlette's ``UploadFile``), read up to one
    byte past ``max_bytes`` so that a file too large is known without reading it all."""
    if not callable(getattr(upload, "read", None)):  # a JSON value, not a multipart part
        raise InvalidInput(
            "file", "send the file as a multipart request (GraphQL multipart request spec)"
        )
    data = await upload.read(max_bytes + 1)
    return service.Upload(upload.filename or "", upload.content_type, data)


async def upload_file(info: Info, upload: Any) -> StoredFile:
    """Store an uploaded file of the caller."""
    settings = info.context.settings
    received = await read_upload(upload, settings.max_upload_bytes)
    rules = upload_rules(settings)
    return await info.context.writes(service.upload_file, settings.files_path, rules, received)


async def file(info: Info, id: str) -> StoredFile:
    """One file of the caller."""
    return await info.context.reads(service.get_file, id)


async def delete_file(info: Info, id: str) -> str:
    """Delete a file; returns its id."""
    return await info.context.writes(service.delete_file, id)


def content_url(context: Context, file_id: str) -> str:
    """The absolute, expiring signed URL of a file's content (setting ``public_url`` or the
    URL the request came to)."""
    base = context.settings.public_url or context.base_url or "http://localhost"
    key = links.signing_key(context.authenticator.instance_secret)
    return links.content_url(base, key, file_id, context.settings.file_link_ttl_seconds)
