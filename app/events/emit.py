"""Writing a domain event in the transaction of the change that caused it.

:func:`emit` adds one ``domain_events`` row to the session (it is inserted with the change's
own flush or commit, so a rollback drops it) and, when an automation may listen to it, asks
for the worker to be woken after the commit; nothing else happens on the request path. The
automations job (``app.automations.runs``) reads the events afterwards and runs the
automations they trigger.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.base import Base, new_id, utcnow
from app.db.bulk import insert_rows
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
    name) and ``extra`` on top."""
    state = inspect(row)
    loaded = state.dict
    columns = {
        attribute.key: loaded[attribute.key]
        for attribute in state.mapper.column_attrs
        if attribute.key in loaded
    }
    return described_values(columns, **extra)


def described_values(columns: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """An event's ``data`` for a row given as its column values by attribute name (a row
    written without an ORM object): as :func:`described` makes it."""
    data = {key: value for key, value in columns.items() if key not in _PRIVATE_FIELDS}
    reference = next((data[key] for key in _REFERENCE_FIELDS if data.get(key)), None)
    if reference is not None:
        data.setdefault("reference", reference)
    data.update(extra)
    return data


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
    marks the event at its next poll.
    """
    owner = organisation_id or principal.organisation_id
    row = _event_row(principal, owner, entity, event, entity_id, data, depth)
    await session.execute(_INSERT, row)
    if may_trigger((owner, principal.is_test, entity.value, event.value)):
        wake_after_commit(session)
    return str(row["id"])


def _event_row(
    principal: Principal,
    owner: str,
    entity: Entity,
    event: Event,
    entity_id: str,
    data: dict[str, Any],
    depth: int,
) -> dict[str, Any]:
    """The ``domain_events`` row of one event (every column)."""
    return {
        "id": new_id(),
        "organisation_id": owner,
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
    owner = principal.organisation_id
    rows = [_event_row(principal, owner, entity, event, id_, data, 0) for id_, data in changes]
    await insert_rows(session, _INSERT.table, rows)  # type: ignore[arg-type]
    if may_trigger((owner, principal.is_test, entity.value, event.value)):
        wake_after_commit(session)


_INSERT = insert(Base.metadata.tables[DomainEvent.__tablename__])


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
