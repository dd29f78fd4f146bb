"""Fixtures: every integration test runs on SQLite and on PostgreSQL, on a fresh migrated database.

The migrations run once per backend and session into a template; each test gets a copy of it
(a file copy on SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL, made ahead in the
background). PostgreSQL comes from
``CRM_GATEWAY_TEST_POSTGRES_URL`` (``scripts/test`` starts one); without it those tests skip.
"""

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache, reduce
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from app.db.engine import Database, create_engine
from app.db.migrate import migrate
from app.main import create_app
from app.onboarding import BootstrapResult, bootstrap
from app.settings import Settings
from app.worker.runner import in_worker
from schema.encoding import graphql_json

POSTGRES_URL = os.environ.get("CRM_GATEWAY_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"]
# The Cloudinary account of the test gateway, so that the media routes sign uploads (nothing is
# ever sent to Cloudinary: the gateway only signs).
TEST_CLOUDINARY = {
    "cloudinary_cloud_name": "crm-com",
    "cloudinary_api_key": "698271538719998",
    "cloudinary_api_secret": "a-cloudinary-secret-never-shown-0123",
}


def _pg_admin_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run_apart(coroutine: Any) -> Any:
    """Run a coroutine to completion on its own loop in a thread (fixtures may be inside a loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def _migrate_url(url: str) -> None:
    engine = create_engine(url, pool_size=1)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest migration."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _run_apart(_migrate_url(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database at the newest migration, used as a template."""
    if not POSTGRES_URL:
        pytest.skip("CRM_GATEWAY_TEST_POSTGRES_URL is not set (scripts/test sets it)")
    name = f"crm_template_{uuid.uuid4().hex[:10]}"
    admin = _pg_admin_dsn(POSTGRES_URL)

    async def create() -> None:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()
        await _migrate_url(str(make_url(POSTGRES_URL).set(database=name)))

    async def drop() -> None:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    _run_apart(create())
    yield name
    _run_apart(drop())


class PostgresCopies:
    """Fresh copies of the template database, the next one made ahead in a thread of its own.

    ``CREATE DATABASE ... TEMPLATE`` costs the server little CPU but a few hundred milliseconds
    of waiting: made while the previous test runs, a copy is usually ready when a test asks for
    it. A used copy is dropped in the same thread, after its test.
    """

    def __init__(self, admin_dsn: str, template: str) -> None:
        self._admin = admin_dsn
        self._template = template
        self._thread = ThreadPoolExecutor(max_workers=1)
        self._next = self._thread.submit(self._create)

    async def _execute(self, statement: str) -> None:
        conn = await asyncpg.connect(self._admin)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    def _create(self) -> str:
        name = f"crm_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"'))
        return name

    def _drop(self, name: str) -> None:
        asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def take(self) -> str:
        """The name of a fresh copy (the next one is started)."""
        name = self._next.result()
        self._next = self._thread.submit(self._create)
        return name

    def drop(self, name: str) -> None:
        """Drop a copy whose test has ended (in the background)."""
        self._thread.submit(self._drop, name)

    def close(self) -> None:
        """Drop the copy made ahead and wait for the pending drops."""
        self._thread.submit(self._drop, self._next.result())
        self._thread.shutdown(wait=True)


@pytest.fixture(scope="session")
def postgres_copies(postgres_template: str) -> Iterator[PostgresCopies]:
    """The session's maker of fresh PostgreSQL databases (see :class:`PostgresCopies`)."""
    assert POSTGRES_URL is not None
    copies = PostgresCopies(_pg_admin_dsn(POSTGRES_URL), postgres_template)
    yield copies
    copies.close()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh, migrated database of each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    copies: PostgresCopies = request.getfixturevalue("postgres_copies")
    assert POSTGRES_URL is not None
    name = copies.take()
    yield str(make_url(POSTGRES_URL).set(database=name, drivername="postgresql+asyncpg"))
    copies.drop(name)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A database handle for arranging data directly."""
    database = Database(create_engine(database_url, pool_size=2))
    yield database
    await database.dispose()


@contextmanager
def counting_statements(app: Any) -> Iterator[list[str]]:
    """Collect every SQL statement the running gateway's engine executes inside the block for
    requests (the background worker's statements are left out).

    The first request with a key also looks the key up (it is remembered afterwards), so a
    comparison of two counts should follow a request made with the same key. Statements of
    the in-process background worker (its task polls for due work) are not counted.
    """
    statements: list[str] = []
    engine = app.state.gateway.runtime.db.engine.sync_engine

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not in_worker():  # the worker's statements are not the request's
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


class Api:
    """A client for both doors of a running gateway, with a default API key."""

    def __init__(self, client: httpx.AsyncClient, key: str | None) -> None:
        self.client = client
        self.key = key

    def _headers(self, key: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        chosen = self.key if key is None else key
        if chosen:
            out.setdefault("api_key", chosen)
        return out

    async def rest(
        self,
        method: str,
        path: str,
        json: Any = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        """Call a REST route (``path`` without the ``/backoffice/v1`` prefix)."""
        return await self.client.request(
            method,
            "/backoffice/v1" + path,
            content=None if json is None else graphql_json(json),
            headers={"content-type": "application/json", **self._headers(key, headers)},
            params=params,
        )

    async def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Run a GraphQL operation and return the whole response body."""
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self._headers(key, headers),
        )
        assert response.status_code in (200, 400, 401), response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        """Run a GraphQL operation that must succeed and return its ``data``."""
        body = await self.graphql(query, variables, **kw)
        assert not body.get("errors"), body["errors"]
        return body["data"]

    def as_key(self, key: str | None) -> "Api":
        """The same client with another default key (``""`` for none)."""
        return Api(self.client, key)


SUITE_JWT_SECRET = "test-secret-for-the-gateway-suite-0123456789"
"""The signing secret of the suite's gateways (tests forge and expire tokens with it)."""


def suite_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    """The settings of the suite's gateways: the test's database, uploaded files in the test's
    own folder, a test Cloudinary account (it only signs), and ``overrides``."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "jwt_secret": SUITE_JWT_SECRET,
        "files_path": str(tmp_path / "files"),
        **TEST_CLOUDINARY,
    }
    return Settings(**(values | overrides))


@pytest.fixture
async def gateway(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """A running gateway on the fresh database (see :func:`suite_settings`) and an HTTP client
    talking to it in process."""
    app = create_app(suite_settings(database_url, tmp_path))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield app, client


@pytest.fixture
async def tenant(database_url: str, gateway: Any) -> BootstrapResult:
    """The first organisation with its owner and keys."""
    app, _ = gateway
    result = await bootstrap(app.state.gateway.runtime.db)
    assert result is not None
    return result


@pytest.fixture
async def general_app(database_url: str) -> AsyncIterator[Any]:
    """A second gateway on the same database with compiled reads switched off."""
    settings = Settings(
        database_url=database_url,
        jwt_secret="test-secret-for-the-gateway-suite-0123456789",
        compiled_reads=False,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def api(gateway: Any, tenant: BootstrapResult) -> Api:
    """A client for both doors using the first organisation's live secret key."""
    return Api(gateway[1], tenant.secret_api_key)


# Columns every authenticated request may write, refused or not: bookkeeping, not data (an API
# key's last use is recorded at most once a minute per key and process).
BOOKKEEPING_COLUMNS = {
    ("api_keys", "last_used_on"),
    # The automations worker marks the events of earlier changes dispatched in the background.
    ("domain_events", "dispatched_on"),
}


@cache
def _snapshot_statement() -> Any:
    """Every row of every table (but :data:`BOOKKEEPING_COLUMNS`) as ``(table, text)``, in one
    statement on both databases (a statement per table made the snapshot the slowest part of
    the authorization matrix)."""
    from sqlalchemy import Text, cast, func, literal_column, select, union_all

    from app.db.base import Base

    parts = []
    for table in Base.metadata.sorted_tables:
        cells = [
            func.coalesce(cast(column, Text), literal_column("'\\N'"))
            for column in table.columns
            if (table.name, column.name) not in BOOKKEEPING_COLUMNS
        ]
        row = reduce(
            lambda left, right: left.op("||")(literal_column("'|'")).op("||")(right), cells
        )
        name = literal_column(f"'{table.name}'")
        parts.append(select(name.label("table_name"), row.label("row")).select_from(table))
    return union_all(*parts)


async def table_snapshot(db: Database) -> dict[str, str]:
    """A digest of every table's rows (but :data:`BOOKKEEPING_COLUMNS`), to show that a refused
    request changed nothing."""
    import hashlib

    from app.db.base import Base

    rows: dict[str, list[str]] = {table.name: [] for table in Base.metadata.sorted_tables}
    async with db.read() as session:
        for table_name, row in (await session.execute(_snapshot_statement())).all():
            rows[table_name].append(row)
    digests = {}
    for name, texts in rows.items():
        digest = hashlib.sha256("\n".join(sorted(texts)).encode()).hexdigest()[:16]
        digests[name] = f"{len(texts)}:{digest}"
    return digests


def snapshot_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ between two snapshots."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
