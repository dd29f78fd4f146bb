"""The cost of domain events on POST /journals (issue 11 item 7), in process.

Posts N journals per round through the REST door of an in-process gateway (inline worker),
alternating rounds with ``app.wallets.journals.emit`` and ``emit_with`` replaced by no-ops
(``emit_with`` then runs the journal's own statement only) and with the real ones, and
prints the median process CPU time per post of each (CPU time, not wall time: the machine
this was written on is shared). The worker polls at least once a second here
(``worker_max_poll_seconds=1``) and each round includes 2.5 s after the posts, so that the
worker's dispatch of that round's events (and the quicker polls that follow it) is counted in
that round, not in the next one. The rounds of a pair (without, with)
run one after the other, so the median of the pairs' ratios is the figure least moved by the
load of other processes; the log level is the settings' (``CRM_GATEWAY_LOG_LEVEL``), as in a
served gateway. ``N``: the number of pairs of rounds (10).

    PYTHONPATH=. CRM_GATEWAY_LOG_LEVEL=warning python bench/journal_events.py sqlite 200
    PYTHONPATH=. python bench/journal_events.py postgresql+asyncpg://.../db 200 [inline|off] [N]
"""

import asyncio
import statistics
import sys
import time
import uuid
from typing import Any

import httpx

import app.wallets.journals as journals
from app.db.engine import create_engine
from app.db.migrate import migrate
from app.logs import configure_logging
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.test_wallets import make_account

N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 10
real_emit, real_emit_with = journals.emit, journals.emit_with


async def no_emit(*args: object, **kwargs: object) -> None:
    return None


async def no_emit_with(
    session: Any, statement: Any, parameters: Any, *args: object, **kwargs: object
) -> None:
    """The change's statement alone (the fast path writes its journal through ``emit_with``)."""
    await session.execute(statement, parameters)


async def main(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    await migrate(engine)
    await engine.dispose()
    worker = sys.argv[3] if len(sys.argv) > 3 else "inline"
    settings = Settings(
        database_url=url, jwt_secret="x" * 40, worker=worker, worker_max_poll_seconds=1.0
    )
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
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
                variants = (
                    ("without", no_emit, no_emit_with),
                    ("with", real_emit, real_emit_with),
                )
                for label, fn, fn_with in variants:
                    journals.emit, journals.emit_with = fn, fn_with
                    await asyncio.sleep(2)  # let the worker dispatch earlier events
                    start = time.process_time()
                    for _ in range(N):
                        r = await client.post("/backoffice/v1/journals", json=body, headers=headers)
                        assert r.status_code == 200, r.text
                    await asyncio.sleep(2.5)  # the bulk dispatch of this round's events
                    results[label].append((time.process_time() - start) * 1000 / N)
            for label, rates in results.items():
                print(
                    f"{label:8s} emit: {statistics.median(rates):6.2f} ms CPU per post "
                    f"(rounds {', '.join(f'{r:.2f}' for r in rates)})"
                )
            ratios = [w / wo for wo, w in zip(results["without"], results["with"], strict=True)]
            print(
                f"with / without: median of the {ROUNDS} pairs' ratios "
                f"{statistics.median(ratios):.3f} (ratios {', '.join(f'{r:.2f}' for r in ratios)})"
            )


if __name__ == "__main__":
    target = sys.argv[1]
    if target == "sqlite":
        url = f"sqlite+aiosqlite:////tmp/autobench/bench-{uuid.uuid4().hex}.sqlite3"
    else:
        url = target
    asyncio.run(main(url))
