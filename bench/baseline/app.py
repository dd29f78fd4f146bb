"""The hand-written baseline: Starlette + an asyncpg pool of 10, SQL written by hand.

It answers the benchmark's requests with the same JSON as the gateway, doing the same work a
careful hand-written service would: the API key is checked against the database on every
request (as the gateway does), every query is narrowed to the caller's network and mode, and
relations are fetched with one query per level (``= any($1)``), never per row. What it leaves
out is everything generic: no GraphQL parsing or validation, no ORM, no dataloaders, no
page totals nobody asked for.

    BASELINE_DATABASE_URL=postgresql://... .venv/bin/python bench/baseline/app.py --port 18002

Routes: POST /graphql (only the benchmark's two operations, told apart by their root field),
GET /backoffice/v1/contacts/{id}, GET /backoffice/v1/contacts/{id}/accounts,
POST /backoffice/v1/journals.
"""

import argparse
import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

POOL_SIZE = 10
MAX_PAGE_SIZE = 100
TENANT = (
    "{t}.organisation_id in (select id from organisations where path like $1 || '%')"
    " and {t}.is_test = $2"
)
AUTH_SQL = """
    select o.id, o.path, k.is_test, k.is_public from api_keys k
    join organisations o on o.id = k.organisation_id
    where k.key_hash = $1 and k.revoked_on is null
"""
PAGE_SQL = f"""
    select c.id, c.first_name, c.last_name, c.email_address from contacts c
    where {TENANT.format(t="c")}
    order by c.created_on {{order}}, c.id {{order}} limit $3 offset $4
"""
CONTACT_BY_ID_OR_CODE = f"""
    select {{columns}} from contacts c
    where {TENANT.format(t="c")} and (c.id = $3 or c.code = $3)
    order by (c.id = $3) desc, (c.organisation_id = $4) desc, c.created_on limit 1
"""
ACCOUNTS_OF_CONTACTS = """
    select id, contact_id, number, currency_code from accounts where contact_id = any($1)
    order by is_primary desc, created_on, id
"""
# An account's EFFECTIVE wallet, else its most recent one (as the gateway chooses).
WALLETS_OF_ACCOUNTS = """
    select distinct on (account_id) id, account_id, code, open_balance + commerce_balance as
        balance, currency_code, life_cycle_state
    from wallets where account_id = any($1)
    order by account_id, (life_cycle_state = 'EFFECTIVE') desc, created_on desc, id desc
"""
CONTACT_REST_COLUMNS = """
    c.id, c.code, c.contact_type, c.first_name, c.last_name, c.company_name, c.email_address,
    c.organisation_id, c.created_on, c.updated_on, c.custom_fields
"""
PHONES_SQL = """
    select id, phone_type, number, country_code, is_primary from contact_phones
    where contact_id = $1 order by is_primary desc, id
"""
ADDRESSES_SQL = """
    select id, address_type, is_primary, address_line_1, address_line_2, state_province_county,
        town_city, postal_code, country_code, lat, lon, google_place_id
    from contact_addresses where contact_id = $1 order by is_primary desc, id
"""
ACCOUNT_SORTS = {"created_on", "number", "name", "currency_code", "balance"}
ACCOUNT_LIST_SQL = f"""
    select a.id, a.is_primary, a.name, a.number, a.life_cycle_state, a.currency_code,
        a.balance, a.credit_limit, a.overdue_amount,
        cl.id as classification_id, cl.name as classification_name,
        pt.id as payment_terms_id, pt.name as payment_terms_name
    from accounts a
    left join account_classifications cl on cl.id = a.classification_id
    left join payment_terms pt on pt.id = a.payment_terms_id
    where a.contact_id = $3 and {TENANT.format(t="a")}
    order by a.{{sort}} {{order}}, a.id {{order}} limit $4 offset $5
"""
ACCOUNT_COUNT_SQL = f"""
    select count(*) from accounts a where a.contact_id = $3 and {TENANT.format(t="a")}
"""
WALLET_FOR_UPDATE = f"""
    select w.id, w.organisation_id, w.is_test, w.currency_code, w.life_cycle_state, w.code,
        w.open_balance, w.commerce_balance
    from wallets w where {TENANT.format(t="w")} and (w.id = $3 or w.code = $3)
    order by (w.id = $3) desc, (w.organisation_id = $4) desc, w.created_on limit 1
    for update
"""
INSERT_JOURNAL = """
    insert into journals (id, organisation_id, is_test, wallet_id, type, amount, currency_code,
        allow_negative_balance, balance_after, created_on, posted_on)
    values ($1, $2, $3, $4, 'CREDIT', $5, $6, false, $7, $8, $8)
"""


class ApiError(Exception):
    """An error answered with the spec's error body."""

    def __init__(self, status: int, message: str, error: str, parameters: list[str]) -> None:
        super().__init__(message)
        self.status, self.message, self.error, self.parameters = status, message, error, parameters

    def response(self) -> Response:
        body = {
            "status": self.status,
            "message": self.message,
            "error": self.error,
            "parameters": self.parameters,
        }
        return Response(rest_json(body), self.status, media_type="application/json")


def not_found(kind: str, value: str) -> ApiError:
    return ApiError(404, "Record not found.", "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION", [kind, value])


def bad_input(field: str, detail: str) -> ApiError:
    return ApiError(
        400, f"{field} {detail}", "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION", [field, detail]
    )


def canonical(value: Decimal) -> str:
    """Money in GraphQL: an exact decimal string without trailing zeros ("9.99", "10")."""
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return str(normalized.quantize(Decimal(1)))
    return str(normalized)


def _rest_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return int(value.timestamp())
    raise TypeError(f"cannot encode {type(value).__name__}")


def rest_json(data: Any) -> bytes:
    """REST JSON: money as numbers, times as epoch seconds."""
    return orjson.dumps(data, default=_rest_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def json_response(data: Any, *, rest: bool = False) -> Response:
    body = rest_json(data) if rest else orjson.dumps(data)
    return Response(body, media_type="application/json")


def uuid7() -> str:
    """A time-ordered UUIDv7 string, like the gateway's ids."""
    unix_ms = int(datetime.now(UTC).timestamp() * 1000)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62 | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


class Principal:
    __slots__ = ("is_test", "organisation_id", "path")

    def __init__(self, organisation_id: str, path: str, is_test: bool) -> None:
        self.organisation_id, self.path, self.is_test = organisation_id, path, is_test


async def authenticate(conn: asyncpg.Connection, request: Request) -> Principal:
    """The caller behind the ``api_key`` header: a secret key, looked up by its digest."""
    key = (request.headers.get("api_key") or request.headers.get("api-key") or "").strip()
    if not key:
        raise ApiError(401, "An API key is required.", "CRM.EXCEPTIONS.UNAUTHORIZEDEXCEPTION", [])
    row = await conn.fetchrow(AUTH_SQL, hashlib.sha256(key.encode()).hexdigest())
    if row is None or row["is_public"]:
        raise ApiError(401, "The API key is not valid.", "CRM.EXCEPTIONS.UNAUTHORIZEDEXCEPTION", [])
    return Principal(row["id"], row["path"], row["is_test"])


async def contacts_page(
    conn: asyncpg.Connection, who: Principal, size: int, page: int, order: str
) -> list[dict[str, Any]]:
    """(a) A page of contacts with their accounts and each account's wallet."""
    direction = "asc" if order == "ASC" else "desc"
    rows = await conn.fetch(
        PAGE_SQL.format(order=direction), who.path, who.is_test, size, (page - 1) * size
    )
    contacts = [
        {
            "id": r["id"],
            "first_name": r["first_name"],
            "last_name": r["last_name"],
            "email_address": r["email_address"],
            "accounts": [],
        }
        for r in rows
    ]
    by_contact = {c["id"]: c["accounts"] for c in contacts}
    account_rows = await conn.fetch(ACCOUNTS_OF_CONTACTS, list(by_contact))
    accounts: dict[str, dict[str, Any]] = {}
    for r in account_rows:
        account = {
            "id": r["id"],
            "number": r["number"],
            "currency_code": r["currency_code"],
            "wallet": None,
        }
        accounts[r["id"]] = account
        by_contact[r["contact_id"]].append(account)
    for r in await conn.fetch(WALLETS_OF_ACCOUNTS, list(accounts)):
        accounts[r["account_id"]]["wallet"] = {
            "id": r["id"],
            "code": r["code"],
            "balance": canonical(r["balance"]),
        }
    return contacts


async def graphql(request: Request) -> Response:
    """The benchmark's two GraphQL operations, answered as the gateway answers them."""
    payload = orjson.loads(await request.body())
    query: str = payload.get("query", "")
    variables: dict[str, Any] = payload.get("variables") or {}
    pool: asyncpg.Pool = request.app.state.pool
    try:
        async with pool.acquire() as conn:
            who = await authenticate(conn, request)
            if "contacts(" in query:
                size = int(variables.get("size", 20))
                if not 1 <= size <= MAX_PAGE_SIZE:
                    raise bad_input("size", f"must be between 1 and {MAX_PAGE_SIZE}")
                content = await contacts_page(conn, who, size, 1, "ASC")
                return json_response({"data": {"contacts": {"content": content}}})
            if "contact(" in query:
                row = await conn.fetchrow(
                    CONTACT_BY_ID_OR_CODE.format(
                        columns="c.id, c.first_name, c.last_name, c.email_address"
                    ),
                    who.path,
                    who.is_test,
                    str(variables["id"]),
                    who.organisation_id,
                )
                if row is None:
                    raise not_found("contact", str(variables["id"]))
                return json_response({"data": {"contact": dict(row)}})
    except ApiError as error:
        body = {"data": None, "errors": [{"message": error.message}]}
        return Response(orjson.dumps(body), 200, media_type="application/json")
    return Response(b'{"errors":[{"message":"unsupported operation"}]}', 400)


async def rest_contact(request: Request) -> Response:
    """GET /backoffice/v1/contacts/{id}: the contact with its phones, addresses, custom fields."""
    pool: asyncpg.Pool = request.app.state.pool
    id_or_code = request.path_params["id"]
    try:
        async with pool.acquire() as conn:
            who = await authenticate(conn, request)
            row = await conn.fetchrow(
                CONTACT_BY_ID_OR_CODE.format(columns=CONTACT_REST_COLUMNS),
                who.path,
                who.is_test,
                id_or_code,
                who.organisation_id,
            )
            if row is None:
                raise not_found("contact", id_or_code)
            contact = dict(row)
            custom = orjson.loads(contact.pop("custom_fields") or "[]")
            contact["phones"] = [dict(r) for r in await conn.fetch(PHONES_SQL, row["id"])]
            contact["addresses"] = [dict(r) for r in await conn.fetch(ADDRESSES_SQL, row["id"])]
            contact["custom_fields"] = [
                {"key": item.get("key"), "value": item.get("value")} for item in custom
            ]
    except ApiError as error:
        return error.response()
    return json_response(contact, rest=True)


def _reference(row: asyncpg.Record, prefix: str) -> dict[str, Any] | None:
    if row[f"{prefix}_id"] is None:
        return None
    return {"id": row[f"{prefix}_id"], "name": row[f"{prefix}_name"]}


async def rest_contact_accounts(request: Request) -> Response:
    """GET /backoffice/v1/contacts/{id}/accounts: a page of accounts, each with its wallet."""
    pool: asyncpg.Pool = request.app.state.pool
    id_or_code = request.path_params["id"]
    params = request.query_params
    try:
        page, size = int(params.get("page", 1)), int(params.get("size", 20))
    except ValueError:
        return bad_input("page", "must be a whole number").response()
    sort = params.get("sort") or "created_on"
    order = "asc" if params.get("order", "DESC").upper() == "ASC" else "desc"
    if sort not in ACCOUNT_SORTS:
        return bad_input("sort", f"unknown sort attribute {sort!r}").response()
    try:
        async with pool.acquire() as conn:
            who = await authenticate(conn, request)
            contact_id = await conn.fetchval(
                CONTACT_BY_ID_OR_CODE.format(columns="c.id"),
                who.path,
                who.is_test,
                id_or_code,
                who.organisation_id,
            )
            if contact_id is None:
                raise not_found("contact", id_or_code)
            rows = await conn.fetch(
                ACCOUNT_LIST_SQL.format(sort=sort, order=order),
                who.path,
                who.is_test,
                contact_id,
                size,
                (page - 1) * size,
            )
            total = await conn.fetchval(ACCOUNT_COUNT_SQL, who.path, who.is_test, contact_id)
            wallets = {
                r["account_id"]: {
                    "id": r["id"],
                    "code": r["code"],
                    "balance": r["balance"],
                    "currency_code": r["currency_code"],
                    "life_cycle_state": r["life_cycle_state"],
                }
                for r in await conn.fetch(WALLETS_OF_ACCOUNTS, [r["id"] for r in rows])
            }
    except ApiError as error:
        return error.response()
    content = [
        {
            "id": r["id"],
            "is_primary": r["is_primary"],
            "name": r["name"],
            "number": r["number"],
            "life_cycle_state": r["life_cycle_state"],
            "currency_code": r["currency_code"],
            "classification": _reference(r, "classification"),
            "balance": r["balance"],
            "credit_limit": r["credit_limit"],
            "overdue_amount": r["overdue_amount"],
            "payment_terms": _reference(r, "payment_terms"),
            "wallet": wallets.get(r["id"]),
        }
        for r in rows
    ]
    body = {"content": content, "paging": {"page": page, "size": size, "total": total}}
    return json_response(body, rest=True)


async def rest_post_journal(request: Request) -> Response:
    """POST /backoffice/v1/journals: credit a wallet's open balance, keeping it in step."""
    pool: asyncpg.Pool = request.app.state.pool
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return bad_input("body", "is not valid JSON").response()
    try:
        if body.get("type") != "CREDIT":
            raise bad_input("type", "the baseline posts only CREDIT journals")
        amount = Decimal(str(body.get("amount")))
        if not amount.is_finite() or amount <= 0:
            raise bad_input("amount", "must be a positive amount")
        wallet_ref = str(body.get("wallet_id") or "")
        async with pool.acquire() as conn:
            who = await authenticate(conn, request)
            async with conn.transaction():
                wallet = await conn.fetchrow(
                    WALLET_FOR_UPDATE, who.path, who.is_test, wallet_ref, who.organisation_id
                )
                if wallet is None:
                    raise not_found("wallet", wallet_ref)
                if wallet["life_cycle_state"] != "EFFECTIVE":
                    raise ApiError(
                        400,
                        f"Wallet {wallet['code']} takes no journals.",
                        "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION",
                        ["wallet", wallet["id"]],
                    )
                open_balance = wallet["open_balance"] + amount
                await conn.execute(
                    "update wallets set open_balance = $2 where id = $1",
                    wallet["id"],
                    open_balance,
                )
                journal_id = uuid7()
                await conn.execute(
                    INSERT_JOURNAL,
                    journal_id,
                    wallet["organisation_id"],
                    wallet["is_test"],
                    wallet["id"],
                    amount,
                    wallet["currency_code"],
                    open_balance + wallet["commerce_balance"],
                    datetime.now(UTC),
                )
    except ApiError as error:
        return error.response()
    return json_response({"id": journal_id}, rest=True)


def create_app(database_url: str) -> Starlette:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            database_url, min_size=POOL_SIZE, max_size=POOL_SIZE
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    async def health(_request: Request) -> Response:
        return json_response({"status": "ok"})

    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/graphql", graphql, methods=["POST"]),
            Route("/backoffice/v1/contacts/{id}", rest_contact, methods=["GET"]),
            Route("/backoffice/v1/contacts/{id}/accounts", rest_contact_accounts, methods=["GET"]),
            Route("/backoffice/v1/journals", rest_post_journal, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="The benchmark's hand-written baseline.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18002)
    args = parser.parse_args()
    url = os.environ.get("BASELINE_DATABASE_URL")
    if not url:
        raise SystemExit("set BASELINE_DATABASE_URL")
    # The same uvicorn settings as `crm-gateway serve`: one process, log level info.
    uvicorn.run(create_app(url), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
