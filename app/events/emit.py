"""Writing a domain event in the transaction of the change that caused it.

:func:`emit` inserts one ``domain_events`` row in the change's transaction (a rollback drops
it) and, when an automation may listen to it, asks for the worker to be woken after the
commit; nothing else happens on the request path. :func:`event_insert_from` and
:func:`event_parameters` are the same rule for a change written by one Core statement on
PostgreSQL: the event's INSERT rides in that statement as a data-modifying CTE (one round trip:
the cost of events on ``POST /journals``, issue 11). The
automations job (``app.automations.runs``) reads the events afterwards and runs the
automations they trigger.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Insert, bindparam, insert, inspect, select
from sqlalchemy.dialects.postgresql import JSONB
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
    """``value`` as JSON data: decimals as their exact plain text, times as epoch seconds."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, Decimal):
        return format(value, "f")  # plain digits: 1E+3 (a JSON number's form) is "1000"
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
    in that statement instead: :func:`event_insert_from`.
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


_TABLE = Base.metadata.tables[DomainEvent.__tablename__]
_INSERT = insert(_TABLE)
_CTE_PREFIX = "domain_event_"


def event_insert_from(source: FromClause, data: ColumnElement[Any]) -> Insert:
    """An INSERT of one event row for each row of ``source`` (the CTE of a change that returns
    what it changed), in the same statement as the change (PostgreSQL): the event's values are
    the parameters of :func:`event_parameters`, except ``data``, an expression over ``source``
    (the JSON data the change's own values complete, see :func:`event_parameters`). Built once
    by the module that makes the statement."""
    values = [
        data.label(column.name)
        if column.name == "data"
        else bindparam(_CTE_PREFIX + column.name, type_=column.type)
        for column in _TABLE.c
    ]
    return insert(_TABLE).from_select(
        [column.name for column in _TABLE.c], select(*values).select_from(source)
    )


def event_parameters(
    principal: Principal,
    *,
    entity: Entity,
    event: Event,
    entity_id: str,
    data: dict[str, Any],
) -> tuple[dict[str, Any], bool]:
    """The parameters of an :func:`event_insert_from` statement for an event :func:`emit` would
    record (``data`` the values known before the statement, as JSON data under the parameter
    ``domain_event_data``, which the statement's ``data`` expression completes), and whether
    the worker is to be woken once it commits (an automation may listen to the event)."""
    row = _event_row(principal, entity, event, entity_id, data, None, 0)
    return {_CTE_PREFIX + key: value for key, value in row.items()}, _listened(row)


KNOWN_DATA = bindparam(_CTE_PREFIX + "data", type_=JSONB)
"""The parameter holding an :func:`event_insert_from` event's data known before its statement."""


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
