"""Carrying out an import: the rows in batches, then the error file.

Rows are imported in batches of :data:`BATCH_ROWS`, one transaction a batch, through the
target's ``import_rows`` (``app.imports.targets``): contacts are checked by the contacts
commands row by row, looked up once a batch, and the new ones are created together by
``app.contacts.service.create_contacts`` (the API's own create, many rows a statement: COPY on
PostgreSQL); rows that must see an earlier row's effect (the same code or e-mail address
twice), updates, organisations, and a batch the database refuses as a whole, go row by row,
each in a savepoint. A row that breaks a rule is refused alone (never half written) and the
good rows of its batch are kept. A batch's records, the import's counts and its progress
(``processed_rows``) commit together: a run cut short (the process stopped) is resumed after
the last committed batch once its lease runs out. At the end the refused rows, with their
reasons, are written to an error file (a file of the import's organisation, listed as the
import's ``error_file``) and the import is COMPLETED, or FAILED when some rows were refused.
The worker's job works on an import for :data:`SLICE_SECONDS` at a time, then hands it back
(due again at once, the parsed file kept), so its other jobs are never held up by a large one.
"""

import contextlib
import csv
import io
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

import structlog

from app.auth.principal import Principal
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import DataImport, ImportFailure
from app.errors import GatewayError, NotFound
from app.files import storage
from app.files.repository import FILES
from app.files.service import delete_file, store_file
from app.imports import repository
from app.imports.commands import DataMapping
from app.imports.enums import ImportStatus
from app.imports.table import Column, Table, mapped_columns, read_table
from app.imports.targets import STORE_REFUSED, TARGETS, Outcome, RowValues
from app.tenancy import organisation_principal
from app.worker.job import has_due_rows

log = structlog.get_logger("crm_gateway.imports")

BATCH_ROWS = 2000
"""Rows imported in one transaction (at about 10 ms a hundred rows on PostgreSQL, a batch
stays well inside :data:`SLICE_SECONDS`)."""
LEASE_SECONDS = 300
"""How long a worker holds an import without progress before another may resume it."""
SLICE_SECONDS = 2.0
"""How long the worker's job works on one import before it hands it back (due again at once):
the worker's other jobs run in between."""

Progress = Callable[[int, int], None]
"""Told ``(rows done, rows to do)`` after each batch."""


def row_values(columns: Sequence[Column], cells: Sequence[str]) -> RowValues:
    """A row's non-empty cells by attribute and by custom field key."""
    attributes: dict[str, str] = {}
    custom: dict[str, str] = {}
    for column in columns:
        value = cells[column.index].strip() if column.index < len(cells) else ""
        if value:
            (custom if column.is_custom else attributes)[column.attribute] = value
    return RowValues(attributes, custom)


async def _run_batch(
    db: Database,
    principal: Principal,
    import_id: str,
    columns: Sequence[Column],
    batch: Sequence[tuple[int, list[str]]],
) -> None:
    async with db.write() as session:
        data_import = await repository.get_import(session, principal, import_id)
        target = TARGETS[data_import.type]
        values = [row_values(columns, cells) for _, cells in batch]
        outcomes = await target.import_rows(session, principal, values, data_import.update_data)
        refused_by_database = sum(1 for outcome in outcomes if outcome == STORE_REFUSED)
        if refused_by_database:
            log.warning("import rows not stored", import_id=import_id, rows=refused_by_database)
        counts = {outcome: 0 for outcome in Outcome}
        refused = 0
        for (number, _), outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, Outcome):
                counts[outcome] += 1
            else:
                session.add(ImportFailure(import_id=import_id, row=number, reason=outcome))
                refused += 1
        data_import.new_count += counts[Outcome.NEW]
        data_import.updated_count += counts[Outcome.UPDATED]
        data_import.unchanged_count += counts[Outcome.UNCHANGED]
        data_import.error_count += refused
        data_import.processed_rows += len(batch)
        data_import.locked_until = utcnow() + timedelta(seconds=LEASE_SECONDS)


def error_file_content(table: Table, failures: Sequence[ImportFailure]) -> bytes:
    """The error file: the refused rows as they were, after their row number, with the reason
    last (the header row first when the file had one)."""
    by_number = dict(table.rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    width = max([len(table.header), *(len(by_number.get(f.row, [])) for f in failures)])
    header = table.header + [f"Column {i + 1}" for i in range(len(table.header), width)]
    writer.writerow(["row", *header, "error"])
    for failure in failures:
        cells = by_number.get(failure.row, [])
        writer.writerow([failure.row, *cells, *[""] * (width - len(cells)), failure.reason])
    return out.getvalue().encode("utf-8")


def _error_file_name(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return f"{stem}_errors.csv"


async def _finish(
    db: Database, principal: Principal, import_id: str, table: Table | None, reason: str | None
) -> None:
    async with db.write() as session:
        data_import = await repository.get_import(session, principal, import_id)
        if data_import.error_file_id is not None:
            with contextlib.suppress(NotFound):  # the caller deleted it already
                await delete_file(session, principal, data_import.error_file_id)
            data_import.error_file_id = data_import.error_file_name = None
        source = await FILES.get_by_id(session, principal, data_import.file_id)
        failures = await repository.failures_of(session, data_import)
        if table is not None and failures and source is not None:
            name = _error_file_name(data_import.file_name)
            content = error_file_content(table, failures)
            folder = os.path.dirname(source.storage_path)
            error_file = await store_file(session, principal, folder, name, "text/csv", content)
            data_import.error_file_id, data_import.error_file_name = error_file.id, error_file.name
        failed = reason is not None or bool(failures)
        data_import.status = ImportStatus.FAILED if failed else ImportStatus.COMPLETED
        data_import.failure_reason = reason
        data_import.finished_on = utcnow()
        data_import.locked_until = None


async def _load(db: Database, import_id: str) -> tuple[DataImport, Principal, str | None]:
    async with db.read() as session:
        claimed = await repository.claimed_import_unscoped(session, import_id)
        if claimed is None:
            raise LookupError(f"import {import_id} does not exist")
        data_import, organisation = claimed
        # Acts as the import's organisation, in its mode (the submitter's permissions were checked
        # when it was submitted).
        principal = organisation_principal(organisation, data_import.is_test)
        source = await FILES.get_by_id(session, principal, data_import.file_id)
    return data_import, principal, source.storage_path if source is not None else None


_TABLES: OrderedDict[tuple[str, bool], Table] = OrderedDict()
_TABLES_KEPT = 2


async def _table(file_id: str, storage_path: str, exclude_header: bool) -> Table:
    """The parsed file, kept for the next slices of the same import (a file's content never
    changes: it is written once under its id)."""
    key = (file_id, exclude_header)
    if key in _TABLES:
        _TABLES.move_to_end(key)
        return _TABLES[key]
    table = await read_table(await storage.read_content(storage_path), exclude_header)
    _TABLES[key] = table
    while len(_TABLES) > _TABLES_KEPT:
        _TABLES.popitem(last=False)
    return table


async def _release(db: Database, principal: Principal, import_id: str) -> None:
    """Hand an unfinished import back: due again at once, for this or another worker."""
    async with db.write() as session:
        data_import = await repository.get_import(session, principal, import_id)
        data_import.locked_until = utcnow()


async def process_import(
    db: Database,
    import_id: str,
    progress: Progress | None = None,
    slice_seconds: float | None = None,
    batch_rows: int | None = None,
) -> bool:
    """Carry out a claimed import towards COMPLETED or FAILED; whether it finished.

    With ``slice_seconds`` it stops after the batch that ends past that time and hands the
    import back (due again at once), so that one large import never holds the worker's other
    jobs for long; without, it runs to the end. ``batch_rows`` rows (:data:`BATCH_ROWS`
    unless given) are imported a transaction.
    """
    data_import, principal, storage_path = await _load(db, import_id)
    if storage_path is None:
        reason = f"The file {data_import.file_id} was deleted before it was imported."
        await _finish(db, principal, import_id, None, reason)
        return True
    try:
        table = await _table(data_import.file_id, storage_path, data_import.exclude_header)
        mapping = [DataMapping.parse(entry) for entry in data_import.data_mapping]
        target = TARGETS[data_import.type]
        columns = mapped_columns(
            table, mapping, target.attributes, data_import.auto_generate_config
        )
    except GatewayError as error:
        await _finish(db, principal, import_id, None, error.message)
        return True
    wanted = set(data_import.rows) if data_import.rows is not None else None
    rows = [row for row in table.rows if wanted is None or row[0] in wanted]
    done = data_import.processed_rows
    batch_rows = batch_rows or BATCH_ROWS
    started = time.monotonic()
    for start in range(done, len(rows), batch_rows):
        sliced = slice_seconds is not None and start > done
        if sliced and time.monotonic() - started > (slice_seconds or 0):
            await _release(db, principal, import_id)
            return False
        batch = rows[start : start + batch_rows]
        await _run_batch(db, principal, import_id, columns, batch)
        if progress is not None:
            progress(start + len(batch), len(rows))
    await _finish(db, principal, import_id, table, None)
    return True


async def run_imports_once(db: Database) -> int:
    """The worker's job: claim the oldest due import and carry it out (0 when none is due,
    after one read: no write transaction)."""
    if not await has_due_rows(db, repository.due_imports_select_unscoped(utcnow())):
        return 0
    async with db.write() as session:
        claimed = await repository.claim_due_import_unscoped(session, LEASE_SECONDS)
        import_id = claimed.id if claimed is not None else None
    if import_id is None:
        return 0
    await process_import(db, import_id, slice_seconds=SLICE_SECONDS)
    return 1


async def imports_health(db: Database) -> dict[str, Any]:
    """The queue of imports for ``/ready``: how many wait or run, since when the oldest."""
    async with db.read() as session:
        count, oldest = await repository.pending_imports_unscoped(session)
    return {"queue_depth": count, "oldest_pending_on": int(oldest.timestamp()) if oldest else None}
