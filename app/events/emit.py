"""Writing a domain event in the transaction of the change that caused it.

:func:`emit` inserts one ``domain_events`` row in the change's transaction (a rollback drops
it) and, when an automation may listen to it, asks for the worker to be woken after the
commit; nothing else happens on the request path. :func:`emit_with` is the same rule for a
change written by a Core statement: on PostgreSQL the event's INSERT rides in that statement
(one round trip instead of two: the cost of events on ``POST /journals``, issue 11). The
automations job (``app.automations.runs``) reads the events afterwards and runs the
automations they trigger.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import Insert, bindparam, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.base import Base, new_id, utcnow
from app.db.bulk import insert_rows
from app.db.driver import Statements
from app.db.models import DomainEvent
from app.events.codes import Entity, Event
from app.events.triggers import may_trigger
from app.worker.wake import wake_after_commit

_AS_IS = frozenset({str, int, float, bool, type(None)})
"""Types whose values are JSON data as they are (not their subclasses: enums)."""


def _plain(value: Any) -> Any:
    """``value`` as JSON data: decimals as their exact text, times as epoch seconds."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


_REFERENCE_FIELDS = ("code", "number", "name", "company_name", "last_name")
_PRIVATE_FIELDS = frozenset({"is_test", "password_hash", "secret_hash", "key_hash"})


def described(row: object, **extra: Any) -> dict[str, Any]:
    """An event's ``data`` for a changed row: its loaded column values (as :func:`emit` stores
    them; nothing is read from the database) with a ``reference`` (the row's code, number or
    name) and ``extra`` on top. ``row`` is a mapped object, or the mapping of column values a
    Core statement writes (the same rule, without the ORM's instrumentation)."""
    if isinstance(row, Mapping):
        data = {key: value for key, value in row.items() if key not in _PRIVATE_FIELDS}
    else:
        state = inspect(row)
        loaded = state.dict
        data = {
            attribute.key: loaded[attribute.key]
            for attribute in state.mapper.column_attrs
            if attribute.key in loaded and attribute.key not in _PRIVATE_FIELDS
        }
    reference = next((data[key] for key in _REFERENCE_FIELDS if data.get(key)), None)
    if reference is not None:
        data.setdefault("reference", reference)
    data.update(extra)
    return data


def _event_row(
    principal: Principal,
    entity: Entity,
    event: Event,
    entity_id: str,
    data: dict[str, Any],
    organisation_id: str | None,
    depth: int,
) -> dict[str, Any]:
    """The ``domain_events`` row of an event (see :func:`emit`)."""
    return {
        "id": new_id(),
        "organisation_id": organisation_id or principal.organisation_id,
        "is_test": principal.is_test,
        "entity": entity.value,
        "event": event.value,
        "entity_id": entity_id,
        "user_id": principal.user_id,
        "data": _plain(data),
        "depth": depth,
        "occurred_on": utcnow(),
        "dispatched_on": None,
    }


def _listened(row: dict[str, Any]) -> bool:
    """Whether an automation may listen to ``row``'s event (the worker is woken after the
    commit then)."""
    return may_trigger((row["organisation_id"], row["is_test"], row["entity"], row["event"]))


async def emit(
    session: AsyncSession,
    principal: Principal,
    *,
    entity: Entity,
    event: Event,
    entity_id: str,
    data: dict[str, Any],
    organisation_id: str | None = None,
    depth: int = 0,
) -> str:
    """Record that ``event`` happened to ``entity`` ``entity_id`` in the caller's
    organisation (or ``organisation_id``) and mode, by the caller's user if any; the event's id.

    ``data`` describes the entity after the change (JSON values; decimals and times are
    converted: decimals to exact text, times to epoch seconds); by convention it holds a
    ``reference`` a person recognises (a code, a number, a name). ``depth`` is set by
    automation runs (the triggering event's depth plus one). One INSERT in the caller's
    transaction (a Core statement: no unit-of-work flush of its own); the worker is woken after
    the commit when an automation may listen to the event (``app.events.triggers``), else it
    marks the event at its next poll. A change written by a Core statement can carry its event
    in that statement instead: :func:`emit_with`.
    """
    row = _event_row(principal, entity, event, entity_id, data, organisation_id, depth)
    await session.execute(_INSERT, row)
    if _listened(row):
        wake_after_commit(session)
    return str(row["id"])


async def emit_many(
    session: AsyncSession,
    principal: Principal,
    *,
    entity: Entity,
    event: Event,
    changes: Sequence[tuple[str, dict[str, Any]]],
) -> None:
    """:func:`emit` for many entities at once: one ``event`` for each ``(entity_id, data)`` of
    ``changes``, in the caller's organisation and mode, in that order, written together
    (``app.db.bulk``: COPY on PostgreSQL for a long list) in the caller's transaction; the
    worker is woken after the commit as :func:`emit` would."""
    if not changes:
        return
    rows = [
        _event_row(principal, entity, event, entity_id, data, None, 0)
        for entity_id, data in changes
    ]
    await insert_rows(session, _TABLE, rows)
    if _listened(rows[0]):
        wake_after_commit(session)


async def emit_with(
    statements: Statements,
    statement: Insert,
    parameters: dict[str, Any],
    principal: Principal,
    *,
    entity: Entity,
    event: Event,
    entity_id: str,
    data: dict[str, Any],
    organisation_id: str | None = None,
    depth: int = 0,
) -> str:
    """Execute ``statement`` with ``parameters`` (the change's own Core INSERT of a table, built
    once by its module, and its row's values) in ``statements``' transaction (a session's or a
    driver's, :mod:`app.db.driver`) and record the event as :func:`emit` does (same row, same
    wake-up); the event's id. On PostgreSQL the event's INSERT rides in
    ``statement`` as a data-modifying CTE (one statement and one round trip; in the same
    transaction, it commits or rolls back with the change; the combined statement is built once
    per ``statement``, so a call builds no SQL); other databases (SQLite: no DML in a CTE) run
    the two statements in turn.
    """
    row = _event_row(principal, entity, event, entity_id, data, organisation_id, depth)
    if statements.dialect.name == "postgresql":
        combined = _with_event(statement)
        await statements.execute(
            combined, {**parameters, **{_CTE_PREFIX + key: row[key] for key in row}}
        )
    else:
        await statements.execute(statement, parameters)
        await statements.execute(_INSERT, row)
    if _listened(row):
        statements.wake_after_commit()
    return str(row["id"])


@lru_cache(maxsize=64)
def _with_event(statement: Insert) -> Insert:
    """``statement`` with the event's INSERT as a CTE whose values are parameters (kept for
    the few statements modules build once; bounded, should one be built per call)."""
    return statement.add_cte(_CTE)


_TABLE = Base.metadata.tables[DomainEvent.__tablename__]
_INSERT = insert(_TABLE)
_CTE_PREFIX = "domain_event_"
# Built once: the event's values are execution parameters, so a call builds no clause of it.
_CTE = (
    insert(_TABLE)
    .values({c: bindparam(_CTE_PREFIX + c.name, type_=c.type) for c in _TABLE.c})
    .cte("domain_event")
)


def payload(event: DomainEvent) -> dict[str, Any]:
    """The documented dict an action handler receives for an event::

    {"id": event id, "entity": "CONTACTS", "event": "REGISTER_CUSTOMER",
     "entity_id": "...", "organisation_id": "...", "occurred_on": epoch seconds,
     "data": {...}}
    """
    return {
        "id": event.id,
        "entity": event.entity,
        "event": event.event,
        "entity_id": event.entity_id,
        "organisation_id": event.organisation_id,
        "occurred_on": int(event.occurred_on.timestamp()),
        "data": dict(event.data or {}),
    }
