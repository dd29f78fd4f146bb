"""Money exact end to end: JSON numbers read from their text, written without float, one range.

Every case goes through both doors (REST and GraphQL variables, as JSON numbers and as strings)
on both databases; a refused amount is a 400 naming its field and writes nothing.
"""

import json
from decimal import Decimal
from typing import Any

import pytest

from app.db.engine import Database
from app.money import MAX_MONEY, loads_exact, parse_money
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_wallets import make_account, make_wallet, wallet_state

EXACT = "1234567890123.4567"
LARGEST = "99999999999999.9999"

POST_JOURNAL = """mutation($input: PostJournalInput!) {
    post_journal(input: $input) { id amount balance_after }
}"""
WALLET_BALANCE = "query($id: ID!) { wallet(id: $id) { balance open_balance } }"

# (JSON text of the amount, why it is refused)
REFUSED_AMOUNTS = [
    ("1e16", "a JSON number beyond the range"),
    ("100000000000000", "10^14 itself"),
    ("-100000000000000", "below the range"),
    ('"100000000000000000"', "a string beyond the range"),
    ('"1e30"', "a string in exponent form"),
    ('"1_000"', "digit separators"),
    ('"\uff11\uff10"', "full-width digits"),
    ('"+1"', "a leading plus"),
    ('"1 000"', "whitespace inside"),
    ('" 1"', "whitespace around"),
    ('"NaN"', "NaN"),
    ('"Infinity"', "infinity"),
    ('"0x10"', "hexadecimal"),
    ("1.23456", "five decimal places"),
    ("1e400", "beyond a double"),
    ("true", "a boolean"),
]


def exact(response_body: bytes) -> Any:
    """A response body with its numbers as exact decimals."""
    return json.loads(response_body, parse_float=Decimal)


async def rest_raw(api: Api, method: str, path: str, body: str) -> Any:
    """A REST call with a hand-written JSON body (so that numbers keep every digit)."""
    return await api.client.request(
        method,
        "/backoffice/v1" + path,
        content=body.encode(),
        headers={"content-type": "application/json", "api_key": api.key or ""},
    )


async def graphql_raw(api: Api, query: str, variables: str) -> Any:
    """A GraphQL call with hand-written JSON variables; the body with exact numbers."""
    body = f'{{"query": {json.dumps(query)}, "variables": {variables}}}'
    response = await api.client.post(
        "/graphql",
        content=body.encode(),
        headers={"content-type": "application/json", "api_key": api.key or ""},
    )
    assert response.status_code == 200, response.text
    return exact(response.content)


async def new_wallet(api: Api, tenant: BootstrapResult, db: Database) -> str:
    """A wallet in CLF, a currency of 4 decimals (ISO 4217): the money rule's whole range."""
    account_id = await make_account(db, tenant.organisation_id, currency_code="CLF")
    return await make_wallet(api, account_id)


def journal_body(wallet_id: str, amount: str) -> str:
    return f'{{"wallet_id": "{wallet_id}", "type": "CREDIT", "amount": {amount}}}'


@pytest.mark.parametrize("amount", [EXACT, f'"{EXACT}"'])
async def test_rest_journal_amount_is_exact(
    api: Api, tenant: BootstrapResult, db: Database, amount: str
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    posted = await rest_raw(api, "POST", "/journals", journal_body(wallet_id, amount))
    assert posted.status_code == 200, posted.text
    journal = await api.rest("GET", f"/journals/{posted.json()['id']}")
    assert f'"amount":{EXACT}'.encode() in journal.content
    assert exact(journal.content)["balance_after"] == Decimal(EXACT)
    assert (await wallet_state(db, wallet_id))[0] == Decimal(EXACT)


@pytest.mark.parametrize("amount", [EXACT, f'"{EXACT}"'])
async def test_graphql_journal_amount_is_exact(
    api: Api, tenant: BootstrapResult, db: Database, amount: str
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    answer = await graphql_raw(api, POST_JOURNAL, f'{{"input": {journal_body(wallet_id, amount)}}}')
    assert answer["data"]["post_journal"]["amount"] == EXACT, answer
    assert answer["data"]["post_journal"]["balance_after"] == EXACT
    assert (await wallet_state(db, wallet_id))[0] == Decimal(EXACT)


async def test_the_largest_amount_round_trips_through_both_doors(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    posted = await rest_raw(api, "POST", "/journals", journal_body(wallet_id, LARGEST))
    assert posted.status_code == 200, posted.text
    rest = await api.rest("GET", f"/wallets/{wallet_id}")
    assert f'"balance":{LARGEST}'.encode() in rest.content
    assert exact(rest.content)["open_balance"] == Decimal(LARGEST)
    graph = await api.data(WALLET_BALANCE, {"id": wallet_id})
    assert graph["wallet"] == {"balance": LARGEST, "open_balance": LARGEST}
    assert (await wallet_state(db, wallet_id))[0] == MAX_MONEY


async def test_graphql_literals_are_read_from_their_text(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    data = await api.data(
        f"""mutation {{ post_journal(input: {{
            wallet_id: "{wallet_id}", type: CREDIT, amount: {EXACT}
        }}) {{ amount }} }}"""
    )
    assert data["post_journal"]["amount"] == EXACT
    refused = await api.graphql(
        f"""mutation {{ post_journal(input: {{
            wallet_id: "{wallet_id}", type: CREDIT, amount: 1e16
        }}) {{ amount }} }}"""
    )
    assert refused.get("errors") and "out of range" in refused["errors"][0]["message"]
    assert (await wallet_state(db, wallet_id))[0] == Decimal(EXACT)


@pytest.mark.parametrize(("amount", "why"), REFUSED_AMOUNTS)
async def test_refused_amounts_are_a_400_naming_the_field_and_write_nothing(
    api: Api, tenant: BootstrapResult, db: Database, amount: str, why: str
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    before = await wallet_state(db, wallet_id)
    rest = await rest_raw(api, "POST", "/journals", journal_body(wallet_id, amount))
    assert rest.status_code == 400, (why, rest.text)
    assert rest.json()["error"] == "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION", why
    assert rest.json()["parameters"] == ["amount"], why
    graph = await graphql_raw(api, POST_JOURNAL, f'{{"input": {journal_body(wallet_id, amount)}}}')
    assert graph.get("errors") and graph.get("data") is None, (why, graph)
    assert "amount" in graph["errors"][0]["message"], why
    assert await wallet_state(db, wallet_id) == before, why


async def test_json_nan_and_infinity_are_not_json(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    for literal in ("NaN", "Infinity", "-Infinity"):
        rest = await rest_raw(api, "POST", "/journals", journal_body(wallet_id, literal))
        assert rest.status_code == 400 and rest.json()["parameters"] == ["body"], literal
        graph = await api.client.post(
            "/graphql",
            content=f'{{"query": {json.dumps(POST_JOURNAL)}, '
            f'"variables": {{"input": {journal_body(wallet_id, literal)}}}}}',
            headers={"content-type": "application/json", "api_key": api.key or ""},
        )
        assert graph.status_code == 400, literal
    assert (await wallet_state(db, wallet_id))[3] == 0


@pytest.mark.parametrize("amount", ["1e30", '"1e30"', '"100000000000000"', "1e16"])
async def test_other_money_fields_are_refused_beyond_the_range(
    api: Api, tenant: BootstrapResult, db: Database, amount: str
) -> None:
    account_id = await make_account(db, tenant.organisation_id, currency_code="CLF")
    wallet_id = await make_wallet(api, account_id)
    account_before = (await api.rest("GET", f"/accounts/{account_id}")).content
    wallet_before = (await api.rest("GET", f"/wallets/{wallet_id}")).content
    rule = f'{{"maximum_amount": {amount}, "transaction_type": "DEBIT", "period": "DAILY"}}'
    cases = [
        (f"/accounts/{account_id}", f'{{"credit_limit": {amount}}}', "credit_limit"),
        (f"/wallets/{wallet_id}", f'{{"minimum_balance": {amount}}}', "minimum_balance"),
        (
            f"/wallets/{wallet_id}",
            f'{{"limit_rules": [{rule}]}}',
            "limit_rules[0].maximum_amount",
        ),
        (
            f"/wallets/{wallet_id}",
            f'{{"auto_topup": {{"threshold": 1, "amount": {amount}}}}}',
            "auto_topup.amount",
        ),
    ]
    for path, body, field in cases:
        response = await rest_raw(api, "PUT", path, body)
        assert response.status_code == 400, (field, response.text)
        assert response.json()["parameters"] == [field]
    graph = await graphql_raw(
        api,
        "mutation($id: ID!, $input: UpdateAccountInput!) "
        "{ update_account(id: $id, input: $input) { credit_limit } }",
        f'{{"id": "{account_id}", "input": {{"credit_limit": {amount}}}}}',
    )
    assert graph.get("errors") and "credit_limit" in graph["errors"][0]["message"]
    graph = await graphql_raw(
        api,
        "mutation($id: ID!, $input: UpdateWalletInput!) "
        "{ update_wallet(id: $id, input: $input) { minimum_balance } }",
        f'{{"id": "{wallet_id}", "input": {{"limit_rules": [{rule}]}}}}',
    )
    assert graph.get("errors") and "maximum_amount" in graph["errors"][0]["message"]
    assert (await api.rest("GET", f"/accounts/{account_id}")).content == account_before
    assert (await api.rest("GET", f"/wallets/{wallet_id}")).content == wallet_before


async def test_money_fields_keep_every_digit(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id, currency_code="CLF")
    wallet_id = await make_wallet(api, account_id)
    credit_limit = f'{{"credit_limit": {LARGEST}}}'
    response = await rest_raw(api, "PUT", f"/accounts/{account_id}", credit_limit)
    assert response.status_code == 200, response.text
    minimum = f'{{"minimum_balance": "{EXACT}"}}'
    response = await rest_raw(api, "PUT", f"/wallets/{wallet_id}", minimum)
    assert response.status_code == 200, response.text
    financials = await api.rest("GET", f"/accounts/{account_id}/financials")
    assert exact(financials.content)["credit_limit"] == Decimal(LARGEST)
    wallet = await api.rest("GET", f"/wallets/{wallet_id}")
    assert exact(wallet.content)["minimum_balance"] == Decimal(EXACT)
    graph = await api.data(
        "query($id: ID!) { account(id: $id) { credit_limit contact { id } } }", {"id": account_id}
    )
    assert graph["account"]["credit_limit"] == LARGEST
    # The contact's accounts page is a compiled read (one SQL statement builds the JSON).
    page = await api.rest("GET", f"/contacts/{graph['account']['contact']['id']}/accounts")
    assert f'"credit_limit":{LARGEST}'.encode() in page.content, page.text


async def test_a_credit_beyond_the_largest_balance_is_refused(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    posted = await rest_raw(api, "POST", "/journals", journal_body(wallet_id, LARGEST))
    assert posted.status_code == 200, posted.text
    before = await wallet_state(db, wallet_id)
    rest = await rest_raw(api, "POST", "/journals", journal_body(wallet_id, "0.0001"))
    assert rest.status_code == 400, rest.text
    assert rest.json()["parameters"] == ["amount"]
    assert "balance" in rest.json()["message"]
    graph = await graphql_raw(api, POST_JOURNAL, f'{{"input": {journal_body(wallet_id, "1")}}}')
    assert graph["errors"][0]["extensions"]["code"] == "INVALIDVALUE"
    assert await wallet_state(db, wallet_id) == before


async def test_numbers_in_strings_are_plain_ascii(api: Api) -> None:
    for size in ("1_0", "\uff11\uff10", "1e1"):
        response = await api.rest("GET", "/contacts", params={"size": size})
        assert response.status_code == 400, size
        assert response.json()["parameters"] == ["size"], size
    assert (await api.rest("GET", "/contacts", params={"size": "10"})).status_code == 200


def test_parse_money_rule() -> None:
    assert parse_money(EXACT) == Decimal(EXACT)
    assert parse_money(loads_exact(f"[{EXACT}]")[0]) == Decimal(EXACT)
    assert parse_money(loads_exact("[1.5e2]")[0]) == 150
    assert parse_money(-MAX_MONEY) == -MAX_MONEY
    assert str(parse_money("-0")) == "0"
    for refused in (1.5, "1.", ".5", "-", "", "1.00001", Decimal("NaN"), Decimal("1E+14")):
        with pytest.raises(ValueError):
            parse_money(refused)
