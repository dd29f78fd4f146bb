"""Automation runs: started from domain events, advanced action by action, resumed after an
approval (DESIGN.md §7).

The automations job (:data:`JOB`, :meth:`UnscopedAutomationRuns.run_once`) does two things,
each in short write transactions, after a read that finds them due:

1. **Dispatch** (:meth:`~UnscopedAutomationRuns.events_due`: at once for an event that
   triggers an automation, in bulk at the first poll a second after the oldest of the
   others): claims undispatched events
   (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one writer), starts one run (state
   RUNNING, position 0) per ACTIVE automation of the event's organisation and mode whose
   entity and event match, and marks the event dispatched. The unique (event, automation)
   pair makes a second run impossible.
2. **Run**: claims one RUNNING run at a time the same way and performs its actions from the
   position reached, each in a savepoint, in the claiming transaction: the run's new position
   and state commit together with what the handlers wrote, so a crash repeats nothing that
   committed and loses nothing that did not; two processes never run one step twice.

An event raised by an automation run carries ``depth`` one more than the event that started
the run; events at :data:`MAX_DEPTH` start no runs, so automations cannot trigger each other
forever.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app import tenancy
from app.auth.principal import Principal
from app.automations.actions import Outcome, RunContext
from app.automations.codes import AutomationState, RunState
from app.automations.filters import passes
from app.automations.handlers import REGISTRY
from app.automations.repository import RUNS, actions_of
from app.automations.service import action_config
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import Automation, AutomationAction, AutomationRun, DomainEvent, Organisation
from app.events import triggers
from app.events.emit import payload
from app.worker.job import Job, has_due_rows
from app.worker.wake import wake_after_commit

log = structlog.get_logger("crm_gateway.automations")

MAX_DEPTH = 3
"""Events this many automation runs deep start no further runs."""
EVENT_BATCH = 500
"""Events dispatched per transaction."""
RUN_BATCH = 20
"""Runs advanced per call of :meth:`UnscopedAutomationRuns.run_once` (a transaction each)."""
QUIET_EVENTS_DELAY = timedelta(seconds=1)
"""How long events that trigger no automation may wait to be marked dispatched in bulk."""


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
    async def events_due(db: Database, active: frozenset[triggers.Trigger]) -> bool:
        """Whether the undispatched events should be dispatched now (reads, no lock): when the
        oldest has waited :data:`QUIET_EVENTS_DELAY`, or when one of them triggers an ACTIVE
        automation (its run starts at once). ``active`` is every ACTIVE automation's trigger as
        just read: with none, the second read is not made. Events that trigger nothing are so
        marked in bulk, about once a second, not with a write transaction after every change;
        while none waits this is one indexed read of one row."""
        pending = DomainEvent.dispatched_on.is_(None)
        oldest = select(DomainEvent.occurred_on).where(pending).order_by(DomainEvent.occurred_on)
        async with db.read_connection() as connection:
            first = (await connection.execute(oldest.limit(1))).scalar()
            if first is None:
                return False
            if first.tzinfo is None:
                first = first.replace(tzinfo=UTC)
            if first <= utcnow() - QUIET_EVENTS_DELAY:
                return True
            if not active:
                return False
            triggering = (
                select(DomainEvent.id)
                .join(
                    Automation,
                    and_(
                        Automation.organisation_id == DomainEvent.organisation_id,
                        Automation.is_test == DomainEvent.is_test,
                        Automation.entity == DomainEvent.entity,
                        Automation.event == DomainEvent.event,
                    ),
                )
                .where(
                    pending,
                    DomainEvent.depth < MAX_DEPTH,
                    Automation.life_cycle_state == AutomationState.ACTIVE,
                )
                .limit(1)
            )
            return (await connection.execute(triggering)).first() is not None

    @staticmethod
    async def dispatch_events(db: Database, active: frozenset[triggers.Trigger]) -> int:
        """Start the runs of one batch of undispatched events (every organisation's: the worker
        acts for all of them) when :meth:`events_due` (``active``: the ACTIVE automations'
        triggers). Answers the runs started, or the batch's size when it was full (more events
        wait): marking events that start nothing is bookkeeping, not work that makes the worker
        poll again at once (a stream of such events is marked at the worker's usual pace)."""
        if not await UnscopedAutomationRuns.events_due(db, active):
            return 0
        async with db.write() as session:
            stmt = (
                select(
                    DomainEvent.id,
                    DomainEvent.organisation_id,
                    DomainEvent.is_test,
                    DomainEvent.entity,
                    DomainEvent.event,
                    DomainEvent.depth,
                )
                .where(DomainEvent.dispatched_on.is_(None))
                .order_by(DomainEvent.occurred_on, DomainEvent.id)
                .limit(EVENT_BATCH)
                .with_for_update(skip_locked=True)
            )
            events = (await session.execute(stmt)).all()
            if not events:
                return 0
            listening: dict[triggers.Trigger, list[str]] = {}
            if active:  # else no automation anywhere: nothing to start, no read of them
                listening = await UnscopedAutomationRuns.listening(
                    session, {event.organisation_id for event in events}
                )
            started = 0
            for event in events:
                trigger = (event.organisation_id, bool(event.is_test), event.entity, event.event)
                if event.depth >= MAX_DEPTH or trigger not in listening:
                    continue
                runs = [
                    AutomationRun(
                        organisation_id=event.organisation_id,
                        is_test=event.is_test,
                        automation_id=automation_id,
                        event_id=event.id,
                        state=RunState.RUNNING,
                        position=0,
                        steps=[],
                    )
                    for automation_id in listening[trigger]
                ]
                session.add_all(runs)
                started += len(runs)
            await session.execute(
                update(DomainEvent)
                .where(DomainEvent.id.in_([event.id for event in events]))
                .values(dispatched_on=utcnow())
                .execution_options(synchronize_session=False)
            )
            return len(events) if len(events) == EVENT_BATCH else started

    @staticmethod
    async def listening(
        session: AsyncSession, organisation_ids: set[str]
    ) -> dict[tuple[str, bool, str, str], list[str]]:
        """The ACTIVE automations of these organisations by trigger (organisation, is test,
        entity, event), oldest first."""
        stmt = (
            select(
                Automation.id,
                Automation.organisation_id,
                Automation.is_test,
                Automation.entity,
                Automation.event,
            )
            .where(
                Automation.life_cycle_state == AutomationState.ACTIVE,
                Automation.organisation_id.in_(organisation_ids),
            )
            .order_by(Automation.created_on, Automation.id)
        )
        found: dict[tuple[str, bool, str, str], list[str]] = {}
        for row in (await session.execute(stmt)).all():
            trigger = (row.organisation_id, bool(row.is_test), row.entity, row.event)
            found.setdefault(trigger, []).append(row.id)
        return found

    @staticmethod
    async def organisation_principal(
        session: AsyncSession, organisation_id: str, is_test: bool
    ) -> Principal:
        """A principal acting for the run's organisation in its mode, as its secret key would."""
        organisation = await session.get(Organisation, organisation_id)
        if organisation is None:
            raise LookupError(f"organisation {organisation_id} is gone")
        return tenancy.organisation_principal(organisation, is_test)

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
        due = select(AutomationRun.id).where(AutomationRun.state == RunState.RUNNING)
        if not await has_due_rows(db, due):
            return 0  # nothing to claim: no write transaction
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
    async def remember_triggers(db: Database) -> frozenset[triggers.Trigger]:
        """Read the triggers of every ACTIVE automation for ``app.events.triggers``; them."""
        async with db.read_connection() as connection:
            stmt = (
                select(
                    Automation.organisation_id,
                    Automation.is_test,
                    Automation.entity,
                    Automation.event,
                )
                .where(Automation.life_cycle_state == AutomationState.ACTIVE)
                .distinct()
            )
            found = (await connection.execute(stmt)).all()
        active = frozenset((o, bool(t), e, v) for o, t, e, v in found)
        triggers.remember(active)
        return active

    @staticmethod
    async def run_once(db: Database) -> int:
        """The automations job: refresh the triggers, dispatch due events, then advance due
        runs; items done (runs started and advanced; see :meth:`dispatch_events`)."""
        active = await UnscopedAutomationRuns.remember_triggers(db)
        dispatched = await UnscopedAutomationRuns.dispatch_events(db, active)
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
