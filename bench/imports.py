"""Benchmark of CSV imports: the gateway's import service against PostgreSQL's own COPY.

A benchmark, not a test (nothing runs it in CI). It writes a contacts CSV of ``--rows`` rows
(first name, last name, e-mail address, code, phone number and a custom field) where every
100th row is bad (in turn an e-mail address without ``@`` and a first name of 101
characters), imports it into a fresh PostgreSQL database through the import service
(``crm-gateway import``'s path: the file is stored and checked, the rows go through the
contacts commands and ``create_contacts``, 2,000 rows a transaction), checks the outcome,
then loads the same file into a scratch table with ``COPY ... FROM STDIN (FORMAT csv)``, and
prints rows per second of both and their ratio.

The check (it fails the run, with ``AssertionError``, when it does not hold): exactly the good
rows are contacts (by code), each with its phone and one ``REGISTER_CUSTOMER`` event, and the
import's error file lists exactly the bad rows, with their reasons.

COPY is the floor of what loading those bytes costs; the service does for each row what an
API create does (the command's validation, the code and e-mail look-ups, the code is no
contact's id, the contact, its phone, its event, into tables with their indexes), so the
ratio is the price of one rule set for both doors.

    .venv/bin/python bench/imports.py [--rows 100000] [--pg-url URL] [--keep]

``--pg-url`` defaults to CRM_GATEWAY_TEST_POSTGRES_URL, else the throwaway cluster of
``scripts/postgres`` (postgresql://postgres@127.0.0.1:54329/postgres). The database
``crm_bench_imports`` is dropped and recreated on that server (left behind with ``--keep``).
"""

import argparse
import asyncio
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import anyio
import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db.engine import Database, create_engine  # noqa: E402
from app.db.migrate import migrate  # noqa: E402
from app.db.models import DataImport  # noqa: E402
from app.imports.command_line import ImportRequest, run_import  # noqa: E402
from app.onboarding import bootstrap  # noqa: E402
from app.settings import Settings  # noqa: E402

DATABASE = "crm_bench_imports"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:54329/postgres"
HEADER = ["first_name", "last_name", "email_address", "code", "phone_number", "tier"]
FIRST_NAMES = ["Maria", "Andreas", "Elena", "Nikos", "Sofia", "Georgios", "Anna", "Petros"]
LAST_NAMES = ["Georgiou", "Christou", "Ioannou", "Charalambous", "Constantinou", "Nicolaou"]
TIERS = ["gold", "silver", "bronze"]


BAD_EVERY = 100
"""Every 100th row (rows 100, 200, ...) is bad: 1% of the file."""


def write_csv(path: Path, rows: int) -> set[int]:
    """A contacts CSV of ``rows`` distinct contacts, with a header row; the numbers (1-based,
    header excluded) of its bad rows."""
    bad: set[int] = set()
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
            email = f"{first}.{last}.{n}@example.com".lower()
            number = n + 1
            if number % BAD_EVERY == 0:
                bad.add(number)
                if (number // BAD_EVERY) % 2:
                    email = email.replace("@", " at ")
                else:
                    first = "x" * 101
            phone = f"+3579{n:07d}"
            writer.writerow([first, last, email, f"B-{n:07d}", phone, TIERS[n % len(TIERS)]])
    return bad


async def recreate_database(admin_url: str) -> str:
    """Drop and create the benchmark database; its asyncpg URL for the gateway."""
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    finally:
        await conn.close()
    return str(make_url(admin_url).set(database=DATABASE, drivername="postgresql+asyncpg"))


async def import_through_the_service(
    url: str, path: Path, files: Path
) -> tuple[float, float, DataImport]:
    """Seconds (wall clock, and CPU of this process) the import service takes for the file,
    and the finished import."""
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
        started, cpu = time.perf_counter(), time.process_time()
        done = await run_import(db, settings, request)
        return time.perf_counter() - started, time.process_time() - cpu, done
    finally:
        await db.dispose()


async def check_outcome(url: str, rows: int, bad: set[int], done: DataImport) -> str:
    """Assert that exactly the good rows are contacts (with a phone and an event each) and
    that the error file lists exactly the bad rows; what was checked, in a sentence."""
    good_codes = {f"B-{n - 1:07d}" for n in range(1, rows + 1) if n not in bad}
    assert (done.status, done.new_count, done.error_count) == ("FAILED", len(good_codes), len(bad))
    conn = await asyncpg.connect(str(make_url(url).set(drivername="postgresql")))
    try:
        codes = {record["code"] for record in await conn.fetch("SELECT code FROM contacts")}
        assert codes == good_codes, (len(codes), len(good_codes))
        phones = await conn.fetchval("SELECT count(DISTINCT contact_id) FROM contact_phones")
        assert phones == len(good_codes), phones
        events = await conn.fetch(
            "SELECT entity_id FROM domain_events WHERE event = 'REGISTER_CUSTOMER'"
        )
        ids = {record["id"] for record in await conn.fetch("SELECT id FROM contacts")}
        assert sorted(record["entity_id"] for record in events) == sorted(ids)
        error_path = await conn.fetchval(
            "SELECT storage_path FROM files WHERE id = $1", done.error_file_id
        )
    finally:
        await conn.close()
    lines = list(csv.reader((await anyio.Path(error_path).read_text()).splitlines()))
    assert lines[0] == ["row", *HEADER, "error"]
    listed = {int(line[0]): line[-1] for line in lines[1:]}
    assert set(listed) == bad, sorted(set(listed) ^ bad)[:10]
    reasons = {"email_address: is not an e-mail address", "first_name: at most 100 characters"}
    assert set(listed.values()) == reasons, set(listed.values())
    return (
        f"checked: {len(good_codes):,} contacts, exactly the good rows, each with its phone"
        f" and one REGISTER_CUSTOMER event; the error file lists exactly the {len(bad):,} bad"
        " rows (rows 100, 200, ...), with their reasons"
    )


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


WRITTEN_TABLES = ("contacts", "contact_phones", "domain_events")
"""The tables an import of new contacts writes."""


async def copy_the_imports_rows(url: str) -> float:
    """Seconds PostgreSQL's COPY takes to load the rows the import wrote (contacts, phones,
    events, in binary) into empty tables like those (``LIKE ... INCLUDING ALL`` and the same
    foreign keys: the same columns, indexes and checks): the database's own floor for the
    import's writes."""
    conn = await asyncpg.connect(str(make_url(url).set(drivername="postgresql")))
    try:
        dumps: dict[str, io.BytesIO] = {}
        for table in WRITTEN_TABLES:
            dumps[table] = io.BytesIO()
            await conn.copy_from_table(table, output=dumps[table], format="binary")
            await conn.execute(
                f"DROP TABLE IF EXISTS bench_{table} CASCADE; "
                f"CREATE TABLE bench_{table} (LIKE {table} INCLUDING ALL)"
            )
        await conn.execute(
            "ALTER TABLE bench_contacts ADD FOREIGN KEY (organisation_id)"
            " REFERENCES organisations (id);"
            " ALTER TABLE bench_contact_phones ADD FOREIGN KEY (contact_id)"
            " REFERENCES bench_contacts (id)"
        )
        started = time.perf_counter()
        for table in WRITTEN_TABLES:
            dumps[table].seek(0)
            await conn.copy_to_table(f"bench_{table}", source=dumps[table], format="binary")
        return time.perf_counter() - started
    finally:
        await conn.close()


async def main(rows: int, admin_url: str, keep: bool) -> None:
    url = await recreate_database(admin_url)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="crm-bench-imports-") as folder:
        path = Path(folder) / "contacts.csv"
        bad = write_csv(path, rows)
        size = path.stat().st_size
        print(f"{rows} rows ({len(bad)} bad), {size / 1e6:.1f} MB: {path.name}", file=sys.stderr)
        service_seconds, service_cpu, done = await import_through_the_service(
            url, path, Path(folder) / "files"
        )
        checked = await check_outcome(url, rows, bad, done)
        copy_seconds = await copy_into_a_scratch_table(url, path)
        rows_copy_seconds = await copy_the_imports_rows(url)
    load_after = os.getloadavg()
    outcome = f"{done.status}: {done.new_count:,} new, {done.error_count:,} errors"
    print("| way | rows | seconds | rows/s |\n| --- | ---: | ---: | ---: |")
    for way, seconds in (
        (f"import service ({outcome})", service_seconds),
        ("PostgreSQL COPY of the file (scratch table of text columns)", copy_seconds),
        (
            "PostgreSQL COPY of the rows the import wrote (contacts, phones, events: same"
            " indexes and foreign keys)",
            rows_copy_seconds,
        ),
    ):
        print(f"| {way} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} |")
    ratio = copy_seconds / service_seconds
    print(f"\nthe import service runs at {ratio:.3f} of COPY's speed (1/{1 / ratio:,.1f})")
    floor = rows_copy_seconds / service_seconds
    print(f"and at {floor:.3f} of the speed of COPY of the rows it wrote (1/{1 / floor:,.1f})")
    print(f"the import's CPU time in this process: {service_cpu:.2f} s")
    print(f"{checked}")
    print(
        "load average (1, 5, 15 min) before: {:.2f} {:.2f} {:.2f}, after: {:.2f} {:.2f} {:.2f}"
        " ({} cores)".format(*load_before, *load_after, os.cpu_count())
    )
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
