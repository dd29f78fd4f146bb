"""The background worker: woken by a commit, and a failing job never stops the others."""

import asyncio
from typing import Any

from sqlalchemy import event, text

from app.db.engine import Database
from app.settings import Settings
from app.worker.job import Job
from app.worker.jobs import all_jobs
from app.worker.runner import Worker
from app.worker.wake import wake_after_commit


async def test_a_commit_that_queued_work_wakes_the_worker_at_once(db: Database) -> None:
    ran = asyncio.Event()
    due: list[int] = []

    async def run_once(_db: Database) -> int:
        if not due:
            return 0
        due.pop()
        ran.set()
        return 1

    worker = Worker(db, [Job("probe", run_once)], min_poll_seconds=30, max_poll_seconds=30)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)  # the first round found nothing: asleep for 30 s now
    async with db.write() as session:
        await session.execute(text("SELECT 1"))
        due.append(1)
        wake_after_commit(session)
    await asyncio.wait_for(ran.wait(), timeout=2)
    worker.stop()
    await task
    assert worker.status["probe"].items_done == 1


async def test_a_rolled_back_transaction_does_not_wake_the_worker(db: Database) -> None:
    rounds: list[int] = []

    async def run_once(_db: Database) -> int:
        rounds.append(1)
        return 0

    worker = Worker(db, [Job("probe", run_once)], min_poll_seconds=30, max_poll_seconds=30)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    try:
        async with db.write() as session:
            wake_after_commit(session)
            raise RuntimeError("rolled back")
    except RuntimeError:
        pass
    await asyncio.sleep(0.1)
    assert len(rounds) == 1
    worker.stop()
    await task


async def test_a_failing_job_is_reported_and_the_others_still_run(db: Database) -> None:
    async def broken(_db: Database) -> int:
        raise ValueError("boom")

    async def healthy(_db: Database) -> int:
        return 0

    async def queue(_db: Database) -> dict[str, Any]:
        return {"queue_depth": 0}

    worker = Worker(db, [Job("broken", broken), Job("healthy", healthy, queue)])
    assert await worker.run_round() == 0
    health = await worker.health()
    assert health["broken"]["last_error"] == "ValueError: boom"
    assert health["healthy"]["last_success_on"] is not None
    assert health["healthy"]["queue_depth"] == 0


async def test_ready_reports_the_worker(api: Any) -> None:
    response = await api.client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["worker"]) == {job.name for job in all_jobs(Settings())}
    assert all(job["last_error"] is None for job in body["worker"].values())
    assert {"scheduled_reports", "outbox"} <= set(body["worker"])
    assert body["worker"]["outbox"]["queue_depth"] == 0
    automations = body["worker"]["automations"]
    assert automations["last_error"] is None
    assert {"queue_depth", "oldest_pending_on", "waiting_approval"} <= set(automations)


async def test_an_idle_round_of_every_job_reads_a_little_and_writes_nothing(db: Database) -> None:
    """Issue 11: the worker's polling costs nothing measurable while idle. With nothing due,
    each job looks with a read or two and takes no write transaction (no lock, no claim);
    a round is a handful of small SELECTs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()).upper())

    jobs = all_jobs(Settings())
    worker = Worker(db, jobs)
    await worker.run_round()  # a first round may find work the fixtures left
    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        assert await worker.run_round() == 0
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
    statements = [s for s in statements if s != "BEGIN"]  # SQLite's reads begin too
    assert statements and all(s.startswith("SELECT") for s in statements), statements
    assert not any("FOR UPDATE" in s or "BEGIN IMMEDIATE" in s for s in statements), statements
    assert len(statements) <= 2 * len(jobs), statements
