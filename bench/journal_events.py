"""The cost of domain events on POST /journals (issue 11 item 7), in process.

Posts N journals per round through the REST door of an in-process gateway (inline worker),
alternating rounds with ``app.wallets.journals.emit`` replaced by a no-op and with the real
one, and prints the median process CPU time per post of each (CPU time, not wall time: the
machine this was written on is shared). Each round includes 1.5 s after the posts, so that the
worker's dispatch of that round's events is counted too.

    PYTHONPATH=. CRM_GATEWAY_LOG_LEVEL=warning python bench/journal_events.py sqlite 200
    PYTHONPATH=. python bench/journal_events.py postgresql+asyncpg://.../db 200 [inline|off]
"""

import asyncio
import statistics
import sys
import time
import uuid

import httpx

import app.wallets.journals as journals
from app.db.engine import create_engine
from app.db.migrate import migrate
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.test_wallets import make_account

N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
ROUNDS = 10
real_emit = journals.emit


async def no_emit(*args: object, **kwargs: object) -> None:
    return None


async def main(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    await migrate(engine)
    await engine.dispose()
    worker = sys.argv[3] if len(sys.argv) > 3 else "inline"
    app = create_app(Settings(database_url=url, jwt_secret="x" * 40, worker=worker))
    async with app.router.lifespan_context(app):
        db = app.state.gateway.runtime.db
        tenant = await bootstrap(db)
        account_id = await make_account(db, tenant.organisation_id)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            headers = {"api_key": tenant.secret_api_key}
            wallet = await client.post(
                f"/backoffice/v1/accounts/{account_id}/wallets", json={}, headers=headers
            )
            wallet_id = wallet.json()["id"]
            body = {"wallet_id": wallet_id, "amount": 1, "type": "CREDIT"}
            for _ in range(30):  # warm up
                await client.post("/backoffice/v1/journals", json=body, headers=headers)
            results = {"without": [], "with": []}
            for _round in range(ROUNDS):
                for label, fn in (("without", no_emit), ("with", real_emit)):
                    journals.emit = fn
                    await asyncio.sleep(2)  # let the worker dispatch earlier events
                    start = time.process_time()
                    for _ in range(N):
                        r = await client.post("/backoffice/v1/journals", json=body, headers=headers)
                        assert r.status_code == 200, r.text
                    await asyncio.sleep(1.5)  # the bulk dispatch of this round's events
                    results[label].append((time.process_time() - start) * 1000 / N)
            for label, rates in results.items():
                print(
                    f"{label:8s} emit: {statistics.median(rates):6.2f} ms CPU per post "
                    f"(rounds {', '.join(f'{r:.2f}' for r in rates)})"
                )


if __name__ == "__main__":
    target = sys.argv[1]
    if target == "sqlite":
        url = f"sqlite+aiosqlite:////tmp/autobench/bench-{uuid.uuid4().hex}.sqlite3"
    else:
        url = target
    asyncio.run(main(url))
