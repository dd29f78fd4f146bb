"""Webhooks (spec routes 68-73) through both doors, on both databases: the spec's example
requests, validation, credentials never shown back, other organisations' ids."""

from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from app.webhooks.service import queue_webhook_request
from tests.conftest import Api, counting_statements

UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"
EXAMPLE = {
    "name": "CRMdotCOM Delivery",
    "method": "POST",
    "url_endpoint": "https://crm.com/delivery",
    "url_auth": "NO_AUTH",
    "username": "johndoe",
    "password": "crm.com",
    "api_key": "qwert-12345-qwewerwer-123234234-werwerwr",
}


async def test_the_spec_examples_create_update_read_list_and_delete_a_webhook(api: Api) -> None:
    created = await api.rest("POST", "/webhooks", EXAMPLE)
    assert created.status_code == 200, created.text
    webhook_id = created.json()["id"]
    assert set(created.json()) == {"id", "signing_secret"}
    assert created.json()["signing_secret"].startswith("whsec_")

    got = await api.rest("GET", f"/webhooks/{webhook_id}")
    assert got.status_code == 200
    (webhook,) = got.json()["content"]
    assert webhook["id"] == webhook_id
    assert (webhook["name"], webhook["method"]) == ("CRMdotCOM Delivery", "POST")
    assert (webhook["url_endpoint"], webhook["url_auth"]) == ("https://crm.com/delivery", "NO_AUTH")
    # NO_AUTH keeps no credentials; the defaults of the settings the spec leaves unnamed
    assert (webhook["username"], webhook["password"], webhook["api_key"]) == (None, None, None)
    assert (webhook["retries"], webhook["wait_period"]) == (3, 60)
    assert (webhook["pending_requests"], webhook["failed_requests"]) == (0, 0)
    assert "signing_secret" not in webhook

    update = {k: v for k, v in EXAMPLE.items() if k != "method"} | {"url_auth": "USERNAME_PASSWORD"}
    updated = await api.rest("PUT", f"/webhooks/{webhook_id}", update)
    assert updated.status_code == 200, updated.text
    assert updated.json() == {"id": webhook_id}
    (webhook,) = (await api.rest("GET", f"/webhooks/{webhook_id}")).json()["content"]
    assert (webhook["url_auth"], webhook["username"]) == ("USERNAME_PASSWORD", "johndoe")
    assert webhook["password"] == "********" and webhook["api_key"] is None

    await api.rest(
        "PUT", f"/webhooks/{webhook_id}", {"url_auth": "API_KEY", "api_key": EXAMPLE["api_key"]}
    )
    (webhook,) = (await api.rest("GET", f"/webhooks/{webhook_id}")).json()["content"]
    assert webhook["api_key"] == "****" + EXAMPLE["api_key"][-4:]
    assert (webhook["username"], webhook["password"]) == (None, None)

    listed = await api.rest("GET", "/webhooks", params={"search_value": "CRM.COM/deliv"})
    assert listed.status_code == 200
    assert [w["id"] for w in listed.json()["content"]] == [webhook_id]
    assert listed.json()["paging"] == {"page": 1, "size": 20, "total": 1, "has_more": False}
    none = await api.rest("GET", "/webhooks", params={"name": "nothing like it"})
    assert none.json()["content"] == []

    deleted = await api.rest("DELETE", f"/webhooks/{webhook_id}")
    assert deleted.status_code == 200 and deleted.json() == {"id": webhook_id}
    gone = await api.rest("GET", f"/webhooks/{webhook_id}")
    assert gone.status_code == 404
    assert gone.json()["parameters"] == ["webhook", webhook_id]


async def test_the_signing_secret_can_be_rotated(api: Api) -> None:
    created = (await api.rest("POST", "/webhooks", EXAMPLE)).json()
    rotated = await api.rest("POST", f"/webhooks/{created['id']}/rotate_secret")
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["id"] == created["id"]
    assert rotated.json()["signing_secret"].startswith("whsec_")
    assert rotated.json()["signing_secret"] != created["signing_secret"]


async def test_bad_input_is_a_400_naming_the_field_and_changes_nothing(api: Api) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({**EXAMPLE, "url_endpoint": "ftp://crm.com/x"}, "url_endpoint"),
        ({**EXAMPLE, "url_endpoint": "crm.com/delivery"}, "url_endpoint"),
        ({**EXAMPLE, "url_endpoint": "javascript:alert(1)"}, "url_endpoint"),
        ({**EXAMPLE, "url_auth": "USERNAME_PASSWORD", "password": None}, "password"),
        ({**EXAMPLE, "url_auth": "API_KEY", "api_key": " "}, "api_key"),
        ({**EXAMPLE, "retries": 11}, "retries"),
        ({**EXAMPLE, "wait_period": -1}, "wait_period"),
        ({**EXAMPLE, "method": "GET"}, "method"),
        ({**EXAMPLE, "name": " "}, "name"),
    ]
    for body, field in cases:
        answer = await api.rest("POST", "/webhooks", body)
        assert answer.status_code == 400, (body, answer.text)
        assert field in answer.json()["parameters"][0], (field, answer.json())
    assert (await api.rest("GET", "/webhooks")).json()["content"] == []

    webhook_id = (await api.rest("POST", "/webhooks", EXAMPLE)).json()["id"]
    answer = await api.rest("PUT", f"/webhooks/{webhook_id}", {"url_endpoint": "file:///etc"})
    assert answer.status_code == 400 and answer.json()["parameters"][0] == "url_endpoint"
    answer = await api.rest("PUT", f"/webhooks/{webhook_id}", {"url_auth": "API_KEY"})
    assert answer.status_code == 400 and answer.json()["parameters"][0] == "api_key"
    (webhook,) = (await api.rest("GET", f"/webhooks/{webhook_id}")).json()["content"]
    assert (webhook["url_endpoint"], webhook["url_auth"]) == ("https://crm.com/delivery", "NO_AUTH")


async def test_another_organisations_or_modes_webhooks_are_not_found(
    api: Api, tenant: BootstrapResult
) -> None:
    webhook_id = (await api.rest("POST", "/webhooks", EXAMPLE)).json()["id"]
    test_mode = api.as_key(tenant.test_secret_api_key)
    for method, path, body in (
        ("GET", f"/webhooks/{webhook_id}", None),
        ("PUT", f"/webhooks/{webhook_id}", {"name": "x"}),
        ("DELETE", f"/webhooks/{webhook_id}", None),
        ("POST", f"/webhooks/{webhook_id}/rotate_secret", None),
    ):
        answer = await test_mode.rest(method, path, body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["parameters"] == ["webhook", webhook_id]
    assert (await test_mode.rest("GET", "/webhooks")).json()["content"] == []
    unknown = await api.rest(
        "POST", "/webhook_requests/actions", {"action": "RESEND", "webhook_requests": [UNKNOWN]}
    )
    assert unknown.status_code == 404
    assert unknown.json()["parameters"] == ["webhook_request", UNKNOWN]


async def test_graphql_door_has_the_same_webhooks(api: Api) -> None:
    data = await api.data(
        """mutation ($input: CreateWebhookInput!) {
            create_webhook(input: $input) { id signing_secret webhook { name method url_auth } }
        }""",
        {"input": {"name": "Shop", "url_endpoint": "http://127.0.0.1:1/x", "method": "PUT"}},
    )
    created = data["create_webhook"]
    assert created["webhook"] == {"name": "Shop", "method": "PUT", "url_auth": "NO_AUTH"}
    rest = (await api.rest("GET", f"/webhooks/{created['id']}")).json()["content"][0]
    graph = await api.data(
        "query ($id: ID!) { webhook(id: $id) { id name method url_endpoint retries } }",
        {"id": created["id"]},
    )
    assert graph["webhook"] == {k: rest[k] for k in graph["webhook"]}
    listed = await api.data(
        """{ webhooks(filter: {search_value: "shop"}) { content { id } paging { total } }
             webhook_requests(filter: {state: [FAILED]}) { content { id } paging { total } } }"""
    )
    assert listed["webhooks"]["content"] == [{"id": created["id"]}]
    assert listed["webhook_requests"]["paging"]["total"] == 0
    rotated = await api.data(
        "mutation ($id: ID!) { rotate_webhook_secret(id: $id) { signing_secret } }",
        {"id": created["id"]},
    )
    assert rotated["rotate_webhook_secret"]["signing_secret"] != created["signing_secret"]
    await api.data(
        "mutation ($id: ID!) { update_webhook(id: $id, input: {retries: 0}) { retries } }",
        {"id": created["id"]},
    )
    deleted = await api.data(
        "mutation ($id: ID!) { delete_webhook(id: $id) { id } }", {"id": created["id"]}
    )
    assert deleted["delete_webhook"] == {"id": created["id"]}


async def test_listing_webhooks_and_requests_costs_the_same_statements_for_any_page(
    api: Api, db: Database, gateway: Any, tenant: BootstrapResult
) -> None:
    app, _ = gateway

    async def add(count: int) -> None:
        for _ in range(count):
            webhook = await api.rest(
                "POST", "/webhooks", {"name": "W", "url_endpoint": "http://127.0.0.1:9/x"}
            )
            async with db.write() as session:
                request = await queue_webhook_request(
                    session,
                    organisation_id=tenant.organisation_id,
                    webhook_id=webhook.json()["id"],
                    payload={"type": "test"},
                )
                request.next_attempt_on = request.next_attempt_on.replace(year=2999)

    async def both() -> tuple[int, int]:
        hooks = (await api.rest("GET", "/webhooks")).json()["content"]
        requests = (await api.rest("GET", "/webhook_requests")).json()["content"]
        return len(hooks), len(requests)

    await add(2)
    await both()
    with counting_statements(app) as few:
        assert await both() == (2, 2)
    await add(4)
    with counting_statements(app) as many:
        assert await both() == (6, 6)
    assert len(many) == len(few)
