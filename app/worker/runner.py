"""The worker loop: run every job until none has due work, then sleep until woken or polled."""

import asyncio
import time
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import structlog

from app.db.engine import Database
from app.worker.job import Job
from app.worker.wake import listen, stop_listening

log = structlog.get_logger("crm_gateway.worker")

_in_worker: ContextVar[bool] = ContextVar("crm_in_worker", default=False)


def in_worker() -> bool:
    """Whether the running code is a job run by a :class:`Worker` (its task and the tasks it
    starts): e.g. tests that count a request's statements leave the worker's out."""
    return _in_worker.get()


@dataclass
class JobStatus:
    """What the worker knows of one job (times in epoch seconds, UTC; None before the first)."""

    last_run_on: int | None = None
    last_success_on: int | None = None
    last_error: str | None = None
    items_done: int = 0


class Worker:
    """Runs ``jobs`` against ``db`` until stopped (DESIGN.md §7).

    Each round runs every job once; as long as one of them did something the next round starts
    at once. When none had due work the worker sleeps until :func:`app.worker.wake.wake` (a
    commit in this process queued work) or until the poll delay runs out; the delay doubles
    from ``min_poll_seconds`` up to ``max_poll_seconds`` while idle (other processes' work and
    scheduled work are found by polling). A job that raises is logged and tried again on the
    next round; it never stops the others.
    """

    def __init__(
        self,
        db: Database,
        jobs: Sequence[Job],
        *,
        min_poll_seconds: float = 0.05,
        max_poll_seconds: float = 5.0,
    ) -> None:
        self.db = db
        self.jobs = list(jobs)
        self.min_poll_seconds = min_poll_seconds
        self.max_poll_seconds = max_poll_seconds
        self.status = {job.name: JobStatus() for job in self.jobs}
        self._signal = asyncio.Event()
        self._stopping = False

    async def run_round(self) -> int:
        """Run every job once; the number of items they finished."""
        done = 0
        token = _in_worker.set(True)
        try:
            for job in self.jobs:
                done += await self._run_job(job)
        finally:
            _in_worker.reset(token)
        return done

    async def _run_job(self, job: Job) -> int:
        """Run ``job`` once and record the outcome; the number of items it finished."""
        status = self.status[job.name]
        status.last_run_on = int(time.time())
        try:
            finished = await job.run_once(self.db)
        except Exception as exc:  # one failing job must not stop the others
            status.last_error = f"{type(exc).__name__}: {exc}"[:500]
            log.exception("background job failed", job=job.name)
            return 0
        status.last_success_on = int(time.time())
        status.last_error = None
        status.items_done += finished
        return finished

    async def run(self) -> None:
        """Loop until :meth:`stop` is called (or the task is cancelled)."""
        listen(self._signal)
        delay = self.min_poll_seconds
        try:
            while not self._stopping:
                self._signal.clear()
                if await self.run_round():
                    delay = self.min_poll_seconds
                    continue
                try:
                    await asyncio.wait_for(self._signal.wait(), timeout=delay)
                    delay = self.min_poll_seconds
                except TimeoutError:
                    delay = min(delay * 2, self.max_poll_seconds)
        finally:
            stop_listening(self._signal)

    def stop(self) -> None:
        """Finish the current round and leave :meth:`run`."""
        self._stopping = True
        self._signal.set()

    async def health(self) -> dict[str, Any]:
        """Each job's status and queue health, for ``/ready`` (see :attr:`Job.health`)."""
        report: dict[str, Any] = {}
        for job in self.jobs:
            entry: dict[str, Any] = dict(vars(self.status[job.name]))
            if job.health is not None:
                entry.update(await job.health(self.db))
            report[job.name] = entry
        return report
