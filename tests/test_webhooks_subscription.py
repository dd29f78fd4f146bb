"""The webhook request subscription over graphql-transport-ws on a real server (uvicorn) with a
real websocket client: authentication in ``connection_init``, updates as a request is queued
and delivered, other organisations' requests never shown."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app import live
from app.db.engine import Database
from app.onboarding import BootstrapResult
from app.webhooks.service import LIVE_TOPIC, queue_webhook_request
from tests.conftest import Api
from tests.webhook_receiver import webhook_receiver

SUBSCRIPTION = """subscription ($webhook_id: ID) {
    webhook_request_updates(webhook_id: $webhook_id) { id state retries attempts { state } }
}"""


@pytest.fixture
async def ws_url(gateway: Any) -> AsyncIterator[str]:
    """The gateway's /graphql websocket URL, served by uvicorn on a free port of 127.0.0.1."""
    app, _ = gateway
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.02)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


async def _message(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
    return message


async def subscribed(topic: str = LIVE_TOPIC) -> None:
    """Wait (10 s at most) until a subscription to ``topic`` is registered in this process."""
    for _ in range(500):
        if live.subscriber_count(topic):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"no subscription to {topic} was registered")


async def _open(url: str, payload: dict[str, Any]) -> ClientConnection:
    ws = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    return ws


async def test_a_signed_in_spa_is_told_of_each_change_of_its_webhook_requests(
    api: Api, db: Database, tenant: BootstrapResult, ws_url: str
) -> None:
    token = (
        await api.rest(
            "POST",
            "/users/authenticate",
            {"username": tenant.owner_email, "password": tenant.owner_password},
            key="",
        )
    ).json()["access_token"]
    with webhook_receiver([500]) as receiver:
        created = await api.rest(
            "POST", "/webhooks", {"name": "Live", "url_endpoint": receiver.url, "wait_period": 0}
        )
        webhook_id = created.json()["id"]
        ws = await _open(ws_url, {"authorization": f"Bearer {token}"})
        assert (await _message(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": SUBSCRIPTION, "variables": {"webhook_id": webhook_id}},
                }
            )
        )
        await subscribed()
        async with db.write() as session:
            request = await queue_webhook_request(
                session,
                organisation_id=tenant.organisation_id,
                webhook_id=webhook_id,
                payload={"type": "test"},
            )
            request_id = request.id
        states = []
        while not states or states[-1] != "SUCCESS":
            message = await _message(ws)
            assert message["type"] == "next", message
            update = message["payload"]["data"]["webhook_request_updates"]
            assert update["id"] == request_id
            states.append(update["state"])
        await ws.close()
    assert states == ["PENDING", "PENDING", "SUCCESS"]  # queued, failed once, delivered
    assert update["retries"] == 1
    assert [a["state"] for a in update["attempts"]] == ["FAILED", "SUCCESS"]


async def test_websocket_credentials_are_checked_at_connection_init(
    api: Api, tenant: BootstrapResult, ws_url: str
) -> None:
    for payload in ({}, {"api_key": "sk_live_" + "0" * 40}, {"authorization": "Bearer x.y.z"}):
        ws = await _open(ws_url, payload)
        with pytest.raises(ConnectionClosed) as closed:
            await _message(ws)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403, payload
    ws = await _open(ws_url, {"api_key": tenant.secret_api_key})
    assert (await _message(ws))["type"] == "connection_ack"
    await ws.close()


async def test_another_organisations_requests_are_not_streamed(
    api: Api, db: Database, tenant: BootstrapResult, ws_url: str
) -> None:
    webhook_id = (
        await api.rest(
            "POST", "/webhooks", {"name": "Mine", "url_endpoint": "http://127.0.0.1:9/x"}
        )
    ).json()["id"]
    ws = await _open(ws_url, {"api_key": tenant.test_secret_api_key})  # the other mode
    assert (await _message(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    await subscribed()
    async with db.write() as session:
        await queue_webhook_request(
            session,
            organisation_id=tenant.organisation_id,
            webhook_id=webhook_id,
            payload={"type": "test"},
        )
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(ws.recv(), timeout=1.0)
    await ws.close()


async def test_a_subscription_ends_when_its_key_is_revoked(
    api: Api, db: Database, tenant: BootstrapResult, ws_url: str
) -> None:
    org = tenant.organisation_id
    key = (await api.rest("POST", f"/organisations/{org}/api_keys", {})).json()
    webhook_id = (
        await api.rest(
            "POST", "/webhooks", {"name": "Mine", "url_endpoint": "http://127.0.0.1:9/x"}
        )
    ).json()["id"]
    ws = await _open(ws_url, {"api_key": key["key"]})
    assert (await _message(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    await subscribed()
    revoked = await api.rest("DELETE", f"/organisations/{org}/api_keys/{key['id']}")
    assert revoked.status_code == 200, revoked.text
    async with db.write() as session:
        await queue_webhook_request(
            session, organisation_id=org, webhook_id=webhook_id, payload={"type": "test"}
        )
    messages = [await _message(ws)]
    while messages[-1]["type"] not in ("complete", "error"):
        messages.append(await _message(ws))
    errors = [e for m in messages for e in (m.get("payload") or {}).get("errors") or []]
    if messages[-1]["type"] == "error":
        errors += messages[-1]["payload"]
    assert [e["extensions"]["status"] for e in errors] == [401], messages
    assert not any((m.get("payload") or {}).get("data") for m in messages), messages
    await ws.close()
