"""What a session's ``after_commit`` / ``after_rollback`` event means."""

from sqlalchemy.orm import Session


def ends_transaction(session: Session) -> bool:
    """Whether the ``after_commit`` or ``after_rollback`` event being handled ends
    ``session``'s transaction. SQLAlchemy sends both events for a savepoint too (its release or
    rollback, ``begin_nested``) while the transaction goes on: work promised "after commit"
    (a live update, the worker's wake-up) must wait for the transaction's own end."""
    return session.get_nested_transaction() is None
