"""What integrators expect: an account by id, a wallet's journals with filters, paging as
existing clients use it (`size=250` served at the maximum, `has_more`), amounts no finer than
their currency, through both doors."""

from datetime import UTC, datetime
from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_journals import new_wallet
from tests.test_wallets import make_account, make_wallet, post, wallet_state


def refused(response: Any, status: int, parameters: list[str]) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    assert body["parameters"][: len(parameters)] == parameters, body


async def test_get_account_by_id_and_number(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id, number="AC00000042")
    response = await api.rest("GET", f"/accounts/{account_id}")
    assert response.status_code == 200, response.text
    account = response.json()
    assert account["id"] == account_id
    assert account["number"] == "AC00000042"
    assert account["currency_code"] == "EUR"
    assert account["life_cycle_state"] == "ACTIVE"
    assert isinstance(account["created_on"], int)
    assert account["wallet"] is None
    assert (await api.rest("GET", "/accounts/AC00000042")).json() == account
    refused(await api.rest("GET", "/accounts/nope"), 404, ["account", "nope"])


async def journals(api: Api, wallet_id: str, **params: Any) -> Any:
    response = await api.rest("GET", f"/wallets/{wallet_id}/journals", params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_wallet_journals_page_filter_and_sort(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    now = int(datetime.now(UTC).timestamp())
    days = [3, 2, 1, 0]  # business dates: 3 days ago ... today
    for n, age in enumerate(days):
        created_on = now - age * 86_400
        response = await post(api, wallet_id, 10 + n, created_on=created_on)
        assert response.status_code == 200, response.text
    debit = await post(api, wallet_id, 5, "DEBIT", created_on=now - 86_400 - 60)
    assert debit.status_code == 200, debit.text

    first = await journals(api, wallet_id, size=2)
    assert first["paging"] == {"page": 1, "size": 2, "total": 5, "has_more": True}
    # Newest business date first by default.
    assert [j["amount"] for j in first["content"]] == [13, 12]
    last = await journals(api, wallet_id, size=2, page=3)
    assert last["paging"] == {"page": 3, "size": 2, "total": 5, "has_more": False}
    assert [j["amount"] for j in last["content"]] == [10]

    credits = await journals(api, wallet_id, type="CREDIT", sort="amount", order="ASC")
    assert [j["amount"] for j in credits["content"]] == [10, 11, 12, 13]
    assert {j["type"] for j in credits["content"]} == {"CREDIT"}

    # created_on[gte] / [lt]: from two days ago (inclusive) to today (exclusive).
    window = await journals(
        api,
        wallet_id,
        **{"created_on[gte]": now - 2 * 86_400, "created_on[lt]": now, "order": "ASC"},
    )
    assert [(j["type"], j["amount"]) for j in window["content"]] == [
        ("CREDIT", 11),
        ("DEBIT", 5),
        ("CREDIT", 12),
    ]
    strict = await journals(
        api, wallet_id, **{"created_on[gt]": now - 2 * 86_400, "created_on[lte]": now}
    )
    assert [j["amount"] for j in strict["content"]] == [13, 12, 5]

    # The same list in GraphQL, the same field.
    data = await api.data(
        """query($id: ID!, $from: DateTime) { wallet(id: $id) {
            journals(filter: {type: DEBIT, created_on_gte: $from}) {
                content { amount type } paging { total has_more } } } }""",
        {"id": wallet_id, "from": now - 2 * 86_400},
    )
    assert data["wallet"]["journals"] == {
        "content": [{"amount": "5", "type": "DEBIT"}],
        "paging": {"total": 1, "has_more": False},
    }

    refused(
        await api.rest("GET", f"/wallets/{wallet_id}/journals", params={"type": "REFUND"}),
        400,
        ["type"],
    )
    refused(
        await api.rest("GET", f"/wallets/{wallet_id}/journals", params={"sort": "colour"}),
        400,
        ["sort"],
    )
    refused(
        await api.rest("GET", f"/wallets/{wallet_id}/journals", params={"created_on[gte]": "x"}),
        400,
        ["created_on[gte]"],
    )
    refused(
        await api.rest("GET", f"/wallets/{wallet_id}/journals", params={"created_on": "1"}),
        400,
        ["created_on"],
    )
    refused(await api.rest("GET", "/wallets/nope/journals"), 404, ["wallet", "nope"])


async def test_a_size_above_the_maximum_is_served_at_it_on_both_doors(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    for n in range(3):
        await make_account(db, tenant.organisation_id, number=f"AC0000010{n}")
    page = (await api.rest("GET", "/contacts", params={"size": 250})).json()
    assert page["paging"] == {"page": 1, "size": 100, "total": 3, "has_more": False}
    assert len(page["content"]) == 3
    data = await api.data("{ contacts(size: 250) { paging { page size total has_more } } }")
    assert data["contacts"]["paging"] == {"page": 1, "size": 100, "total": 3, "has_more": False}
    walk = (await api.rest("GET", "/contacts", params={"size": 2})).json()["paging"]
    assert walk["has_more"] is True
    for size in ("0", "-1"):
        refused(await api.rest("GET", "/contacts", params={"size": size}), 400, ["size"])
    body = await api.graphql("{ contacts(size: 0) { paging { size } } }")
    assert body["errors"][0]["extensions"]["parameters"][0] == "size"


async def test_the_query_cost_counts_the_size_served(api: Api, tenant: BootstrapResult) -> None:
    # 250 x 250 pages would be 125,500 objects, above the default cost limit of 50,000; served
    # at 100 x 100 they are about 20,200.
    query = f"""{{ organisation_network(id: "{tenant.organisation_id}", size: 250) {{
        content {{ id children(size: 250) {{ content {{ id }} }} }} }} }}"""
    body = await api.graphql(query)
    assert "errors" not in body, body
    assert body["data"]["organisation_network"]["content"] == []


async def test_an_amount_finer_than_its_currency_is_refused_naming_it(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)  # EUR: 2 decimals
    refused(await post(api, wallet_id, "0.001"), 400, ["amount"])
    response = await post(api, wallet_id, 0.001)
    refused(response, 400, ["amount"])
    assert "EUR amounts have at most 2 decimals" in response.json()["message"]
    body = await api.graphql(
        """mutation($id: ID!) { post_journal(input: {
            wallet_id: $id, type: CREDIT, amount: "1.005" }) { id } }""",
        {"id": wallet_id},
    )
    assert body["errors"][0]["extensions"]["parameters"] == ["amount"], body
    assert await wallet_state(db, wallet_id) == (0, 0, "EFFECTIVE", 0)
    assert (await post(api, wallet_id, "0.10")).status_code == 200  # trailing zeros are fine
    # JPY has no decimals, BHD three.
    organisation = tenant.organisation_id
    yen_account = await make_account(db, organisation, number="AC00000201", currency_code="JPY")
    yen = await make_wallet(api, yen_account)
    refused(await post(api, yen, "1.5"), 400, ["amount"])
    assert (await post(api, yen, "150")).status_code == 200
    dinar_account = await make_account(db, organisation, number="AC00000202", currency_code="BHD")
    dinar = await make_wallet(api, dinar_account)
    assert (await post(api, dinar, "1.005")).status_code == 200
    refused(await post(api, dinar, "1.0005"), 400, ["amount"])


async def test_account_and_wallet_amounts_finer_than_their_currency_are_refused(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)  # EUR
    response = await api.rest("PUT", f"/accounts/{account_id}", {"credit_limit": "10.005"})
    refused(response, 400, ["credit_limit"])
    assert (await api.rest("PUT", f"/accounts/{account_id}", {"credit_limit": 10.5})).is_success
    rule = {"maximum_amount": "9.999", "transaction_type": "DEBIT", "period": "DAILY"}
    response = await api.rest("POST", f"/accounts/{account_id}/wallets", {"limit_rules": [rule]})
    refused(response, 400, ["limit_rules[0].maximum_amount"])
    wallet_id = await make_wallet(api, account_id, {"minimum_balance": "1.10"})
    topup = {"auto_topup": {"threshold": 1, "amount": "5.125"}}
    refused(await api.rest("PUT", f"/wallets/{wallet_id}", topup), 400, ["auto_topup.amount"])
    body = await api.graphql(
        """mutation($id: ID!) { update_wallet(id: $id, input: {minimum_balance: "0.001"})
            { id } }""",
        {"id": wallet_id},
    )
    assert body["errors"][0]["extensions"]["parameters"] == ["minimum_balance"], body
