"""Money under concurrency across two real gateway processes sharing one PostgreSQL database:
no over-spending, and an idempotent retry sent to both processes posts one journal."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, _pg_admin_dsn
from tests.gateway_processes import bootstrap_json, gateways


@pytest.fixture
async def pg_database(postgres_template: str) -> AsyncIterator[str]:
    """A fresh migrated PostgreSQL database of its own (a copy of the template); its URL."""
    assert POSTGRES_URL is not None
    name = f"crm_mp_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_dsn(POSTGRES_URL)
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"')
    await conn.close()
    yield str(make_url(POSTGRES_URL).set(database=name, drivername="postgresql"))
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def journal_count(database_url: str, wallet_id: str) -> int:
    conn = await asyncpg.connect(database_url)
    try:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM journals WHERE wallet_id = $1", wallet_id
        )
        return count
    finally:
        await conn.close()


async def new_wallet(client: httpx.AsyncClient, base: str, headers: dict[str, str]) -> str:
    async def post(path: str, body: dict[str, Any]) -> Any:
        response = await client.post(f"{base}/backoffice/v1{path}", json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        return response.json()

    code = f"C-{uuid.uuid4().hex[:8]}"
    contact = await post("/contacts", {"contact_type": "PERSON", "first_name": "J", "code": code})
    account = await post(f"/contacts/{contact['id']}/accounts", {"currency_code": "EUR"})
    wallet = await post(f"/accounts/{account['id']}/wallets", {})
    wallet_id: str = wallet["id"]
    return wallet_id


async def test_two_processes_share_money_safely(pg_database: str) -> None:
    """One pair of processes (starting them is the slow part) for both scenarios."""
    key = bootstrap_json(pg_database)["secret_api_key"]
    with gateways(pg_database, 2) as (first, second):
        async with httpx.AsyncClient(timeout=60) as client:
            await fifty_debits_never_overspend(client, pg_database, key, first, second)
            await idempotent_retries_post_one_journal(client, pg_database, key, first, second)


async def fifty_debits_never_overspend(
    client: httpx.AsyncClient, database_url: str, key: str, first: str, second: str
) -> None:
    """A balance of 20, 50 concurrent debits of 1 split across both processes: 20 pass."""
    headers = {"api_key": key}
    wallet_id = await new_wallet(client, first, headers)
    credit = {"wallet_id": wallet_id, "amount": 20, "type": "CREDIT"}
    response = await client.post(f"{first}/backoffice/v1/journals", json=credit, headers=headers)
    assert response.status_code == 200, response.text

    debit = {"wallet_id": wallet_id, "amount": 1, "type": "DEBIT"}
    responses = await asyncio.gather(
        *(
            client.post(
                f"{(first, second)[i % 2]}/backoffice/v1/journals",
                json=debit,
                headers=headers,
            )
            for i in range(50)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 20, statuses
    assert statuses.count(400) == 30, statuses
    for refused in (r for r in responses if r.status_code == 400):
        assert refused.json()["error"] == "CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION"
    accepted = {r.json()["id"] for r in responses if r.status_code == 200}
    assert len(accepted) == 20

    wallet = await client.get(f"{second}/backoffice/v1/wallets/{wallet_id}", headers=headers)
    assert Decimal(str(wallet.json()["balance"])) == 0
    assert await journal_count(database_url, wallet_id) == 21  # the credit and 20 debits


async def idempotent_retries_post_one_journal(
    client: httpx.AsyncClient, database_url: str, key: str, first: str, second: str
) -> None:
    """Ten concurrent retries with one Idempotency-Key, to both processes: one journal."""
    wallet_id = await new_wallet(client, first, {"api_key": key})
    retry = {"api_key": key, "Idempotency-Key": f"retry-{uuid.uuid4().hex}"}
    credit = {"wallet_id": wallet_id, "amount": 5, "type": "CREDIT"}
    responses = await asyncio.gather(
        *(
            client.post(
                f"{(first, second)[i % 2]}/backoffice/v1/journals",
                json=credit,
                headers=retry,
            )
            for i in range(10)
        )
    )
    assert [r.status_code for r in responses] == [200] * 10, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await journal_count(database_url, wallet_id) == 1
    wallet = await client.get(f"{second}/backoffice/v1/wallets/{wallet_id}", headers=retry)
    assert Decimal(str(wallet.json()["balance"])) == 5
