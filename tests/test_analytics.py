"""Analytics (spec routes 45-46) through both doors, on both databases: the values equal plain
SQL over the same rows; another business's ids answer 404."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from app.db.engine import Database
from app.db.models import Contact, CustomerEvent, Organisation
from app.onboarding import BootstrapResult
from app.organisations.tree import new_organisation
from tests.conftest import Api
from tests.test_wallets import make_account, make_wallet, other_business, post

ALL = "NETWORK,SIGN_UPS,REWARD_PARTICIPANTS,AWARDS,SPENDS,PURCHASES,WALLETS"


async def _network(db: Database, tenant: BootstrapResult) -> dict[str, str]:
    """A merchant below the business and a venue below the merchant."""
    async with db.write() as session:
        business = await session.get(Organisation, tenant.organisation_id)
        merchant = new_organisation(business, org_type="MERCHANT", name="Costa Coffee")
        session.add(merchant)
        await session.flush()
        venue = new_organisation(merchant, org_type="VENUE", name="Costa Coffee Nicosia")
        session.add(venue)
        await session.flush()
        return {"merchant": merchant.id, "venue": venue.id}


async def _events(db: Database, organisation_id: str, contact_id: str, when: datetime) -> None:
    async with db.write() as session:
        for amount, days in ((Decimal("12.80"), 0), (Decimal("7.25"), 0), (Decimal("3"), 40)):
            session.add(
                CustomerEvent(
                    organisation_id=organisation_id,
                    is_test=False,
                    type="PURCHASE",
                    contact_id=contact_id,
                    amount=amount,
                    currency_code="EUR",
                    occurred_on=when - timedelta(days=days),
                    properties={},
                )
            )


async def _scalar(db: Database, sql: str, **params: Any) -> Any:
    async with db.read() as session:
        value = (await session.execute(text(sql), params)).scalar()
        if session.get_bind().dialect.name == "sqlite" and "amount" in sql and value is not None:
            return Decimal(value) / 10000
        return Decimal(0) if value is None and "sum(" in sql else value


async def test_organisation_analytics_equal_plain_sql(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    network = await _network(db, tenant)
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    assert (await post(api, wallet_id, 25)).is_success
    assert (await post(api, wallet_id, "10.50", "DEBIT")).is_success
    async with db.read() as session:
        contact_id = (await session.execute(text("SELECT id FROM contacts"))).scalar_one()
    await _events(db, network["venue"], contact_id, datetime.now(UTC))

    response = await api.rest(
        "GET",
        f"/organisations/{tenant.organisation_id}/analytics",
        params={"metrics": ALL, "frequency": "OVERALL", "include_children": "true"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["paging"]["total"] == 2
    row, merchant = body["content"]
    assert row["organisation_id"] == tenant.organisation_id
    assert (row["merchants"], row["venues"]) == (1, 1)
    assert row["new_sign_ups"] == await _scalar(db, "SELECT count(*) FROM contacts")
    credits = await _scalar(db, "SELECT sum(amount) FROM journals WHERE type = 'CREDIT'")
    debits = await _scalar(db, "SELECT sum(amount) FROM journals WHERE type = 'DEBIT'")
    purchases = await _scalar(db, "SELECT sum(amount) FROM customer_events")
    assert Decimal(str(row["total_awards"])) == credits and row["given_awards"] == 1
    assert Decimal(str(row["total_spends"])) == debits and row["number_of_spends"] == 1
    assert Decimal(str(row["total_purchase_amount"])) == purchases and row["total_visits"] == 3
    assert Decimal(str(row["average_spend_per_visit"])) == (purchases / 3).quantize(
        Decimal("0.0001")
    )
    assert Decimal(str(row["wallets_open_balance"])) + Decimal(
        str(row["wallets_commerse_balance"])
    ) == await _scalar(db, "SELECT sum(open_balance + commerce_balance) AS amount FROM wallets")
    assert row["reward_participants"] == 0 and row["previous_period"] is None
    assert row["trials"] is None and row["top_10_best_offers"] is None
    assert merchant["organisation_id"] == network["merchant"]
    assert (merchant["venues"], merchant["merchants"]) == (1, 0)
    assert merchant["total_visits"] == 3 and merchant["total_awards"] == 0

    monthly = await api.data(
        f'{{ organisation_analytics(id: "{network["venue"]}", metrics: [PURCHASES, SPENDS], '
        "frequency: MONTHLY) { content { total_visits total_purchase_amount new_sign_ups "
        "previous_period { total_visits } } } }"
    )
    now = datetime.now(UTC)
    month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous = (month - timedelta(days=1)).replace(day=1)
    bounds: dict[str, Any] = {"m": month, "p": previous}
    async with db.read() as session:
        if session.get_bind().dialect.name == "sqlite":
            bounds = {k: v.replace(tzinfo=None) for k, v in bounds.items()}
    current = await _scalar(
        db, "SELECT count(*) FROM customer_events WHERE occurred_on >= :m", **bounds
    )
    before = await _scalar(
        db,
        "SELECT count(*) FROM customer_events WHERE occurred_on >= :p AND occurred_on < :m",
        **bounds,
    )
    venue_row = monthly["organisation_analytics"]["content"][0]
    assert venue_row["total_visits"] == current
    assert venue_row["previous_period"]["total_visits"] == before
    assert venue_row["new_sign_ups"] is None


async def test_contact_analytics_spec_example(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    assert (await post(api, wallet_id, 100)).is_success
    assert (await post(api, wallet_id, 20, "DEBIT")).is_success
    async with db.read() as session:
        contact = (await session.execute(text("SELECT id FROM contacts"))).scalar_one()
    response = await api.rest(
        "GET", f"/contacts/{contact}/analytics", params={"metrics": "USAGE", "frequency": "OVERALL"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["contact"] == {"id": contact, "name": "John"}
    assert body["usage"] == {"consumed_usage": 20, "remaining_usage": 80, "usage_percentage": 20}
    assert body["awards"] is None
    data = await api.data(
        f'{{ contact_analytics(id: "{contact}", metrics: [AWARDS, SPENDS], frequency: DAILY) '
        "{ usage { consumed_usage } awards { count amount previous_count } spends { amount } } }"
    )
    assert data["contact_analytics"] == {
        "usage": None,
        "awards": {"count": 1, "amount": "100", "previous_count": 0},
        "spends": {"amount": "20"},
    }


async def test_bad_requests_and_other_businesses(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    # The spec's example request names no metrics: all of them.
    example = await api.rest("GET", f"/organisations/{tenant.organisation_id}/analytics")
    assert example.status_code == 200, example.text
    row = example.json()["content"][0]
    assert row["merchants"] == 0 and row["total_awards"] == 0 and row["new_sign_ups"] == 0
    assert row["organisation_name"] and example.json()["paging"]["total"] == 1
    unknown = await api.rest(
        "GET", f"/organisations/{tenant.organisation_id}/analytics", params={"metrics": "WIFI"}
    )
    assert unknown.status_code == 400 and unknown.json()["parameters"][0] == "metrics"
    async with db.write() as session:
        contact = Contact(
            organisation_id=tenant.organisation_id,
            is_test=False,
            contact_type="PERSON",
            first_name="Jane",
            custom_fields=[],
        )
        session.add(contact)
    other = api.as_key(await other_business(db))
    refused = await other.rest(
        "GET", f"/organisations/{tenant.organisation_id}/analytics", params={"metrics": "AWARDS"}
    )
    assert refused.status_code == 404
    assert refused.json()["parameters"] == ["organisation", tenant.organisation_id]
    hidden = await other.rest(
        "GET", f"/contacts/{contact.id}/analytics", params={"metrics": "USAGE"}
    )
    assert hidden.status_code == 404 and hidden.json()["parameters"] == ["contact", contact.id]
