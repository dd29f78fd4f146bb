"""Outbound e-mail messages (the outbox) and their attachments."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class OutboxMessage(TenantOwned, Base):
    """An e-mail the gateway sends (or keeps, without SMTP): ``state`` is QUEUED until the
    outbox job sends it (SENT), gives up after its attempts (FAILED) or keeps it because no
    SMTP server is configured or it is test-mode data (KEPT). ``origin`` says what wrote it
    (REPORT, AUTOMATION...)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_tenant_created", "organisation_id", "is_test", "created_on"),
        Index("ix_outbox_messages_due", "state", "next_attempt_on"),
    )

    id: Mapped[str] = id_column()
    origin: Mapped[str] = mapped_column(String(32), nullable=False)
    recipients: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="QUEUED")
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_on: Mapped[datetime] = created_on_column()
    outcome: Mapped[str | None] = mapped_column(Text)


class OutboxAttachment(Base):
    """A file attached to an outbox message; ``position`` numbers them from 1."""

    __tablename__ = "outbox_attachments"

    id: Mapped[str] = id_column()
    message_id: Mapped[str] = mapped_column(
        ForeignKey("outbox_messages.id"), index=True, nullable=False
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
