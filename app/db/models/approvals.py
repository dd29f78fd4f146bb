"""Approval requests that automations create, who may decide them, and their responses."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class ApprovalRequest(TenantOwned, Base):
    """A request for approval of an entity (spec: Approval requests), PENDING until it is
    APPROVED (``required_approvals`` approvals) or REJECTED (one rejection). ``run_id`` and
    ``position`` name the automation run step that waits for it."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        Index("ix_approval_requests_tenant_created", "organisation_id", "is_test", "created_on"),
    )

    id: Mapped[str] = id_column()
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="PENDING")
    description: Mapped[str | None] = mapped_column(Text)
    entity_type: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    entity_reference: Mapped[str | None] = mapped_column(String(200))
    automation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    automation_name: Mapped[str | None] = mapped_column(String(200))
    run_id: Mapped[str | None] = mapped_column(String(36), index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    requested_by_user_id: Mapped[str | None] = mapped_column(String(36), index=True)
    required_approvals: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_on: Mapped[datetime] = created_on_column()
    decided_on: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApprovalCondition(Base):
    """Who may decide an approval request: a USER, a TEAM's members, the holders of a ROLE
    (by role code), or a CONTACT (a customer approval)."""

    __tablename__ = "approval_conditions"

    id: Mapped[str] = id_column()
    approval_request_id: Mapped[str] = mapped_column(
        ForeignKey("approval_requests.id"), index=True, nullable=False
    )
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    target_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ApprovalResponse(Base):
    """One decision on an approval request: who (a user, or a contact), APPROVED or REJECTED,
    the reason given and when."""

    __tablename__ = "approval_responses"

    id: Mapped[str] = id_column()
    approval_request_id: Mapped[str] = mapped_column(
        ForeignKey("approval_requests.id"), index=True, nullable=False
    )
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    message: Mapped[str | None] = mapped_column(Text)
    authorised_by_type: Mapped[str] = mapped_column(String(16), nullable=False)
    authorised_by_id: Mapped[str] = mapped_column(String(36), nullable=False)
    authorised_on: Mapped[datetime] = created_on_column()
