"""Seed the benchmark database: organisations, contacts, accounts and wallets, by COPY.

Rows go straight into the tables the gateway's migrations created (no ORM, no API), so that
10,000 contacts take seconds. Every row is live data (``is_test = false``) of the bootstrapped
organisation or of one of the merchants seeded below it, so the gateway's tenant filter has a
real network to walk while every seeded row stays visible to the root's API key.

    .venv/bin/python bench/seed.py URL ROOT_ORGANISATION_ID [--contacts N]
"""

import argparse
import asyncio
import json
import random
import sys
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

MERCHANTS = 20
SECOND_ACCOUNT_SHARE = 0.3  # contacts with a second account (and so a second wallet)
FIRST_NAMES = ["Maria", "Andreas", "Elena", "Nikos", "Sofia", "Georgios", "Anna", "Petros"]
LAST_NAMES = ["Georgiou", "Christou", "Ioannou", "Charalambous", "Constantinou", "Nicolaou"]
TOWNS = ["Nicosia", "Limassol", "Larnaca", "Paphos", "Famagusta"]
START = datetime(2024, 1, 1, tzinfo=UTC)


class IdMaker:
    """Time-ordered UUIDv7 strings for given moments (the gateway's ids are UUIDv7 too)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def at(self, moment: datetime) -> str:
        unix_ms = int(moment.timestamp() * 1000)
        rand = self._rng.getrandbits(74)
        value = (unix_ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76
        value |= ((rand >> 62) & 0xFFF) << 64
        value |= 0b10 << 62
        value |= rand & ((1 << 62) - 1)
        return str(uuid.UUID(int=value))


async def _columns(conn: asyncpg.Connection, table: str) -> dict[str, bool]:
    """The table's columns and whether each must be given (NOT NULL without a default)."""
    rows = await conn.fetch(
        """select column_name, is_nullable = 'NO' and column_default is null as required
           from information_schema.columns where table_schema = 'public' and table_name = $1""",
        table,
    )
    return {row["column_name"]: row["required"] for row in rows}


async def _copy(conn: asyncpg.Connection, table: str, rows: Sequence[dict[str, Any]]) -> None:
    """COPY rows (dicts with the same keys) into ``table``; say clearly what the schema lacks."""
    if not rows:
        return
    known = await _columns(conn, table)
    names = list(rows[0])
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"seed: table {table} has no column(s) {', '.join(unknown)}")
    missing = [name for name, required in known.items() if required and name not in names]
    if missing:
        raise SystemExit(
            f"seed: table {table} needs column(s) {', '.join(missing)}: update seed.py"
        )
    records = [tuple(row[name] for name in names) for row in rows]
    await conn.copy_records_to_table(table, records=records, columns=names)


def _merchants(root_id: str, root_path: str, ids: IdMaker) -> list[dict[str, Any]]:
    merchants = []
    for index in range(MERCHANTS):
        created = START - timedelta(days=30) + timedelta(hours=index)
        merchant_id = ids.at(created)
        merchants.append(
            {
                "id": merchant_id,
                "parent_id": root_id,
                "path": f"{root_path}{merchant_id}/",
                "org_type": "MERCHANT",
                "name": f"Bench merchant {index + 1:02d}",
                "status": "ACTIVE",
                "is_business": False,
                "test_mode": False,
                "is_sandbox_on": False,
                "base_currency": "EUR",
                "inherit_from_parent": True,
                "contact_registry": False,
                "organisation_tags": "[]",
                "custom_fields": "[]",
                "created_on": created,
            }
        )
    return merchants


def _rows(
    contacts: int, organisation_ids: list[str], rng: random.Random, ids: IdMaker
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {
        "contacts": [],
        "contact_phones": [],
        "contact_addresses": [],
        "accounts": [],
        "wallets": [],
    }
    account_serial = 0
    for index in range(contacts):
        created = START + timedelta(seconds=60 * index)
        contact_id = ids.at(created)
        organisation_id = organisation_ids[index % len(organisation_ids)]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        out["contacts"].append(
            {
                "id": contact_id,
                "code": f"C{index + 1:07d}",
                "contact_type": "PERSON",
                "first_name": first,
                "last_name": last,
                "email_address": f"{first}.{last}.{index + 1}@example.com".lower(),
                "custom_fields": "[]",
                "created_on": created,
                "updated_on": created,
                "is_test": False,
                "organisation_id": organisation_id,
            }
        )
        out["contact_phones"].append(
            {
                "id": ids.at(created),
                "contact_id": contact_id,
                "phone_type": "MOBILE",
                "number": f"99{index:06d}",
                "country_code": "CYP",
                "is_primary": True,
            }
        )
        if index % 2 == 0:
            out["contact_addresses"].append(
                {
                    "id": ids.at(created),
                    "contact_id": contact_id,
                    "address_type": "HOME",
                    "is_primary": True,
                    "address_line_1": f"{index + 1} Makariou Avenue",
                    "town_city": rng.choice(TOWNS),
                    "postal_code": f"{1000 + index % 9000}",
                    "country_code": "CY",
                }
            )
        currencies = ["EUR", "USD"] if rng.random() < SECOND_ACCOUNT_SHARE else ["EUR"]
        for position, currency in enumerate(currencies):
            account_serial += 1
            account_created = created + timedelta(seconds=1 + position)
            account_id = ids.at(account_created)
            out["accounts"].append(
                {
                    "id": account_id,
                    "contact_id": contact_id,
                    "number": f"AC{account_serial:08d}",
                    "name": "Default" if position == 0 else f"{currency} account",
                    "is_primary": position == 0,
                    "life_cycle_state": "ACTIVE",
                    "currency_code": currency,
                    "balance": Decimal(0),
                    "credit_limit": Decimal(0),
                    "overdue_amount": Decimal(0),
                    "opening_balance": Decimal(0),
                    "spending_blocked_status": False,
                    "enable_automatic_spend": False,
                    "period_value_units": Decimal(0),
                    "lifetime_value_units": Decimal(0),
                    "created_on": account_created,
                    "is_test": False,
                    "organisation_id": organisation_id,
                }
            )
            out["wallets"].append(
                {
                    "id": ids.at(account_created),
                    "account_id": account_id,
                    "code": f"9{account_serial:015d}",
                    "life_cycle_state": "EFFECTIVE",
                    "currency_code": currency,
                    "open_balance": Decimal(rng.randint(0, 50_000)) / 100,
                    "commerce_balance": Decimal(rng.randint(0, 2_000)) / 100,
                    "limit_rules": "[]",
                    "created_on": account_created,
                    "is_test": False,
                    "organisation_id": organisation_id,
                }
            )
    return out


# PostGraphile exposes a function like this as a computed column (Wallet.balance), so that all
# three servers answer the same wallet balance: open plus commerce, as the gateway defines it.
BALANCE_FUNCTION = """
create or replace function public.wallets_balance(w public.wallets) returns numeric
language sql stable as $$ select w.open_balance + w.commerce_balance $$
"""


async def seed(url: str, root_id: str, contacts: int, seed_value: int = 20240101) -> dict[str, int]:
    """Fill an empty, migrated database below the root organisation; returns the row counts."""
    rng = random.Random(seed_value)
    ids = IdMaker(rng)
    conn = await asyncpg.connect(url)
    try:
        root_path = await conn.fetchval("select path from organisations where id = $1", root_id)
        if root_path is None:
            raise SystemExit(f"seed: no organisation {root_id}")
        merchants = _merchants(root_id, root_path, ids)
        rows = _rows(contacts, [root_id] + [m["id"] for m in merchants], rng, ids)
        async with conn.transaction():
            await _copy(conn, "organisations", merchants)
            for table in ("contacts", "contact_phones", "contact_addresses", "accounts", "wallets"):
                await _copy(conn, table, rows[table])
            await conn.execute(BALANCE_FUNCTION)
        await conn.execute("analyze")
    finally:
        await conn.close()
    counts = {table: len(table_rows) for table, table_rows in rows.items()}
    counts["organisations"] = len(merchants) + 1
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("root_organisation_id")
    parser.add_argument("--contacts", type=int, default=10_000)
    args = parser.parse_args(argv)
    counts = asyncio.run(seed(args.url, args.root_organisation_id, args.contacts))
    json.dump(counts, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
