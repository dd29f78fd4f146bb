"""Rules for imports: what may be imported, by whom, and what REPLAY does.

- A submitted import names a file of the caller (404 naming ``file``), a type whose records
  the caller may write (the type's own permission: CONTACTS_WRITE, ORGANISATIONS_WRITE;
  organisations are shared by both modes, so a test-mode key may not import them), and a
  mapping that fits the file (its columns exist, its attributes are the type's, see
  ``app.imports.table.mapped_columns``): a 400 naming the field otherwise, and nothing is
  stored. The file is read and checked at submission; the rows are imported by the worker
  (``app.imports.runner``).
- REPLAY re-submits a FAILED import (409 for a COMPLETED one; one waiting or running is
  left as it is, so a repeated REPLAY is harmless): it runs again over the rows
  that failed (over the whole file when the file itself could not be read); the records the
  earlier run made stay counted, the errors are counted afresh.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal, require_live_mode
from app.db.models import DataImport, StoredFile
from app.errors import Conflict, Forbidden
from app.files import storage
from app.files.repository import get_file
from app.imports import repository
from app.imports.commands import ActOnImport, PreviewImport, SubmitImport
from app.imports.enums import ImportAction, ImportStatus, ImportType
from app.imports.table import Table, column_index, mapped_columns, read_table
from app.imports.targets import TARGETS
from app.worker.wake import wake_after_commit

WRITE_PERMISSION = {
    ImportType.CONTACTS: Permission.CONTACTS_WRITE,
    ImportType.ORGANISATIONS: Permission.ORGANISATIONS_WRITE,
}
"""The permission an import of each type needs besides IMPORTS_WRITE."""


async def _table(
    session: AsyncSession, principal: Principal, file_id: str, header: bool
) -> tuple[StoredFile, Table]:
    stored = await get_file(session, principal, file_id)
    return stored, await read_table(await storage.read_content(stored.storage_path), header)


def _column_title(table: Table, index: int) -> str:
    if index < len(table.header):
        return table.header[index]
    return f"Column {index + 1}"


async def preview(
    session: AsyncSession, principal: Principal, command: PreviewImport
) -> list[dict[str, Any]]:
    """The first ``preview_rows`` values of each column of the file (of the mapped columns,
    in the mapping's order, when a mapping is given): ``[{"header", "values"}]``."""
    _stored, table = await _table(session, principal, command.file_id, command.exclude_header)
    if command.data_mapping:
        indexes = [
            column_index(table, entry.import_key, f"data_mapping[{position}].import_key")
            for position, entry in enumerate(command.data_mapping)
        ]
    else:
        width = max(
            [len(table.header), *(len(cells) for _n, cells in table.rows[: command.preview_rows])]
        )
        indexes = list(range(width))
    shown = [cells for _number, cells in table.rows[: command.preview_rows]]
    return [
        {
            "header": _column_title(table, index),
            "values": [cells[index] if index < len(cells) else "" for cells in shown],
        }
        for index in indexes
    ]


def _check_may_import(principal: Principal, import_type: str) -> None:
    permission = WRITE_PERMISSION[ImportType(import_type)]
    if not principal.has_permission(permission):
        raise Forbidden(f"Importing {import_type} needs the permission {permission}.", [permission])
    if import_type == ImportType.ORGANISATIONS:
        require_live_mode(principal, "import organisations (shared with live mode)")


async def submit_import(
    session: AsyncSession, principal: Principal, command: SubmitImport
) -> DataImport:
    """Queue an import of an uploaded file after checking the file and the mapping."""
    _check_may_import(principal, command.type)
    stored, table = await _table(session, principal, command.file_id, command.exclude_header)
    target = TARGETS[command.type]
    mapping = command.data_mapping or []
    mapped_columns(table, mapping, target.attributes, command.auto_generate_config)
    data_import = DataImport(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        type=command.type,
        status=ImportStatus.PENDING,
        file_id=stored.id,
        file_name=stored.name,
        exclude_header=command.exclude_header,
        update_data=command.update_data,
        auto_generate_config=command.auto_generate_config,
        data_mapping=[entry.model_dump() for entry in mapping],
        user_id=principal.user_id,
        total_rows=len(table.rows),
    )
    session.add(data_import)
    await session.flush()
    wake_after_commit(session)
    return data_import


async def act_on_import(
    session: AsyncSession, principal: Principal, import_id: str, command: ActOnImport
) -> DataImport:
    """Apply an action (REPLAY) to an import."""
    data_import = await repository.import_for_change(session, principal, import_id)
    assert command.action == ImportAction.REPLAY
    _check_may_import(principal, data_import.type)
    if data_import.status in (ImportStatus.PENDING, ImportStatus.IN_PROGRESS):
        return data_import  # queued or running already: replaying again changes nothing
    if data_import.status != ImportStatus.FAILED:
        raise Conflict(
            f"Only a FAILED import can be replayed; this one is {data_import.status}.",
            ["status", data_import.status],
        )
    failures = await repository.failures_of(session, data_import)
    failed_rows = sorted({failure.row for failure in failures})
    data_import.rows = failed_rows if failed_rows and data_import.failure_reason is None else None
    data_import.status = ImportStatus.PENDING
    data_import.processed_rows = 0
    data_import.error_count = 0
    await repository.forget_failures(session, data_import)
    data_import.failure_reason = None
    data_import.finished_on = None
    data_import.locked_until = None
    await session.flush()
    wake_after_commit(session)
    return data_import


async def get_import(session: AsyncSession, principal: Principal, import_id: str) -> DataImport:
    """The caller's import (404 naming it otherwise)."""
    return await repository.get_import(session, principal, import_id)
