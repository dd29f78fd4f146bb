"""Webhooks of an organisation, the requests queued for them and every attempt to deliver one."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column, utcnow
from app.db.models.tenancy import TenantOwned


class Webhook(TenantOwned, Base):
    """A receiver of signed HTTP requests: where (``url_endpoint``), how (``method``, the
    ``url_auth`` credentials) and how hard to try (``retries`` after the first attempt,
    ``wait_period`` seconds before the first retry, doubling after each).

    ``password``, ``api_key`` and ``signing_secret`` are kept as given (they must be sent, or
    used to sign, as they are); the API shows the signing secret only when it is made.
    """

    __tablename__ = "webhooks"
    __table_args__ = (
        Index("ix_webhooks_tenant_created", "organisation_id", "is_test", "created_on"),
    )

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    method: Mapped[str] = mapped_column(String(8), nullable=False, default="POST")
    url_endpoint: Mapped[str] = mapped_column(String(2000), nullable=False)
    url_auth: Mapped[str] = mapped_column(String(32), nullable=False, default="NO_AUTH")
    username: Mapped[str | None] = mapped_column(String(200))
    password: Mapped[str | None] = mapped_column(String(200))
    api_key: Mapped[str | None] = mapped_column(String(500))
    retries: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    wait_period: Mapped[int] = mapped_column(Integer, nullable=False, default=60)
    signing_secret: Mapped[str] = mapped_column(String(100), nullable=False)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class WebhookRequest(TenantOwned, Base):
    """One message for a webhook (its ``id`` is the ``webhook-id`` header of every attempt).

    ``state`` is PENDING until an attempt succeeds (SUCCESS) or the attempts allowed are used
    up (FAILED: dead-lettered until resent). A worker that claims it holds it until
    ``locked_until`` (its lease, token ``locked_by``); ``next_attempt_on`` is when it is due.
    """

    __tablename__ = "webhook_requests"
    __table_args__ = (
        Index("ix_webhook_requests_tenant_created", "organisation_id", "is_test", "created_on"),
        Index("ix_webhook_requests_due", "state", "next_attempt_on"),
    )

    id: Mapped[str] = id_column()
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id"), index=True, nullable=False)
    event_id: Mapped[str | None] = mapped_column(String(36))
    automation_id: Mapped[str | None] = mapped_column(String(36), index=True)
    action_id: Mapped[str | None] = mapped_column(String(36))
    entity_type: Mapped[str | None] = mapped_column(String(32))
    entity_reference: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="PENDING")
    method: Mapped[str] = mapped_column(String(8), nullable=False)
    url_endpoint: Mapped[str] = mapped_column(String(2000), nullable=False)
    url_auth: Mapped[str] = mapped_column(String(32), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    attempts_allowed: Mapped[int] = mapped_column(Integer, nullable=False)
    next_attempt_on: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(36))
    delivered_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class WebhookRequestAttempt(Base):
    """One attempt to deliver a webhook request: what answered (status, body truncated to
    :data:`app.webhooks.signing.MAX_RESPONSE_CHARS`) or why nothing did (``error``)."""

    __tablename__ = "webhook_request_attempts"

    id: Mapped[str] = id_column()
    webhook_request_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_requests.id"), index=True, nullable=False
    )
    attempt: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    url_endpoint: Mapped[str] = mapped_column(String(2000), nullable=False)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(String(500))
    started_on: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    finished_on: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
