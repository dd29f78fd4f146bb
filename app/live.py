"""In-process publish / subscribe of live updates for GraphQL subscriptions.

A domain publishes ``(topic, organisation_id, payload)`` when something a signed-in SPA may
watch changed (``webhook_requests``; approval requests at merge); each subscriber gets the
updates of its topic whose organisation it may see (the subscriber passes the organisation
ids it sees). Updates made inside a transaction are published by
:func:`publish_after_commit`, only once the transaction commits.

Scope: one process. A subscriber connected to one gateway process sees the updates made by
that process (its requests and its worker); with several processes behind a load balancer a
websocket sees those of the process it is connected to. PostgreSQL LISTEN/NOTIFY would carry
them across processes; it is not built yet.

Each subscriber has a bounded queue (:data:`QUEUE_SIZE`); a subscriber that falls that far
behind loses the oldest updates rather than slowing publishers down.
"""

import asyncio
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

QUEUE_SIZE = 1000
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


def publish_after_commit(
    session: AsyncSession, topic: str, organisation_id: str, payload: dict[str, Any]
) -> None:
    """:func:`publish` once ``session``'s transaction commits (dropped on rollback)."""
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
    for update in session.info.pop(_PENDING, []):
        publish(update.topic, update.organisation_id, update.payload)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
