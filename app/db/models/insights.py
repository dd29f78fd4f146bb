"""Customer events (purchases, spends, awards...) and insights: saved questions over them.

``CustomerEvent.properties`` is free JSON (``{"venue": {"name": ...}, "products": [...]}``),
stored as JSONB on PostgreSQL (with a GIN index for containment searches) and as JSON text on
SQLite; insights read its properties with SQLAlchemy's JSON path operators, which render
``json_extract`` on SQLite and ``#>>`` on PostgreSQL.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Money, UtcDateTime, created_on_column, id_column, utcnow
from app.db.models.tenancy import TenantOwned

PROPERTIES_TYPE = JSON().with_variant(JSONB(), "postgresql")
"""Free JSON properties: JSONB on PostgreSQL, JSON text on SQLite."""


class CustomerEvent(TenantOwned, Base):
    """Something a contact did at an organisation (a venue or merchant) at ``occurred_on``.

    ``organisation_id`` is the organisation the event happened at (the caller's or one below
    it); ``amount`` is in ``currency_code``'s major unit (both absent for events without money).
    """

    __tablename__ = "customer_events"
    __table_args__ = (
        # Insights and searches read a network's events of some types over a period.
        Index("ix_customer_events_type_occurred", "type", "occurred_on"),
        Index("ix_customer_events_tenant_occurred", "organisation_id", "is_test", "occurred_on"),
        Index("ix_customer_events_contact_occurred", "contact_id", "occurred_on"),
        Index("ix_customer_events_properties", "properties", postgresql_using="gin"),
    )

    id: Mapped[str] = id_column()
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), nullable=False)
    amount: Mapped[Decimal | None] = mapped_column(Money())
    currency_code: Mapped[str | None] = mapped_column(String(3))
    occurred_on: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    properties: Mapped[dict[str, Any]] = mapped_column(
        PROPERTIES_TYPE, nullable=False, default=dict
    )
    created_on: Mapped[datetime] = created_on_column()


class Insight(TenantOwned, Base):
    """A saved insight: its events, filters and breakdowns are rows of their own tables."""

    __tablename__ = "insights"
    __table_args__ = (
        Index("ix_insights_tenant_created", "organisation_id", "is_test", "created_on"),
    )

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    refresh_frequency: Mapped[int | None] = mapped_column(Integer)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class InsightEvent(Base):
    """One event an insight measures: its type, frequency or total of a property, criteria."""

    __tablename__ = "insight_events"

    id: Mapped[str] = id_column()
    insight_id: Mapped[str] = mapped_column(ForeignKey("insights.id"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str | None] = mapped_column(String(200))
    event_name: Mapped[str] = mapped_column(String(16), nullable=False)
    is_frequency: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    property_name: Mapped[str | None] = mapped_column(String(200))
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)


class InsightFilter(Base):
    """One filter of an insight on a CONTACT or EVENT property."""

    __tablename__ = "insight_filters"

    id: Mapped[str] = id_column()
    insight_id: Mapped[str] = mapped_column(ForeignKey("insights.id"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    property_name: Mapped[str | None] = mapped_column(String(200))
    operator: Mapped[str | None] = mapped_column(String(32))
    min_value: Mapped[str | None] = mapped_column(String(200))
    max_value: Mapped[str | None] = mapped_column(String(200))
    value_list: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class InsightBreakdown(Base):
    """One breakdown level of an insight (``position`` 0 is level 1) by a property."""

    __tablename__ = "insight_breakdowns"

    id: Mapped[str] = id_column()
    insight_id: Mapped[str] = mapped_column(ForeignKey("insights.id"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    property_name: Mapped[str | None] = mapped_column(String(200))


class InsightExport(TenantOwned, Base):
    """A CSV file made from an insight's results (or its underlying events), kept under the
    exports folder (``CRM_GATEWAY_EXPORTS_DIR``) as ``file_name``."""

    __tablename__ = "insight_exports"

    id: Mapped[str] = id_column()
    insight_id: Mapped[str] = mapped_column(ForeignKey("insights.id"), index=True, nullable=False)
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    format: Mapped[str] = mapped_column(String(8), nullable=False)
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    size: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_on: Mapped[datetime] = created_on_column()
