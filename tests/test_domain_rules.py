"""Domain rules a probe found broken: limits by real time, loaders after writes, literal search,
alternative identifiers that could shadow ids. Both doors, both databases."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from app.db.engine import Database
from app.db.models import Account, Contact, Wallet
from app.identifiers import has_id_shape
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_contacts import create_contact
from tests.test_organisations import create_child
from tests.test_reference import create
from tests.test_wallets import make_account, make_wallet, post, wallet_state

DAY = 86_400
DAILY_DEBIT_LIMIT = {
    "limit_rules": [{"maximum_amount": 50, "transaction_type": "DEBIT", "period": "DAILY"}]
}
POST_JOURNAL = """mutation($input: PostJournalInput!) {
    post_journal(input: $input) { id created_on posted_on }
}"""


def now() -> int:
    return int(datetime.now(UTC).timestamp())


async def funded_wallet(api: Api, tenant: BootstrapResult, db: Database, **rules: Any) -> str:
    """A wallet with 500 on its open balance and the given creation body."""
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id, rules or None)
    assert (await post(api, wallet_id, 500)).status_code == 200
    return wallet_id


def refused_field(response: Any) -> tuple[int, str, list[str]]:
    body = response.json()
    return response.status_code, body["error"], body["parameters"]


# 1. Limits follow the server's clock, not the caller's created_on.


async def test_back_dated_debits_count_in_todays_limit(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await funded_wallet(api, tenant, db, **DAILY_DEBIT_LIMIT)
    assert (await post(api, wallet_id, 50, "DEBIT")).status_code == 200
    before = await wallet_state(db, wallet_id)
    limit_error = "CRM.EXCEPTIONS.WALLETLIMITEXCEEDEDEXCEPTION"
    # REST: yesterday's and last week's business dates are still posted today.
    for created_on in (now() - DAY, now() - 7 * DAY, now() + 60):
        response = await post(api, wallet_id, 50, "DEBIT", created_on=created_on)
        assert refused_field(response) == (400, limit_error, ["wallet", wallet_id])
    # GraphQL: the same refusal.
    body = await api.graphql(
        POST_JOURNAL,
        {
            "input": {
                "wallet_id": wallet_id,
                "amount": "50",
                "type": "DEBIT",
                "created_on": datetime.fromtimestamp(now() - DAY, UTC).isoformat(),
            }
        },
    )
    assert body["errors"][0]["extensions"]["code"] == "WALLETLIMITEXCEEDED"
    assert await wallet_state(db, wallet_id) == before


async def test_created_on_is_kept_as_the_business_date(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await funded_wallet(api, tenant, db)
    yesterday = now() - DAY
    response = await post(api, wallet_id, 5, "DEBIT", created_on=yesterday)
    journal = (await api.rest("GET", f"/journals/{response.json()['id']}")).json()
    assert journal["created_on"] == yesterday
    assert abs(journal["posted_on"] - now()) < 60
    data = await api.data(
        POST_JOURNAL,
        {"input": {"wallet_id": wallet_id, "amount": "5", "type": "DEBIT"}},
    )
    assert data["post_journal"]["created_on"] == data["post_journal"]["posted_on"]


async def test_created_on_outside_the_window_is_refused_naming_it(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await funded_wallet(api, tenant, db)
    before = await wallet_state(db, wallet_id)
    invalid = "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION"
    # Beyond 5 minutes ahead, more than 366 days behind (the spec example's April 2020 too).
    for created_on in (now() + 10 * 60, now() + DAY, now() - 367 * DAY, 1588081851):
        response = await post(api, wallet_id, 5, "DEBIT", created_on=created_on)
        assert refused_field(response) == (400, invalid, ["created_on"]), created_on
        body = await api.graphql(
            POST_JOURNAL,
            {
                "input": {
                    "wallet_id": wallet_id,
                    "amount": "5",
                    "type": "DEBIT",
                    "created_on": datetime.fromtimestamp(created_on, UTC).isoformat(),
                }
            },
        )
        assert body["errors"][0]["extensions"]["code"] == "INVALIDVALUE"
        assert "created_on" in body["errors"][0]["message"]
    assert await wallet_state(db, wallet_id) == before
    # A small clock skew ahead and almost a year back are accepted.
    assert (await post(api, wallet_id, 5, "DEBIT", created_on=now() + 120)).status_code == 200
    assert (await post(api, wallet_id, 5, "DEBIT", created_on=now() - 365 * DAY)).status_code == 200


# 2. Later fields and mutations of one document see what earlier mutations wrote.


async def test_two_postings_in_one_document_each_see_their_own_balance(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await funded_wallet(api, tenant, db)
    document = """mutation($w: ID!) {
        first: post_journal(input: {wallet_id: $w, amount: "10", type: DEBIT}) {
            balance_after wallet { balance open_balance }
        }
        second: post_journal(input: {wallet_id: $w, amount: "15", type: DEBIT}) {
            balance_after wallet { balance open_balance }
        }
    }"""
    data = await api.data(document, {"w": wallet_id})
    assert data["first"]["wallet"]["balance"] == "490"
    assert data["first"]["balance_after"] == "490"
    assert data["second"]["wallet"] == {"balance": "475", "open_balance": "475"}
    assert data["second"]["balance_after"] == "475"
    # The REST door reads the same state afterwards.
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["balance"] == 475


async def test_account_update_is_seen_by_a_later_field_of_the_document(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await funded_wallet(api, tenant, db)
    account_id = (
        await api.data("query($w: ID!) { wallet(id: $w) { account_id } }", {"w": wallet_id})
    )["wallet"]["account_id"]
    document = """mutation($w: ID!, $a: ID!) {
        before: post_journal(input: {wallet_id: $w, amount: "1", type: CREDIT}) {
            wallet { account { credit_limit } }
        }
        update_account(id: $a, input: {credit_limit: "250"}) { id credit_limit }
        after: post_journal(input: {wallet_id: $w, amount: "1", type: CREDIT}) {
            wallet { balance account { credit_limit } }
        }
    }"""
    data = await api.data(document, {"w": wallet_id, "a": account_id})
    assert data["before"]["wallet"]["account"]["credit_limit"] == "0"
    assert data["update_account"]["credit_limit"] == "250"
    assert data["after"]["wallet"] == {"balance": "502", "account": {"credit_limit": "250"}}
    graph = await api.data("query($a: ID!) { account(id: $a) { credit_limit } }", {"a": account_id})
    assert graph["account"]["credit_limit"] == "250"


def test_no_resolver_writes_around_the_loader_clearing_session() -> None:
    """Every mutation resolver writes through ``Context.write`` (which clears the loaders)."""
    from pathlib import Path

    resolvers = Path(__file__).resolve().parent.parent / "resolvers"
    offenders = [
        path.name
        for path in resolvers.glob("*.py")
        if path.name != "context.py" and "db.write()" in path.read_text()
    ]
    assert offenders == []


# 3. Search values are text, not LIKE patterns.

SEARCHES = {
    "_": {"under_score"},
    "%": {"100% pure"},
    "under_score": {"under_score"},
    "\\": {"back\\slash"},
    "x": {"underxscore"},
}


async def test_contact_search_matches_wildcards_literally(api: Api) -> None:
    names = ["under_score", "underxscore", "100% pure", "back\\slash", "plain"]
    for index, name in enumerate(names):
        await create_contact(api, first_name=name, code=f"C-{index}", email_address=None)
    for value, expected in SEARCHES.items():
        rest = await api.rest("GET", "/contacts", params={"search_value": value})
        assert {item["first_name"] for item in rest.json()["content"]} == expected, value
        graph = await api.data(
            "query($s: String) { contacts(filter: {search_value: $s}) { content { first_name } } }",
            {"s": value},
        )
        assert {item["first_name"] for item in graph["contacts"]["content"]} == expected


async def test_reference_search_matches_wildcards_literally(api: Api) -> None:
    for name in ["under_score", "underxscore", "100% pure", "back\\slash", "plain"]:
        await create(api, "industry", {"name": name})
    for value, expected in SEARCHES.items():
        graph = await api.data(
            "query($s: String) { industries(filter: {search_value: $s}) { content { name } } }",
            {"s": value},
        )
        assert {item["name"] for item in graph["industries"]["content"]} == expected, value


async def test_network_search_matches_wildcards_literally(
    api: Api, tenant: BootstrapResult
) -> None:
    root = tenant.organisation_id
    for name in ["under_score", "underxscore", "100% pure", "back\\slash", "plain"]:
        town = "Nic_sia" if name == "under_score" else "Nicosia"
        locations = [{"name": "HQ", "town_city": town, "country_code": "CY"}]
        await create_child(api, root, "MERCHANT", name, locations=locations)
    for param in ("search_value", "name"):
        for value, expected in SEARCHES.items():
            response = await api.rest(
                "GET", f"/organisations/{root}/network", params={param: value}
            )
            assert {item["name"] for item in response.json()["content"]} == expected, value
    by_town = await api.rest(
        "GET", f"/organisations/{root}/network", params={"town_city": "nic_sia"}
    )
    assert [item["name"] for item in by_town.json()["content"]] == ["under_score"]
    graph = await api.data(
        "query($id: ID!, $s: String) { organisation_network(id: $id, filter: {search_value: $s}) {"
        " content { name } } }",
        {"id": root, "s": "%"},
    )
    assert [item["name"] for item in graph["organisation_network"]["content"]] == ["100% pure"]


# 4. An alternative identifier never equals a primary id of its kind.


async def test_a_contact_code_may_not_be_another_contacts_id(api: Api, db: Database) -> None:
    first = await create_contact(api, code="C-1")
    conflict = (409, "CRM.EXCEPTIONS.CONFLICTEXCEPTION", ["code", first])
    response = await api.rest("POST", "/contacts", {**_person("Shadow"), "code": first})
    assert refused_field(response) == conflict
    body = await api.graphql(
        'mutation($c: String) { create_contact(input: {contact_type: PERSON, first_name: "S",'
        " code: $c}) { id } }",
        {"c": first},
    )
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    second = await create_contact(api, code="C-2")
    response = await api.rest("PUT", f"/contacts/{second}", {"code": first})
    assert refused_field(response) == conflict
    # Its own id is refused as well: one rule, no exceptions.
    response = await api.rest("PUT", f"/contacts/{second}", {"code": second})
    assert refused_field(response)[:2] == conflict[:2]
    # A UUID-shaped code that is nobody's id is an ordinary code.
    foreign = "0190aaaa-bbbb-7ccc-8ddd-eeeeeeeeeeee"
    assert (await api.rest("PUT", f"/contacts/{second}", {"code": foreign})).status_code == 200
    assert (await api.rest("GET", f"/contacts/{foreign}")).json()["id"] == second
    # So POST /contacts/{first's id}/accounts lands on the first contact.
    created = await api.rest("POST", f"/contacts/{first}/accounts", {"currency_code": "EUR"})
    assert created.status_code == 200, created.text
    listed = (await api.rest("GET", f"/contacts/{first}/accounts")).json()["content"]
    assert [item["id"] for item in listed] == [created.json()["id"]]


async def test_an_id_match_wins_over_an_alternative_identifier(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    """Rows stored before the rule (arranged directly) cannot shadow an id in any lookup.

    Account numbers and wallet codes are VARCHAR(32): PostgreSQL cannot even store a
    36-character id in them; SQLite does not enforce the width, so there the shadow is tried.
    """
    first_account = await make_account(db, tenant.organisation_id, number="AC00000001")
    second_account = await make_account(db, tenant.organisation_id, number="AC00000002")
    first_wallet = await make_wallet(api, first_account)
    second_wallet = await make_wallet(api, second_account)
    first_contact = await create_contact(api, code="C-1")
    second_contact = await create_contact(api, code="C-2")
    async with db.write() as session:
        if db.is_sqlite:
            await session.execute(
                update(Account).where(Account.id == second_account).values(number=first_account)
            )
            await session.execute(
                update(Wallet).where(Wallet.id == second_wallet).values(code=first_wallet)
            )
        await session.execute(
            update(Contact).where(Contact.id == second_contact).values(code=first_contact)
        )
    changed = await api.rest("PUT", f"/accounts/{first_account}", {"credit_limit": 5})
    assert changed.json() == {"id": first_account}
    assert (await api.rest("GET", f"/contacts/{first_contact}")).json()["id"] == first_contact
    assert (await api.rest("GET", f"/wallets/{first_wallet}")).json()["id"] == first_wallet
    graph = await api.data(
        "query($a: ID!, $c: ID!) { account(id: $a) { id } contact(id: $c) { id } }",
        {"a": first_account, "c": first_contact},
    )
    assert graph == {"account": {"id": first_account}, "contact": {"id": first_contact}}
    # Postings by id reach the wallet with that id.
    assert (await post(api, first_wallet, 3)).status_code == 200
    assert (await wallet_state(db, first_wallet))[0] == 3


async def test_generated_numbers_and_codes_never_have_an_ids_shape(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    contact_id = await create_contact(api, code="C-1")
    created = await api.rest("POST", f"/contacts/{contact_id}/accounts", {"currency_code": "EUR"})
    account = (
        await api.data(
            "query($a: ID!) { account(id: $a) { id number } }", {"a": created.json()["id"]}
        )
    )["account"]
    wallet_id = await make_wallet(api, account["id"])
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert has_id_shape(account["id"]) and has_id_shape(wallet["id"])
    assert not has_id_shape(account["number"]) and not has_id_shape(wallet["code"])


def _person(name: str) -> dict[str, Any]:
    return {"contact_type": "PERSON", "first_name": name}
