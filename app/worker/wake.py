"""Waking the worker in process once a transaction that queued work has committed.

A row queued inside a transaction is invisible to the worker until the commit, so the wake-up
is sent by SQLAlchemy's ``after_commit`` event of the session that asked for it; a rollback
drops the request. Other processes' workers find the row on their next poll.
"""

import asyncio

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.db.transactions import ends_transaction

_WAKE_FLAG = "crm_wake_worker"
_listeners: set[asyncio.Event] = set()


def wake_after_commit(session: AsyncSession) -> None:
    """Ask for the in-process worker to be woken when ``session``'s transaction commits."""
    session.sync_session.info[_WAKE_FLAG] = True


def wake() -> None:
    """Wake every worker of this process now (they look for due work at once)."""
    for listener in _listeners:
        listener.set()


def listen(signal: asyncio.Event) -> None:
    """Have :func:`wake` set ``signal`` (the worker's own event)."""
    _listeners.add(signal)


def stop_listening(signal: asyncio.Event) -> None:
    """Undo :func:`listen`."""
    _listeners.discard(signal)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if ends_transaction(session) and session.info.pop(_WAKE_FLAG, False):
        wake()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if ends_transaction(session):
        session.info.pop(_WAKE_FLAG, None)
