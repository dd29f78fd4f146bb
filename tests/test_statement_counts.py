"""Work per request that depends on the query's shape only: each document is validated once
per process (both doors), and nested pages cost the same number of SQL statements however
many parents and rows they hold (on SQLite and PostgreSQL)."""

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.conftest import Api, counting_statements
from tests.test_journals import new_wallet
from tests.test_query_limits import gateway_with


def api_engine(api: Api) -> AsyncEngine:
    """The engine of the gateway ``api`` talks to (in process)."""
    transport = api.client._transport
    engine: AsyncEngine = transport.app.state.gateway.runtime.db.engine  # type: ignore[attr-defined]
    return engine


def validation_cache(app: Any) -> Any:
    """The running gateway's validation cache (an ``lru_cache``: ``cache_info()``)."""
    return app.state.schema.documents.validated


async def test_a_graphql_document_run_five_times_is_validated_once(
    api: Api, tenant: BootstrapResult, gateway: Any
) -> None:
    query = '{ organisation(id: "%s") { id name children { content { id } } } }'
    query %= tenant.organisation_id
    before = validation_cache(gateway[0]).cache_info()
    for _ in range(5):
        await api.data(query)
    after = validation_cache(gateway[0]).cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == 4


async def test_a_rest_route_run_five_times_is_never_validated_again(
    api: Api, tenant: BootstrapResult, db: Database, gateway: Any
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    before = validation_cache(gateway[0]).cache_info()
    for _ in range(5):
        response = await api.rest(
            "POST", "/journals", {"wallet_id": wallet_id, "amount": 1, "type": "CREDIT"}
        )
        assert response.status_code == 200, response.text
    after = validation_cache(gateway[0]).cache_info()
    # The saved document was parsed and validated when the gateway started.
    assert after.misses == before.misses
    assert after.hits - before.hits == 5


async def test_the_pool_size_is_the_number_of_connections(database_url: str) -> None:
    async with gateway_with(database_url, database_pool_size=3) as (api, tenant):
        engine = api_engine(api)
        connects: list[object] = []
        event.listen(engine.sync_engine, "connect", lambda *_: connects.append(1))
        query = '{ organisation(id: "%s") { id children { content { id } } } }'
        query %= tenant.organisation_id

        async def burst() -> None:
            answers = await asyncio.gather(*(api.data(query) for _ in range(30)))
            assert all(a["organisation"]["id"] == tenant.organisation_id for a in answers)

        await burst()
        opened = len(connects)
        assert opened <= 3
        await burst()  # steady load: the pooled connections serve it, none is opened
        assert len(connects) == opened
        assert engine.pool.size() == 3 and engine.pool.overflow() <= 0


async def test_posting_a_journal_locks_changes_and_writes_in_two_statements(
    api: Api, tenant: BootstrapResult, db: Database, gateway: Any
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    body = {"wallet_id": wallet_id, "amount": "2.50", "type": "CREDIT"}
    assert (await api.rest("POST", "/journals", body)).status_code == 200
    with counting_statements(gateway[0]) as statements:
        response = await api.rest("POST", "/journals", {**body, "type": "DEBIT", "amount": 1})
    assert response.status_code == 200, response.text
    data = [s for s in statements if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))]
    assert [s.split()[0].upper() for s in data] == ["UPDATE", "INSERT"], data
    assert "RETURNING" in data[0] and "FOR UPDATE" not in " ".join(data)
    journal = (await api.rest("GET", f"/journals/{response.json()['id']}")).json()
    assert journal["balance_after"] == 1.5 and journal["amount"] == 1
    # A refusal takes the general way and changes nothing.
    refused = await api.rest("POST", "/journals", {**body, "type": "DEBIT", "amount": 5})
    assert refused.status_code == 400 and "balance" in refused.json()["message"]
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["balance"] == 1.5
