"""Rules for files: an upload is checked before anything is stored; the row and the content
come and go together.

- :func:`upload_file`: size and content type are checked (``app.files.uploads``) before the
  content is written; the row is added in the caller's transaction, the content written
  first, so a failed write leaves no row, and a failed transaction removes the content.
- :func:`delete_file`: the row goes in the caller's transaction; the content is removed from
  disk once it commits (a rollback keeps both).
"""

import contextlib
import os
import re
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.db.base import new_id
from app.db.models import StoredFile
from app.files import repository, storage
from app.files.uploads import UploadRules, check_upload, content_type

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")
NAME_LENGTH = 255


@dataclass(frozen=True)
class Upload:
    """An uploaded file as received: its file name, declared content type and content."""

    filename: str
    declared_type: str | None
    data: bytes


def clean_name(filename: str | None) -> str:
    """A file name safe to keep and to send back in ``Content-Disposition``: the last path
    part, without control characters, at most 255 characters (``file`` when nothing is left)."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = _UNSAFE_NAME.sub("", name).strip()[:NAME_LENGTH]
    return name or "file"


def _unlink_quietly(path: str) -> None:
    # Runs in a session event (synchronous): one unlink, no thread hop for it.
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _remove_on_rollback(session: AsyncSession, path: str) -> None:
    @event.listens_for(session.sync_session, "after_rollback", once=True)
    def _discard(_session: Session) -> None:
        _unlink_quietly(path)


async def store_file(
    session: AsyncSession,
    principal: Principal,
    root: str,
    name: str,
    mime: str,
    data: bytes,
) -> StoredFile:
    """Write ``data`` under ``root`` and add its row for the caller's organisation and mode
    (no checks: the gateway's own files, such as an import's error file, use it directly)."""
    file_id = new_id()
    path = storage.content_path(root, file_id)
    await storage.write_content(path, data)
    _remove_on_rollback(session, str(path))
    stored = StoredFile(
        id=file_id,
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        name=clean_name(name),
        mime=mime,
        size_bytes=len(data),
        storage_path=str(path),
    )
    session.add(stored)
    await session.flush()
    return stored


async def upload_file(
    session: AsyncSession, principal: Principal, root: str, rules: UploadRules, upload: Upload
) -> StoredFile:
    """Store an uploaded file of the caller after checking it (413 when too large, 400 naming
    ``file`` when empty or of a type not allowed)."""
    name = clean_name(upload.filename)
    mime = content_type(upload.declared_type, name)
    check_upload(rules, mime, upload.data)
    return await store_file(session, principal, root, name, mime, upload.data)


async def get_file(session: AsyncSession, principal: Principal, file_id: str) -> StoredFile:
    """The caller's file (404 naming it otherwise)."""
    return await repository.get_file(session, principal, file_id)


async def delete_file(session: AsyncSession, principal: Principal, file_id: str) -> str:
    """Delete the caller's file: its row now, its content when the transaction commits;
    returns its id."""
    stored = await repository.file_for_change(session, principal, file_id)
    path = stored.storage_path
    await session.delete(stored)
    await session.flush()

    @event.listens_for(session.sync_session, "after_commit", once=True)
    def _remove(_session: Session) -> None:
        _unlink_quietly(path)

    return file_id
