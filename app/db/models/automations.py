"""Domain events, automations with their ordered actions, and the durable runs of automations."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column, utcnow
from app.db.models.tenancy import TenantOwned


class DomainEvent(Base):
    """Something that happened to an entity, written in the transaction of the change
    (``app.events.emit``); ``dispatched_on`` is set once the automations worker has started
    the runs of the automations it triggers. ``depth`` counts how many automation runs led to
    it (0 for a caller's change), so that automations cannot trigger each other forever.

    It belongs to an organisation and mode like tenant-owned rows, but as a log it does not
    hold the organisation: no foreign key, so an organisation's events never stop it from
    being removed. Its one index serves the worker's search for undispatched events: every
    index more would be paid by every change."""

    __tablename__ = "domain_events"
    __table_args__ = (Index("ix_domain_events_pending", "dispatched_on", "occurred_on"),)

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(String(36), nullable=False)
    is_test: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    event: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False)
    user_id: Mapped[str | None] = mapped_column(String(36))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    depth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    occurred_on: Mapped[datetime] = created_on_column()
    dispatched_on: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Automation(TenantOwned, Base):
    """An automation: when ``entity``'s ``event`` happens in its organisation and mode and it
    is ACTIVE, its actions run in order (spec: Automations)."""

    __tablename__ = "automations"
    __table_args__ = (
        Index("ix_automations_trigger", "organisation_id", "is_test", "entity", "event"),
    )

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    life_cycle_state: Mapped[str] = mapped_column(String(16), nullable=False, default="INACTIVE")
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    event: Mapped[str] = mapped_column(String(60), nullable=False)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class AutomationAction(Base):
    """One action of an automation's sequence: an adaptor's action with its parameters and
    filters (JSON lists in the spec's shape), run in ``order``."""

    __tablename__ = "automation_actions"

    id: Mapped[str] = id_column()
    automation_id: Mapped[str] = mapped_column(
        ForeignKey("automations.id"), index=True, nullable=False
    )
    order: Mapped[int] = mapped_column(Integer, nullable=False)
    path: Mapped[str | None] = mapped_column(String(40))
    adaptor: Mapped[str] = mapped_column(String(40), nullable=False)
    adaptor_action: Mapped[str] = mapped_column(String(60), nullable=False)
    parameters: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    filters: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)


class AutomationRun(TenantOwned, Base):
    """One automation running for one event: the position (index into the ordered actions)
    reached and the state RUNNING, WAITING_APPROVAL, COMPLETED, STOPPED or FAILED. ``steps``
    records each action's outcome: ``[{"order", "adaptor_action", "outcome", "on"}]``."""

    __tablename__ = "automation_runs"
    __table_args__ = (
        UniqueConstraint("event_id", "automation_id"),
        Index("ix_automation_runs_state", "state", "updated_on"),
    )

    id: Mapped[str] = id_column()
    automation_id: Mapped[str] = mapped_column(
        ForeignKey("automations.id", ondelete="CASCADE"), index=True, nullable=False
    )
    event_id: Mapped[str] = mapped_column(ForeignKey("domain_events.id"), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="RUNNING")
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
