"""Writing outbound messages, reading the outbox, and the job that sends or keeps them.

A message is written in the caller's transaction (:func:`queue_message`) as QUEUED; the outbox
job (:func:`send_due_messages`) then either sends it by SMTP (SENT; on failure it retries with
a doubling backoff from :data:`FIRST_RETRY_SECONDS`, and after ``max_attempts`` it is FAILED)
or, when no SMTP server is configured or the message is test-mode data, keeps it in the outbox
(KEPT). Every outcome is recorded on the message (``attempts``, ``outcome``, ``last_error``).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum
from typing import Any

import aiosmtplib
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import OutboxAttachment, OutboxMessage
from app.db.repository import ChildRepository, TenantRepository
from app.errors import Conflict, InvalidInput, NotFound
from app.messages.smtp import SmtpSettings, build_email, read_smtp_settings, send_email
from app.pagination import Page, PageRequest, fetch_page
from app.worker.job import has_due_rows
from app.worker.wake import wake_after_commit

OUTBOX = TenantRepository(OutboxMessage)
ATTACHMENTS = ChildRepository(OutboxAttachment, OUTBOX, "message_id")

BATCH_SIZE = 20
LEASE = timedelta(minutes=5)
FIRST_RETRY_SECONDS = 30
DEFAULT_SORT = "created_on"
SORT_COLUMNS = {"created_on": OutboxMessage.created_on, "state": OutboxMessage.state}
NO_SMTP = "No SMTP server is configured (CRM_GATEWAY_SMTP_HOST): kept in the outbox."
TEST_MODE = "A test-mode message: kept in the outbox, never sent."


class MessageState(StrEnum):
    """Where an outbound message is: QUEUED (to be sent), SENT, FAILED (attempts ran out) or
    KEPT (in the outbox only: no SMTP server, or test mode)."""

    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
    KEPT = "KEPT"


@dataclass(frozen=True)
class Attachment:
    """A file to attach: its name, MIME type (``text/csv``) and bytes."""

    filename: str
    content_type: str
    content: bytes


def _checked_addresses(to: list[str]) -> list[str]:
    addresses: list[str] = []
    for index, address in enumerate(to):
        _, parsed = parseaddr(address)
        local, at, domain = parsed.rpartition("@")
        if not at or not local or not domain or parsed != address.strip():
            raise InvalidInput(f"to[{index}]", f"{address!r} is not an e-mail address")
        if parsed not in addresses:
            addresses.append(parsed)
    if not addresses:
        raise InvalidInput("to", "at least one e-mail address is required")
    return addresses


async def queue_message(
    session: AsyncSession,
    *,
    organisation_id: str,
    to: list[str],
    subject: str,
    body_text: str,
    attachments: list[Attachment] | None = None,
    origin: str,
    is_test: bool = False,
) -> OutboxMessage:
    """Write an e-mail to ``to`` (addresses, duplicates dropped) in ``session``'s transaction,
    QUEUED for the outbox job, which is woken when the transaction commits. ``origin`` says
    what wrote it (``REPORT``, ``AUTOMATION``...); ``is_test`` marks test-mode data (kept,
    never sent). Raises ``InvalidInput`` naming ``to[i]`` for a malformed address."""
    message = OutboxMessage(
        organisation_id=organisation_id,
        is_test=is_test,
        origin=origin,
        recipients=_checked_addresses(to),
        subject=subject[:300],
        body_text=body_text,
        state=MessageState.QUEUED,
        attempts=0,
    )
    session.add(message)
    await session.flush()
    for position, attachment in enumerate(attachments or [], start=1):
        session.add(
            OutboxAttachment(
                message_id=message.id,
                position=position,
                filename=attachment.filename,
                content_type=attachment.content_type,
                size=len(attachment.content),
                content=attachment.content,
            )
        )
    await session.flush()
    wake_after_commit(session)
    return message


@dataclass(frozen=True)
class OutboxSearch:
    """Outbox list filters: each given one narrows the list."""

    states: list[str] = field(default_factory=list)
    origin: str | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search."""
        conditions: list[Any] = []
        if self.states:
            conditions.append(OutboxMessage.state.in_(self.states))
        if self.origin:
            conditions.append(OutboxMessage.origin == self.origin)
        return conditions


async def search_messages(
    session: AsyncSession, principal: Principal, request: PageRequest, search: OutboxSearch
) -> Page[OutboxMessage]:
    """A page of the caller's outbox (newest first by default)."""
    stmt = OUTBOX.readable(principal).where(*search.conditions())
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def get_message(
    session: AsyncSession, principal: Principal, message_id: str
) -> OutboxMessage:
    """The caller's message (404 naming the outbox message otherwise)."""
    return await OUTBOX.lookup(session, principal, "outbox_message", message_id)


async def get_attachment(
    session: AsyncSession, principal: Principal, message_id: str, position: int
) -> OutboxAttachment:
    """Attachment number ``position`` (from 1) of the caller's message (404 otherwise)."""
    await get_message(session, principal, message_id)
    stmt = ATTACHMENTS.readable(principal).where(
        OutboxAttachment.message_id == message_id, OutboxAttachment.position == position
    )
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("attachment", f"{message_id}/{position}")
    return found


def attachment_order(attachment: Any = OutboxAttachment) -> list[Any]:
    """A message's attachments: in the order they were given."""
    return [attachment.position]


async def send_again(session: AsyncSession, principal: Principal, message_id: str) -> OutboxMessage:
    """Queue a KEPT or FAILED message of the caller's to be sent again (attempts start over);
    a QUEUED or SENT one is a 409."""
    stmt = OUTBOX.writable(principal).where(OutboxMessage.id == message_id)
    message = (await session.execute(stmt)).scalar_one_or_none()
    if message is None:
        raise NotFound("outbox_message", message_id)
    if message.state not in (MessageState.KEPT, MessageState.FAILED):
        raise Conflict(f"A {message.state} message cannot be sent again.", ["state", message.state])
    message.state = MessageState.QUEUED
    message.attempts = 0
    message.next_attempt_on = None
    message.last_error = None
    await session.flush()
    wake_after_commit(session)
    return message


def _due(now: datetime) -> list[Any]:
    return [
        OutboxMessage.state == MessageState.QUEUED,
        or_(OutboxMessage.next_attempt_on.is_(None), OutboxMessage.next_attempt_on <= now),
        or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now),
    ]


async def _claim(db: Database, smtp: SmtpSettings) -> tuple[int, list[str]]:
    """Keep what cannot be sent and lease the rest: (messages kept, ids to send)."""
    now = utcnow()
    kept = 0
    to_send: list[str] = []
    async with db.write() as session:
        stmt = (
            select(OutboxMessage)
            .where(*_due(now))
            .order_by(OutboxMessage.created_on, OutboxMessage.id)
            .limit(BATCH_SIZE)
            .with_for_update(skip_locked=True)
        )
        for message in (await session.execute(stmt)).scalars():
            if message.is_test or not smtp.configured:
                message.state = MessageState.KEPT
                message.outcome = TEST_MODE if message.is_test else NO_SMTP
                kept += 1
            else:
                message.locked_until = now + LEASE
                to_send.append(message.id)
    return kept, to_send


async def _send_one(db: Database, smtp: SmtpSettings, message_id: str) -> None:
    """Send one leased message and record the outcome."""
    async with db.read() as session:
        message = await session.get(OutboxMessage, message_id)
        stmt = select(OutboxAttachment).where(OutboxAttachment.message_id == message_id)
        attachments = list((await session.execute(stmt.order_by(*attachment_order()))).scalars())
    if message is None:
        return
    email = build_email(
        smtp,
        to=list(message.recipients),
        subject=message.subject,
        body_text=message.body_text,
        attachments=[(a.filename, a.content_type, a.content) for a in attachments],
        message_id=message.id,
    )
    reply: str | None = None
    error: str | None = None
    try:
        reply = await send_email(smtp, email)
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:1000]
    async with db.write() as session:
        stored = await session.get(OutboxMessage, message_id, with_for_update=True)
        if stored is None:
            return
        stored.attempts += 1
        stored.locked_until = None
        if error is None:
            stored.state = MessageState.SENT
            stored.sent_on = utcnow()
            stored.outcome = reply
            stored.last_error = None
        elif stored.attempts >= smtp.max_attempts:
            stored.state = MessageState.FAILED
            stored.last_error = error
        else:
            backoff = FIRST_RETRY_SECONDS * 2 ** (stored.attempts - 1)
            stored.next_attempt_on = utcnow() + timedelta(seconds=backoff)
            stored.last_error = error


async def send_due_messages(db: Database) -> int:
    """The outbox job's round: keep or send a batch of due messages; how many it finished.
    With none due it answers 0 after one read (the SMTP settings are read only when a message
    is due, so an operator's change is still seen without a restart)."""
    if not await has_due_rows(db, select(OutboxMessage.id).where(*_due(utcnow()))):
        return 0
    smtp = read_smtp_settings()
    kept, to_send = await _claim(db, smtp)
    for message_id in to_send:
        await _send_one(db, smtp, message_id)
    return kept + len(to_send)


async def outbox_health(db: Database) -> dict[str, Any]:
    """The outbox's queue for ``/ready``: QUEUED messages and the oldest one's creation."""
    async with db.read() as session:
        depth, oldest = (
            await session.execute(
                select(func.count(), func.min(OutboxMessage.created_on)).where(
                    OutboxMessage.state == MessageState.QUEUED
                )
            )
        ).one()
    oldest_on = oldest.timestamp() if isinstance(oldest, datetime) else None
    return {"queue_depth": depth, "oldest_pending_on": int(oldest_on) if oldest_on else None}
