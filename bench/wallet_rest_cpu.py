"""CPU per request, in process, of the REST lookups of a wallet's journals, a wallet and an
account (and its financials), on the compiled and on the general path (same process, same
database, alternated).

Usage (from the repository root, with the test PostgreSQL running):

    .venv/bin/python bench/wallet_rest_cpu.py [requests per run, default 500]

It recreates the database ``bench_wallet_rest`` on 127.0.0.1:54329, builds two gateways in
process (compiled reads on and off) and calls them with raw ASGI messages; it prints, for each
route and path, the CPU time (``time.process_time``) per request of three runs.
"""

import asyncio
import json
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.getcwd())

import asyncpg

from app.db.engine import create_engine
from app.db.migrate import migrate
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.test_wallets import make_account

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
ADMIN = "postgresql://postgres@127.0.0.1:54329/postgres"
DB = "bench_wallet_rest"
URL = f"postgresql+asyncpg://postgres@127.0.0.1:54329/{DB}"


async def call(app: Any, method: str, path: str, key: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request as raw ASGI messages; its status and body."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"api_key", key.encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 5555),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def main() -> None:
    admin = await asyncpg.connect(ADMIN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    engine = create_engine(URL, pool_size=2)
    await migrate(engine)
    await engine.dispose()
    await admin.close()

    def settings(compiled: bool) -> Settings:
        return Settings(
            database_url=URL,
            jwt_secret="x" * 40,
            access_log=False,
            graphiql=False,
            worker="off",
            compiled_reads=compiled,
        )

    compiled_app, general_app = create_app(settings(True)), create_app(settings(False))
    async with (
        compiled_app.router.lifespan_context(compiled_app),
        general_app.router.lifespan_context(general_app),
    ):
        db = compiled_app.state.gateway.runtime.db
        tenant = await bootstrap(db)
        assert tenant is not None
        key = tenant.secret_api_key
        account_id = await make_account(db, tenant.organisation_id)
        wallet = {
            "minimum_balance": 1,
            "limit_rules": [
                {"maximum_amount": 1000, "transaction_type": "DEBIT", "period": "MONTHLY"},
                {"maximum_number": 100, "transaction_type": "CREDIT", "period": "DAILY"},
            ],
        }
        status, body = await call(
            compiled_app,
            "POST",
            f"/backoffice/v1/accounts/{account_id}/wallets",
            key,
            json.dumps(wallet).encode(),
        )
        assert status == 201, body
        wallet_id = json.loads(body)["id"]
        topups = {
            "auto_topup": {"threshold": 5, "amount": 20, "payment_method": {"type": "CARD"}},
            "termed_topup": {"amount": 10, "frequency": {"period": "MONTHS", "value": 1}},
        }
        status, body = await call(
            compiled_app,
            "PUT",
            f"/backoffice/v1/wallets/{wallet_id}",
            key,
            json.dumps(topups).encode(),
        )
        assert status == 200, body
        for n in range(30):
            journal = {"wallet_id": wallet_id, "amount": f"{n + 1}.25", "type": "CREDIT"}
            status, body = await call(
                compiled_app, "POST", "/backoffice/v1/journals", key, json.dumps(journal).encode()
            )
            assert status == 200, body
        routes = {
            "GET /wallets/{id}/journals": f"/backoffice/v1/wallets/{wallet_id}/journals",
            "GET /accounts/{id}": f"/backoffice/v1/accounts/{account_id}",
            "GET /wallets/{id}": f"/backoffice/v1/wallets/{wallet_id}",
            "GET /accounts/{id}/financials": f"/backoffice/v1/accounts/{account_id}/financials",
        }
        for name, path in routes.items():
            answers = {}
            for label, app in (("compiled", compiled_app), ("general", general_app)):
                for _ in range(200):  # warm: caches, plans, prepared statements
                    status, body = await call(app, "GET", path, key)
                    assert status == 200, body
                answers[label] = body
            assert answers["compiled"] == answers["general"], name
            for run in range(3):
                for label, app in (("compiled", compiled_app), ("general", general_app)):
                    started = time.process_time()
                    for _ in range(N):
                        await call(app, "GET", path, key)
                    cpu = (time.process_time() - started) / N * 1e6
                    print(f"{name:28} {label:9} run {run + 1}: {cpu:6.0f} us CPU/request")


asyncio.run(main())
