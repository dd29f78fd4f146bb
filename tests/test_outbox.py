"""The outbox: messages queued in the caller's transaction, kept without SMTP, sent to a real
SMTP server (aiosmtpd on 127.0.0.1) with retries, listed and downloaded through both doors."""

import asyncio
import base64
import email
import socket
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import OutboxMessage
from app.errors import InvalidInput
from app.messages import Attachment, MessageState, queue_message
from app.messages.outbox import send_due_messages
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_wallets import other_business

CSV = b"Code,Name\r\nC-1,Jane Smith\r\n"


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[Envelope, Message]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.received.append((envelope, email.message_from_bytes(content)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A real SMTP server on 127.0.0.1 that the gateway is configured to send through (ask
    for it before the gateway, so that no worker round has read the settings without it)."""
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CRM_GATEWAY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CRM_GATEWAY_SMTP_PORT", str(port))
    monkeypatch.setenv("CRM_GATEWAY_SMTP_STARTTLS", "false")
    monkeypatch.setenv("CRM_GATEWAY_SMTP_FROM_ADDRESS", "reports@crm.example")
    try:
        yield inbox
    finally:
        controller.stop()


async def _queue(
    db: Database, organisation_id: str, *, is_test: bool = False, to: list[str] | None = None
) -> str:
    async with db.write() as session:
        message = await queue_message(
            session,
            organisation_id=organisation_id,
            to=to or ["jane@example.com", "ops@example.com", "jane@example.com"],
            subject="Contacts Summary",
            body_text="The report is attached.\n",
            attachments=[Attachment("contacts.csv", "text/csv", CSV)],
            origin="REPORT",
            is_test=is_test,
        )
        return message.id


async def _settled(db: Database, message_id: str, *states: str) -> OutboxMessage:
    """The message once it is in one of ``states`` (the gateway's worker works on it)."""
    for _ in range(200):
        async with db.read() as session:
            message = await session.get(OutboxMessage, message_id)
            assert message is not None
            if message.state in states:
                return message
        await asyncio.sleep(0.05)
    raise AssertionError(f"message {message_id} never reached {states}: {vars(message)}")


async def test_without_smtp_messages_are_kept_and_listed_through_both_doors(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    message_id = await _queue(db, tenant.organisation_id)
    kept = await _settled(db, message_id, MessageState.KEPT)
    assert kept.attempts == 0 and "CRM_GATEWAY_SMTP_HOST" in (kept.outcome or "")

    listed = await api.rest("GET", "/outbox_messages", params={"state": "KEPT"})
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["content"]
    assert item["id"] == message_id and item["state"] == "KEPT"
    assert item["recipients"] == ["jane@example.com", "ops@example.com"]
    assert item["attachments"] == [
        {"position": 1, "filename": "contacts.csv", "content_type": "text/csv", "size": len(CSV)}
    ]
    assert listed.json()["paging"]["total"] == 1
    none_sent = await api.rest("GET", "/outbox_messages", params={"state": "SENT"})
    assert none_sent.json()["paging"]["total"] == 0

    got = await api.rest("GET", f"/outbox_messages/{message_id}")
    assert got.status_code == 200 and got.json()["subject"] == "Contacts Summary"
    download = await api.rest("GET", f"/outbox_messages/{message_id}/attachments/1")
    assert download.status_code == 200
    assert base64.b64decode(download.json()["content"]) == CSV
    missing = await api.rest("GET", f"/outbox_messages/{message_id}/attachments/2")
    assert missing.status_code == 404
    assert missing.json()["parameters"] == ["attachment", f"{message_id}/2"]

    data = await api.data(
        """query ($id: ID!) {
            outbox_messages(filter: {states: [KEPT], origin: "REPORT"}) {
                content { id state attachments { filename content } }
            }
            outbox_attachment(id: $id, position: 1) { filename size content }
        }""",
        {"id": message_id},
    )
    (message,) = data["outbox_messages"]["content"]
    assert base64.b64decode(message["attachments"][0]["content"]) == CSV
    assert data["outbox_attachment"]["size"] == len(CSV)

    other = api.as_key(await other_business(db))
    assert (await other.rest("GET", f"/outbox_messages/{message_id}")).status_code == 404
    assert (await other.rest("GET", "/outbox_messages")).json()["paging"]["total"] == 0


async def test_with_smtp_a_message_is_sent_with_its_attachment(
    smtp_server: Inbox, api: Api, db: Database, tenant: BootstrapResult
) -> None:
    message_id = await _queue(db, tenant.organisation_id)
    sent = await _settled(db, message_id, MessageState.SENT, MessageState.FAILED)
    assert sent.state == MessageState.SENT, sent.last_error
    assert sent.attempts == 1 and sent.sent_on is not None
    assert (sent.outcome or "").endswith(": Message accepted for delivery")

    (envelope, received) = smtp_server.received[0]
    assert envelope.mail_from == "reports@crm.example"
    assert sorted(envelope.rcpt_tos) == ["jane@example.com", "ops@example.com"]
    assert received["Subject"] == "Contacts Summary"
    parts = [part for part in received.walk() if part.get_filename()]
    assert [part.get_filename() for part in parts] == ["contacts.csv"]
    assert parts[0].get_payload(decode=True) == CSV
    assert len(smtp_server.received) == 1

    got = (await api.rest("GET", f"/outbox_messages/{message_id}")).json()
    assert got["state"] == "SENT" and got["attempts"] == 1
    again = await api.graphql(
        "mutation ($id: ID!) { send_outbox_message(id: $id) { state } }", {"id": message_id}
    )
    assert again["errors"][0]["extensions"]["status"] == 409


async def test_test_mode_messages_are_kept_even_with_smtp(
    smtp_server: Inbox, db: Database, tenant: BootstrapResult
) -> None:
    message_id = await _queue(db, tenant.organisation_id, is_test=True)
    kept = await _settled(db, message_id, MessageState.KEPT, MessageState.SENT)
    assert kept.state == MessageState.KEPT and smtp_server.received == []


@pytest.fixture
def unreachable_smtp(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """SMTP settings naming a port of 127.0.0.1 where nothing listens, two attempts."""
    monkeypatch.setenv("CRM_GATEWAY_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CRM_GATEWAY_SMTP_PORT", str(_free_port()))
    monkeypatch.setenv("CRM_GATEWAY_SMTP_STARTTLS", "false")
    monkeypatch.setenv("CRM_GATEWAY_SMTP_MAX_ATTEMPTS", "2")
    return monkeypatch


async def test_a_failing_smtp_server_is_retried_then_the_message_fails(
    unreachable_smtp: pytest.MonkeyPatch, api: Api, db: Database, tenant: BootstrapResult
) -> None:
    monkeypatch = unreachable_smtp
    message_id = await _queue(db, tenant.organisation_id)
    for _ in range(200):
        async with db.read() as session:
            message = await session.get(OutboxMessage, message_id)
            assert message is not None
        if message.attempts:
            break
        await asyncio.sleep(0.05)
    assert message.state == MessageState.QUEUED and message.attempts == 1
    assert message.last_error and message.next_attempt_on is not None
    # The retry is due later (backoff): nothing is done now.
    assert await send_due_messages(db) == 0

    async with db.write() as session:
        stored = await session.get(OutboxMessage, message_id)
        assert stored is not None
        stored.next_attempt_on = None
    # The second attempt: this call or the gateway's own worker, whichever looks first.
    await send_due_messages(db)
    failed = await _settled(db, message_id, MessageState.FAILED)
    assert failed.attempts == 2

    # Queued again through the API once the problem is fixed (here: no SMTP, so kept).
    monkeypatch.delenv("CRM_GATEWAY_SMTP_HOST")
    data = await api.data(
        "mutation ($id: ID!) { send_outbox_message(id: $id) { state attempts } }",
        {"id": message_id},
    )
    assert data["send_outbox_message"] == {"state": "QUEUED", "attempts": 0}
    await _settled(db, message_id, MessageState.KEPT)


async def test_queue_message_refuses_a_malformed_address(
    db: Database, tenant: BootstrapResult
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await _queue(db, tenant.organisation_id, to=["jane@example.com", "not an address"])
    assert refused.value.field == "to[1]"
    async with db.read() as session:
        assert (await session.execute(select(OutboxMessage))).first() is None
