"""Insight exports: CSV files of an insight's results (TABULAR) or of the events it counted
(UGD), written under the exports folder (``CRM_GATEWAY_INSIGHT_EXPORTS_DIR``) and downloaded
through ``GET /backoffice/v1/insight_exports/{id}/file`` (the caller's network only).

The file is written from a read session (rows streamed from the database, written in a worker
thread in batches of :data:`BATCH`), then its record is saved; a file whose record could not
be saved is removed.
"""

import asyncio
import csv
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.auth.principal import Principal
from app.db.base import new_id
from app.db.models import InsightExport
from app.errors import NotFound
from app.insights import repository
from app.insights.commands import ExportInsight, ResultsWindow
from app.insights.enums import ExportType
from app.insights.query import Definition, flatten, granular_statement
from app.insights.service import compute, saved_definition

BATCH = 1000
TABULAR_COLUMNS = [
    "id",
    "parent_id",
    "level",
    "event_name",
    "property_name",
    "property_value",
    "count",
    "amount",
]


@dataclass(frozen=True)
class ExportFile:
    """A written export file, before its record is saved."""

    id: str
    insight_id: str
    type: str
    format: str
    file_name: str
    rows: int
    size: int


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return value


def _open(path: Path) -> TextIO:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", newline="", encoding="utf-8")


def _write(handle: TextIO, rows: list[list[Any]]) -> None:
    csv.writer(handle).writerows(rows)


def _granular_line(definition: Definition, depth: int, row: Any) -> list[Any]:
    event = definition.events[row.ev]
    values = [getattr(row, f"b{k}") for k in range(depth)]
    cells = (
        event.name or event.event_name,
        row.id,
        row.type,
        row.occurred_on,
        row.contact_id,
        row.organisation_id,
        row.amount,
        row.currency_code,
        *values,
        row.properties,
    )
    return [_cell(value) for value in cells]


async def _write_granular(
    session: AsyncSession, principal: Principal, definition: Definition, handle: TextIO
) -> int:
    dialect = session.get_bind().dialect.name
    depth = len(definition.active_breakdowns())
    breakdowns = [b.property_name for _, b in definition.active_breakdowns()]
    header = [
        "event",
        "id",
        "type",
        "occurred_on",
        "contact_id",
        "organisation_id",
        "amount",
        "currency_code",
        *[f"breakdown:{name}" for name in breakdowns],
        "properties",
    ]
    await asyncio.to_thread(_write, handle, [header])
    count = 0
    if not definition.events:
        return 0
    # A server-side cursor needs a transaction: read sessions run in autocommit on PostgreSQL,
    # so the rows are streamed on a connection of their own, in a REPEATABLE READ transaction
    # (one snapshot), never all held in memory.
    engine = session.bind
    assert isinstance(engine, AsyncEngine), "sessions are bound to the async engine"
    options = {"isolation_level": "REPEATABLE READ"} if dialect == "postgresql" else {}
    async with engine.connect() as connection:
        connection = await connection.execution_options(**options)
        async with connection.begin():
            result = await connection.stream(granular_statement(principal, definition, dialect))
            async for batch in result.partitions(BATCH):
                lines = [_granular_line(definition, depth, row) for row in batch]
                await asyncio.to_thread(_write, handle, lines)
                count += len(lines)
    return count


async def write_export_file(
    session: AsyncSession,
    principal: Principal,
    insight_id: str,
    command: ExportInsight,
    folder: str,
) -> ExportFile:
    """Write an insight's export file under ``folder`` (404 naming the insight)."""
    window = ResultsWindow(start_date=command.start_date, end_date=command.end_date)
    insight, definition = await saved_definition(session, principal, insight_id, window)
    export_id = new_id()
    file_name = f"{export_id}.csv"
    path = Path(folder) / file_name
    handle = await asyncio.to_thread(_open, path)
    try:
        if command.type == ExportType.UGD:
            rows = await _write_granular(session, principal, definition, handle)
        else:
            tree = await compute(session, principal, insight.id, definition)
            lines = [TABULAR_COLUMNS] + [
                [_cell(getattr(row, column)) for column in TABULAR_COLUMNS] for row in flatten(tree)
            ]
            await asyncio.to_thread(_write, handle, lines)
            rows = len(lines) - 1
    finally:
        await asyncio.to_thread(handle.close)
    return ExportFile(
        id=export_id,
        insight_id=insight.id,
        type=command.type,
        format=command.format,
        file_name=file_name,
        rows=rows,
        size=path.stat().st_size,
    )


async def record_export(
    session: AsyncSession, principal: Principal, written: ExportFile, folder: str
) -> InsightExport:
    """Save the record of a written export file (the file is removed if that fails)."""
    try:
        await repository.get_insight(session, principal, written.insight_id)
        export = InsightExport(
            id=written.id,
            organisation_id=principal.organisation_id,
            is_test=principal.is_test,
            insight_id=written.insight_id,
            type=written.type,
            format=written.format,
            file_name=written.file_name,
            rows=written.rows,
            size=written.size,
        )
        session.add(export)
        await session.flush()
    except BaseException:
        (Path(folder) / written.file_name).unlink(missing_ok=True)
        raise
    return export


async def export_file(
    session: AsyncSession, principal: Principal, export_id: str, folder: str
) -> tuple[Path, str]:
    """The path of one of the caller's export files and the name to download it as (404
    naming the export when the caller cannot see it or its file is gone)."""
    export = await repository.get_export(session, principal, export_id)
    path = Path(folder) / export.file_name
    if not path.is_file():
        raise NotFound("export", export_id)
    return path, f"insight-{export.insight_id}-{export.type.lower()}.csv"
