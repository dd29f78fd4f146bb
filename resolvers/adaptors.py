"""Resolvers of adaptor records (the registry in :mod:`app.adaptors.records`)."""

from app.adaptors import records
from app.adaptors.records import AdaptorRecord, RecordSearch
from app.pagination import Page, PageRequest
from resolvers.context import Info


async def adaptor_records(
    info: Info, adaptor: str, action: str, request: PageRequest, search: RecordSearch
) -> Page[AdaptorRecord]:
    """A page of an adaptor action's records."""
    return await info.context.reads(records.search_records, adaptor, action, request, search)


async def adaptor_record(info: Info, adaptor: str, action: str, record_id: str) -> AdaptorRecord:
    """One record of an adaptor action."""
    return await info.context.reads(records.get_record, adaptor, action, record_id)


async def change_adaptor_record(
    info: Info, adaptor: str, action: str, record_id: str, key: str, value: str | None
) -> AdaptorRecord:
    """Change one attribute of a record; the record as it is now."""
    async with info.context.write() as session:
        principal = info.context.backoffice()
        await records.change_record(session, principal, adaptor, action, record_id, key, value)
        return await records.get_record(session, principal, adaptor, action, record_id)
