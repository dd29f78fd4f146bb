"""The approval request subscription: a signed-in SPA is told when an automation asks for an
approval and when it is decided (graphql-transport-ws on a real server)."""

import json
from typing import Any

from app.approvals.live import LIVE_TOPIC
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_webhooks_subscription import _message, _open, subscribed, ws_url

__all__ = ["ws_url"]  # the fixture, shared with the webhook subscription's tests

SUBSCRIPTION = "subscription { approval_request_updates { id state entity { reference } } }"


async def test_a_signed_in_spa_is_told_of_new_and_decided_approval_requests(
    api: Api, tenant: BootstrapResult, ws_url: str
) -> None:
    created = await api.rest(
        "POST",
        "/automations",
        {"name": "Welcome", "state": "ACTIVE", "entity": "CONTACTS", "event": "REGISTER_CUSTOMER"},
    )
    action = {"adaptor": "APPROVAL_REQUESTS", "adaptor_action": "REQUEST_CUSTOMER_APPROVAL"}
    await api.rest("POST", f"/automations/{created.json()['id']}/actions", {"content": [action]})
    ws = await _open(ws_url, {"api_key": tenant.secret_api_key})
    assert (await _message(ws))["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}))
    await subscribed(LIVE_TOPIC)
    body = {"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee", "code": "AL-9"}
    await api.rest("POST", "/contacts", body)

    def update(message: dict[str, Any]) -> dict[str, Any]:
        assert message["type"] == "next", message
        found: dict[str, Any] = message["payload"]["data"]["approval_request_updates"]
        return found

    requested = update(await _message(ws))
    assert requested["state"] == "PENDING" and requested["entity"]["reference"] == "AL-9"
    decided = await api.rest(
        "POST", f"/approval_requests/{requested['id']}/actions", {"life_cycle_state": "REJECTED"}
    )
    assert decided.status_code == 200
    assert update(await _message(ws)) == {**requested, "state": "REJECTED"}
    await ws.close()
