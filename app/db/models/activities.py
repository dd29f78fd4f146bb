"""Activities of an organisation with their links, states and tags."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column, utcnow
from app.db.models.tenancy import TenantOwned


class Activity(TenantOwned, Base):
    """Work to be done (a call, a visit): scheduled, assigned to a user and/or team;
    ``number`` (ACT and 8 digits) is unique per organisation and mode."""

    __tablename__ = "activities"
    __table_args__ = (
        UniqueConstraint("organisation_id", "is_test", "number"),
        Index("ix_activities_tenant_created", "organisation_id", "is_test", "created_on"),
    )

    id: Mapped[str] = id_column()
    number: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    type_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="PENDING")
    date: Mapped[datetime | None] = mapped_column(UtcDateTime())
    from_time: Mapped[str | None] = mapped_column(String(5))
    to_time: Mapped[str | None] = mapped_column(String(5))
    address_id: Mapped[str | None] = mapped_column(String(36))
    use_entity_address: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    custom_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ActivityLink(Base):
    """An entity an activity is linked to (``entity_type`` CONTACT, ORDER, LEAD...)."""

    __tablename__ = "activity_links"

    id: Mapped[str] = id_column()
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("activities.id"), index=True, nullable=False
    )
    entity_type: Mapped[str] = mapped_column(String(32), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ActivityStatusChange(Base):
    """One entry of an activity's dated history of states (the first is its creation)."""

    __tablename__ = "activity_statuses"

    id: Mapped[str] = id_column()
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("activities.id"), index=True, nullable=False
    )
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    date: Mapped[datetime] = created_on_column()


class ActivityTag(Base):
    """A tag on an activity; tags are named by id (the spec has no route that defines them)."""

    __tablename__ = "activity_tags"
    __table_args__ = (UniqueConstraint("activity_id", "tag_id"),)

    id: Mapped[str] = id_column()
    activity_id: Mapped[str] = mapped_column(
        ForeignKey("activities.id"), index=True, nullable=False
    )
    tag_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)
    created_on: Mapped[datetime] = created_on_column()
