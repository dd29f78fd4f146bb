"""Reading an uploaded CSV file into a header and rows, and mapping its columns.

The file is UTF-8 (a byte order mark is dropped); the delimiter is the one of ``,``, ``;``,
tab and ``|`` that the first line uses most (spreadsheets export ``;`` in many locales).
Parsing is CPU work: :func:`read_table` runs it in a worker thread. Rows that are entirely
empty are skipped; the rows' numbers (1-based, header excluded) are the file's own, so an
error file and a replay name the same rows.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

import anyio.to_thread

from app.errors import InvalidInput
from app.imports.commands import DataMapping

_DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class Table:
    """A parsed file: its header (empty without a header row) and its numbered data rows."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


@dataclass(frozen=True)
class Column:
    """A mapped column: its position in a row and the attribute it fills."""

    index: int
    attribute: str
    is_custom: bool


def _delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max(_DELIMITERS, key=first_line.count) if first_line else ","


def parse_table(data: bytes, exclude_header: bool) -> Table:
    """The header and numbered rows of a CSV file (400 naming ``file_id`` when it is not
    UTF-8 text or not CSV)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("file_id", "the file is not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        records = [row for row in reader]
    except csv.Error as exc:
        raise InvalidInput("file_id", f"the file is not CSV ({exc})") from None
    header: list[str] = []
    if exclude_header and records:
        header = [cell.strip() for cell in records[0]]
        records = records[1:]
    rows = [
        (number, row) for number, row in enumerate(records, start=1) if any(c.strip() for c in row)
    ]
    return Table(header, rows)


async def read_table(data: bytes, exclude_header: bool) -> Table:
    """:func:`parse_table` in a worker thread."""
    return await anyio.to_thread.run_sync(parse_table, data, exclude_header)


def column_index(table: Table, import_key: str, field: str) -> int:
    """The position of the column ``import_key`` names: a header (ignoring case and spaces
    around it) or a 1-based column number (400 naming ``field`` otherwise)."""
    wanted = import_key.strip().lower()
    for index, name in enumerate(table.header):
        if name.lower() == wanted:
            return index
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted) - 1
    known = ", ".join(table.header) or "none: the file has no header row, use column numbers"
    raise InvalidInput(field, f"the file has no column {import_key!r}; its columns: {known}")


def mapped_columns(
    table: Table,
    mapping: Sequence[DataMapping],
    attributes: Sequence[str],
    auto_generate_config: bool,
) -> list[Column]:
    """The columns an import reads and what each fills.

    With a mapping, each entry's column must exist and, unless it ``is_custom``, its attribute
    must be one of ``attributes`` (400 naming the entry), except with ``auto_generate_config``,
    where an unknown attribute becomes a custom field of that key. Without a mapping and with
    ``auto_generate_config``, the configuration is generated from the header: a column named
    like an attribute fills it, any other becomes a custom field. No mapping otherwise is a 400.
    """
    known = {name.lower(): name for name in attributes}
    if not mapping:
        if not auto_generate_config or not table.header:
            raise InvalidInput(
                "data_mapping",
                "is required (or set auto_generate_config with a file that has a header row)",
            )
        return [
            Column(
                index, known.get(_attribute_name(name), name), _attribute_name(name) not in known
            )
            for index, name in enumerate(table.header)
            if name
        ]
    columns: list[Column] = []
    for position, entry in enumerate(mapping):
        field = f"data_mapping[{position}]"
        index = column_index(table, entry.import_key, f"{field}.import_key")
        attribute = known.get(entry.attribute_key.lower())
        if entry.is_custom or attribute is None:
            if not entry.is_custom and not auto_generate_config:
                raise InvalidInput(
                    f"{field}.attribute_key",
                    f"unknown attribute {entry.attribute_key!r}; one of {', '.join(attributes)},"
                    " or is_custom true, or auto_generate_config true to create it",
                )
            columns.append(Column(index, entry.attribute_key, True))
        else:
            columns.append(Column(index, attribute, False))
    return columns


def _attribute_name(header: str) -> str:
    """A header as an attribute name: ``First Name`` -> ``first_name``."""
    return "_".join(header.lower().split())
