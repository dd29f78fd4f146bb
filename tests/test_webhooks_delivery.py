"""Webhook delivery (DESIGN.md §7) against a real HTTP receiver on 127.0.0.1: signed requests
verified with the ``standardwebhooks`` package, retries with the same webhook-id, every attempt
listed by GET /webhook_requests, a crashed worker's lease, two workers delivering once."""

import asyncio
import time
from typing import Any

import pytest
from sqlalchemy import update
from standardwebhooks import Webhook as StandardWebhook

from app.db.base import utcnow
from app.db.engine import Database, create_engine
from app.db.models import WebhookRequest
from app.onboarding import BootstrapResult, bootstrap
from app.webhooks.delivery import _claim, deliver_due_requests, delivery_job
from app.webhooks.service import queue_webhook_request
from app.worker.runner import Worker
from tests.conftest import Api
from tests.webhook_receiver import webhook_receiver

PAYLOAD = {
    "type": "contacts.register_customer",
    "timestamp": "2026-11-29T23:00:00Z",
    "data": {"contact_id": "123456789012-ABCD", "amount": 20.45, "name": "Ανδρέας"},
}


async def _create_webhook(api: Api, url: str, **fields: Any) -> tuple[str, str]:
    body = {"name": "CRMdotCOM Delivery", "url_endpoint": url, "wait_period": 0, **fields}
    created = await api.rest("POST", "/webhooks", body)
    assert created.status_code == 200, created.text
    return created.json()["id"], created.json()["signing_secret"]


async def _queue(db: Database, organisation_id: str, webhook_id: str, **kw: Any) -> str:
    async with db.write() as session:
        request = await queue_webhook_request(
            session, organisation_id=organisation_id, webhook_id=webhook_id, payload=PAYLOAD, **kw
        )
        return request.id


async def _until(check: Any, seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_a_request_is_retried_with_one_webhook_id_and_every_attempt_is_listed(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    with webhook_receiver([500, 500]) as receiver:
        webhook_id, secret = await _create_webhook(
            api,
            receiver.url,
            url_auth="USERNAME_PASSWORD",
            username="johndoe",
            password="crm.com",
            retries=3,
        )
        assert secret.startswith("whsec_")
        request_id = await _queue(
            db,
            tenant.organisation_id,
            webhook_id,
            entity_type="CONTACT",
            entity_reference="C123",
        )

        async def delivered() -> Any:
            page = await api.rest("GET", "/webhook_requests", params={"state": "SUCCESS"})
            return page.json()["content"]

        (listed,) = await _until(delivered)

    assert len(receiver.received) == 3
    verifier = StandardWebhook(secret)
    for got in receiver.received:
        assert got.method == "POST" and got.path == "/hooks"
        assert got.headers["webhook-id"] == request_id  # the same on every attempt
        assert verifier.verify(got.body, got.headers) == PAYLOAD
        assert got.headers["authorization"].startswith("Basic ")
    assert listed["id"] == request_id
    assert listed["state"] == "SUCCESS" and listed["retries"] == 2
    assert listed["url_endpoint"] == receiver.url and listed["url_auth"] == "USERNAME_PASSWORD"
    assert listed["body"] == receiver.received[0].body.decode()
    assert listed["response"] == '{"received": true}'
    assert listed["webhook"] == {"id": webhook_id, "name": "CRMdotCOM Delivery"}
    assert listed["entity"] == {"type": "CONTACT", "reference": "C123"}
    assert [(a["attempt"], a["state"], a["response_status"]) for a in listed["attempts"]] == [
        (1, "FAILED", 500),
        (2, "FAILED", 500),
        (3, "SUCCESS", 200),
    ]
    assert isinstance(listed["created_on"], int)

    counts = (await api.rest("GET", f"/webhooks/{webhook_id}")).json()["content"][0]
    assert (counts["pending_requests"], counts["successful_requests"]) == (0, 1)
    ready = (await api.client.get("/ready")).json()["worker"]["webhook_deliveries"]
    assert ready["queue_depth"] == 0 and ready["oldest_pending_on"] is None
    assert isinstance(ready["last_claim_on"], int)
    metrics = (await api.client.get("/metrics")).text
    assert 'crm_gateway_webhook_deliveries_total{outcome="success"}' in metrics
    assert "crm_gateway_webhook_queue_depth" in metrics


async def test_exhausted_retries_dead_letter_the_request_and_resend_delivers_it(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    with webhook_receiver([503, 503, 503]) as receiver:
        webhook_id, secret = await _create_webhook(
            api, receiver.url, method="PUT", url_auth="API_KEY", api_key="k-12345678", retries=1
        )
        request_id = await _queue(db, tenant.organisation_id, webhook_id)

        async def failed() -> Any:
            page = await api.rest("GET", "/webhook_requests", params={"state": "FAILED"})
            return page.json()["content"]

        (dead,) = await _until(failed)
        assert len(receiver.received) == 2
        assert [a["state"] for a in dead["attempts"]] == ["FAILED", "FAILED"]
        assert dead["response"] == '{"error": "try again"}'
        listed = await api.rest("GET", "/webhooks", params={"has_failed_requests": "true"})
        assert [w["id"] for w in listed.json()["content"]] == [webhook_id]

        resent = await api.rest(
            "POST",
            "/webhook_requests/actions",
            {"action": "RESEND", "webhook_requests": [request_id]},
        )
        assert resent.status_code == 200, resent.text
        assert [(r["id"], r["state"]) for r in resent.json()["content"]] == [
            (request_id, "PENDING")
        ]

        async def success() -> Any:
            page = await api.rest("GET", "/webhook_requests", params={"state": "SUCCESS"})
            return page.json()["content"]

        (done,) = await _until(success)
        again = await api.rest(
            "POST",
            "/webhook_requests/actions",
            {"action": "RESEND", "webhook_requests": [request_id]},
        )
    assert again.status_code == 409
    assert again.json()["parameters"] == ["webhook_request", request_id]
    assert [a["state"] for a in done["attempts"]] == ["FAILED", "FAILED", "FAILED", "SUCCESS"]
    assert {got.headers["webhook-id"] for got in receiver.received} == {request_id}
    assert all(got.method == "PUT" for got in receiver.received)
    assert all(got.headers["api_key"] == "k-12345678" for got in receiver.received)
    assert all(StandardWebhook(secret).verify(got.body, got.headers) for got in receiver.received)


async def _standalone_tenant(db: Database) -> BootstrapResult:
    result = await bootstrap(db)
    assert result is not None
    return result


async def _webhook_row(db: Database, organisation_id: str, url: str) -> str:
    from app.db.models import Webhook

    async with db.write() as session:
        row = Webhook(
            organisation_id=organisation_id,
            is_test=False,
            name="Receiver",
            method="POST",
            url_endpoint=url,
            url_auth="NO_AUTH",
            retries=3,
            wait_period=0,
            signing_secret="whsec_" + "A" * 44,
        )
        session.add(row)
        await session.flush()
        return row.id


async def _states(db: Database) -> dict[str, str]:
    from sqlalchemy import select

    async with db.read() as session:
        rows = (await session.execute(select(WebhookRequest.id, WebhookRequest.state))).all()
    return {row[0]: row[1] for row in rows}


async def test_a_worker_killed_mid_delivery_leaves_a_lease_and_the_next_one_delivers(
    db: Database,
) -> None:
    tenant = await _standalone_tenant(db)
    with webhook_receiver(delay_seconds=1.0) as receiver:
        webhook_id = await _webhook_row(db, tenant.organisation_id, receiver.url)
        request_id = await _queue(db, tenant.organisation_id, webhook_id)
        crashed = asyncio.create_task(deliver_due_requests(db))
        await _until(lambda: _received(receiver))
        crashed.cancel()  # the process dies while the receiver is answering
        with pytest.raises(asyncio.CancelledError):
            await crashed
        assert await _states(db) == {request_id: "PENDING"}
        assert await deliver_due_requests(db) == 0  # leased: nobody else takes it meanwhile
        async with db.write() as session:  # the lease runs out
            await session.execute(
                update(WebhookRequest).values(locked_until=utcnow().replace(year=2000))
            )
        receiver.delay_seconds = 0
        assert await deliver_due_requests(db) == 1
    assert await _states(db) == {request_id: "SUCCESS"}
    assert [got.headers["webhook-id"] for got in receiver.received] == [request_id, request_id]


async def _received(receiver: Any) -> bool:
    return bool(receiver.received)


async def test_a_claimed_request_is_not_claimed_again(db: Database) -> None:
    tenant = await _standalone_tenant(db)
    webhook_id = await _webhook_row(db, tenant.organisation_id, "http://127.0.0.1:9/none")
    await _queue(db, tenant.organisation_id, webhook_id)
    first = await _claim(db, "token-a", 1.0)
    assert len(first) == 1
    assert await _claim(db, "token-b", 1.0) == []


async def test_two_workers_on_one_database_deliver_each_request_once(
    db: Database, database_url: str
) -> None:
    tenant = await _standalone_tenant(db)
    other = Database(create_engine(database_url, pool_size=2))
    with webhook_receiver([500] * 5) as receiver:
        webhook_id = await _webhook_row(db, tenant.organisation_id, receiver.url)
        ids = [await _queue(db, tenant.organisation_id, webhook_id) for _ in range(12)]
        workers = [Worker(database, [delivery_job(5.0)]) for database in (db, other)]
        tasks = [asyncio.create_task(worker.run()) for worker in workers]

        async def all_delivered() -> bool:
            return set((await _states(db)).values()) == {"SUCCESS"}

        try:
            await _until(all_delivered, seconds=30)
        finally:
            for worker in workers:
                worker.stop()
            await asyncio.gather(*tasks)
            await other.dispose()
    successes = [got.headers["webhook-id"] for got in receiver.received]
    assert sorted(successes[5:]) == sorted(ids)  # after the five 500s, each delivered once
    assert len(receiver.received) == 12 + 5


async def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(db: Database) -> None:
    tenant = await _standalone_tenant(db)
    with webhook_receiver(delay_seconds=6.0) as receiver:
        webhook_id = await _webhook_row(db, tenant.organisation_id, receiver.url)
        request_id = await _queue(db, tenant.organisation_id, webhook_id)
        started = time.monotonic()
        assert await deliver_due_requests(db, send_seconds=0.5) == 1
        assert time.monotonic() - started < 5.0  # the receiver takes 6 s
    from sqlalchemy import select

    from app.db.models import WebhookRequestAttempt

    async with db.read() as session:
        (attempt,) = (await session.execute(select(WebhookRequestAttempt))).scalars()
        request = await session.get(WebhookRequest, request_id)
    assert attempt.state == "FAILED" and attempt.response_status is None
    assert attempt.error == "no answer within 0.5 s"
    assert request is not None and request.state == "PENDING" and request.attempts == 1
    assert request.response == "no answer within 0.5 s"
