"""Scheduled reports: a report definition, when it runs next and who receives it."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column, utcnow
from app.db.models.tenancy import TenantOwned


class ScheduledReport(TenantOwned, Base):
    """A report of a type (``contacts_summary``...) with its filters, columns and grouping,
    delivered as CSV or PDF to ``recipients`` (``[{recipient_type, recipient_id}]``; none: the
    requesting user). With a ``frequency`` (the spec's Quartz cron) it runs at every
    occurrence; without, once. ``next_scheduled`` is the next run (None: nothing due);
    ``locked_until`` the lease of the worker running it."""

    __tablename__ = "scheduled_reports"
    __table_args__ = (
        Index("ix_scheduled_reports_tenant_created", "organisation_id", "is_test", "created_on"),
        Index("ix_scheduled_reports_due", "next_scheduled"),
    )

    id: Mapped[str] = id_column()
    type: Mapped[str] = mapped_column(String(64), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False, default="CSV")
    filters_set: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    columns_set: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    group_by_set: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    period: Mapped[str | None] = mapped_column(String(16))
    frequency: Mapped[str | None] = mapped_column(String(120))
    recipients: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    requested_by_user_id: Mapped[str | None] = mapped_column(String(36))
    next_scheduled: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    runs: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_run_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
