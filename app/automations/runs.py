"""Automation runs: started from domain events, advanced action by action, resumed after an
approval (DESIGN.md §7).

The automations job (:data:`JOB`, :meth:`UnscopedAutomationRuns.run_once`) does two things, each in short write transactions:

1. **Dispatch**: claims undispatched domain events (``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
   SQLite has one writer), starts one run (state RUNNING, position 0) per ACTIVE automation of
   the event's organisation and mode whose entity and event match, and marks the event
   dispatched. The unique (event, automation) pair makes a second run impossible.
2. **Run**: claims one RUNNING run at a time the same way and performs its actions from the
   position reached, each in a savepoint, in the claiming transaction: the run's new position
   and state commit together with what the handlers wrote, so a crash repeats nothing that
   committed and loses nothing that did not; two processes never run one step twice.

An event raised by an automation run carries ``depth`` one more than the event that started
the run; events at :data:`MAX_DEPTH` start no runs, so automations cannot trigger each other
forever.
"""

from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import CredentialKind, Principal
from app.automations.actions import Outcome, RunContext
from app.automations.codes import AutomationState, RunState
from app.automations.filters import passes
from app.automations.handlers import REGISTRY
from app.automations.repository import RUNS, actions_of
from app.automations.service import action_config
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import Automation, AutomationAction, AutomationRun, DomainEvent, Organisation
from app.events.emit import payload
from app.worker.job import Job
from app.worker.wake import wake_after_commit

log = structlog.get_logger("crm_gateway.automations")

MAX_DEPTH = 3
"""Events this many automation runs deep start no further runs."""
EVENT_BATCH = 100
"""Events dispatched per transaction."""
RUN_BATCH = 20
"""Runs advanced per call of :func:`run_once` (each in its own transaction)."""


def _step(action: AutomationAction, outcome: str) -> dict[str, Any]:
    return {
        "order": action.order,
        "adaptor": action.adaptor,
        "adaptor_action": action.adaptor_action,
        "outcome": outcome,
        "on": int(utcnow().timestamp()),
    }


class UnscopedAutomationRuns:
    """The automations job's work over every organisation's events and runs: the worker acts
    for all of them, so the tenant rule does not narrow these statements (each run then acts
    through a principal of its own organisation, see :meth:`organisation_principal`)."""

    @staticmethod
    async def dispatch_events(db: Database) -> int:
        """Start the runs of one batch of undispatched events (every organisation's: the worker
        acts for all of them); the number of events dispatched."""
        async with db.write() as session:
            stmt = (
                select(DomainEvent)
                .where(DomainEvent.dispatched_on.is_(None))
                .order_by(DomainEvent.occurred_on, DomainEvent.id)
                .limit(EVENT_BATCH)
                .with_for_update(skip_locked=True)
            )
            events = list((await session.execute(stmt)).scalars())
            now = utcnow()
            for event in events:
                if event.depth < MAX_DEPTH:
                    for automation_id in await UnscopedAutomationRuns.triggered(session, event):
                        session.add(
                            AutomationRun(
                                organisation_id=event.organisation_id,
                                is_test=event.is_test,
                                automation_id=automation_id,
                                event_id=event.id,
                                state=RunState.RUNNING,
                                position=0,
                                steps=[],
                            )
                        )
                event.dispatched_on = now
            return len(events)

    @staticmethod
    async def triggered(session: AsyncSession, event: DomainEvent) -> list[str]:
        """The ids of the ACTIVE automations an event triggers."""
        stmt = select(Automation.id).where(
            Automation.organisation_id == event.organisation_id,
            Automation.is_test.is_(event.is_test),
            Automation.entity == event.entity,
            Automation.event == event.event,
            Automation.life_cycle_state == AutomationState.ACTIVE,
        )
        return list((await session.execute(stmt.order_by(Automation.created_on))).scalars())

    @staticmethod
    async def organisation_principal(
        session: AsyncSession, organisation_id: str, is_test: bool
    ) -> Principal:
        """A principal acting for the run's organisation in its mode, as its secret key would."""
        organisation = await session.get(Organisation, organisation_id)
        if organisation is None:
            raise LookupError(f"organisation {organisation_id} is gone")
        return Principal(CredentialKind.SECRET_KEY, organisation.id, organisation.path, is_test)

    @staticmethod
    async def advance_run(session: AsyncSession, run: AutomationRun) -> None:
        """Perform a claimed run's actions from its position until it waits, stops, fails or
        completes (see the module's docstring)."""
        event = await session.get(DomainEvent, run.event_id)
        automation = await session.get(Automation, run.automation_id)
        if event is None or automation is None:
            run.state, run.error = RunState.FAILED, "its event or automation is gone"
            return
        actions = await actions_of(session, automation.id)
        principal = await UnscopedAutomationRuns.organisation_principal(
            session, run.organisation_id, run.is_test
        )
        data = payload(event)
        steps = list(run.steps or [])
        while run.position < len(actions):
            action = actions[run.position]
            config = action_config(action)
            registered = REGISTRY.get(action.adaptor, action.adaptor_action)
            if not passes(config.filters, data["data"]):
                steps.append(_step(action, "SKIPPED"))
                run.position += 1
                continue
            if registered is None:
                steps.append(_step(action, RunState.FAILED))
                run.state, run.error = RunState.FAILED, f"{action.adaptor_action} has no handler"
                break
            context = RunContext(
                run_id=run.id,
                automation_id=automation.id,
                automation_name=automation.name,
                automation_description=automation.description,
                position=run.position,
                action=config,
                event=data,
                principal=principal,
                user_id=event.user_id,
                depth=event.depth,
            )
            await session.flush()  # the run's progress so far stays if the handler's savepoint goes
            try:
                async with session.begin_nested():
                    outcome = await registered.handler(session, context)
            except Exception as exc:  # a failing action fails its run, never the worker
                log.warning("automation action failed", run_id=run.id, error=str(exc))
                await session.refresh(run)
                steps.append(_step(action, RunState.FAILED))
                run.state, run.error = RunState.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
                break
            steps.append(_step(action, outcome))
            if outcome == Outcome.CONTINUE:
                run.position += 1
                continue
            run.state = RunState.WAITING_APPROVAL if outcome == Outcome.WAIT else RunState.STOPPED
            break
        else:
            run.state = RunState.COMPLETED
        run.steps = steps

    @staticmethod
    async def advance_due_runs(db: Database) -> int:
        """Advance up to :data:`RUN_BATCH` RUNNING runs, one transaction each; how many ran."""
        done = 0
        for _ in range(RUN_BATCH):
            async with db.write() as session:
                stmt = (
                    select(AutomationRun)
                    .where(AutomationRun.state == RunState.RUNNING)
                    .order_by(AutomationRun.updated_on, AutomationRun.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
                run = (await session.execute(stmt)).scalar_one_or_none()
                if run is None:
                    return done
                await UnscopedAutomationRuns.advance_run(session, run)
            done += 1
        return done

    @staticmethod
    async def run_once(db: Database) -> int:
        """The automations job: dispatch due events, then advance due runs; items done."""
        dispatched = await UnscopedAutomationRuns.dispatch_events(db)
        return dispatched + await UnscopedAutomationRuns.advance_due_runs(db)

    @staticmethod
    async def health(db: Database) -> dict[str, Any]:
        """The job's queue: undispatched events, RUNNING and waiting runs, the oldest undispatched
        event's time (epoch seconds, UTC)."""
        async with db.read() as session:
            pending = select(func.count(), func.min(DomainEvent.occurred_on)).where(
                DomainEvent.dispatched_on.is_(None)
            )
            events, oldest = (await session.execute(pending)).one()
            states = select(AutomationRun.state, func.count()).group_by(AutomationRun.state)
            by_state = {state: count for state, count in (await session.execute(states)).all()}
        oldest_on: datetime | None = oldest
        if oldest_on is not None and oldest_on.tzinfo is None:
            oldest_on = oldest_on.replace(tzinfo=utcnow().tzinfo)
        return {
            "queue_depth": int(events) + int(by_state.get(RunState.RUNNING, 0)),
            "oldest_pending_on": int(oldest_on.timestamp()) if oldest_on else None,
            "waiting_approval": int(by_state.get(RunState.WAITING_APPROVAL, 0)),
        }


JOB = Job("automations", UnscopedAutomationRuns.run_once, UnscopedAutomationRuns.health)
"""The automations job of ``app.worker.jobs``."""


async def resume_run(
    session: AsyncSession, principal: Principal, run_id: str, position: int, approved: bool
) -> None:
    """An approval decision reached the run waiting at ``position``: approved, the run goes
    on with the next action (the worker is woken after the commit); rejected, it stops. A run
    no longer waiting there (deleted, or already moved on) is left as it is."""
    stmt = RUNS.writable(principal).where(AutomationRun.id == run_id)
    run = (await session.execute(stmt)).scalar_one_or_none()
    if run is None or run.state != RunState.WAITING_APPROVAL or run.position != position:
        return
    outcome = "APPROVED" if approved else "REJECTED"
    run.steps = [*run.steps, {"order": None, "outcome": outcome, "on": int(utcnow().timestamp())}]
    if approved:
        run.position += 1
        run.state = RunState.RUNNING
        wake_after_commit(session)
    else:
        run.state = RunState.STOPPED
    await session.flush()
