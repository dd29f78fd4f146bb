"""Customer events (POST/GET /customer_events, not in the spec) through both doors, on both
databases: recording with the money rules, journals and sign-ups showing up as events."""

from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.conftest import Api, snapshot_changes, table_snapshot
from tests.test_wallets import make_account, make_wallet, other_business, post

UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"


async def _contact(api: Api, code: str = "C123") -> str:
    response = await api.rest(
        "POST", "/contacts", {"contact_type": "PERSON", "first_name": "John", "code": code}
    )
    assert response.status_code == 200, response.text
    contact_id: str = response.json()["id"]
    return contact_id


def _purchase(**more: Any) -> dict[str, Any]:
    return {
        "type": "PURCHASE",
        "contact_id": "C123",
        "amount": 12.8,
        "currency_code": "EUR",
        "occurred_on": 1612953199,
        "properties": {
            "venue": {"name": "Costa Coffee Nicosia"},
            "products": [{"name": "Cappuccino", "quantity": 2}],
        },
        **more,
    }


async def test_record_and_search_through_both_doors(api: Api, tenant: BootstrapResult) -> None:
    contact_id = await _contact(api)
    created = await api.rest("POST", "/customer_events", _purchase())
    assert created.status_code == 200, created.text
    event_id = created.json()["id"]
    assert list(created.json()) == ["id"]

    listed = await api.rest("GET", "/customer_events", params={"type": "PURCHASE"})
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["paging"]["total"] == 1
    event = body["content"][0]
    assert event == {
        "id": event_id,
        "type": "PURCHASE",
        "contact_id": contact_id,
        "organisation_id": tenant.organisation_id,
        "amount": 12.8,
        "currency_code": "EUR",
        "occurred_on": 1612953199,
        "properties": {
            "venue": {"name": "Costa Coffee Nicosia"},
            "products": [{"name": "Cappuccino", "quantity": 2}],
        },
        "source": "CUSTOMER_EVENT",
    }
    data = await api.data(
        'mutation { record_customer_event(input: {type: REFERRAL, contact_code: "C123", '
        'occurred_on: "2021-02-11T10:00:00Z", properties: {referred: "Jane"}}) '
        "{ type amount occurred_on properties source } }"
    )
    assert data["record_customer_event"] == {
        "type": "REFERRAL",
        "amount": None,
        "occurred_on": "2021-02-11T10:00:00+00:00",
        "properties": {"referred": "Jane"},
        "source": "CUSTOMER_EVENT",
    }
    ranged = await api.data(
        '{ customer_events(filter: {contact_id: "C123", occurred_on_gte: 1612953200, '
        "types: [PURCHASE, REFERRAL]}) { content { type } paging { total } } }"
    )
    assert ranged["customer_events"] == {
        "content": [{"type": "REFERRAL"}],
        "paging": {"total": 1},
    }


async def test_bad_events_are_refused_and_change_nothing(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await _contact(api)
    before = await table_snapshot(db)
    cases = [
        (_purchase(amount="12.805"), 400, ["amount"]),
        (_purchase(currency_code=None), 400, ["currency_code"]),
        (_purchase(amount=-1), 400, ["amount"]),
        (_purchase(type="SIGN_UP"), 400, None),
        (_purchase(contact_id=UNKNOWN), 404, ["contact", UNKNOWN]),
        (_purchase(contact_id=None), 400, ["contact_id"]),
        (_purchase(contact_code="C123"), 400, ["contact_id"]),
        (_purchase(contact_id=None, wallet_code="0000"), 404, ["wallet", "0000"]),
        (_purchase(organisation_id=UNKNOWN), 404, ["organisation", UNKNOWN]),
        (_purchase(occurred_on=4102444800), 400, ["occurred_on"]),
        (_purchase(properties=[1, 2]), 400, ["properties"]),
    ]
    for body, status, parameters in cases:
        response = await api.rest("POST", "/customer_events", body)
        assert response.status_code == status, (body, response.text)
        if parameters is not None:
            assert response.json()["parameters"][: len(parameters)] == parameters, body
    assert snapshot_changes(before, await table_snapshot(db)) == []


async def test_journals_and_sign_ups_show_up_as_events(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    assert (await post(api, wallet_id, 25)).is_success
    assert (await post(api, wallet_id, "10.50", "DEBIT")).is_success
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    recorded = await api.rest(
        "POST",
        "/customer_events",
        {"type": "PURCHASE", "wallet_code": code, "amount": 3, "currency_code": "EUR"},
    )
    assert recorded.status_code == 200, recorded.text

    listed = await api.rest("GET", "/customer_events", params={"sort": "type", "order": "ASC"})
    assert listed.status_code == 200, listed.text
    rows = [(row["type"], row["amount"], row["source"]) for row in listed.json()["content"]]
    assert rows == [
        ("AWARD", 25, "JOURNAL"),
        ("PURCHASE", 3, "CUSTOMER_EVENT"),
        ("SIGN_UP", None, "CONTACT"),
        ("SPEND", 10.5, "JOURNAL"),
    ]
    contacts = {row["contact_id"] for row in listed.json()["content"]}
    assert len(contacts) == 1
    spends = await api.rest(
        "GET", "/customer_events", params={"source": "JOURNAL", "type": "SPEND"}
    )
    assert [row["amount"] for row in spends.json()["content"]] == [10.5]


async def test_another_business_sees_none_of_them(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await _contact(api)
    assert (await api.rest("POST", "/customer_events", _purchase())).status_code == 200
    other = api.as_key(await other_business(db))
    listed = await other.rest("GET", "/customer_events")
    assert listed.status_code == 200 and listed.json()["paging"]["total"] == 0
    refused = await other.rest("POST", "/customer_events", _purchase())
    assert refused.status_code == 404 and refused.json()["parameters"] == ["contact", "C123"]
