"""Journals: credits and debits, every refusal, limits, idempotency and concurrency."""

import asyncio
import contextlib
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.db.engine import Database
from app.db.models import DomainEvent, IdempotencyRecord, Journal
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_wallets import (
    make_account,
    make_spend_condition,
    make_wallet,
    merchant_below,
    other_business,
    post,
    wallet_state,
)

SPEC_JOURNAL_BODY = {
    "wallet_id": "4AD9C84FA60F9FE407140E20F707726A",
    "amount": 10,
    "type": "DEBIT",
    "description": "Credit adjustment by 10 EUR",
    "spend_condition_id": "4AD9C84FA60F9FE407140E20F707726A",
    "valid_from": 1587988965,
    "valid_to": 1587988965,
    "created_on": 1588081851,
}


async def new_wallet(
    api: Api, tenant: BootstrapResult, db: Database, body: dict[str, Any] | None = None
) -> str:
    account_id = await make_account(db, tenant.organisation_id)
    return await make_wallet(api, account_id, body)


async def test_post_journal_with_the_spec_example(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    credit = await post(api, wallet_id, 25, spend_condition_id=condition_id)
    assert credit.status_code == 200
    # Ids, and the example's created_on (April 2020, now beyond the back-dating bound), are
    # replaced by real ones: a business date of yesterday.
    yesterday = int(datetime.now(UTC).timestamp()) - 86_400
    body = {
        **SPEC_JOURNAL_BODY,
        "wallet_id": wallet_id,
        "spend_condition_id": condition_id,
        "created_on": yesterday,
    }
    response = await api.rest("POST", "/journals", body)
    assert response.status_code == 200
    assert set(response.json()) == {"id"}
    journal = (await api.rest("GET", f"/journals/{response.json()['id']}")).json()
    assert journal == {
        "id": response.json()["id"],
        "wallet_id": wallet_id,
        "type": "DEBIT",
        "amount": 10,
        "currency_code": "EUR",
        "description": "Credit adjustment by 10 EUR",
        "spend_condition_id": condition_id,
        "valid_from": 1587988965,
        "valid_to": 1587988965,
        "allow_negative_balance": False,
        "balance_after": 15,
        "created_on": yesterday,
        "posted_on": journal["posted_on"],
    }
    assert journal["posted_on"] >= int(datetime.now(UTC).timestamp()) - 60
    assert await wallet_state(db, wallet_id) == (0, 15, "EFFECTIVE", 2)


async def test_credit_and_debit_of_the_open_balance(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    credit = await post(api, code, "10.12", currency_code="EUR")  # by code, same currency
    assert credit.status_code == 200
    debit = await post(api, wallet_id, "0.12", "DEBIT")
    assert debit.status_code == 200
    journal = (await api.rest("GET", f"/journals/{debit.json()['id']}")).json()
    assert journal["balance_after"] == 10
    assert journal["currency_code"] == "EUR"
    assert abs(journal["created_on"] - datetime.now(UTC).timestamp()) < 60
    assert await wallet_state(db, wallet_id) == (10, 0, "EFFECTIVE", 2)


async def test_bad_journals_are_refused_and_change_nothing(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    assert (await post(api, wallet_id, 5)).is_success
    before = await wallet_state(db, wallet_id)
    cases: list[tuple[dict[str, Any], int, list[str] | None]] = [
        ({"amount": 0}, 400, ["amount"]),
        ({"amount": -3}, 400, ["amount"]),
        ({"amount": "1.23456"}, 400, None),
        ({"amount": "ten"}, 400, None),
        ({"type": "REFUND"}, 400, None),
        ({"currency_code": "USD"}, 400, ["currency_code"]),
        ({"valid_from": 1587988965, "valid_to": 1587988000}, 400, ["valid_to"]),
        ({"wallet_id": "no-such-wallet"}, 404, ["wallet", "no-such-wallet"]),
        (
            {"spend_condition_id": "no-such-condition"},
            404,
            ["spend_condition", "no-such-condition"],
        ),
        ({"allow_negative": True}, 400, None),
    ]
    for change, status, parameters in cases:
        body = {"wallet_id": wallet_id, "amount": 1, "type": "CREDIT", **change}
        response = await api.rest("POST", "/journals", body)
        assert response.status_code == status, change
        if parameters is not None:
            assert response.json()["parameters"] == parameters, change
        assert await wallet_state(db, wallet_id) == before, change
    missing = await api.rest("POST", "/journals", {"wallet_id": wallet_id, "type": "CREDIT"})
    assert missing.status_code == 400
    assert "amount" in missing.json()["message"]
    five_places = await post(api, wallet_id, "1.23456")
    assert "amount" in five_places.json()["message"]
    assert await wallet_state(db, wallet_id) == before


async def test_a_debit_may_not_take_the_balance_below_zero(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    assert (await post(api, wallet_id, 5)).is_success
    response = await post(api, wallet_id, "5.01", "DEBIT")
    assert response.status_code == 400
    assert response.json()["error"] == "CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION"
    assert response.json()["parameters"] == ["wallet", wallet_id]
    assert await wallet_state(db, wallet_id) == (5, 0, "EFFECTIVE", 1)
    allowed = await post(api, wallet_id, 8, "DEBIT", allow_negative_balance=True)
    assert allowed.status_code == 200
    assert await wallet_state(db, wallet_id) == (-3, 0, "EFFECTIVE", 2)
    journal = (await api.rest("GET", f"/journals/{allowed.json()['id']}")).json()
    assert (journal["allow_negative_balance"], journal["balance_after"]) == (True, -3)
    # Now below zero, any further plain debit is refused.
    assert (await post(api, wallet_id, 1, "DEBIT")).status_code == 400


async def test_a_debit_draws_only_from_its_own_balance(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    first = await make_spend_condition(db, tenant.organisation_id, "First")
    second = await make_spend_condition(db, tenant.organisation_id, "Second")
    assert (await post(api, wallet_id, 100)).is_success
    assert (await post(api, wallet_id, 4, spend_condition_id=first)).is_success
    # 104 in the wallet, but only 4 under the first condition and none under the second.
    for condition_id, amount in ((first, 5), (second, 1)):
        response = await post(api, wallet_id, amount, "DEBIT", spend_condition_id=condition_id)
        assert response.status_code == 400
        assert response.json()["parameters"] == ["wallet", wallet_id]
    # Commerce money is not spent by a plain debit either.
    assert (await post(api, wallet_id, "100.01", "DEBIT")).status_code == 400
    assert await wallet_state(db, wallet_id) == (100, 4, "EFFECTIVE", 2)
    assert (await post(api, wallet_id, 4, "DEBIT", spend_condition_id=first)).is_success
    assert await wallet_state(db, wallet_id) == (100, 0, "EFFECTIVE", 3)


async def test_the_minimum_balance_holds_for_debits(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db, {"minimum_balance": 10.99})
    assert (await post(api, wallet_id, 20)).is_success
    refused = await post(api, wallet_id, "9.02", "DEBIT")
    assert refused.status_code == 400
    assert refused.json()["error"] == "CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION"
    assert refused.json()["parameters"] == ["wallet", wallet_id]
    assert await wallet_state(db, wallet_id) == (20, 0, "EFFECTIVE", 1)
    assert (await post(api, wallet_id, "9.01", "DEBIT")).is_success
    assert await wallet_state(db, wallet_id) == (Decimal("10.99"), 0, "EFFECTIVE", 2)


async def test_limit_rules(api: Api, tenant: BootstrapResult, db: Database) -> None:
    rules = {
        "limit_rules": [
            {"limit_amount": 100, "transaction_type": "DEBIT", "period": "MONTHLY"},
            {"maximum_number": 2, "transaction_type": "TOPUP", "period": "DAILY"},
            {"minimum_amount": 5, "transaction_type": ["CREDIT"], "period": "ANNUAL"},
        ]
    }
    wallet_id = await new_wallet(api, tenant, db, rules)
    assert (await post(api, wallet_id, 150)).is_success
    assert (await post(api, wallet_id, 60)).is_success
    before = await wallet_state(db, wallet_id)

    async def refused(response: Any) -> None:
        assert response.status_code == 400
        assert response.json()["error"] == "CRM.EXCEPTIONS.WALLETLIMITEXCEEDEDEXCEPTION"
        assert response.json()["parameters"] == ["wallet", wallet_id]
        assert await wallet_state(db, wallet_id) == before

    await refused(await post(api, wallet_id, 6))  # a third top-up today
    await refused(await post(api, wallet_id, 4, spend_condition_id=None))  # below the minimum
    assert (await post(api, wallet_id, 70, "DEBIT")).is_success
    before = await wallet_state(db, wallet_id)
    await refused(await post(api, wallet_id, "30.01", "DEBIT"))  # 100.01 this month
    assert (await post(api, wallet_id, 30, "DEBIT")).is_success  # exactly 100
    before = await wallet_state(db, wallet_id)
    # A journal dated in another month still counts in this one: periods follow posting time.
    last_month = int(datetime.now(UTC).timestamp()) - 40 * 86_400
    await refused(await post(api, wallet_id, 50, "DEBIT", created_on=last_month))
    # A credit under a spend condition is not a top-up: the daily count does not apply.
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    assert (await post(api, wallet_id, 6, spend_condition_id=condition_id)).is_success


async def test_idempotency_key_answers_retries_once(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    body = {"wallet_id": wallet_id, "amount": "12.50", "type": "CREDIT", "description": "Top-up"}
    headers = {"Idempotency-Key": "order-1001"}
    first = await api.rest("POST", "/journals", body, headers=headers)
    assert first.status_code == 200
    # The same request spelled differently (12.5 for 12.50) is the same request.
    again = await api.rest("POST", "/journals", {**body, "amount": 12.5}, headers=headers)
    assert (again.status_code, again.json()) == (200, first.json())
    assert await wallet_state(db, wallet_id) == (Decimal("12.5"), 0, "EFFECTIVE", 1)
    reused = await api.rest("POST", "/journals", {**body, "amount": 13}, headers=headers)
    assert reused.status_code == 409
    assert reused.json()["error"] == "CRM.EXCEPTIONS.IDEMPOTENCYKEYREUSEDEXCEPTION"
    assert reused.json()["parameters"] == ["idempotency_key", "order-1001"]
    assert await wallet_state(db, wallet_id) == (Decimal("12.5"), 0, "EFFECTIVE", 1)
    # Another key posts again; the GraphQL argument works like the header.
    other = await api.rest("POST", "/journals", body, headers={"Idempotency-Key": "order-1002"})
    assert other.json() != first.json()
    mutation = (
        'mutation($w: ID!) { post_journal(input: {wallet_id: $w, amount: "12.50", type: CREDIT,'
        ' description: "Top-up"}, idempotency_key: "order-1001") { id } }'
    )
    data = await api.data(mutation, {"w": wallet_id})
    assert data["post_journal"]["id"] == first.json()["id"]
    assert await wallet_state(db, wallet_id) == (25, 0, "EFFECTIVE", 2)


async def test_idempotency_keys_belong_to_one_organisation(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    headers = {"Idempotency-Key": "shared"}
    body = {"wallet_id": wallet_id, "amount": 1, "type": "CREDIT"}
    assert (await api.rest("POST", "/journals", body, headers=headers)).is_success
    # Another business's use of the same key is its own (here: an unknown wallet to it).
    outsider = await other_business(db)
    response = await api.rest("POST", "/journals", body, headers=headers, key=outsider)
    assert response.status_code == 404
    assert await wallet_state(db, wallet_id) == (1, 0, "EFFECTIVE", 1)


async def test_a_refused_request_does_not_use_up_its_key(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    headers = {"Idempotency-Key": "retry-me"}
    body = {"wallet_id": wallet_id, "amount": 3, "type": "DEBIT"}
    assert (await api.rest("POST", "/journals", body, headers=headers)).status_code == 400
    assert (await post(api, wallet_id, 5)).is_success
    retried = await api.rest("POST", "/journals", body, headers=headers)
    assert retried.status_code == 200
    assert await wallet_state(db, wallet_id) == (2, 0, "EFFECTIVE", 2)


async def test_concurrent_requests_with_one_key_post_once(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    body = {"wallet_id": wallet_id, "amount": 7, "type": "CREDIT"}
    responses = await asyncio.gather(
        *(
            api.rest("POST", "/journals", body, headers={"Idempotency-Key": "burst"})
            for _ in range(20)
        )
    )
    assert {response.status_code for response in responses} == {200}
    assert len({response.json()["id"] for response in responses}) == 1
    assert await wallet_state(db, wallet_id) == (7, 0, "EFFECTIVE", 1)
    async with db.read() as session:
        assert await session.scalar(select(func.count(IdempotencyRecord.id))) == 1


async def test_fifty_concurrent_debits_never_overdraw(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    assert (await post(api, wallet_id, 20)).is_success
    responses = await asyncio.gather(*(post(api, wallet_id, 1, "DEBIT") for _ in range(50)))
    statuses = [response.status_code for response in responses]
    assert statuses.count(200) == 20
    assert statuses.count(400) == 30
    assert all(
        response.json()["error"] == "CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION"
        for response in responses
        if response.status_code == 400
    )
    async with db.read() as session:
        debits = await session.scalar(
            select(func.count(Journal.id)).where(
                Journal.wallet_id == wallet_id, Journal.type == "DEBIT"
            )
        )
        balances_after = (
            await session.execute(
                select(Journal.balance_after).where(
                    Journal.wallet_id == wallet_id, Journal.type == "DEBIT"
                )
            )
        ).scalars()
        assert sorted(balances_after) == [Decimal(n) for n in range(20)]
    assert debits == 20
    assert await wallet_state(db, wallet_id) == (0, 0, "EFFECTIVE", 21)


async def test_concurrent_credits_lose_no_update(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    responses = await asyncio.gather(
        *(post(api, wallet_id, "1.1") for _ in range(20)),
        *(post(api, wallet_id, "0.01", spend_condition_id=condition_id) for _ in range(20)),
    )
    assert {response.status_code for response in responses} == {200}
    assert await wallet_state(db, wallet_id) == (
        Decimal("22"),
        Decimal("0.2"),
        "EFFECTIVE",
        40,
    )
    balances = (await api.rest("GET", f"/wallets/{wallet_id}/commerce_balances")).json()
    assert balances[0]["amount"] == 0.2


async def test_journal_reads_are_tenant_scoped(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    journal_id = (await post(api, wallet_id, 1)).json()["id"]
    outsider = await other_business(db)
    assert (await api.rest("GET", f"/journals/{journal_id}", key=outsider)).status_code == 404
    test_key = tenant.test_secret_api_key
    assert (await api.rest("GET", f"/journals/{journal_id}", key=test_key)).status_code == 404
    data = await api.data("query($id: ID!) { journal(id: $id) { id amount } }", {"id": journal_id})
    assert data["journal"] == {"id": journal_id, "amount": "1"}


LOCK_WALLET = text("SELECT id FROM wallets WHERE id = :id FOR UPDATE")


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_cancelled_posting_posts_nothing_and_returns_its_connection(
    api: Api, gateway: Any, tenant: BootstrapResult, db: Database
) -> None:
    """A request cancelled while its debit waits for the wallet's lock (a client gone, a
    timeout) posts nothing, whichever way it went (PostgreSQL's short way is one statement in
    autocommit on the driver: the server must be told to cancel it before the connection is
    dropped), and leaves no connection checked out."""
    wallet_id = await new_wallet(api, tenant, db)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    assert (await post(api, wallet_id, 10)).is_success
    pool = gateway[0].state.gateway.runtime.db.engine.pool
    for name in (wallet_id, code):
        async with db.write() as session:  # another posting holds the wallet for a while
            await session.execute(LOCK_WALLET, {"id": wallet_id})
            waiting = asyncio.ensure_future(post(api, name, 1, "DEBIT"))
            await asyncio.sleep(0.3)
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiting
            await asyncio.sleep(0.3)
        assert pool.checkedout() == 0
        assert await wallet_state(db, wallet_id) == (10, 0, "EFFECTIVE", 1), name
    async with db.read() as session:
        events = await session.scalar(
            select(func.count(DomainEvent.id)).where(DomainEvent.event == "POST_JOURNAL")
        )
    assert events == 1
    assert (await post(api, wallet_id, 1, "DEBIT")).status_code == 200


async def test_a_lone_surrogate_in_a_journal_is_answered_with_the_spec_body(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    """JSON may escape a lone surrogate (``"\\ud800"``), which no UTF-8 text holds; the answer
    that echoes it (the wallet a 404 names, the value a 400 refuses) writes U+FFFD in its place
    on both doors (it was a 500: the answer could not be encoded)."""
    wallet_id = await new_wallet(api, tenant, db)
    headers = {"content-type": "application/json", "api_key": tenant.secret_api_key}
    query = "mutation($c: PostJournalInput!) { post_journal(input: $c) { id } }"
    for field, value, status in (("wallet_id", "\\ud800", 404), ("type", "\\udfff", 400)):
        journal = {"wallet_id": wallet_id, "type": "CREDIT", field: value}
        named, type_ = journal["wallet_id"], journal["type"]
        body = f'{{"wallet_id": "{named}", "type": "{type_}", "amount": 1}}'
        rest = await api.client.post("/backoffice/v1/journals", content=body, headers=headers)
        assert rest.status_code == status, rest.text
        assert "\ufffd" in rest.text
        document = f'{{"query": "{query}", "variables": {{"c": {body}}}}}'
        graphql = await api.client.post("/graphql", content=document, headers=headers)
        assert graphql.status_code in (200, 400), graphql.text
        assert graphql.json()["errors"][0]["extensions"]["status"] == status
    assert await wallet_state(db, wallet_id) == (0, 0, "EFFECTIVE", 0)


async def test_concurrent_debits_by_id_and_by_code_never_overdraw(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    """Debits by id (PostgreSQL's short way, one statement on the driver) and by code (the
    general way, a locked row in a session) race for one balance: exactly as many pass as it
    holds, each with its journal and its event."""
    wallet_id = await new_wallet(api, tenant, db)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    assert (await post(api, wallet_id, 10)).is_success
    responses = await asyncio.gather(
        *(post(api, code if i % 2 else wallet_id, 1, "DEBIT") for i in range(30))
    )
    statuses = [response.status_code for response in responses]
    assert statuses.count(200) == 10 and statuses.count(400) == 20, statuses
    assert await wallet_state(db, wallet_id) == (0, 0, "EFFECTIVE", 11)
    async with db.read() as session:
        events = await session.scalar(
            select(func.count(DomainEvent.id)).where(DomainEvent.event == "POST_JOURNAL")
        )
    assert events == 11


async def test_a_merchant_posts_to_no_wallet_of_its_business_by_id_or_code(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    """A caller sees its organisation and those below it: the business's merchant gets the
    spec's 404 for the business's wallet named by id or by code, for credits and debits, and
    nothing is written (no journal, no event)."""
    wallet_id = await new_wallet(api, tenant, db)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    assert (await post(api, wallet_id, 10)).is_success
    _merchant_id, key = await merchant_below(db, tenant)
    for name in (wallet_id, code):
        for type_ in ("CREDIT", "DEBIT"):
            response = await post(api.as_key(key), name, 1, type_)
            assert response.status_code == 404, response.text
            assert response.json()["parameters"] == ["wallet", name]
    assert await wallet_state(db, wallet_id) == (10, 0, "EFFECTIVE", 1)
    async with db.read() as session:
        events = select(func.count(DomainEvent.id)).where(DomainEvent.event == "POST_JOURNAL")
        assert await session.scalar(events) == 1
