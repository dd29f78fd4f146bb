"""Database outages under a running gateway: both doors answer the spec's JSON body with 503,
``/ready`` names the failing check without SQL, and the gateway heals once the database is back.

The shared PostgreSQL server is never stopped: the gateway reaches it through a TCP proxy that
the test cuts (listening socket and open connections) and restores.
"""

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from app.db.engine import Database, create_engine
from app.db.models import Contact
from app.db.outages import is_database_outage, wait_for_database
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.gateway_processes import ROOT
from tests.tcp_proxy import CuttableProxy
from tests.test_wallets import make_account, wallet_state

CONTACTS = "{ contacts(size: 5) { content { id } } }"
# Not a compiled read: answered by Strawberry's general path.
CLASSIFICATIONS = "{ account_classifications { content { id name } } }"


@pytest.fixture
async def proxied(database_url: str) -> AsyncIterator[tuple[CuttableProxy, httpx.AsyncClient, str]]:
    """A gateway whose PostgreSQL connections go through a cuttable proxy, its client and key."""
    async with _proxied_gateway(database_url) as gateway:
        yield gateway


@pytest.fixture
async def proxied_without_worker(
    database_url: str,
) -> AsyncIterator[tuple[CuttableProxy, httpx.AsyncClient, str]]:
    """As ``proxied``, without the in-process worker: only requests use the pool."""
    async with _proxied_gateway(database_url, worker="off") as gateway:
        yield gateway


@asynccontextmanager
async def _proxied_gateway(
    database_url: str, **settings: Any
) -> AsyncIterator[tuple[CuttableProxy, httpx.AsyncClient, str]]:
    url = make_url(database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(
        Settings(database_url=proxied_url, jwt_secret="outage-test-secret-0123456789ab", **settings)
    )
    try:
        async with app.router.lifespan_context(app):
            tenant = await bootstrap(app.state.gateway.runtime.db)
            assert tenant is not None
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
                yield proxy, client, tenant.secret_api_key
    finally:
        await proxy.stop()


def assert_spec_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "status": 503,
        "message": "The database is not available; try again later.",
        "error": "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION",
        "parameters": ["database"],
    }


def assert_graphql_503(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert errors
    for error in errors:
        assert error["extensions"]["code"] == "SERVICEUNAVAILABLE"
        assert error["extensions"]["error"] == "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION"
        assert error["extensions"]["parameters"] == ["database"]


async def _all_answer(client: httpx.AsyncClient, key: str) -> list[httpx.Response]:
    headers = {"api_key": key}
    return [
        await client.get("/backoffice/v1/contacts", headers=headers),
        await client.post(
            "/backoffice/v1/contacts",
            json={"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee"},
            headers=headers,
        ),
        await client.post("/graphql", json={"query": CONTACTS}, headers=headers),
        await client.post("/graphql", json={"query": CLASSIFICATIONS}, headers=headers),
    ]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_postgres_outage_answers_503_on_both_doors_and_heals(proxied: Any) -> None:
    proxy, client, key = proxied
    before = await _all_answer(client, key)
    assert [r.status_code for r in before] == [200, 200, 200, 200], [r.text for r in before]
    assert (await client.get("/ready")).status_code == 200

    await proxy.cut()
    rest_read, rest_write, compiled, general = await _all_answer(client, key)
    assert_spec_503(rest_read)
    assert_spec_503(rest_write)
    assert_graphql_503(compiled)
    assert_graphql_503(general)
    # A key the gateway has not seen yet is looked up in the database: 503, not 401.
    unknown = {"api_key": "sk_live_not-seen-before"}
    assert_spec_503(await client.get("/backoffice/v1/contacts", headers=unknown))
    assert_graphql_503(await client.post("/graphql", json={"query": CONTACTS}, headers=unknown))

    ready = await client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["parameters"] == ["database"]
    assert ready.json()["error"] == "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION"
    for leak in ("select", "alembic", "sql", "127.0.0.1", str(proxy.port)):
        assert leak not in ready.text.lower()

    await proxy.restore()
    after = await _all_answer(client, key)
    assert [r.status_code for r in after] == [200, 200, 200, 200], [r.text for r in after]
    assert (await client.get("/ready")).status_code == 200


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_connections_broken_while_idle_heal_on_the_next_request(proxied: Any) -> None:
    """An outage nobody noticed (cut and restored between two requests) costs at most the one
    request that meets a broken pooled connection: that one answers 503, the pool is dropped."""
    proxy, client, key = proxied
    headers = {"api_key": key}
    assert (await client.get("/backoffice/v1/contacts", headers=headers)).status_code == 200
    await proxy.cut()
    await proxy.restore()
    first = await client.get("/backoffice/v1/contacts", headers=headers)
    if first.status_code != 200:
        assert_spec_503(first)
    for _ in range(3):
        assert (await client.get("/backoffice/v1/contacts", headers=headers)).status_code == 200


JOURNAL = "mutation($c: PostJournalInput!) { post_journal(input: $c) { id balance_after } }"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_journal_posted_on_the_driver_answers_503_in_an_outage_and_heals(
    proxied: Any, db: Database
) -> None:
    """POST /journals' short way runs on the driver's connection (``Database.
    driver_statements``): an outage is the spec's 503 on both doors and posts nothing; the
    first posting that meets a connection broken while idle may be a 503, the next ones post."""
    proxy, client, key = proxied
    headers = {"api_key": key}
    contact = await client.post(
        "/backoffice/v1/contacts",
        json={"contact_type": "PERSON", "first_name": "A"},
        headers=headers,
    )
    async with db.read() as session:
        organisation_id = (await session.get(Contact, contact.json()["id"])).organisation_id
    account_id = await make_account(db, organisation_id)
    created = await client.post(
        f"/backoffice/v1/accounts/{account_id}/wallets", json={}, headers=headers
    )
    wallet_id = created.json()["id"]
    body = {"wallet_id": wallet_id, "amount": 1, "type": "CREDIT"}
    rest = "/backoffice/v1/journals"
    assert (await client.post(rest, json=body, headers=headers)).status_code == 200
    await proxy.cut()
    assert_spec_503(await client.post(rest, json=body, headers=headers))
    graphql = {"query": JOURNAL, "variables": {"c": body}}
    assert_graphql_503(await client.post("/graphql", json=graphql, headers=headers))
    await proxy.restore()
    assert await wallet_state(db, wallet_id) == (1, 0, "EFFECTIVE", 1)
    await proxy.cut()
    await proxy.restore()
    first = await client.post(rest, json=body, headers=headers)
    if first.status_code != 200:
        assert_spec_503(first)
    for _ in range(3):
        assert (await client.post(rest, json=body, headers=headers)).status_code == 200
    answer = await client.post("/graphql", json=graphql, headers=headers)
    assert answer.status_code == 200 and "errors" not in answer.json(), answer.text
    posted = 5 if first.status_code == 200 else 4
    assert await wallet_state(db, wallet_id) == (1 + posted, 0, "EFFECTIVE", 1 + posted)


def _idle_connections(metrics: str) -> float:
    line = next(x for x in metrics.splitlines() if x.startswith(IDLE_CONNECTIONS))
    return float(line.split()[-1])


IDLE_CONNECTIONS = 'crm_gateway_db_pool_connections{state="idle"}'
CONTACT = "query($id: ID!) { contact(id: $id) { id first_name } }"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_compiled_reads_meeting_a_pool_broken_while_idle_replace_all_of_it(
    proxied_without_worker: Any,
) -> None:
    """Compiled reads run on the driver's connection (``Database.read_value``); the first one
    that meets a connection broken by an outage drops the whole pool, as SQLAlchemy does for
    every other statement: although several pooled connections were broken, at most one
    request answers 503."""
    proxy, client, key = proxied_without_worker
    headers = {"api_key": key}
    created = await client.post(
        "/backoffice/v1/contacts",
        json={"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee"},
        headers=headers,
    )
    contact_id = created.json()["id"]
    read = {"query": CONTACT, "variables": {"id": contact_id}}
    together = await asyncio.gather(
        *(client.post("/graphql", json=read, headers=headers) for _ in range(4))
    )
    assert [r.status_code for r in together] == [200] * 4
    assert _idle_connections((await client.get("/metrics")).text) >= 2
    await proxy.cut()
    await proxy.restore()
    first = await client.post("/graphql", json=read, headers=headers)
    if first.status_code != 200:
        assert_graphql_503(first)
    for _ in range(4):
        answer = await client.post("/graphql", json=read, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"data": {"contact": {"id": contact_id, "first_name": "Ann"}}}
        rest = await client.get(f"/backoffice/v1/contacts/{contact_id}", headers=headers)
        assert rest.status_code == 200, rest.text


def test_what_counts_as_an_outage() -> None:
    """SQLite's locked or unreadable file is an outage (503); a statement's fault is not."""
    assert is_database_outage(sqlite3.OperationalError("database is locked"))
    assert is_database_outage(sqlite3.OperationalError("unable to open database file"))
    assert is_database_outage(ConnectionRefusedError(111, "Connect call failed"))
    assert not is_database_outage(sqlite3.OperationalError('near "SELEC": syntax error'))
    assert not is_database_outage(sqlite3.IntegrityError("UNIQUE constraint failed"))
    assert not is_database_outage(ValueError("a bug"))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_waiting_for_the_database_until_it_answers(database_url: str) -> None:
    url = make_url(database_url)
    proxy = CuttableProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    await proxy.cut()
    engine = create_engine(url.set(port=proxy.port).render_as_string(hide_password=False))
    said: list[str] = []
    try:
        waiting = asyncio.create_task(
            wait_for_database(engine, 30, said.append, first_delay=0.1, max_delay=0.2)
        )
        await asyncio.sleep(0.5)
        assert not waiting.done()
        await proxy.restore()
        assert await asyncio.wait_for(waiting, 10) is None
        assert len(said) == 1
        assert "cannot reach the database at postgresql+asyncpg://postgres" in said[0]
        assert f":{proxy.port}/" in said[0]
        # Gives up once the time is up, with the reason.
        await proxy.cut()
        reason = await wait_for_database(engine, 0.3, said.append, first_delay=0.1)
        assert reason is not None and "ConnectionRefusedError" in reason
    finally:
        await engine.dispose()
        await proxy.stop()


def test_serve_gives_up_on_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "CRM_GATEWAY_DATABASE_URL": f"postgresql://postgres:s3cret@127.0.0.1:{port}/crm",
        "CRM_GATEWAY_DATABASE_WAIT_SECONDS": "1",
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert time.monotonic() - started >= 1
    lines = done.stderr.strip().splitlines()
    assert lines[0].startswith(
        f"cannot reach the database at postgresql+asyncpg://postgres:***@127.0.0.1:{port}/crm"
    )
    assert lines[-1].startswith("error: cannot reach the database: ConnectionRefusedError")
    assert len(lines) == 2
    assert "s3cret" not in done.stderr + done.stdout
