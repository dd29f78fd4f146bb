"""Work per request that depends on the query's shape only: each document is validated once
per process (both doors), and nested pages cost the same number of SQL statements however
many parents and rows they hold (on SQLite and PostgreSQL)."""

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.base import new_id
from app.db.engine import Database
from app.db.models import Account, Contact, Organisation, Wallet
from app.main import create_app
from app.onboarding import BootstrapResult
from tests.conftest import Api, counting_statements, suite_settings
from tests.test_journals import new_wallet
from tests.test_query_limits import gateway_with


def api_app(api: Api) -> Any:
    """The application ``api`` talks to (in process)."""
    return api.client._transport.app  # type: ignore[attr-defined]


def api_engine(api: Api) -> AsyncEngine:
    """The engine of the gateway ``api`` talks to (in process)."""
    engine: AsyncEngine = api_app(api).state.gateway.runtime.db.engine
    return engine


def validation_cache(app: Any) -> Any:
    """The running gateway's validation cache (an ``lru_cache``: ``cache_info()``)."""
    return app.state.schema.documents.validated


async def test_a_graphql_document_run_five_times_is_validated_once(
    api: Api, tenant: BootstrapResult, gateway: Any
) -> None:
    # organisation_id is answered by a resolver: the general path answers, through the cache
    # (compiled reads validate a document once when they plan it).
    query = '{ organisation(id: "%s") { id organisation_id children { content { id } } } }'
    query %= tenant.organisation_id
    before = validation_cache(gateway[0]).cache_info()
    for _ in range(5):
        await api.data(query)
    after = validation_cache(gateway[0]).cache_info()
    # Validated once; every later look (the compiled-read planner and the general path share
    # the schema's cache) is a hit.
    assert after.misses - before.misses == 1
    assert after.hits - before.hits >= 4


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
    # The saved document was parsed and validated when the gateway started: every look is a hit.
    assert after.misses == before.misses
    assert after.hits - before.hits >= 5


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


async def test_posting_a_journal_is_one_statement_on_postgresql_three_on_sqlite(
    api: Api, tenant: BootstrapResult, db: Database, gateway: Any
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    body = {"wallet_id": wallet_id, "amount": "2.50", "type": "CREDIT"}
    assert (await api.rest("POST", "/journals", body)).status_code == 200
    with counting_statements(gateway[0]) as statements:
        response = await api.rest("POST", "/journals", {**body, "type": "DEBIT", "amount": 1})
    assert response.status_code == 200, response.text
    data = [s for s in statements if s.split()[0].upper() not in TRANSACTION_CONTROL]
    # The wallet's lock, check and move, the journal and its domain event (issues 10, 11): one
    # statement on PostgreSQL (data-modifying CTEs), three on SQLite.
    kinds = [s.split()[0].upper() for s in data]
    if db.is_sqlite:
        assert kinds == ["UPDATE", "INSERT", "INSERT"], data
        assert "RETURNING" in data[0]
        assert "journals" in data[1] and "domain_events" in data[2]
    else:
        assert kinds == ["WITH"], data
        for part in ("UPDATE wallets", "RETURNING", "INSERT INTO journals", "INSERT INTO domain"):
            assert part in data[0], data
    assert "FOR UPDATE" not in " ".join(data)
    journal = (await api.rest("GET", f"/journals/{response.json()['id']}")).json()
    assert journal["balance_after"] == 1.5 and journal["amount"] == 1
    # A refusal takes the general way and changes nothing.
    refused = await api.rest("POST", "/journals", {**body, "type": "DEBIT", "amount": 5})
    assert refused.status_code == 400 and "balance" in refused.json()["message"]
    wallet = (await api.rest("GET", f"/wallets/{wallet_id}")).json()
    assert wallet["balance"] == 1.5


NESTED_PAGES = """
query ($id: ID!) {
  organisation(id: $id) {
    id name
    children(size: 20) {
      content {
        id name
        contacts(size: 20) {
          content { id first_name accounts { id number wallet { id code balance } } }
          paging { page size has_more %s }
        }
      }
      paging { page size has_more }
    }
  }
}
"""


# SQLite's BEGIN (and the rollback of a read) are not part of what a query costs to answer.
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}


def _organisation(parent: Organisation, org_type: str, name: str) -> Organisation:
    organisation = Organisation(
        id=new_id(), parent_id=parent.id, org_type=org_type, name=name, custom_fields=[]
    )
    organisation.path = f"{parent.path}{organisation.id}/"
    return organisation


async def seed_network(db: Database, tenant: BootstrapResult, children: int, contacts: int) -> str:
    """A venue below the tenant's organisation with ``children`` merchants below it, each with
    ``contacts`` contacts that have an account and its wallet; the venue's id."""
    async with db.write() as session:
        root = await session.get(Organisation, tenant.organisation_id)
        assert root is not None
        top = _organisation(root, "VENUE", f"Venue {children}x{contacts}")
        session.add(top)
        await session.flush()
        rows: list[list[Any]] = [[], [], [], []]  # one list a table, in foreign-key order
        for n in range(children):
            child = _organisation(top, "MERCHANT", f"Merchant {n}")
            rows[0].append(child)
            for m in range(contacts):
                contact = Contact(
                    id=new_id(),
                    organisation_id=child.id,
                    is_test=False,
                    contact_type="PERSON",
                    first_name=f"Person{n}-{m}",
                    custom_fields=[],
                )
                account = Account(
                    id=new_id(),
                    organisation_id=child.id,
                    is_test=False,
                    contact_id=contact.id,
                    number=f"AC{children:02d}{n:03d}{m:03d}",
                    name=f"AC{n:04d}{m:04d}",
                    is_primary=True,
                    currency_code="EUR",
                )
                wallet = Wallet(
                    organisation_id=child.id,
                    is_test=False,
                    account_id=account.id,
                    code=f"9{children:02d}{n:05d}{m:08d}",
                    currency_code="EUR",
                    open_balance=Decimal("9.99"),
                    limit_rules=[],
                )
                for table, row in zip(rows[1:], (contact, account, wallet), strict=True):
                    table.append(row)
        for table in rows:
            session.add_all(table)
            await session.flush()
        return top.id


async def statements_for(
    api: Api, app: Any, top_id: str, size: tuple[int, int], total: bool
) -> list[str]:
    """The statements of the nested query below ``top_id`` (``size``: children, contacts)."""
    query = NESTED_PAGES % ("total" if total else "")
    with counting_statements(app) as statements:
        data = await api.data(query, {"id": top_id})
    statements = [s for s in statements if s.split()[0].upper() not in TRANSACTION_CONTROL]
    pages = data["organisation"]["children"]["content"]
    assert len(pages) == size[0]
    for page in pages:
        assert len(page["contacts"]["content"]) == size[1]
        assert page["contacts"]["paging"]["has_more"] is False
        if total:
            assert page["contacts"]["paging"]["total"] == size[1]
        for contact in page["contacts"]["content"]:
            assert contact["accounts"][0]["wallet"]["balance"] == "9.99"
    return statements


async def test_nested_pages_cost_the_same_statements_for_1_or_20_parents_and_rows(
    api: Api,
    tenant: BootstrapResult,
    gateway: Any,
    db: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    sizes = [(1, 1), (20, 1), (1, 20), (20, 20)]
    tops = {size: await seed_network(db, tenant, *size) for size in sizes}
    await api.data("{ __typename }")  # the key is looked up once, then remembered
    # Compiled reads answer the whole query in one statement.
    for total in (False, True):
        for size in sizes:
            statements = await statements_for(api, gateway[0], tops[size], size, total)
            assert len(statements) == 1, statements
    # The general path: one statement a level, however many parents and rows.
    settings = suite_settings(database_url, tmp_path, compiled_reads=False)
    general_app = create_app(settings)
    async with general_app.router.lifespan_context(general_app):
        transport = httpx.ASGITransport(app=general_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://general") as client:
            general = Api(client, tenant.secret_api_key)
            await general.data("{ __typename }")
            for total in (False, True):
                counted = {
                    size: await statements_for(general, general_app, tops[size], size, total)
                    for size in sizes
                }
                full = counted[(20, 20)]
                assert len({len(statements) for statements in counted.values()}) == 1, counted
                # The page totals: counted only when selected, for all the pages at once.
                assert len([s for s in full if "count(" in s.lower()]) == (1 if total else 0)
                # organisation, children, contacts, accounts, wallets (+ the totals)
                assert len(full) == (6 if total else 5), full
