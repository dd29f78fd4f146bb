"""Every documented filter of GET /webhooks, GET /webhook_requests and GET /automations
(spec's Webhooks and Automations sections, routes.md 57, 71, 73), through both doors, on both
databases: what each one keeps, and a 400 naming the parameter for a bad value."""

from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from app.webhooks.service import queue_webhook_request
from tests.conftest import Api
from tests.test_automation_actions import webhook_action
from tests.test_automations import create_automation


async def _webhook(api: Api, name: str, url: str, method: str = "POST") -> str:
    created = await api.rest(
        "POST", "/webhooks", {"name": name, "url_endpoint": url, "method": method}
    )
    assert created.status_code == 200, created.text
    webhook_id: str = created.json()["id"]
    return webhook_id


async def _ids(api: Api, path: str, **params: Any) -> set[str]:
    response = await api.rest("GET", path, params=params)
    assert response.status_code == 200, (params, response.text)
    return {item["id"] for item in response.json()["content"]}


async def test_webhooks_filter_by_their_automations_entity_and_event(api: Api) -> None:
    contacts = await _webhook(api, "Contacts feed", "https://crm.example/contacts")
    journals = await _webhook(api, "Ledger", "https://ledger.example/in", method="PUT")
    unused = await _webhook(api, "Spare", "https://spare.example/")
    registered = await create_automation(api, name="On registration")
    posted = await create_automation(
        api, name="On journal", entity="JOURNALS", event="POST_JOURNAL"
    )
    for automation_id, action in (
        (registered, webhook_action(1, contacts)),
        (posted, webhook_action(1, journals, "PUT_WEBHOOK")),
    ):
        body = {"content": [action]}
        sequence = await api.rest("POST", f"/automations/{automation_id}/actions", body)
        assert sequence.status_code == 200, sequence.text

    assert await _ids(api, "/webhooks") == {contacts, journals, unused}
    assert await _ids(api, "/webhooks", entity="CONTACTS") == {contacts}
    assert await _ids(api, "/webhooks", event="REGISTER_CUSTOMER") == {contacts}
    assert await _ids(api, "/webhooks", entity="JOURNALS", event="POST_JOURNAL") == {journals}
    assert await _ids(api, "/webhooks", entity="CONTACTS", event="POST_JOURNAL") == set()
    assert await _ids(api, "/webhooks", entity="ACCOUNTS") == set()
    assert await _ids(api, "/webhooks", entity="JOURNALS", search_value="ledger") == {journals}
    assert await _ids(api, "/webhooks", entity="JOURNALS", name="spare") == set()
    assert await _ids(api, "/webhooks", url_endpoint="SPARE.example") == {unused}
    assert await _ids(api, "/webhooks", has_failed_requests="false") == {
        contacts,
        journals,
        unused,
    }
    assert await _ids(api, "/webhooks", has_failed_requests="true") == set()

    graph = await api.data(
        "{ webhooks(filter: {entity: JOURNALS, event: POST_JOURNAL}) { content { id } } }"
    )
    assert [item["id"] for item in graph["webhooks"]["content"]] == [journals]

    for name, value in (("entity", "NOPE"), ("event", "NOT_AN_EVENT")):
        bad = await api.rest("GET", "/webhooks", params={name: value})
        assert bad.status_code == 400, bad.text
        assert name in bad.json()["parameters"], bad.json()
    errors = await api.graphql("{ webhooks(filter: {entity: NOPE}) { content { id } } }")
    assert "NOPE" in errors["errors"][0]["message"] and errors.get("data") is None


async def test_webhook_requests_filter_by_each_documented_field(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    first = await _webhook(api, "Alpha hook", "https://alpha.example/in")
    second = await _webhook(api, "Beta hook", "https://beta.example/in")
    queued: dict[str, str] = {}
    for webhook_id in (first, second):
        async with db.write() as session:
            request = await queue_webhook_request(
                session,
                organisation_id=tenant.organisation_id,
                webhook_id=webhook_id,
                payload={"type": "test"},
            )
            request.next_attempt_on = request.next_attempt_on.replace(year=2999)
            queued[webhook_id] = request.id

    assert await _ids(api, "/webhook_requests") == set(queued.values())
    assert await _ids(api, "/webhook_requests", webhook_id=first) == {queued[first]}
    assert await _ids(api, "/webhook_requests", url_endpoint="BETA.example") == {queued[second]}
    assert await _ids(api, "/webhook_requests", search_value="alpha HOOK") == {queued[first]}
    assert await _ids(api, "/webhook_requests", search_value="beta.example") == {queued[second]}
    assert await _ids(api, "/webhook_requests", state="PENDING") == set(queued.values())
    assert await _ids(api, "/webhook_requests", state="SUCCESS,FAILED") == set()
    graph = await api.data(
        f'{{ webhook_requests(filter: {{webhook_id: "{second}"}}) {{ content {{ id }} }} }}'
    )
    assert [item["id"] for item in graph["webhook_requests"]["content"]] == [queued[second]]

    bad = await api.rest("GET", "/webhook_requests", params={"state": "LOST"})
    assert bad.status_code == 400 and "state" in bad.json()["parameters"], bad.text


async def test_automations_filter_by_each_documented_field(api: Api) -> None:
    registered = await create_automation(api, name="Welcome pack", state="ACTIVE")
    posted = await create_automation(
        api, name="Ledger watch", entity="JOURNALS", event="POST_JOURNAL"
    )
    assert await _ids(api, "/automations", name="WELCOME") == {registered}
    assert await _ids(api, "/automations", search_value="ledger") == {posted}
    assert await _ids(api, "/automations", life_cycle_state="INACTIVE") == {posted}
    assert await _ids(api, "/automations", entity="JOURNALS") == {posted}
    assert await _ids(api, "/automations", event="REGISTER_CUSTOMER") == {registered}
    assert await _ids(api, "/automations", entity="CONTACTS", event="POST_JOURNAL") == set()
    graph = await api.data("{ automations(filter: {entity: CONTACTS}) { content { id } } }")
    assert [item["id"] for item in graph["automations"]["content"]] == [registered]
    for name, value in (("entity", "NOPE"), ("event", "NOPE"), ("life_cycle_state", "ON")):
        bad = await api.rest("GET", "/automations", params={name: value})
        assert bad.status_code == 400, bad.text
        assert name in bad.json()["parameters"], bad.json()
