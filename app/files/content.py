"""Serving a file's content by its signed link (``app.files.links``): no API key, the link is
the credential. The content goes out with the type it was uploaded with, as an attachment
under its own name, never sniffed by the browser."""

import os

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from app.db.engine import Database
from app.errors import NotFound
from app.files import links
from app.files.repository import file_by_signed_link_unscoped

FILE_CONTENT_PATH = links.CONTENT_PATH
"""The route of the content (``{id}`` is the file id)."""


async def serve_file_content(db: Database, instance_secret: str, request: Request) -> Response:
    """The content of the file a valid, unexpired signed link names (403 / 410 otherwise, 404
    when the file was deleted)."""
    file_id = request.path_params["id"]
    key = links.signing_key(instance_secret)
    links.check_link(
        key, file_id, request.query_params.get("expires"), request.query_params.get("signature")
    )
    async with db.read() as session:
        stored = await file_by_signed_link_unscoped(session, file_id)
    if not await anyio.to_thread.run_sync(os.path.isfile, stored.storage_path):
        raise NotFound("file", file_id)
    return FileResponse(
        stored.storage_path,
        media_type=stored.mime,
        filename=stored.name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )
