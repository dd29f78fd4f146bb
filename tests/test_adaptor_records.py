"""Adaptor records (spec routes 61-63) through both doors, on both databases: the WEBHOOKS
adaptor's webhook requests as records, searched, read and changed."""

from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from app.webhooks.service import queue_webhook_request
from tests.conftest import Api

RECORDS = "/adaptors/WEBHOOKS/actions/POST_WEBHOOK/records"


async def _queued(api: Api, db: Database, tenant: BootstrapResult, method: str = "POST") -> str:
    """A webhook request that stays PENDING (its receiver is far in the future)."""
    webhook = await api.rest(
        "POST",
        "/webhooks",
        {"name": f"Orders {method}", "method": method, "url_endpoint": "http://127.0.0.1:9/x"},
    )
    async with db.write() as session:
        request = await queue_webhook_request(
            session,
            organisation_id=tenant.organisation_id,
            webhook_id=webhook.json()["id"],
            payload={"type": "contacts.register_customer", "data": {}},
            automation_id="b63ed1ab-0256-453d-82a4-a8a83a02ea8b",
        )
        request.next_attempt_on = request.next_attempt_on.replace(year=2999)
        return request.id


def _attributes(record: dict[str, Any]) -> dict[str, Any]:
    return {a["key"]: a for a in record["record_attributes"]}


async def test_webhook_requests_as_records_through_the_spec_examples(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    request_id = await _queued(api, db, tenant)
    put_id = await _queued(api, db, tenant, "PUT")

    listed = await api.rest("GET", RECORDS)
    assert listed.status_code == 200, listed.text
    (record,) = listed.json()["content"]
    assert listed.json()["paging"]["total"] == 1
    assert record["id"] == request_id
    url = _attributes(record)["url-endpoint"]
    assert set(url) == {"id", "key", "label", "type", "value"}
    assert (url["label"], url["type"], url["value"]) == (
        "URL Endpoint",
        "string",
        "http://127.0.0.1:9/x",
    )
    assert _attributes(record)["state"]["value"] == "PENDING"
    assert _attributes(record)["created-on"]["type"] == "date"

    got = await api.rest("GET", f"{RECORDS}/{request_id}")
    assert got.status_code == 200 and got.json() == record

    changed = await api.rest(
        "POST", f"{RECORDS}/{request_id}", {"key": "url-endpoint", "value": "https://crm.com"}
    )
    assert changed.status_code == 200, changed.text
    assert changed.json() == {"id": request_id}
    again = (await api.rest("GET", f"{RECORDS}/{request_id}")).json()
    assert _attributes(again)["url-endpoint"]["value"] == "https://crm.com"
    assert _attributes(again)["url-endpoint"]["id"] == url["id"]
    requests = (await api.rest("GET", "/webhook_requests")).json()["content"]
    assert {r["id"]: r["url_endpoint"] for r in requests}[request_id] == "https://crm.com"

    searched = await api.rest(
        "GET", RECORDS, params={"search_type": "url-endpoint", "search_value": "CRM.COM"}
    )
    assert [r["id"] for r in searched.json()["content"]] == [request_id]
    by_name = await api.rest(
        "GET",
        "/adaptors/WEBHOOKS/actions/PUT_WEBHOOK/records",
        params={"search_type": "webhook-name", "search_value": "orders put"},
    )
    assert [r["id"] for r in by_name.json()["content"]] == [put_id]
    by_automation = await api.rest(
        "GET", RECORDS, params={"automation_id": "b63ed1ab-0256-453d-82a4-a8a83a02ea8b"}
    )
    assert by_automation.json()["paging"]["total"] == 1

    graph = await api.data(
        """query ($id: ID!) {
            adaptor_record(adaptor: "WEBHOOKS", action: "POST_WEBHOOK", id: $id) {
                id record_attributes { id key label type value }
            }
        }""",
        {"id": request_id},
    )
    assert graph["adaptor_record"] == again


async def test_refused_record_requests_name_what_is_wrong(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    request_id = await _queued(api, db, tenant)
    cases = [
        (
            "GET",
            "/adaptors/ORDERS/actions/POST_WEBHOOK/records",
            None,
            None,
            404,
            ["adaptor", "ORDERS"],
        ),
        (
            "GET",
            "/adaptors/WEBHOOKS/actions/REQUEST_APPROVAL/records",
            None,
            None,
            404,
            ["adaptor_action", "REQUEST_APPROVAL"],
        ),
        (
            "GET",
            f"/adaptors/WEBHOOKS/actions/PUT_WEBHOOK/records/{request_id}",
            None,
            None,
            404,
            ["record", request_id],
        ),
        ("GET", RECORDS, None, {"search_type": "url-endpoint"}, 400, ["search_value"]),
        ("GET", RECORDS, None, {"search_type": "body", "search_value": "x"}, 400, ["search_type"]),
        (
            "POST",
            f"{RECORDS}/{request_id}",
            {"key": "state", "value": "SUCCESS"},
            None,
            400,
            ["key"],
        ),
        (
            "POST",
            f"{RECORDS}/{request_id}",
            {"key": "url-endpoint", "value": "ftp://x"},
            None,
            400,
            ["value"],
        ),
    ]
    for method, path, body, params, status, parameters in cases:
        answer = await api.rest(method, path, body, params=params)
        assert answer.status_code == status, (path, answer.text)
        assert answer.json()["parameters"][: len(parameters)] == parameters, answer.json()
    other_mode = api.as_key(tenant.test_secret_api_key)
    hidden = await other_mode.rest("GET", f"{RECORDS}/{request_id}")
    assert hidden.status_code == 404 and hidden.json()["parameters"] == ["record", request_id]
    assert (await other_mode.rest("GET", RECORDS)).json()["content"] == []
    refused = await other_mode.rest(
        "POST", f"{RECORDS}/{request_id}", {"key": "url-endpoint", "value": "https://crm.com"}
    )
    assert refused.status_code == 404
    record = (await api.rest("GET", f"{RECORDS}/{request_id}")).json()
    assert _attributes(record)["url-endpoint"]["value"] == "http://127.0.0.1:9/x"
