"""Abuse probe: how long the gateway takes to refuse hostile GraphQL documents.

Builds the gateway in process on a fresh SQLite file (migrated, first organisation
bootstrapped), then times, without and with credentials: fragment bombs of 18, 25 and 30
fragments (each spreads the next one twice), a fragment cycle, and 30 aliases of
``organisation_network(size:100) -> children(size:100) -> contacts(size:100)``; plus a repeated
document (validation cached). Prints one line per probe: the best of ``--repeat`` wall-clock
times in milliseconds, the HTTP status and the first error's code and message.

Run from the repository root: ``.venv/bin/python bench/abuse.py``. Not a test: no thresholds.
"""

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db.engine import Database, create_engine
from app.db.migrate import migrate
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings

ORGANISATION_ROOT = '{ organisation(id: "x") { ...F0 } }'
CONTACTS_ROOT = "{ contacts(size: 1) { content { ...F0 } } }"  # a compilable read


def fragment_bomb(
    fragments: int, root: str = ORGANISATION_ROOT, type_name: str = "Organisation"
) -> str:
    """A document whose fragment ``F<i>`` spreads ``F<i+1>`` twice: 2**fragments fields."""
    chain = " ".join(
        f"fragment F{i} on {type_name} {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)
    )
    return f"{root} {chain} fragment F{fragments} on {type_name} {{ id }}"


CYCLE = (
    '{ organisation(id: "x") { ...A } } '
    "fragment A on Organisation { id ...B } fragment B on Organisation { name ...A }"
)
NETWORK_ALIASES = (
    "{ "
    + " ".join(
        f'n{i}: organisation_network(id: "x", size: 100) {{ content {{ id'
        " children(size: 100) { content { id contacts(size: 100) { content { id } } } } } }"
        for i in range(30)
    )
    + " }"
)


async def probe(client: httpx.AsyncClient, query: str, key: str | None, repeat: int) -> str:
    """The first (uncached) and best of ``repeat`` times of posting ``query``, and the answer."""
    headers = {"api_key": key} if key else {}
    times: list[float] = []
    response: httpx.Response | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        response = await client.post("/graphql", json={"query": query}, headers=headers)
        times.append(time.perf_counter() - started)
    assert response is not None
    body: Any = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        code = (errors[0].get("extensions") or {}).get("code", "-")
        outcome = f"{code}: {errors[0]['message'][:60]}"
    else:
        outcome = str(body)[:60]
    first, best = times[0] * 1000, min(times) * 1000
    return f"{first:8.1f} ms {best:8.1f} ms  {response.status_code}  {outcome}"


async def main(repeat: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{directory}/abuse.sqlite3"
        engine = create_engine(url, pool_size=1)
        await migrate(engine)
        await engine.dispose()
        app = create_app(
            Settings(database_url=url, jwt_secret="abuse-probe-secret-0123456789abcdef")
        )
        async with app.router.lifespan_context(app):
            db: Database = app.state.gateway.runtime.db
            tenant = await bootstrap(db)
            assert tenant is not None
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
                probes = [
                    *((f"bomb, {n} fragments", fragment_bomb(n)) for n in (18, 25, 30)),
                    (
                        "bomb below contacts, 30 fragments",
                        fragment_bomb(30, CONTACTS_ROOT, "Contact"),
                    ),
                    ("fragment cycle", CYCLE),
                    ("30 aliases of network > children > contacts", NETWORK_ALIASES),
                ]
                for label, key in (("anonymous", None), ("secret key", tenant.secret_api_key)):
                    print(f"-- {label}: first, best of {repeat}, status, first error")
                    for name, query in probes:
                        print(f"{name:45} {await probe(client, query, key, repeat)}")
                print("-- /health while nothing else runs")
                started = time.perf_counter()
                await client.get("/health")
                print(f"{'health':45} {(time.perf_counter() - started) * 1000:9.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="posts per probe (best kept)")
    asyncio.run(main(parser.parse_args().repeat))
