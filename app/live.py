"""Publish / subscribe of live updates for GraphQL subscriptions.

A domain publishes ``(topic, organisation_id, payload)`` when something a signed-in SPA may
watch changed (``webhook_requests``; approval requests at merge); each subscriber gets the
updates of its topic whose organisation it may see (the subscriber passes the organisation
ids it sees). Updates made inside a transaction are published by
:func:`publish_after_commit`, only once the transaction commits.

Across processes: on PostgreSQL :func:`publish_after_commit` sends the update with
``pg_notify`` in the transaction (PostgreSQL delivers it at commit, never on rollback) and each
gateway process listens on :data:`CHANNEL` (:class:`PostgresListener`, started with the
gateway, on a connection outside the pool), so a websocket sees the updates of every process
(its own included, through the same path). On SQLite (one process) the update is handed over
in process after the commit. A notification payload is at most :data:`MAX_NOTIFY_BYTES`:
publish ids and states, not documents. Notifications sent while a listener's connection is
down are lost (subscribers see the next one).

Each subscriber has a bounded queue (:data:`QUEUE_SIZE`); a subscriber that falls that far
behind loses the oldest updates rather than slowing publishers down.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any

import asyncpg
import structlog
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from app.db.transactions import ends_transaction

log = structlog.get_logger("crm_gateway.live")

QUEUE_SIZE = 1000
CHANNEL = "crm_gateway_live"
MAX_NOTIFY_BYTES = 7900
_PENDING = "crm_live_pending"


@dataclass(frozen=True)
class Update:
    """One published update: its topic, the organisation it belongs to, and its payload."""

    topic: str
    organisation_id: str
    payload: dict[str, Any]


@dataclass(eq=False)
class _Subscriber:
    topic: str
    organisation_ids: frozenset[str]
    queue: asyncio.Queue[Update]


_subscribers: set[_Subscriber] = set()


def publish(topic: str, organisation_id: str, payload: dict[str, Any]) -> None:
    """Hand an update to every subscriber of ``topic`` that sees ``organisation_id`` (now)."""
    update = Update(topic, organisation_id, payload)
    for subscriber in list(_subscribers):
        if subscriber.topic != topic or organisation_id not in subscriber.organisation_ids:
            continue
        if subscriber.queue.full():
            subscriber.queue.get_nowait()
        subscriber.queue.put_nowait(update)


async def publish_after_commit(
    session: AsyncSession, topic: str, organisation_id: str, payload: dict[str, Any]
) -> None:
    """:func:`publish` once ``session``'s transaction commits (dropped on rollback): through
    ``pg_notify`` on PostgreSQL (every process's subscribers), in process on SQLite.

    Raises ``ValueError`` for a payload larger than :data:`MAX_NOTIFY_BYTES` as JSON."""
    message = json.dumps(
        {"topic": topic, "organisation_id": organisation_id, "payload": payload},
        separators=(",", ":"),
        default=str,
    )
    if len(message.encode()) > MAX_NOTIFY_BYTES:
        raise ValueError(f"live update of {topic} too large for a notification")
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(CHANNEL, message)))
        return
    session.sync_session.info.setdefault(_PENDING, []).append(
        Update(topic, organisation_id, payload)
    )


async def subscribe(topic: str, organisation_ids: Collection[str]) -> AsyncIterator[Update]:
    """The updates of ``topic`` for the organisations ``organisation_ids``, as they come,
    until the consumer stops iterating."""
    subscriber = _Subscriber(topic, frozenset(organisation_ids), asyncio.Queue(QUEUE_SIZE))
    _subscribers.add(subscriber)
    try:
        while True:
            yield await subscriber.queue.get()
    finally:
        _subscribers.discard(subscriber)


def subscriber_count(topic: str) -> int:
    """How many subscribers ``topic`` has in this process (for tests and metrics)."""
    return sum(1 for subscriber in _subscribers if subscriber.topic == topic)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not ends_transaction(session):  # a savepoint's release: not committed yet
        return
    for update in session.info.pop(_PENDING, []):
        publish(update.topic, update.organisation_id, update.payload)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if ends_transaction(session):  # (a savepoint's rollback keeps them: updates are hints)
        session.info.pop(_PENDING, None)


class PostgresListener:
    """Forwards this process's ``LISTEN`` on :data:`CHANNEL` to :func:`publish`, on a
    connection of its own (outside the engine's pool, held for the gateway's lifetime)."""

    def __init__(self) -> None:
        self._driver: Any = None

    async def start(self, engine: AsyncEngine) -> None:
        """Connect to ``engine``'s database with asyncpg and listen."""
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._driver = await asyncpg.connect(dsn)
        await self._driver.add_listener(CHANNEL, self._notified)

    def _notified(self, _connection: Any, _pid: int, _channel: str, message: str) -> None:
        try:
            update = json.loads(message)
            publish(update["topic"], update["organisation_id"], update["payload"])
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable live update notification ignored")

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._driver is not None:
            try:
                await self._driver.close()
            except Exception:  # the connection is gone already: nothing to undo
                log.warning("live updates listener connection could not be closed")
        self._driver = None
