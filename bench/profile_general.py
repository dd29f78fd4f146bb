"""Python time per request of the network query, in process (no HTTP server, no load
generator): ``organisation -> children(size: 20) -> contacts(size: 20) -> accounts -> wallet``
over 20 merchants of 20 contacts each, on a fresh migrated SQLite file (or ``--pg-url``).

    .venv/bin/python -m bench.profile_general [--requests 30] [--profile] [--pg-url URL]
        [--general]

Prints the mean and median wall time and the mean CPU time of this process per request (one
request at a time, so on SQLite almost all of it is Python) and the SQL statements per
request; ``--profile`` adds cProfile's top functions by cumulative and own time. The query is
answered by compiled reads (one statement); ``--general`` switches them off to time the
general path.
"""

import argparse
import asyncio
import cProfile
import gc
import pstats
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import event

from app.db.engine import create_engine
from app.db.migrate import migrate
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings
from tests.test_statement_counts import NESTED_PAGES, seed_network


async def run(url: str, requests: int, profile: bool, general: bool = False) -> None:
    engine = create_engine(url, pool_size=1)
    await migrate(engine)
    await engine.dispose()
    settings = Settings(
        database_url=url,
        jwt_secret="profile-secret-0123456789-0123456789",
        compiled_reads=not general,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        tenant = await bootstrap(app.state.gateway.runtime.db)
        assert tenant is not None
        top = await seed_network(app.state.gateway.runtime.db, tenant, 20, 20)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            body = {"query": NESTED_PAGES % "", "variables": {"id": top}}
            headers = {"api_key": tenant.secret_api_key}

            async def one() -> None:
                response = await client.post("/graphql", json=body, headers=headers)
                assert response.status_code == 200 and "errors" not in response.json()

            for _ in range(3):
                await one()  # warm caches (key, documents)
            gc.freeze()  # as `crm-gateway serve` does once the app is built
            statements: list[str] = []
            sync_engine = app.state.gateway.runtime.db.engine.sync_engine
            listener = lambda *a: statements.append(a[2])  # noqa: E731
            event.listen(sync_engine, "before_cursor_execute", listener)
            await one()
            event.remove(sync_engine, "before_cursor_execute", listener)
            times = []
            cpu_started = time.process_time()
            profiler = cProfile.Profile() if profile else None
            for _ in range(requests):
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                await one()
                times.append(time.perf_counter() - started)
                if profiler:
                    profiler.disable()
            cpu = (time.process_time() - cpu_started) / requests
    data = [s for s in statements if s.split()[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}]
    print(f"statements per request: {len(data)}")
    print(
        f"ms per request: mean {statistics.mean(times) * 1000:.1f}, "
        f"median {statistics.median(times) * 1000:.1f} over {requests}; "
        f"CPU of this process {cpu * 1000:.1f} ms per request"
    )
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--general", action="store_true", help="switch compiled reads off")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.pg_url or f"sqlite+aiosqlite:///{Path(folder) / 'profile.sqlite3'}"
        asyncio.run(run(url, args.requests, args.profile, args.general))


if __name__ == "__main__":
    main()
