"""Wallets through both doors: create, update, terminate, commerce balances, tenancy."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.auth.principal import CredentialKind, Principal
from app.db.engine import Database
from app.db.models import (
    Account,
    Contact,
    Journal,
    Organisation,
    OrganisationLocation,
    SpendCondition,
    Wallet,
    WalletCommerceBalance,
)
from app.errors import BusinessRuleViolation
from app.onboarding import BootstrapResult, issue_api_key
from app.organisations.tree import new_organisation
from app.wallets import service
from resolvers.wallets import EffectiveWalletByAccountIdLoader
from tests.conftest import Api, counting_statements

SPEC_CREATE_BODY = {
    "minimum_balance": 10.99,
    "limit_rules": [{"limit_amount": 100.99, "transaction_type": "DEBIT", "period": "MONTHLY"}],
}
SPEC_UPDATE_BODY = {
    "auto_topup": {
        "threshold": 0.01,
        "amount": 10.5,
        "payment_method": {"type": "CARD", "id": "4dc0809f-ed91-4b68-b912-5bd6064d901e"},
    },
    "termed_topup": {
        "amount": 10.5,
        "frequency": {"period": "MONTHS", "value": 1},
        "topup_day": {"day_of_month": 1, "day_of_week": "MONDAY"},
        "payment_method": {"type": "", "id": ""},
    },
    "limit_rules": [
        {
            "name": "VIP",
            "maximum_amount": 9.99,
            "maximum_number": 10,
            "period": "ANNUAL",
            "transaction_type": ["TOPUP"],
        }
    ],
}
WALLET_QUERY = """query($id: ID!) { wallet(id: $id) {
    id code life_cycle_state currency_code balance open_balance commerce_balance minimum_balance
    limits { name minimum_amount maximum_amount maximum_number period transaction_type }
} }"""


async def make_account(
    db: Database,
    organisation_id: str,
    *,
    number: str = "AC00000001",
    currency_code: str = "EUR",
    is_test: bool = False,
    life_cycle_state: str = "ACTIVE",
) -> str:
    """A contact with one account, arranged directly; returns the account id."""
    async with db.write() as session:
        contact = Contact(
            organisation_id=organisation_id,
            is_test=is_test,
            contact_type="PERSON",
            first_name="John",
            custom_fields=[],
        )
        session.add(contact)
        await session.flush()
        account = Account(
            organisation_id=organisation_id,
            is_test=is_test,
            contact_id=contact.id,
            number=number,
            name=f"John {number}",
            is_primary=True,
            currency_code=currency_code,
            life_cycle_state=life_cycle_state,
        )
        session.add(account)
        await session.flush()
        return account.id


async def make_wallet(api: Api, account_id: str, body: dict[str, Any] | None = None) -> str:
    """A wallet added to the account through the REST door; returns its id."""
    response = await api.rest("POST", f"/accounts/{account_id}/wallets", body or {})
    assert response.status_code == 201, response.text
    wallet_id: str = response.json()["id"]
    return wallet_id


async def make_spend_condition(db: Database, organisation_id: str, name: str = "Happy Hour") -> str:
    """A spend condition at the organisation (which gets a location), arranged directly."""
    async with db.write() as session:
        session.add(
            OrganisationLocation(
                organisation_id=organisation_id,
                name="Head Office",
                address_line_1="Elia Papakyriakou 21",
                town_city="Nicosia",
                postal_code="2415",
                country_code="CY",
                lat=35.157115,
                lon=33.313719,
            )
        )
        condition = SpendCondition(
            organisation_id=organisation_id,
            is_test=False,
            name=name,
            organisation_ids=[organisation_id],
            products=[{"id_type": "BRAND", "id": "b-1", "name": "Coffee", "description": "Br"}],
            timings=[{"month": 1, "day": 1, "start_time": "19:00", "end_time": "21:00"}],
        )
        session.add(condition)
        await session.flush()
        return condition.id


async def post(api: Api, wallet_id: str, amount: Any, type_: str = "CREDIT", **more: Any) -> Any:
    """POST /journals and return the response."""
    body = {"wallet_id": wallet_id, "amount": amount, "type": type_, **more}
    return await api.rest("POST", "/journals", body)


async def wallet_state(db: Database, wallet_id: str) -> tuple[Decimal, Decimal, str, int]:
    """Open balance, commerce balance, life cycle state and number of journals, read directly."""
    async with db.read() as session:
        wallet = await session.get(Wallet, wallet_id)
        assert wallet is not None
        count = (
            await session.execute(
                select(func.count(Journal.id)).where(Journal.wallet_id == wallet_id)
            )
        ).scalar_one()
        return wallet.open_balance, wallet.commerce_balance, wallet.life_cycle_state, count


async def other_business(db: Database) -> str:
    """A second, unrelated business (a root of its own); returns its live secret key."""
    async with db.write() as session:
        organisation = new_organisation(None, org_type="BUSINESS", name="Other", is_business=True)
        session.add(organisation)
        await session.flush()
        return await issue_api_key(session, organisation.id, is_public=False, is_test=False)


async def test_create_wallet_with_the_spec_example(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    response = await api.rest("POST", f"/accounts/{account_id}/wallets", SPEC_CREATE_BODY)
    assert response.status_code == 201
    assert set(response.json()) == {"id"}
    wallet = (await api.rest("GET", f"/wallets/{response.json()['id']}")).json()
    assert wallet["life_cycle_state"] == "EFFECTIVE"
    assert wallet["currency_code"] == "EUR"
    assert wallet["code"].isdigit() and len(wallet["code"]) == 16
    assert (wallet["balance"], wallet["open_balance"], wallet["commerce_balance"]) == (0, 0, 0)
    assert wallet["minimum_balance"] == 10.99
    assert wallet["account_id"] == account_id
    assert wallet["limits"] == [
        {
            "name": None,
            "minimum_amount": None,
            "maximum_amount": 100.99,
            "maximum_number": None,
            "period": "MONTHLY",
            "transaction_type": "DEBIT",
        }
    ]
    by_code = (await api.rest("GET", f"/wallets/{wallet['code']}")).json()
    assert by_code == wallet


async def test_create_wallet_by_account_number(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    await make_account(db, tenant.organisation_id, number="AC77", currency_code="USD")
    wallet_id = await make_wallet(api, "AC77")
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["currency_code"] == "USD"


async def test_only_one_effective_wallet_per_account(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    first = await make_wallet(api, account_id)
    response = await api.rest("POST", f"/accounts/{account_id}/wallets", {})
    assert response.status_code == 409
    assert response.json()["error"] == "CRM.EXCEPTIONS.CONFLICTEXCEPTION"
    assert response.json()["parameters"] == ["wallet", first]
    async with db.read() as session:
        count = await session.scalar(select(func.count(Wallet.id)))
    assert count == 1
    # Once the first is terminated, the account may have a new one.
    terminated = await api.rest("POST", f"/wallets/{first}/actions", {"action": "TERMINATED"})
    assert terminated.status_code == 201
    second = await make_wallet(api, account_id)
    assert second != first


async def test_concurrent_creates_leave_one_effective_wallet(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    responses = await asyncio.gather(
        *(api.rest("POST", f"/accounts/{account_id}/wallets", {}) for _ in range(8))
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 7
    async with db.read() as session:
        assert await session.scalar(select(func.count(Wallet.id))) == 1


async def test_terminated_account_gets_no_wallet(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id, life_cycle_state="TERMINATED")
    response = await api.rest("POST", f"/accounts/{account_id}/wallets", SPEC_CREATE_BODY)
    assert response.status_code == 400
    assert response.json()["error"] == "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION"
    assert response.json()["parameters"] == ["account", account_id]
    async with db.read() as session:
        assert await session.scalar(select(func.count(Wallet.id))) == 0


async def test_create_wallet_refuses_bad_input(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"minimum_balance": -1}, "minimum_balance"),
        (
            {"limit_rules": [{"limit_amount": -5, "transaction_type": "DEBIT", "period": "DAILY"}]},
            "limit_rules[0].limit_amount",
        ),
        (
            {
                "limit_rules": [
                    {"maximum_number": 0, "transaction_type": "DEBIT", "period": "DAILY"}
                ]
            },
            "limit_rules[0].maximum_number",
        ),
        ({"limit_rules": [{"transaction_type": "DEBIT", "period": "DAILY"}]}, "limit_rules[0]"),
    ]
    for body, field in cases:
        response = await api.rest("POST", f"/accounts/{account_id}/wallets", body)
        assert response.status_code == 400, body
        assert response.json()["parameters"] == [field], body
    for body in (
        {"limit_rules": [{"limit_amount": 5, "transaction_type": "DEBIT", "period": "HOURLY"}]},
        {"limit_rules": [{"limit_amount": 5, "transaction_type": "REFUND", "period": "DAILY"}]},
        {"colour": "blue"},
    ):
        response = await api.rest("POST", f"/accounts/{account_id}/wallets", body)
        assert response.status_code == 400, body
    async with db.read() as session:
        assert await session.scalar(select(func.count(Wallet.id))) == 0


async def test_update_wallet_with_the_spec_example(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id, SPEC_CREATE_BODY)
    response = await api.rest("PUT", f"/wallets/{wallet_id}", SPEC_UPDATE_BODY)
    assert response.status_code == 200
    assert response.json() == {"id": wallet_id}
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["auto_topup"] == {
        "threshold": 0.01,
        "amount": 10.5,
        "payment_method": "CARD",
        "payment_method_id": "4dc0809f-ed91-4b68-b912-5bd6064d901e",
    }
    assert wallet["termed_topup"] == {
        "amount": 10.5,
        "frequency": {"period": "MONTHS", "value": 1},
        "topup_day": {"day_of_month": 1, "day_of_week": "MONDAY"},
        "payment_method": None,
        "payment_method_id": None,
    }
    assert wallet["limits"] == [
        {
            "name": "VIP",
            "minimum_amount": None,
            "maximum_amount": 9.99,
            "maximum_number": 10,
            "period": "ANNUAL",
            "transaction_type": "TOPUP",
        }
    ]
    assert wallet["minimum_balance"] == 10.99  # left out, so unchanged
    # By code; null clears a setting.
    cleared = await api.rest("PUT", f"/wallets/{wallet['code']}", {"auto_topup": None})
    assert cleared.json() == {"id": wallet_id}
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["auto_topup"] is None
    assert wallet["termed_topup"]["amount"] == 10.5


async def test_update_wallet_refuses_amounts_that_are_not_positive(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    assert (await api.rest("PUT", f"/wallets/{wallet_id}", SPEC_UPDATE_BODY)).status_code == 200
    before = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"auto_topup": {"threshold": 1, "amount": 0}}, "auto_topup.amount"),
        ({"auto_topup": {"threshold": -1, "amount": 5}}, "auto_topup.threshold"),
        ({"termed_topup": {"amount": -10.5}}, "termed_topup.amount"),
        ({"minimum_balance": -0.01}, "minimum_balance"),
        (
            {
                "limit_rules": [
                    {"maximum_amount": 0, "transaction_type": "DEBIT", "period": "DAILY"}
                ]
            },
            "limit_rules[0].maximum_amount",
        ),
        (
            {"termed_topup": {"amount": 1, "frequency": {"period": "MONTHS", "value": 0}}},
            "termed_topup.frequency.value",
        ),
    ]
    for body, field in cases:
        response = await api.rest("PUT", f"/wallets/{wallet_id}", body)
        assert response.status_code == 400, body
        assert response.json()["parameters"] == [field], body
    assert (await api.rest("GET", f"/wallets/{wallet_id}")).json() == before


async def test_terminate_with_the_spec_example(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    response = await api.rest("POST", f"/wallets/{wallet_id}/actions", {"action": "TERMINATED"})
    assert response.status_code == 201
    assert response.json() == {"id": wallet_id}
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["life_cycle_state"] == "TERMINATED"
    assert isinstance(wallet["terminated_on"], int)
    # Again: nothing changes, the same answer.
    again = await api.rest("POST", f"/wallets/{wallet_id}/actions", {"action": "TERMINATED"})
    assert (again.status_code, again.json()) == (201, {"id": wallet_id})
    assert (await api.rest("GET", f"/wallets/{wallet_id}")).json() == wallet
    # A terminated wallet takes no journals and no changes.
    refused = await post(api, wallet_id, 5)
    assert refused.status_code == 400
    assert refused.json()["parameters"] == ["wallet", wallet_id]
    changed = await api.rest("PUT", f"/wallets/{wallet_id}", {"minimum_balance": 1})
    assert changed.status_code == 400
    assert (await wallet_state(db, wallet_id))[3] == 0


async def test_terminate_refuses_a_wallet_holding_money(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    assert (await post(api, wallet_id, 5, spend_condition_id=condition_id)).status_code == 200
    response = await api.rest("POST", f"/wallets/{wallet_id}/actions", {"action": "TERMINATED"})
    assert response.status_code == 400
    assert response.json()["error"] == "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION"
    assert response.json()["parameters"] == ["wallet", wallet_id]
    assert await wallet_state(db, wallet_id) == (0, 5, "EFFECTIVE", 1)
    # Spent to zero, it can go.
    assert (await post(api, wallet_id, 5, "DEBIT", spend_condition_id=condition_id)).is_success
    done = await api.rest("POST", f"/wallets/{wallet_id}/actions", {"action": "TERMINATED"})
    assert done.status_code == 201


async def test_terminate_needs_a_secret_key(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    response = await api.rest(
        "POST",
        f"/wallets/{wallet_id}/actions",
        {"action": "TERMINATED"},
        key=tenant.public_api_key,
    )
    assert response.status_code == 403
    assert (await wallet_state(db, wallet_id))[2] == "EFFECTIVE"
    bad = await api.rest("POST", f"/wallets/{wallet_id}/actions", {"action": "EXPLODED"})
    assert bad.status_code == 400
    assert (await wallet_state(db, wallet_id))[2] == "EFFECTIVE"


async def test_commerce_balances_as_in_the_spec(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    assert (await post(api, wallet_id, 100.5, spend_condition_id=condition_id)).is_success
    assert (await post(api, wallet_id, 7)).is_success  # open balance: not listed
    response = await api.rest("GET", f"/wallets/{wallet_id}/commerce_balances")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": condition_id,
            "name": "Happy Hour",
            "amount": 100.5,
            "currency_code": "EUR",
            "organisations": [
                {
                    "id": tenant.organisation_id,
                    "name": tenant.organisation_name,
                    "locations": [
                        {
                            "name": "Head Office",
                            "address_line_1": "Elia Papakyriakou 21",
                            "address_line_2": None,
                            "state_province_county": None,
                            "town_city": "Nicosia",
                            "postal_code": "2415",
                            "country_code": "CY",
                            "lat": 35.157115,
                            "lon": 33.313719,
                            "google_place_id": None,
                        }
                    ],
                }
            ],
            "products": [{"id_type": "BRAND", "id": "b-1", "name": "Coffee", "description": "Br"}],
            "timings": [{"month": 1, "day": 1, "start_time": "19:00", "end_time": "21:00"}],
        }
    ]


async def test_commerce_balance_expiration_spends_the_earliest_expiring_first(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    now = datetime.now(UTC)
    soon = int((now + timedelta(days=10)).timestamp())
    later = int((now + timedelta(days=45)).timestamp())
    for amount, valid_to in ((50, soon), (30, later), (20, None)):
        extra = {"valid_to": valid_to} if valid_to else {}
        credit = await post(api, wallet_id, amount, spend_condition_id=condition_id, **extra)
        assert credit.is_success, credit.text
    debit = await post(api, wallet_id, 60, "DEBIT", spend_condition_id=condition_id)
    assert debit.is_success, debit.text
    response = await api.rest(
        "GET", f"/wallets/{wallet_id}/commerce_balances", params={"include_expiration": "true"}
    )
    [item] = response.json()
    assert item["amount"] == 40
    assert item["expiration"] == {
        "zero_to_thirty": 0,
        "thirty_to_sixty": 20,
        "sixty_to_ninety": 0,
        "ninety_plus": 20,
    }


async def test_commerce_balance_filters(api: Api, tenant: BootstrapResult, db: Database) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    first = await make_spend_condition(db, tenant.organisation_id, "Alpha")
    second = await make_spend_condition(db, tenant.organisation_id, "Beta")
    assert (await post(api, wallet_id, 1, spend_condition_id=first)).is_success
    assert (await post(api, wallet_id, 2, spend_condition_id=second)).is_success
    path = f"/wallets/{wallet_id}/commerce_balances"
    names = [item["name"] for item in (await api.rest("GET", path)).json()]
    assert names == ["Alpha", "Beta"]
    by_amount = (await api.rest("GET", path, params={"sort": "amount", "order": "DESC"})).json()
    assert [item["amount"] for item in by_amount] == [2, 1]
    paged = (await api.rest("GET", path, params={"page": 2, "size": 1})).json()
    assert [item["name"] for item in paged] == ["Beta"]
    only = (await api.rest("GET", path, params={"spend_condition_id": second})).json()
    assert [item["id"] for item in only] == [second]
    same_currency = await api.rest("GET", path, params={"currency_code": "EUR"})
    assert len(same_currency.json()) == 2
    other_currency = await api.rest("GET", path, params={"currency_code": "USD"})
    assert other_currency.status_code == 400
    assert other_currency.json()["parameters"] == ["currency_code"]
    unknown = await api.rest("GET", path, params={"colour": "blue"})
    assert unknown.status_code == 400
    assert unknown.json()["parameters"] == ["colour"]


async def test_graphql_and_rest_agree(api: Api, tenant: BootstrapResult, db: Database) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id, SPEC_CREATE_BODY)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    assert (await post(api, wallet_id, "12.34", spend_condition_id=condition_id)).is_success
    graph = (await api.data(WALLET_QUERY, {"id": wallet_id}))["wallet"]
    rest = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert graph["id"] == rest["id"] and graph["code"] == rest["code"]
    # Money: exact strings in GraphQL, numbers in REST.
    assert graph["balance"] == "12.34" and rest["balance"] == 12.34
    assert graph["commerce_balance"] == "12.34" and graph["open_balance"] == "0"
    assert graph["limits"][0]["maximum_amount"] == "100.99"
    balances = await api.data(
        "query($id: ID!) { wallet_commerce_balances(id: $id, include_expiration: true) {"
        " id amount expiration { ninety_plus } } }",
        {"id": wallet_id},
    )
    assert balances["wallet_commerce_balances"] == [
        {"id": condition_id, "amount": "12.34", "expiration": {"ninety_plus": "12.34"}}
    ]


async def test_graphql_wallet_relations_and_mutations(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    created = await api.data(
        'mutation($a: ID!) { create_wallet(account_id: $a, input: {minimum_balance: "1"}) {'
        " id minimum_balance } }",
        {"a": account_id},
    )
    wallet_id = created["create_wallet"]["id"]
    for amount in ("1", "2", "3"):
        await api.data(
            "mutation($w: ID!, $a: Money!) { post_journal(input: {wallet_id: $w, amount: $a,"
            " type: CREDIT}) { id } }",
            {"w": wallet_id, "a": amount},
        )
    data = await api.data(
        """query($id: ID!) { wallet(id: $id) {
            journals(size: 2, sort: "amount", order: ASC) {
                content { amount balance_after wallet { id } } paging { page size total }
            }
            credits: journals(filter: {type: CREDIT}, page: 2, size: 2,
                              sort: "amount", order: ASC) {
                content { amount } paging { total }
            }
            commerce_balances { id }
        } }""",
        {"id": wallet_id},
    )
    wallet = data["wallet"]
    assert wallet["journals"]["paging"] == {"page": 1, "size": 2, "total": 3}
    assert [j["amount"] for j in wallet["journals"]["content"]] == ["1", "2"]
    assert [j["balance_after"] for j in wallet["journals"]["content"]] == ["1", "3"]
    assert wallet["journals"]["content"][0]["wallet"] == {"id": wallet_id}
    assert wallet["credits"] == {"content": [{"amount": "3"}], "paging": {"total": 3}}
    assert wallet["commerce_balances"] == []
    updated = await api.data(
        "mutation($id: ID!) { update_wallet(id: $id, input: {auto_topup: {threshold: 0,"
        ' amount: "5", payment_method: {type: "CARD", id: "pm-1"}}}) {'
        " auto_topup { threshold amount payment_method payment_method_id } } }",
        {"id": wallet_id},
    )
    assert updated["update_wallet"]["auto_topup"] == {
        "threshold": "0",
        "amount": "5",
        "payment_method": "CARD",
        "payment_method_id": "pm-1",
    }
    refused = await api.graphql(
        "mutation($id: ID!) { wallet_action(id: $id, input: {action: TERMINATED}) { id } }",
        {"id": wallet_id},
    )
    assert refused["errors"][0]["extensions"]["parameters"] == ["wallet", wallet_id]


async def test_another_organisation_cannot_see_or_use_the_wallets(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    assert (await post(api, wallet_id, 10)).is_success
    outsider = await other_business(db)
    for method, path, body in (
        ("GET", f"/wallets/{wallet_id}", None),
        ("PUT", f"/wallets/{wallet_id}", {"minimum_balance": 1}),
        ("POST", f"/wallets/{wallet_id}/actions", {"action": "TERMINATED"}),
        ("GET", f"/wallets/{wallet_id}/commerce_balances", None),
        ("POST", f"/accounts/{account_id}/wallets", {}),
    ):
        response = await api.rest(method, path, body, key=outsider)
        assert response.status_code == 404, (method, path)
    response = await api.rest(
        "POST", "/journals", {"wallet_id": wallet_id, "amount": 10, "type": "DEBIT"}, key=outsider
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["wallet", wallet_id]
    body = await api.graphql(WALLET_QUERY, {"id": wallet_id}, key=outsider)
    assert body["errors"][0]["extensions"]["status"] == 404
    assert await wallet_state(db, wallet_id) == (10, 0, "EFFECTIVE", 1)


async def merchant_below(db: Database, tenant: BootstrapResult) -> tuple[str, str]:
    """A MERCHANT organisation under the tenant's business and a live secret key of its own:
    (its id, the key)."""
    async with db.write() as session:
        business = await session.get(Organisation, tenant.organisation_id)
        merchant = new_organisation(business, org_type="MERCHANT", name="Merchant")
        session.add(merchant)
        await session.flush()
        key = await issue_api_key(session, merchant.id, is_public=False, is_test=False)
    return merchant.id, key


async def test_merchant_below_cannot_see_the_business_wallets(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    merchant_id, key = await merchant_below(db, tenant)
    assert (await api.rest("GET", f"/wallets/{wallet_id}", key=key)).status_code == 404
    # The business sees a wallet of an account of its merchant.
    merchant_account = await make_account(db, merchant_id, number="AC-M")
    merchant_wallet = await make_wallet(api.as_key(key), merchant_account)
    assert (await api.rest("GET", f"/wallets/{merchant_wallet}")).status_code == 200


async def test_test_keys_do_not_see_live_wallets(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    test_key = tenant.test_secret_api_key
    assert (await api.rest("GET", f"/wallets/{wallet_id}", key=test_key)).status_code == 404
    response = await api.rest(
        "POST", "/journals", {"wallet_id": wallet_id, "amount": 1, "type": "CREDIT"}, key=test_key
    )
    assert response.status_code == 404
    created = await api.rest("POST", f"/accounts/{account_id}/wallets", {}, key=test_key)
    assert created.status_code == 404
    assert await wallet_state(db, wallet_id) == (0, 0, "EFFECTIVE", 0)
    # A test account's wallet lives in test mode, out of the live key's sight.
    test_account = await make_account(db, tenant.organisation_id, number="AC-T", is_test=True)
    test_wallet = await make_wallet(api.as_key(test_key), test_account)
    assert (await api.rest("GET", f"/wallets/{test_wallet}")).status_code == 404
    assert (await post(api.as_key(test_key), test_wallet, 3)).is_success


def _principal(tenant: BootstrapResult, path: str) -> Principal:
    return Principal(CredentialKind.SECRET_KEY, tenant.organisation_id, path, is_test=False)


async def test_transfer_moves_every_balance_and_effective_wallet_loader(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    source_account = await make_account(db, tenant.organisation_id, number="AC-S")
    target_account = await make_account(db, tenant.organisation_id, number="AC-T")
    source = await make_wallet(api, source_account)
    target = await make_wallet(api, target_account)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    assert (await post(api, source, "7.25")).is_success
    assert (await post(api, source, 3, spend_condition_id=condition_id)).is_success
    async with db.read() as session:
        organisation = await session.get(Organisation, tenant.organisation_id)
        assert organisation is not None
        principal = _principal(tenant, organisation.path)
    async with db.write() as session:
        await service.transfer_wallet_balance(
            session, principal, source_account, target_account, "Account terminated"
        )
    assert await wallet_state(db, source) == (0, 0, "EFFECTIVE", 4)
    assert await wallet_state(db, target) == (Decimal("7.25"), 3, "EFFECTIVE", 2)
    targets = (await api.rest("GET", f"/wallets/{target}/commerce_balances")).json()
    assert [(item["id"], item["amount"]) for item in targets] == [(condition_id, 3)]
    # With money left and no effective wallet to take it, the move is refused.
    assert (await post(api, source, 1)).is_success
    assert (
        await api.rest("POST", f"/wallets/{target}/actions", {"action": "TERMINATED"})
    ).status_code == 400
    third_account = await make_account(db, tenant.organisation_id, number="AC-3")
    try:
        async with db.write() as session:
            await service.transfer_wallet_balance(
                session, principal, source_account, third_account, "Account terminated"
            )
    except BusinessRuleViolation as error:
        assert error.parameters == ["account", third_account]
    else:
        raise AssertionError("a balance with nowhere to go must be refused")
    assert await wallet_state(db, source) == (1, 0, "EFFECTIVE", 5)
    # The loader: the effective wallet, else the latest one, else none.
    loader = EffectiveWalletByAccountIdLoader(db, principal)
    found = await loader.load_many([source_account, third_account])
    assert [wallet.id if wallet else None for wallet in found] == [source, None]


NESTED_WALLETS = """
query ($size: Int!) {
  contacts(size: $size) {
    content {
      accounts {
        wallet {
          code account { number wallet { id } }
          journals(size: 2, sort: "amount", order: DESC) {
            content { amount wallet { code } } paging { total }
          }
          commerce_balances { id name amount organisations { id locations { name } } }
        }
      }
    }
  }
}
"""


async def seed_wallets(db: Database, organisation_id: str, condition_id: str, count: int) -> None:
    """``count`` contacts with an account whose wallet has three journals and a commerce balance."""
    for n in range(count):
        account_id = await make_account(db, organisation_id, number=f"AC{n:08d}")
        async with db.write() as session:
            wallet = Wallet(
                organisation_id=organisation_id,
                is_test=False,
                account_id=account_id,
                code=f"9{n:015d}",
                currency_code="EUR",
                open_balance=Decimal(6),
                commerce_balance=Decimal(2),
                limit_rules=[],
            )
            session.add(wallet)
            await session.flush()
            session.add(
                WalletCommerceBalance(
                    wallet_id=wallet.id, spend_condition_id=condition_id, amount=Decimal(2)
                )
            )
            for amount in (1, 2, 3):
                session.add(
                    Journal(
                        organisation_id=organisation_id,
                        is_test=False,
                        wallet_id=wallet.id,
                        type="CREDIT",
                        amount=Decimal(amount),
                        currency_code="EUR",
                        balance_after=Decimal(amount),
                    )
                )


async def test_nested_wallet_relations_cost_the_same_for_any_page_size(
    api: Api, gateway: Any, tenant: BootstrapResult, db: Database
) -> None:
    app, _ = gateway
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    await seed_wallets(db, tenant.organisation_id, condition_id, 12)
    await api.data("{ __typename }")  # the API key is looked up once, then remembered
    counts = []
    for size in (3, 12):
        with counting_statements(app) as statements:
            data = await api.data(NESTED_WALLETS, {"size": size})
        contacts = data["contacts"]["content"]
        assert len(contacts) == size
        for contact in contacts:
            wallet = contact["accounts"][0]["wallet"]
            assert [j["amount"] for j in wallet["journals"]["content"]] == ["3", "2"]
            assert wallet["journals"]["paging"]["total"] == 3
            assert wallet["journals"]["content"][0]["wallet"]["code"] == wallet["code"]
            assert wallet["account"]["wallet"]["id"]
            assert wallet["commerce_balances"][0]["organisations"][0]["locations"] == [
                {"name": "Head Office"}
            ]
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


async def test_terminating_an_account_moves_its_wallet_balance(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    source_account = await make_account(db, tenant.organisation_id, number="AC-S")
    target_account = await make_account(db, tenant.organisation_id, number="AC-T")
    source = await make_wallet(api, source_account)
    target = await make_wallet(api, target_account)
    assert (await post(api, source, "4.5")).is_success
    response = await api.rest(
        "POST",
        f"/accounts/{source_account}/life_cycle_state",
        {"life_cycle_state": "TERMINATED", "transfer_to_account_id": target_account},
    )
    assert response.status_code == 200, response.text
    assert await wallet_state(db, source) == (0, 0, "TERMINATED", 2)
    assert await wallet_state(db, target) == (Decimal("4.5"), 0, "EFFECTIVE", 1)
    data = await api.data(
        "query($id: ID!) { wallet(id: $id) { account { id number } } }", {"id": target}
    )
    assert data["wallet"]["account"] == {"id": target_account, "number": "AC-T"}
