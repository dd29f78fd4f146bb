"""SQL for files, always narrowed to the caller's network and mode."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import StoredFile
from app.db.repository import TenantRepository
from app.errors import NotFound

FILES = TenantRepository(StoredFile)


async def get_file(session: AsyncSession, principal: Principal, file_id: str) -> StoredFile:
    """The caller's file with this id (404 naming the file otherwise)."""
    return await FILES.lookup(session, principal, "file", file_id)


async def file_for_change(session: AsyncSession, principal: Principal, file_id: str) -> StoredFile:
    """The caller's file, locked for a change (404 naming the file otherwise)."""
    stmt = FILES.writable(principal).where(StoredFile.id == file_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("file", file_id)
    return found


async def file_by_signed_link_unscoped(session: AsyncSession, file_id: str) -> StoredFile:
    """The file a verified signed link names, whoever asks (the link is the credential; 404
    when the file has been deleted since)."""
    found = await FILES.get_by_id_unscoped(session, file_id)
    if found is None:
        raise NotFound("file", file_id)
    return found
