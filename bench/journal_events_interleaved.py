"""The cost of domain events on POST /journals (issue 11 item 7), post by post.

The rounds of ``bench/journal_events.py`` are moved by the load of a shared machine by about
as much as the figure sought (two rounds of the same code differ by up to 20 %). Here the
posts alternate one by one between ``app.wallets.journals.emit`` replaced by a no-op and the
real one, through the REST door of an in-process gateway whose worker is off,
so the load falls on both alike; then the automations job dispatches the events of the "with"
posts, and its CPU time is added to them. Prints the CPU time per post of each, the dispatch's
per event, and the events' share.

    PYTHONPATH=. CRM_GATEWAY_LOG_LEVEL=warning python bench/journal_events_interleaved.py \\
        sqlite+aiosqlite:////tmp/bench-events.sqlite3 1000

On PostgreSQL a journal's event is no longer a statement of its own: the balance's move, the
journal and its event are one statement (data-modifying CTEs, ``app.wallets.repository.
post_to_open_balance``), so there is no "without events" to swap in there; POST /journals
against the hand-written baseline (which writes no event) is ``bench/run``'s scenario (d).
These pairs are measured on SQLite, where the event is ``emit``'s INSERT after the journal's.
"""

import asyncio
import sys
import time
from typing import Any

import httpx

import app.wallets.journals as journals
from app.automations.runs import QUIET_EVENTS_DELAY, UnscopedAutomationRuns
from app.db.engine import create_engine
from app.db.migrate import migrate
from app.logs import configure_logging
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.test_wallets import make_account

N = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
REAL = journals.emit


async def no_emit(*args: object, **kwargs: object) -> None:
    return None


def use(real: bool) -> None:
    journals.emit = REAL if real else no_emit


async def dispatch_all(db: Any) -> tuple[float, int]:
    """Dispatch every waiting event: (CPU seconds, items the job reported)."""
    await asyncio.sleep(QUIET_EVENTS_DELAY.total_seconds() + 0.1)
    start, items = time.process_time(), 0
    while done := await UnscopedAutomationRuns.run_once(db):
        items += done
    return time.process_time() - start, items


async def main(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    await migrate(engine)
    await engine.dispose()
    settings = Settings(database_url=url, jwt_secret="x" * 40, worker="off")
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
            body = {"wallet_id": wallet.json()["id"], "amount": 1, "type": "CREDIT"}
            for _ in range(50):  # warm up
                await client.post("/backoffice/v1/journals", json=body, headers=headers)
            await dispatch_all(db)
            cpu = {False: 0.0, True: 0.0}
            for index in range(2 * N):
                real = index % 2 == 1
                use(real)
                start = time.process_time()
                r = await client.post("/backoffice/v1/journals", json=body, headers=headers)
                cpu[real] += time.process_time() - start
                assert r.status_code == 200, r.text
            dispatch, _items = await dispatch_all(db)
    without, with_ = cpu[False] * 1000 / N, cpu[True] * 1000 / N
    per_event = dispatch * 1000 / N
    print(f"without events: {without:.3f} ms CPU per post")
    print(f"with events:    {with_:.3f} ms CPU per post (+{(with_ / without - 1) * 100:.1f} %)")
    print(f"dispatch:       {per_event:.3f} ms CPU per event ({N} events)")
    print(f"events' share:  +{((with_ + per_event) / without - 1) * 100:.1f} % of a post")


if __name__ == "__main__":
    if not sys.argv[1].startswith("sqlite"):
        sys.exit("journal events are measured on SQLite only (see the docstring)")
    asyncio.run(main(sys.argv[1]))
