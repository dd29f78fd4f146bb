"""Automations that act through the other adaptors (issue 11's done-when): a webhook action
delivers one signed request per registered contact through a receiver that fails twice, and a
communication action writes to the contact; both refuse bad parameters when the sequence is set.
"""

from typing import Any

from standardwebhooks import Webhook as StandardWebhook

from tests.automation_helpers import eventually
from tests.conftest import Api
from tests.test_automations import create_automation
from tests.webhook_receiver import webhook_receiver


def webhook_action(order: int, webhook_id: str, action: str = "POST_WEBHOOK") -> dict[str, Any]:
    """A WEBHOOKS action naming its webhook as issue 11 says."""
    return {
        "adaptor": "WEBHOOKS",
        "adaptor_action": action,
        "order": order,
        "adaptor_action_parameters": [
            {"parameter_key": "WEBHOOK_ID", "parameter_from_value": webhook_id}
        ],
    }


def communicate_customer(order: int) -> dict[str, Any]:
    """A COMMUNICATE_CUSTOMER action with the spec example's RICH_CONTENT key."""
    return {
        "adaptor": "COMMUNICATIONS",
        "adaptor_action": "COMMUNICATE_CUSTOMER",
        "order": order,
        "adaptor_action_parameters": [
            {"parameter_key": "SUBJECT", "parameter_from_value": "Welcome"},
            {"parameter_key": "RICH_CONTENT", "parameter_from_value": "Glad to have you."},
        ],
    }


async def register(api: Api, code: str, email: str) -> str:
    body = {"contact_type": "PERSON", "first_name": "Ann", "last_name": code, "code": code}
    response = await api.rest("POST", "/contacts", {**body, "email_address": email})
    assert response.status_code in (200, 201), response.text
    contact_id: str = response.json()["id"]
    return contact_id


async def test_contact_registrations_are_delivered_signed_through_a_failing_receiver(
    api: Api,
) -> None:
    with webhook_receiver([500, 500]) as receiver:
        created = await api.rest(
            "POST",
            "/webhooks",
            {"name": "CRM", "url_endpoint": receiver.url, "retries": 3, "wait_period": 0},
        )
        assert created.status_code == 200, created.text
        webhook_id, secret = created.json()["id"], created.json()["signing_secret"]
        automation_id = await create_automation(api, state="ACTIVE")
        actions = {"content": [webhook_action(1, webhook_id), communicate_customer(2)]}
        response = await api.rest("POST", f"/automations/{automation_id}/actions", actions)
        assert response.status_code == 200, response.text

        first = await register(api, "C-1", "ann.one@example.com")
        second = await register(api, "C-2", "ann.two@example.com")

        async def succeeded() -> list[dict[str, Any]]:
            page = await api.rest("GET", "/webhook_requests", params={"state": "SUCCESS"})
            content: list[dict[str, Any]] = page.json()["content"]
            return content

        delivered = await eventually(succeeded, lambda rows: len(rows) == 2, within=30)

    # Every received request verifies with a conforming library; retries keep their id.
    verifier = StandardWebhook(secret)
    payloads = [verifier.verify(got.body, got.headers) for got in receiver.received]
    assert len(receiver.received) == 4  # two failed attempts, then one success each
    ids = {got.headers["webhook-id"] for got in receiver.received}
    assert ids == {row["id"] for row in delivered}
    registered = {p["data"]["entity_id"] for p in payloads}
    assert registered == {first, second}
    assert {p["type"] for p in payloads} == {"contacts.register_customer"}
    assert all(p["data"]["automation"]["id"] == automation_id for p in payloads)
    # The failed attempts are listed with the request that finally succeeded.
    attempts = [a["state"] for row in delivered for a in row["attempts"]]
    assert sorted(attempts) == ["FAILED", "FAILED", "SUCCESS", "SUCCESS"]

    async def kept() -> list[dict[str, Any]]:
        page = await api.rest("GET", "/outbox_messages", params={"state": "KEPT"})
        content: list[dict[str, Any]] = page.json()["content"]
        return content

    messages = await eventually(kept, lambda rows: len(rows) == 2)
    recipients = sorted(address for row in messages for address in row["recipients"])
    assert recipients == ["ann.one@example.com", "ann.two@example.com"]
    assert {row["subject"] for row in messages} == {"Welcome"}


async def test_webhook_and_communication_actions_refuse_bad_parameters(api: Api) -> None:
    automation_id = await create_automation(api)
    path = f"/automations/{automation_id}/actions"
    missing = {"content": [webhook_action(1, "no-such-webhook")]}
    assert (await api.rest("POST", path, missing)).status_code == 404
    created = await api.rest("POST", "/webhooks", {"name": "H", "url_endpoint": "https://a.b/h"})
    put = {"content": [webhook_action(1, created.json()["id"], "PUT_WEBHOOK")]}
    refused = await api.rest("POST", path, put)
    assert refused.status_code == 400
    assert "POST_WEBHOOK" in refused.json()["message"]
    nobody = {
        "content": [{"adaptor": "COMMUNICATIONS", "adaptor_action": "COMMUNICATE_USER", "order": 1}]
    }
    refused = await api.rest("POST", path, nobody)
    assert refused.status_code == 400
    assert (await api.rest("GET", path)).json()["content"] == []
