"""The cost of domain events on POST /journals (issue 11 item 7), in process.

Posts N journals per round through the REST door of an in-process gateway (inline worker),
alternating rounds with ``app.wallets.journals.emit`` replaced by a no-op and with the real
one, and
prints the median process CPU time per post of each (CPU time, not wall time: the machine
this was written on is shared). The worker polls at least once a second here
(``worker_max_poll_seconds=1``) and each round includes 2.5 s after the posts, so that the
worker's dispatch of that round's events (and the quicker polls that follow it) is counted in
that round, not in the next one. The rounds of a pair (without, with)
run one after the other, so the median of the pairs' ratios is the figure least moved by the
load of other processes; the log level is the settings' (``CRM_GATEWAY_LOG_LEVEL``), as in a
served gateway. ``N``: the number of pairs of rounds (10).

    PYTHONPATH=. CRM_GATEWAY_LOG_LEVEL=warning python bench/journal_events.py sqlite 200 \
        [inline|off] [N]

On PostgreSQL a journal's event is no longer a statement of its own: the balance's move, the
journal and its event are one statement (data-modifying CTEs, ``app.wallets.repository.
post_to_open_balance``), so there is no "without events" to swap in there; POST /journals
against the hand-written baseline (which writes no event) is ``bench/run``'s scenario (d).
These pairs are measured on SQLite, where the event is ``emit``'s INSERT after the journal's.
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
from app.logs import configure_logging
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.test_wallets import make_account

N = int(sys.argv[2]) if len(sys.argv) > 2 else 200
ROUNDS = int(sys.argv[4]) if len(sys.argv) > 4 else 10
real_emit = journals.emit


async def no_emit(*args: object, **kwargs: object) -> None:
    return None


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
                for label, fn in (("without", no_emit), ("with", real_emit)):
                    journals.emit = fn
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
    if sys.argv[1] != "sqlite":
        sys.exit("journal events are measured on SQLite only (see the docstring)")
    asyncio.run(main(f"sqlite+aiosqlite:////tmp/autobench/bench-{uuid.uuid4().hex}.sqlite3"))
