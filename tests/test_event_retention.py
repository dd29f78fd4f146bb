"""Domain events are kept ``CRM_GATEWAY_EVENT_RETENTION_DAYS``: dispatched events older than
that are deleted by the worker's ``event_retention`` job, unless an automation run refers to
them; undispatched and recent events stay."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db.base import new_id, utcnow
from app.db.engine import Database
from app.db.models import AutomationRun, DomainEvent
from app.events import retention
from app.main import create_app
from app.onboarding import BootstrapResult
from tests.conftest import Api, suite_settings


@pytest.fixture
async def gateway(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The suite's gateway without its background worker: it would dispatch the undispatched
    events these tests arrange (and delete expired ones) while they look."""
    app = create_app(suite_settings(database_url, tmp_path, worker="off"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield app, client


async def _event(db: Database, tenant: BootstrapResult, age_days: int, dispatched: bool) -> str:
    occurred = utcnow() - timedelta(days=age_days)
    async with db.write() as session:
        event = DomainEvent(
            id=new_id(),
            organisation_id=tenant.organisation_id,
            is_test=False,
            entity="CONTACTS",
            event="REGISTER_CUSTOMER",
            entity_id=new_id(),
            data={"reference": "C-1"},
            depth=0,
            occurred_on=occurred,
            dispatched_on=occurred if dispatched else None,
        )
        session.add(event)
    return event.id


async def _kept(db: Database) -> set[str]:
    async with db.read() as session:
        return set((await session.execute(select(DomainEvent.id))).scalars())


async def test_expired_dispatched_events_are_deleted_and_the_others_kept(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    expired = await _event(db, tenant, age_days=100, dispatched=True)
    undispatched = await _event(db, tenant, age_days=100, dispatched=False)
    recent = await _event(db, tenant, age_days=10, dispatched=True)
    referred = await _event(db, tenant, age_days=100, dispatched=True)
    automation = await api.rest(
        "POST",
        "/automations",
        {"name": "Welcome", "state": "ACTIVE", "entity": "CONTACTS", "event": "REGISTER_CUSTOMER"},
    )
    async with db.write() as session:
        session.add(
            AutomationRun(
                automation_id=automation.json()["id"],
                event_id=referred,
                organisation_id=tenant.organisation_id,
                is_test=False,
            )
        )
    before = await _kept(db)

    deleted = await retention.delete_expired_events_unscoped(db, utcnow() - timedelta(days=90))

    assert deleted == 1
    assert await _kept(db) == before - {expired}
    assert {undispatched, recent, referred} <= await _kept(db)
    assert await retention.delete_expired_events_unscoped(db, utcnow() - timedelta(days=90)) == 0


async def test_the_job_deletes_in_batches_then_waits_an_hour(
    db: Database, tenant: BootstrapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "BATCH", 2)
    events = [await _event(db, tenant, age_days=100, dispatched=True) for _ in range(3)]

    assert await retention.EventRetention(0).run_once(db) == 0  # 0 days: kept for ever
    assert set(events) <= await _kept(db)
    job = retention.EventRetention(90)
    assert await job.run_once(db) == 2  # a full batch: the worker comes back at once
    assert await job.run_once(db) == 1  # the rest; none left: the next look is in an hour
    assert not set(events) & await _kept(db)
    late = await _event(db, tenant, age_days=100, dispatched=True)
    assert await job.run_once(db) == 0
    assert late in await _kept(db)
