"""Text search in SQL that treats the caller's text as text, never as a LIKE pattern.

``%`` and ``_`` are wildcards of SQL ``LIKE``; a search value containing them (or the escape
character) must match those characters themselves. Every text search under ``app/`` goes through
these helpers, so that the rule holds the same way on SQLite and on PostgreSQL.
"""

from typing import Any

from sqlalchemy import ColumnElement

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """``text`` with the LIKE wildcards and the escape character escaped (escape: backslash)."""
    return (
        text.replace(ESCAPE, ESCAPE + ESCAPE).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    )


def contains_literal(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` contains ``text`` literally, ignoring case (``ILIKE '%text%'``, escaped)."""
    return column.ilike(f"%{escape_like(text)}%", escape=ESCAPE)


def equals_ignoring_case(column: Any, text: str) -> ColumnElement[bool]:
    """``column`` is ``text`` ignoring case, wildcards included (``ILIKE 'text'``, escaped)."""
    return column.ilike(escape_like(text), escape=ESCAPE)
