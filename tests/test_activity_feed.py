"""The activity feed of an organisation (spec route 85) through both doors, on both databases."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_custom_role, add_member, signed_in
from tests.conftest import Api, counting_statements
from tests.identity_helpers import create_child
from tests.test_wallets import make_account, make_wallet, other_business, post

FEED_KEYS = {
    "id",
    "number",
    "reference_number",
    "code",
    "state",
    "created_date",
    "activity_type",
    "direction",
    "notes",
    "type",
    "total_amount",
    "currency",
    "due_date",
    "topup_entity",
}


async def _events(api: Api, db: Database, tenant: BootstrapResult) -> dict[str, str]:
    """An activity, a contact, and a credit and a debit of a wallet of the tenant, in order
    (``make_account`` writes its own contact first)."""
    account_id = await make_account(db, tenant.organisation_id, number="AC00123")
    wallet_id = await make_wallet(api, account_id)
    credit = await post(api, wallet_id, 200, description="Top up")
    debit = await post(api, wallet_id, "20.5", type_="DEBIT")
    activity = await api.rest(
        "POST", "/activities", {"name": "Call customer", "description": "After 4pm"}
    )
    contact = await api.rest(
        "POST",
        "/contacts",
        {"contact_type": "PERSON", "first_name": "John", "last_name": "Doe", "code": "C-1"},
    )
    for response in (credit, debit, activity, contact):
        assert response.status_code == 200, response.text
    return {
        "account": account_id,
        "wallet": wallet_id,
        "credit": credit.json()["id"],
        "debit": debit.json()["id"],
        "activity": activity.json()["id"],
        "contact": contact.json()["id"],
    }


async def test_activity_feed_as_the_spec_shows_it(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    ids = await _events(api, db, tenant)
    response = await api.rest("GET", f"/organisations/{tenant.organisation_id}/activity_feed")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"activity_feed", "paging"}
    assert body["paging"] == {"page": 1, "size": 20, "total": 5, "has_more": False}
    feed = body["activity_feed"]
    assert all(set(entry) == FEED_KEYS for entry in feed)
    dates = [entry["created_date"] for entry in feed]
    assert dates == sorted(dates, reverse=True) and all(isinstance(d, int) for d in dates)
    by_id = {entry["id"]: entry for entry in feed}

    activity = by_id[ids["activity"]]
    assert activity["activity_type"] == "ACTIVITY" and activity["type"] == "ACTIVITY"
    assert activity["state"] == "PENDING" and activity["notes"] == "After 4pm"
    assert activity["number"].startswith("ACT") and activity["topup_entity"] is None

    credit = by_id[ids["credit"]]
    wallet = (await api.rest("GET", f"/wallets/{ids['wallet']}")).json()
    assert {k: credit[k] for k in FEED_KEYS - {"id", "created_date"}} == {
        "number": wallet["code"],
        "reference_number": None,
        "code": None,
        "state": "POSTED",
        "activity_type": "JOURNAL",
        "direction": "INCOMING",
        "notes": "Top up",
        "type": "CREDIT",
        "total_amount": 200,
        "currency": "EUR",
        "due_date": None,
        "topup_entity": {"id": ids["account"], "number": "AC00123", "type": "ACCOUNT"},
    }
    debit = by_id[ids["debit"]]
    assert (debit["direction"], debit["type"], debit["total_amount"]) == ("OUTGOING", "DEBIT", 20.5)

    contact = by_id[ids["contact"]]
    assert contact["activity_type"] == "CONTACT_REGISTRATION"
    assert (contact["code"], contact["type"], contact["notes"]) == ("C-1", "PERSON", "John Doe")
    assert contact["total_amount"] is None and contact["direction"] is None

    # The same through GraphQL: ISO dates and money as strings.
    data = await api.data(
        f'{{ organisation(id: "{tenant.organisation_id}") {{ activity_feed(filter: '
        '{activity_type: [JOURNAL]}, sort: "created_date", order: ASC) { content { id '
        "activity_type total_amount direction created_date topup_entity { number } } "
        "paging { page size total has_more } } } }"
    )
    page = data["organisation"]["activity_feed"]
    assert page["paging"] == {"page": 1, "size": 20, "total": 2, "has_more": False}
    assert [(e["id"], e["total_amount"]) for e in page["content"]] == [
        (ids["credit"], "200"),
        (ids["debit"], "20.5"),
    ]
    assert datetime.fromisoformat(page["content"][0]["created_date"]).tzinfo is not None


async def test_filters_and_paging(api: Api, db: Database, tenant: BootstrapResult) -> None:
    ids = await _events(api, db, tenant)
    path = f"/organisations/{tenant.organisation_id}/activity_feed"

    async def feed(**params: Any) -> dict[str, Any]:
        response = await api.rest("GET", path, params=params)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    only = await feed(activity_type="ACTIVITY,CONTACT_REGISTRATION")
    assert {e["activity_type"] for e in only["activity_feed"]} == {
        "ACTIVITY",
        "CONTACT_REGISTRATION",
    }
    assert only["paging"]["total"] == 3  # make_account's contact, the activity, John Doe

    today = datetime.now(UTC)
    assert (await feed(created_date=today.date().isoformat()))["paging"]["total"] == 5
    assert (await feed(created_date=int(today.timestamp())))["paging"]["total"] == 5
    yesterday = today - timedelta(days=1)
    assert (await feed(created_date=yesterday.date().isoformat()))["paging"]["total"] == 0
    assert (await feed(**{"created_date[lt]": int(yesterday.timestamp())}))["paging"]["total"] == 0
    assert (await feed(**{"created_date[gte]": int(yesterday.timestamp())}))["paging"]["total"] == 5

    newest_first = [e["id"] for e in (await feed())["activity_feed"]]
    assert newest_first[0] == ids["contact"]
    second_page = await feed(page=2, size=4)
    assert second_page["paging"] == {"page": 2, "size": 4, "total": 5, "has_more": False}
    assert [e["id"] for e in second_page["activity_feed"]] == newest_first[4:]
    oldest_first = [e["id"] for e in (await feed(order="ASC"))["activity_feed"]]
    assert oldest_first == newest_first[::-1]
    by_type = [
        e["activity_type"] for e in (await feed(sort="activity_type", order="ASC"))["activity_feed"]
    ]
    assert by_type == sorted(by_type)

    for params, field in (
        ({"activity_type": "INVOICE"}, "activity_type"),
        ({"sort": "amount"}, "sort"),
        ({"size": "0"}, "size"),
        ({"created_date": "yesterday"}, "created_date"),
        ({"colour": "red"}, "colour"),
    ):
        refused = await api.rest("GET", path, params=params)
        assert refused.status_code == 400, (params, refused.text)
        assert field in refused.json()["parameters"][0], refused.json()


async def test_tenancy_mode_and_permissions(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await _events(api, db, tenant)
    # A merchant below: its feed is its own (empty), the parent's holds none of its events.
    merchant = await create_child(api, tenant.organisation_id, "MERCHANT", "Merchant")
    merchant_feed = await api.rest("GET", f"/organisations/{merchant}/activity_feed")
    assert merchant_feed.status_code == 200
    assert merchant_feed.json()["activity_feed"] == []

    # Above or beside the caller: 404 naming the organisation.
    for other in (tenant.service_owner_id,):
        hidden = await api.rest("GET", f"/organisations/{other}/activity_feed")
        assert hidden.status_code == 404
        assert hidden.json()["parameters"] == ["organisation", other]
    stranger = api.as_key(await other_business(db))
    refused = await stranger.rest("GET", f"/organisations/{tenant.organisation_id}/activity_feed")
    assert refused.status_code == 404

    # Test mode sees test data only.
    test_mode = api.as_key(tenant.test_secret_api_key)
    empty = await test_mode.rest("GET", f"/organisations/{tenant.organisation_id}/activity_feed")
    assert empty.status_code == 200 and empty.json()["paging"]["total"] == 0

    # A user allowed activities and organisations but not journals or contacts sees activities.
    await add_custom_role(
        db, tenant.organisation_id, "PLANNER", ["ACTIVITIES_READ", "ORGANISATIONS_READ"]
    )
    await add_member(db, tenant.organisation_id, "planner@example.com", "PLANNER")
    planner = await signed_in(api, "planner@example.com")
    seen = await planner.rest("GET", f"/organisations/{tenant.organisation_id}/activity_feed")
    assert seen.status_code == 200, seen.text
    assert [e["activity_type"] for e in seen.json()["activity_feed"]] == ["ACTIVITY"]
    # Without ACTIVITIES_READ the feed is refused.
    await add_custom_role(db, tenant.organisation_id, "VIEWER", ["ORGANISATIONS_READ"])
    await add_member(db, tenant.organisation_id, "viewer@example.com", "VIEWER")
    viewer = await signed_in(api, "viewer@example.com")
    forbidden = await viewer.rest("GET", f"/organisations/{tenant.organisation_id}/activity_feed")
    assert forbidden.status_code == 403


async def test_the_feed_is_two_statements_whatever_the_page_size(
    gateway: Any, api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await _events(api, db, tenant)
    app, _ = gateway
    path = f"/organisations/{tenant.organisation_id}/activity_feed"
    await api.rest("GET", path)  # the key is remembered
    counts = []
    for size in (1, 50):
        with counting_statements(app) as statements:
            response = await api.rest("GET", path, params={"size": size})
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    feed_statements = [s for s in statements if "UNION ALL" in s]
    assert len(feed_statements) == 2  # the count and the page, each one UNION ALL
