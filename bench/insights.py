"""Benchmark (not a test): an insight with one filter and two breakdown levels through REST,
against a hand-written SQL query of the same result, on PostgreSQL.

1. Recreates the database ``crm_bench_insights`` on the PostgreSQL of
   ``CRM_GATEWAY_TEST_POSTGRES_URL`` (or ``--admin-url``), migrates it and bootstraps it.
2. Loads ``--contacts`` contacts (each with a primary address in one of 5 towns) and
   ``--events`` customer events by COPY (85 % PURCHASE at one of 12 venues, the rest SPEND or
   REFERRAL, spread over 2024; amounts in EUR), then ANALYZE.
3. Starts one gateway process (``crm-gateway serve``) and saves the insight through REST:
   PURCHASE events totalling ``amount``; one filter (EVENT ``venue.name`` IS one of 6
   venues); breakdowns by EVENT ``venue.name`` then CONTACT ``city``.
4. Times ``GET /insights/{id}/results`` for the first half of 2024 (``--repeat`` times, after
   one warm-up) and the hand-written query (through asyncpg, as many times), prints the medians
   and their ratio, checks that both give the same numbers, and prints the EXPLAIN ANALYZE of
   the statement the gateway runs.

    .venv/bin/python bench/insights.py [--events 1000000] [--contacts 50000] [--repeat 5]

The defaults are the issue's size (about 10 minutes of loading on a small machine); a quick
check: ``--events 20000 --contacts 1000``.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

import harness  # noqa: E402  (bench/harness.py: servers, the gateway's command line)

DATABASE = "crm_bench_insights"
PORT = 18011
TOWNS = ["Nicosia", "Limassol", "Larnaca", "Paphos", "Famagusta"]
VENUES = [f"Costa Coffee {town} {n}" for town in TOWNS[:4] for n in (1, 2, 3)]
CHOSEN = VENUES[::2]
YEAR = datetime(2024, 1, 1, tzinfo=UTC)
WINDOW = (YEAR, datetime(2024, 6, 30, 23, 59, 59, tzinfo=UTC))
BATCH = 50_000

DEFINITION: dict[str, Any] = {
    "events": [
        {
            "name": "Purchases",
            "event_name": "PURCHASE",
            "totals": {"is_frequency": False, "property_name": "amount"},
        }
    ],
    "filters": [
        {"type": "EVENT", "property_name": "venue.name", "operator": "IS", "value_list": CHOSEN}
    ],
    "breakdowns": [
        {"type": "EVENT", "property_name": "venue.name"},
        {"type": "CONTACT", "property_name": "city"},
    ],
}

HAND_WRITTEN = """
with fine as (
    select e.properties -> 'venue' ->> 'name' as venue, a.town_city as city,
           count(*) as n, sum(e.amount) as amount
    from customer_events e
    join contacts c on c.id = e.contact_id
    left join contact_addresses a on a.contact_id = c.id and a.is_primary
    where e.type = 'PURCHASE' and e.is_test = false
      and e.organisation_id = $1
      and e.occurred_on between $2 and $3
      and e.properties -> 'venue' ->> 'name' = any($4)
    group by 1, 2
)
select 0 as level, null as venue, null as city, sum(n) as n, sum(amount) as amount from fine
union all
select 1, venue, null, sum(n), sum(amount) from fine group by venue
union all
select 2, venue, city, n, amount from fine
"""


# This checkout's code (``python -m app.cli`` from the repository root), not whichever checkout
# the shared virtualenv's ``crm-gateway`` script was installed from.
GATEWAY = [str(harness.VENV_BIN / "python"), "-m", "app.cli"]


def gateway_cli(url: str, *args: str) -> str:
    """Run the gateway's command line on ``url``; its standard output."""
    done = subprocess.run(
        [*GATEWAY, *args],
        env=os.environ | {"CRM_GATEWAY_DATABASE_URL": url},
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench/insights: {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def log(message: str) -> None:
    print(f"bench/insights: {message}", file=sys.stderr, flush=True)


async def recreate(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f"drop database if exists {DATABASE} with (force)")
        await conn.execute(f"create database {DATABASE}")
    finally:
        await conn.close()


async def load(url: str, root_id: str, contacts: int, events: int) -> None:
    """Contacts with addresses and customer events, by COPY in batches."""
    rng = random.Random(11)
    conn = await asyncpg.connect(url)
    try:
        contact_ids = [str(uuid.uuid4()) for _ in range(contacts)]
        created = YEAR - timedelta(days=30)
        await conn.copy_records_to_table(
            "contacts",
            records=[
                (cid, root_id, False, "PERSON", f"Person {i}", "[]", created, created)
                for i, cid in enumerate(contact_ids)
            ],
            columns=[
                "id",
                "organisation_id",
                "is_test",
                "contact_type",
                "first_name",
                "custom_fields",
                "created_on",
                "updated_on",
            ],
        )
        await conn.copy_records_to_table(
            "contact_addresses",
            records=[
                (str(uuid.uuid4()), cid, "HOME", True, rng.choice(TOWNS)) for cid in contact_ids
            ],
            columns=["id", "contact_id", "address_type", "is_primary", "town_city"],
        )
        done = 0
        while done < events:
            size = min(BATCH, events - done)
            records = []
            for _ in range(size):
                kind = rng.choices(["PURCHASE", "SPEND", "REFERRAL"], [85, 10, 5])[0]
                venue = rng.choice(VENUES)
                occurred = YEAR + timedelta(seconds=rng.randrange(366 * 86400))
                properties = {"venue": {"name": venue}, "basket": rng.randint(1, 6)}
                records.append(
                    (
                        str(uuid.uuid4()),
                        root_id,
                        False,
                        kind,
                        rng.choice(contact_ids),
                        Decimal(rng.randint(100, 9000)) / 100,
                        "EUR",
                        occurred,
                        json.dumps(properties),
                        occurred,
                    )
                )
            await conn.copy_records_to_table(
                "customer_events",
                records=records,
                columns=[
                    "id",
                    "organisation_id",
                    "is_test",
                    "type",
                    "contact_id",
                    "amount",
                    "currency_code",
                    "occurred_on",
                    "properties",
                    "created_on",
                ],
            )
            done += size
            log(f"{done:,} events loaded")
        await conn.execute("analyze")
    finally:
        await conn.close()


def rest(method: str, path: str, key: str, body: Any = None) -> tuple[int, Any]:
    status, payload = harness.http_request(
        PORT,
        method,
        "/backoffice/v1" + path,
        None if body is None else json.dumps(body),
        {"Content-Type": "application/json", "api_key": key},
        timeout=600,
    )
    return status, json.loads(payload) if payload else None


def keyed(rows: list[tuple[int, Any, Any, int, Any]]) -> dict[tuple[Any, ...], tuple[int, str]]:
    """(level, venue, city) -> (count, amount to the cent)."""
    return {
        (level, venue, city): (int(n), str(Decimal(str(amount)).quantize(Decimal("0.01"))))
        for level, venue, city, n, amount in rows
    }


def from_rest(content: list[dict[str, Any]]) -> dict[tuple[Any, ...], tuple[int, str]]:
    rows = {row["breakdown"]["id"]: row["breakdown"] for row in content}
    out = []
    for row in rows.values():
        values: list[Any] = []
        node = row
        while node["level"] > 0:
            values.insert(0, node["property_value"])
            node = rows[node["parent_id"]]
        values += [None] * (2 - len(values))
        out.append((row["level"], values[0], values[1], row["count"], row["amount"]))
    return keyed(out)


async def hand_written(url: str, root_id: str, repeat: int) -> tuple[list[float], Any]:
    conn = await asyncpg.connect(url)
    try:
        args = (root_id, *WINDOW, CHOSEN)
        await conn.fetch(HAND_WRITTEN, *args)  # warm-up (and the plan)
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            rows = await conn.fetch(HAND_WRITTEN, *args)
            times.append(time.perf_counter() - started)
        return times, [tuple(row) for row in rows]
    finally:
        await conn.close()


async def explain(url: str, root_path: str) -> list[str]:
    """EXPLAIN ANALYZE of the statement the gateway runs for the insight (built by its code)."""
    from sqlalchemy import event
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.insights.commands import PreviewInsight
    from app.insights.query import Definition, results_statement

    command = PreviewInsight.parse(DEFINITION)
    definition = Definition(
        command.events, command.filters, command.breakdowns, WINDOW[0], WINDOW[1]
    )
    caller = SimpleNamespace(organisation_path=root_path, is_test=False)
    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))

    def prefix(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> Any:
        return "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters

    event.listen(engine.sync_engine, "before_cursor_execute", prefix, retval=True)
    try:
        async with engine.connect() as conn:
            statement = results_statement(caller, definition, "postgresql")  # type: ignore[arg-type]
            return [row[0] for row in (await conn.execute(statement)).all()]
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--admin-url", default=os.environ.get("CRM_GATEWAY_TEST_POSTGRES_URL"))
    options = parser.parse_args()
    if not options.admin_url:
        raise SystemExit("bench/insights: set CRM_GATEWAY_TEST_POSTGRES_URL or --admin-url")
    url = harness.database_url(options.admin_url, DATABASE)
    started = time.monotonic()
    asyncio.run(recreate(options.admin_url))
    harness.WORK.mkdir(parents=True, exist_ok=True)
    gateway_cli(url, "migrate")
    boot = json.loads(gateway_cli(url, "bootstrap", "--json").strip().splitlines()[-1])
    root_id, key = boot["organisation_id"], boot["secret_api_key"]
    asyncio.run(load(url, root_id, options.contacts, options.events))
    log(f"database ready in {time.monotonic() - started:.1f}s")

    server = harness.Server(
        "gateway-insights",
        PORT,
        [*GATEWAY, "serve", "--port", str(PORT)],
        {
            "CRM_GATEWAY_DATABASE_URL": url,
            "CRM_GATEWAY_GRAPHIQL": "false",
            "CRM_GATEWAY_WORKER": "off",
        },
        harness.ROOT,
        "/health",
    )
    with harness.running([server]):
        harness.start(server)
        if server.failure:
            raise SystemExit(f"bench/insights: gateway {server.failure}")
        status, created = rest("POST", "/insights", key, {"name": "Venues by city"})
        assert status == 200, created
        insight_id = created["id"]
        for part in ("events", "filters", "breakdowns"):
            status, answer = rest(
                "POST", f"/insights/{insight_id}/{part}", key, {part: DEFINITION[part]}
            )
            assert status == 201, answer
        window = f"start_date={int(WINDOW[0].timestamp())}&end_date={int(WINDOW[1].timestamp())}"
        path = f"/insights/{insight_id}/results?{window}"
        rest("GET", path, key)  # warm-up
        rest_times, body = [], None
        for _ in range(options.repeat):
            began = time.perf_counter()
            status, body = rest("GET", path, key)
            rest_times.append(time.perf_counter() - began)
            assert status == 200, body
    sql_times, rows = asyncio.run(hand_written(url, root_id, options.repeat))

    async def _path() -> str:
        conn = await asyncpg.connect(url)
        try:
            return str(await conn.fetchval("select path from organisations where id = $1", root_id))
        finally:
            await conn.close()

    plan = asyncio.run(explain(url, asyncio.run(_path())))
    same = from_rest(body["content"]) == keyed(rows)
    rest_median, sql_median = statistics.median(rest_times), statistics.median(sql_times)
    print(f"events {options.events:,}, contacts {options.contacts:,}, repeat {options.repeat}")
    print(f"REST GET /insights/{{id}}/results median: {rest_median * 1000:.1f} ms")
    print(f"hand-written SQL median:                  {sql_median * 1000:.1f} ms")
    print(f"ratio REST / SQL: {rest_median / sql_median:.2f}")
    print(f"same result: {same} ({len(rows)} rows)")
    print("EXPLAIN ANALYZE of the gateway's statement:")
    print("\n".join(plan))
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
