"""app.live: updates are published after commit only, to the subscribers of their topic and
organisation; on PostgreSQL through LISTEN/NOTIFY (a listener of another engine gets them)."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from app import live
from app.db.engine import Database, create_engine


@pytest.fixture
async def listening(db: Database, database_url: str) -> AsyncIterator[None]:
    """On PostgreSQL, a listener on an engine of its own (as another process would have)."""
    if db.is_sqlite:
        yield
        return
    other = Database(create_engine(database_url, pool_size=1))
    listener = live.PostgresListener()
    await listener.start(other.engine)
    yield
    await listener.stop()
    await other.dispose()


async def test_updates_are_published_after_commit_to_their_topic_and_organisation(
    db: Database, listening: None
) -> None:
    stream = live.subscribe("things", ["org-a"])
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    with pytest.raises(RuntimeError):
        async with db.write() as session:
            await live.publish_after_commit(session, "things", "org-a", {"id": "rolled back"})
            raise RuntimeError("rollback")
    async with db.write() as session:
        await live.publish_after_commit(session, "other topic", "org-a", {"id": "x"})
        await live.publish_after_commit(session, "things", "org-b", {"id": "y"})
        await live.publish_after_commit(session, "things", "org-a", {"id": "committed"})
        await asyncio.sleep(0.2)
        assert not first.done()  # nothing before the commit
    update = await asyncio.wait_for(first, timeout=5)
    assert (update.topic, update.organisation_id, update.payload) == (
        "things",
        "org-a",
        {"id": "committed"},
    )
    await stream.aclose()
    assert live.subscriber_count("things") == 0


async def test_a_payload_too_large_for_a_notification_is_refused(db: Database) -> None:
    async with db.write() as session:
        with pytest.raises(ValueError):
            await live.publish_after_commit(session, "t", "o", {"blob": "x" * 9000})


async def test_an_update_made_in_a_savepoint_is_published_when_the_transaction_commits(
    db: Database, listening: None
) -> None:
    stream = live.subscribe("things", ["org-a"])
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.05)
    async with db.write() as session:
        async with session.begin_nested():
            await live.publish_after_commit(session, "things", "org-a", {"id": "in a savepoint"})
        await asyncio.sleep(0.2)
        assert not first.done()  # a savepoint's release is not the commit
    update = await asyncio.wait_for(first, timeout=5)
    assert update.payload == {"id": "in a savepoint"}
    await stream.aclose()
