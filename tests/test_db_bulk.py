"""``app.db.bulk``: many rows of a table inserted at once (COPY on PostgreSQL, an INSERT for
many parameter sets on SQLite) hold what an ORM insert would, defaults included, and go with
their transaction."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.db import bulk
from app.db.base import Base
from app.db.engine import Database
from app.db.models import DomainEvent

EVENTS = Base.metadata.tables[DomainEvent.__tablename__]


def _rows(count: int, entity_id: str) -> list[dict[str, object]]:
    # id, is_test, depth, occurred_on and dispatched_on left out: their defaults (or NULL).
    return [
        {
            "organisation_id": "org",
            "entity": "CONTACTS",
            "event": "REGISTER_CUSTOMER",
            "entity_id": entity_id,
            "user_id": None,
            "data": {"n": n, "name": "Zoë"},
        }
        for n in range(count)
    ]


async def test_rows_are_stored_with_their_defaults_by_copy_and_by_insert(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 3)
    async with db.write() as session:
        await bulk.insert_rows(session, EVENTS, _rows(3, "many"))  # COPY on PostgreSQL
        await bulk.insert_rows(session, EVENTS, _rows(2, "few"))  # an INSERT everywhere
        await bulk.insert_rows(session, EVENTS, [])
    async with db.write() as session:
        await bulk.insert_rows(session, EVENTS, _rows(4, "dropped"))
        await session.rollback()
    async with db.read() as session:
        stmt = select(DomainEvent).where(DomainEvent.organisation_id == "org")
        stored = list((await session.execute(stmt)).scalars())
    assert sorted((event.entity_id, event.data["n"]) for event in stored) == [
        ("few", 0),
        ("few", 1),
        ("many", 0),
        ("many", 1),
        ("many", 2),
    ]
    assert len({event.id for event in stored}) == 5
    assert all(len(event.id) == 36 and event.occurred_on.tzinfo is not None for event in stored)
    assert all(
        (event.is_test, event.depth, event.dispatched_on) == (False, 0, None) for event in stored
    )
    assert {event.data["name"] for event in stored} == {"Zoë"}


async def test_a_row_the_database_refuses_raises_its_integrity_error_and_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 2)
    rows = [{**row, "id": f"id-{n % 2}"} for n, row in enumerate(_rows(3, "twice"))]
    async with db.write() as session:
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                await bulk.insert_rows(session, EVENTS, rows)  # the id id-0 twice
        await bulk.insert_rows(session, EVENTS, rows[:2])
    async with db.read() as session:
        stmt = select(DomainEvent.id).where(DomainEvent.entity_id == "twice")
        assert sorted((await session.execute(stmt)).scalars()) == ["id-0", "id-1"]
