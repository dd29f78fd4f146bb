"""Benchmark of CSV imports: the gateway's import service against PostgreSQL's own COPY.

A benchmark, not a test (nothing runs it in CI). It writes a contacts CSV of ``--rows`` rows
(first name, last name, e-mail address, code, phone number and a custom field), imports it
into a fresh PostgreSQL database through the import service (``crm-gateway import``'s path:
the file is stored and checked, every row goes through the contacts service in its own
savepoint, 500 rows a transaction), then loads the same file into a scratch table with
``COPY ... FROM STDIN (FORMAT csv)``, and prints rows per second of both.

COPY is the floor of what loading those bytes costs; the service does for each row what an
API create does (look the code and e-mail up, check the code is no contact's id, insert the
contact and its phone), so the ratio is the price of one rule set for both doors.

    .venv/bin/python bench/imports.py [--rows 100000] [--pg-url URL] [--keep]

``--pg-url`` defaults to CRM_GATEWAY_TEST_POSTGRES_URL, else the throwaway cluster of
``scripts/postgres`` (postgresql://postgres@127.0.0.1:54329/postgres). The database
``crm_bench_imports`` is dropped and recreated on that server (left behind with ``--keep``).
"""

import argparse
import asyncio
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db.engine import Database, create_engine  # noqa: E402
from app.db.migrate import migrate  # noqa: E402
from app.imports.command_line import ImportRequest, run_import  # noqa: E402
from app.onboarding import bootstrap  # noqa: E402
from app.settings import Settings  # noqa: E402

DATABASE = "crm_bench_imports"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:54329/postgres"
HEADER = ["first_name", "last_name", "email_address", "code", "phone_number", "tier"]
FIRST_NAMES = ["Maria", "Andreas", "Elena", "Nikos", "Sofia", "Georgios", "Anna", "Petros"]
LAST_NAMES = ["Georgiou", "Christou", "Ioannou", "Charalambous", "Constantinou", "Nicolaou"]
TIERS = ["gold", "silver", "bronze"]


def write_csv(path: Path, rows: int) -> None:
    """A contacts CSV of ``rows`` distinct contacts, with a header row."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
            email = f"{first}.{last}.{n}@example.com".lower()
            phone = f"+3579{n:07d}"
            writer.writerow([first, last, email, f"B-{n:07d}", phone, TIERS[n % len(TIERS)]])


async def recreate_database(admin_url: str) -> str:
    """Drop and create the benchmark database; its asyncpg URL for the gateway."""
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    return str(make_url(admin_url).set(database=DATABASE, drivername="postgresql+asyncpg"))


async def import_through_the_service(url: str, path: Path, files: Path) -> tuple[float, str]:
    """Seconds the import service takes for the file, and its outcome."""
    db = Database(create_engine(url, pool_size=2))
    try:
        await migrate(db.engine)
        created = await bootstrap(db)
        assert created is not None
        settings = Settings(
            database_url=url, files_path=str(files), max_upload_bytes=1 << 30, worker="off"
        )
        mapping = (*((name, name, False) for name in HEADER[:-1]), ("tier", "tier", True))
        request = ImportRequest(path, "contacts", created.organisation_id, mapping=mapping)
        started = time.perf_counter()
        done = await run_import(db, settings, request)
        elapsed = time.perf_counter() - started
        outcome = f"{done.status}: {done.new_count} new, {done.error_count} errors"
        return elapsed, outcome
    finally:
        await db.dispose()


async def copy_into_a_scratch_table(url: str, path: Path) -> float:
    """Seconds PostgreSQL's COPY takes to load the same file into a scratch table."""
    plain = str(make_url(url).set(drivername="postgresql"))
    conn = await asyncpg.connect(plain)
    try:
        columns = ", ".join(f"{name} text" for name in HEADER)
        await conn.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({columns})")
        started = time.perf_counter()
        await conn.copy_to_table("bench_copy", source=path, format="csv", header=True)
        elapsed = time.perf_counter() - started
        count = await conn.fetchval("SELECT count(*) FROM bench_copy")
        assert count == sum(1 for _ in path.open()) - 1
        return elapsed
    finally:
        await conn.close()


async def main(rows: int, admin_url: str, keep: bool) -> None:
    url = await recreate_database(admin_url)
    with tempfile.TemporaryDirectory(prefix="crm-bench-imports-") as folder:
        path = Path(folder) / "contacts.csv"
        write_csv(path, rows)
        size = path.stat().st_size
        print(f"{rows} rows, {size / 1e6:.1f} MB: {path.name}", file=sys.stderr)
        service_seconds, outcome = await import_through_the_service(
            url, path, Path(folder) / "files"
        )
        copy_seconds = await copy_into_a_scratch_table(url, path)
    print("| way | rows | seconds | rows/s |\n| --- | ---: | ---: | ---: |")
    for way, seconds in (
        (f"import service ({outcome})", service_seconds),
        ("PostgreSQL COPY", copy_seconds),
    ):
        print(f"| {way} | {rows} | {seconds:.2f} | {rows / seconds:,.0f} |")
    print(f"\nCOPY is {service_seconds / copy_seconds:,.0f}x faster")
    if not keep:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        finally:
            await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the CSV (100,000)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("CRM_GATEWAY_TEST_POSTGRES_URL", DEFAULT_URL),
        help="a PostgreSQL server's URL (its database is only used to create another)",
    )
    parser.add_argument("--keep", action="store_true", help="leave the database behind")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.rows, arguments.pg_url, arguments.keep))
