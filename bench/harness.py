"""The benchmark: the gateway against a hand-written baseline and PostGraphile, interleaved.

Run it through ``bench/run`` (which checks the requirements first); ``--help`` lists the
options. It creates the database ``crm_bench`` (dropped and recreated every run), migrates and
bootstraps it with the gateway's own command line, seeds it with bench/seed.py, starts each
server as one process on 127.0.0.1, checks every (server, scenario) cell with one request,
then drives every working cell with wrk (one thread, ``--connections`` connections) for
``--duration`` seconds per round, round after round, so that noise on the machine falls on
all servers alike. It prints a table and writes it to ``bench/results/<date>.md``.
"""

import argparse
import asyncio
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from seed import seed

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / ".work"
VENV_BIN = ROOT / ".venv" / "bin"
DATABASE = "crm_bench"
SERVERS = ("gateway", "baseline", "postgraphile", "gateway2")
LABELS = {
    "gateway": "gateway",
    "baseline": "baseline",
    "postgraphile": "PostGraphile",
    "gateway2": "gateway x2 processes",
}
NESTED_SIZE = 20  # children per organisation page, contacts per child page
PAGE_SIZE = 100
SAMPLE_IDS = 2000  # distinct ids each cell cycles through
# The gateway of this checkout (PYTHONPATH=ROOT), whatever the shared virtualenv's editable
# install points at.
GATEWAY_COMMAND = (str(VENV_BIN / "python"), "-m", "app.cli")
REQUESTS_PER_SECOND_CAP = 50_000  # a safety bound on requests per cell; never reached here

GATEWAY_PAGE = (
    'query($size:Int){ contacts(size:$size, sort:"created_on", order:ASC){ content {'
    " id first_name last_name email_address"
    " accounts { id number currency_code wallet { id code balance } } } } }"
)
GATEWAY_CONTACT = "query($id:ID!){ contact(id:$id){ id first_name last_name email_address } }"
# PostGraphile 5 (Amber preset, simplified inflection): the same data in its dialect. The
# primary key column is `rowId` (`id` is the global node id); relations follow the foreign
# keys accounts.contact_id and wallets.account_id; Wallet.balance is the computed column
# public.wallets_balance(wallets) that bench/seed.py creates. wallets.account_id is not
# unique, so an account's wallet is a connection here.
POSTGRAPHILE_PAGE = (
    "query($size:Int){ contacts(first:$size, orderBy:[CREATED_ON_ASC, PRIMARY_KEY_ASC],"
    " condition:{isTest:false}) { nodes { rowId firstName lastName emailAddress"
    " accounts(orderBy:[IS_PRIMARY_DESC, CREATED_ON_ASC, PRIMARY_KEY_ASC]) { nodes {"
    " rowId number currencyCode wallets(first:1, orderBy:[CREATED_ON_DESC, PRIMARY_KEY_DESC]) {"
    " nodes { rowId code balance } } } } } } }"
)
POSTGRAPHILE_CONTACT = (
    "query($id:String!){ contact(rowId:$id){ rowId firstName lastName emailAddress } }"
)
# The bootstrapped organisation's merchants, each one's first page of contacts, their accounts
# and wallets; totals are not asked for. A compiled read since issue 10 (one statement); the
# general path answers it when the gateway runs with CRM_GATEWAY_COMPILED_READS=false.
# Literal sizes: the query cost counts a size given by a variable as the largest page.
GATEWAY_NETWORK = (
    f"query($id:ID!){{ organisation(id:$id){{ id name children(size:{NESTED_SIZE}){{ content {{"
    f" id name contacts(size:{NESTED_SIZE}){{ content {{ id first_name last_name"
    " accounts { id number currency_code wallet { id code balance } } }"
    " paging { has_more } } } paging { has_more } } } }"
)
POSTGRAPHILE_NETWORK = (
    "query($id:String!,$size:Int){ organisation(rowId:$id){ rowId name"
    " childOrganisations(first:$size, orderBy:[CREATED_ON_DESC, PRIMARY_KEY_DESC]) {"
    " nodes { rowId name contacts(first:$size, orderBy:[CREATED_ON_DESC, PRIMARY_KEY_DESC],"
    " condition:{isTest:false}) { nodes { rowId firstName lastName"
    " accounts(orderBy:[IS_PRIMARY_DESC, CREATED_ON_ASC, PRIMARY_KEY_ASC]) { nodes {"
    " rowId number currencyCode wallets(first:1, orderBy:[CREATED_ON_DESC, PRIMARY_KEY_DESC]) {"
    " nodes { rowId code balance } } } } } pageInfo { hasNextPage } } } } } }"
)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str


SCENARIOS = (
    Scenario("page", "(a) GraphQL: page of 100 contacts -> accounts -> wallet"),
    Scenario("contact", "(b) GraphQL: one contact by id"),
    Scenario("network", "(e) GraphQL: organisation -> 20 children -> 20 contacts each"),
    Scenario("rest_accounts", "(c) REST: GET /contacts/{id}/accounts"),
    Scenario("graphql_accounts", "(c) the same as GraphQL: contact_accounts(contact_id)"),
    Scenario("rest_contact", "(c) REST: GET /contacts/{id}"),
    Scenario("journal", "(d) REST write: POST /journals (CREDIT 1)"),
)


@dataclass
class Fixture:
    """What the seeded database offers the requests: a key and ids to cycle through."""

    api_key: str
    organisation_id: str
    contact_ids: list[str]
    wallet_ids: list[str]
    counts: dict[str, int]


@dataclass
class Plan:
    """How one server is asked one scenario: requests to cycle through and a validity check."""

    requests: list[tuple[str, str, str]]  # method, path, body
    headers: dict[str, str]
    check: Callable[[int, Any, str], str | None]  # status, parsed body, sample id -> problem
    sample: str  # the id the first request uses


@dataclass
class Cell:
    server: str
    scenario: Scenario
    plan: Plan | None = None
    na: str | None = None  # why the cell is not run
    note: str | None = None  # a remark on its answers (a shape difference)
    probe_body: Any = None
    runs: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Server:
    name: str
    port: int
    command: list[str]
    env: dict[str, str]
    cwd: Path
    ready_path: str
    ready_method: str = "GET"
    ready_body: str | None = None
    process: subprocess.Popen[bytes] | None = None
    failure: str | None = None

    @property
    def log(self) -> Path:
        return WORK / "logs" / f"{self.name}.log"


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- the database -------------------------------------------------------------------------


def database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def recreate_database(admin_url: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f"drop database if exists {DATABASE} with (force)")
        await conn.execute(f"create database {DATABASE}")
    finally:
        await conn.close()


def gateway_cli(url: str, *args: str) -> str:
    env = os.environ | {"CRM_GATEWAY_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [*GATEWAY_COMMAND, *args],
        env=env,
        cwd=WORK,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench: crm-gateway {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


async def sample_ids(url: str, rng: random.Random) -> tuple[list[str], list[str]]:
    conn = await asyncpg.connect(url)
    try:
        contacts = [r["id"] for r in await conn.fetch("select id from contacts order by id")]
        wallets = [
            r["id"]
            for r in await conn.fetch(
                "select id from wallets where life_cycle_state = 'EFFECTIVE' order by id"
            )
        ]
    finally:
        await conn.close()
    return (
        rng.sample(contacts, min(SAMPLE_IDS, len(contacts))),
        rng.sample(wallets, min(SAMPLE_IDS, len(wallets))),
    )


def prepare_database(admin_url: str, contacts: int) -> tuple[str, Fixture]:
    url = database_url(admin_url, DATABASE)
    started = time.monotonic()
    asyncio.run(recreate_database(admin_url))
    gateway_cli(url, "migrate")
    boot = json.loads(gateway_cli(url, "bootstrap", "--json").strip().splitlines()[-1])
    if not boot.get("created"):
        raise SystemExit("bench: bootstrap created nothing in a fresh database")
    counts = asyncio.run(seed(url, boot["organisation_id"], contacts))
    contact_ids, wallet_ids = asyncio.run(sample_ids(url, random.Random(7)))
    log(f"database {DATABASE} ready in {time.monotonic() - started:.1f}s: {counts}")
    fixture = Fixture(
        boot["secret_api_key"], boot["organisation_id"], contact_ids, wallet_ids, counts
    )
    return url, fixture


# --- the servers --------------------------------------------------------------------------


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def http_request(
    port: int,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body.encode() if body else None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start(server: Server, timeout: float = 90) -> None:
    if not port_free(server.port):
        server.failure = f"port {server.port} is taken (use --port-base)"
        return
    server.log.parent.mkdir(parents=True, exist_ok=True)
    out = server.log.open("wb")
    server.process = subprocess.Popen(
        server.command,
        env=os.environ | server.env,
        cwd=server.cwd,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, stopped as one below
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            tail = server.log.read_text(errors="replace")[-600:]
            server.failure = f"exited with {server.process.returncode}: {tail.strip()}"
            return
        try:
            status, _ = http_request(
                server.port,
                server.ready_method,
                server.ready_path,
                server.ready_body,
                {"Content-Type": "application/json"},
                timeout=2,
            )
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    server.failure = f"not ready after {timeout:.0f}s (see {server.log})"


def stop(server: Server) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


@contextmanager
def running(servers: Sequence[Server]) -> Iterator[None]:
    def on_signal(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        yield
    finally:
        for server in servers:
            stop(server)
        signal.signal(signal.SIGTERM, previous)


def node_binary() -> Path:
    return BENCH / "node_modules" / ".bin" / "node"


def ensure_postgraphile() -> str | None:
    """Install PostGraphile 5 and Node.js 22 into bench/node_modules; a reason if that fails."""
    node = node_binary()
    installed = (BENCH / "node_modules" / "postgraphile" / "package.json").exists()

    def node_version() -> str | None:
        try:
            out = subprocess.run(
                [str(node), "--version"], capture_output=True, text=True, timeout=30
            )
        except OSError:
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    if installed and (node_version() or "").startswith("v22"):
        return None
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (needed to install postgraphile and node@22)"
    log("installing PostGraphile 5 and Node.js 22 into bench/node_modules (npm ci)")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=BENCH,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return f"npm ci failed: {done.stderr.strip()[-400:]}"
    version = node_version()
    if not (version or "").startswith("v22"):
        return f"bench/node_modules/.bin/node is {version!r}, not Node.js 22"
    return None


def make_servers(url: str, names: Sequence[str], port_base: int) -> list[Server]:
    servers = []
    for offset, name in enumerate(SERVERS):
        if name not in names:
            continue
        port = port_base + offset
        if name == "gateway":
            server = Server(
                name,
                port,
                [*GATEWAY_COMMAND, "serve", "--port", str(port)],
                {
                    "PYTHONPATH": str(ROOT),
                    "CRM_GATEWAY_DATABASE_URL": url,
                    "CRM_GATEWAY_DATABASE_POOL_SIZE": "10",
                    "CRM_GATEWAY_GRAPHIQL": "false",
                },
                WORK,
                "/health",
            )
        elif name == "gateway2":
            server = Server(
                name,
                port,
                [*GATEWAY_COMMAND, "serve", "--port", str(port), "--workers", "2"],
                {
                    "PYTHONPATH": str(ROOT),
                    "CRM_GATEWAY_DATABASE_URL": url,
                    "CRM_GATEWAY_DATABASE_POOL_SIZE": "10",
                    "CRM_GATEWAY_GRAPHIQL": "false",
                },
                WORK,
                "/health",
            )
        elif name == "baseline":
            server = Server(
                name,
                port,
                [str(VENV_BIN / "python"), str(BENCH / "baseline" / "app.py"), "--port", str(port)],
                {"BASELINE_DATABASE_URL": url},
                WORK,
                "/health",
            )
        else:
            server = Server(
                name,
                port,
                [str(node_binary()), str(BENCH / "postgraphile" / "server.mjs")],
                {"DATABASE_URL": url, "PORT": str(port), "HOST": "127.0.0.1"}
                | {"NODE_ENV": "production"},
                BENCH,
                "/graphql",
                "POST",
                '{"query":"{ __typename }"}',
            )
        servers.append(server)
    return servers


# --- the cells ----------------------------------------------------------------------------


def gql_body(query: str, variables: dict[str, Any]) -> str:
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":"))


def graphql_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the answer is not a JSON object"
    if body.get("errors"):
        return "; ".join(str(e.get("message")) for e in body["errors"])[:300]
    if not isinstance(body.get("data"), dict):
        return "the answer has no data"
    return None


def check_gateway_page(status: int, body: Any, _sample: str) -> str | None:
    problem = graphql_problem(body) or (None if status == 200 else f"HTTP {status}")
    if problem:
        return problem
    content = body["data"]["contacts"]["content"]
    if len(content) != PAGE_SIZE:
        return f"{len(content)} contacts instead of {PAGE_SIZE}"
    if any(not c["accounts"] or any(a["wallet"] is None for a in c["accounts"]) for c in content):
        return "a contact without accounts or an account without its wallet"
    return None


def check_postgraphile_page(status: int, body: Any, _sample: str) -> str | None:
    problem = graphql_problem(body) or (None if status == 200 else f"HTTP {status}")
    if problem:
        return problem
    nodes = body["data"]["contacts"]["nodes"]
    if len(nodes) != PAGE_SIZE:
        return f"{len(nodes)} contacts instead of {PAGE_SIZE}"
    return None


def check_network(postgraphile: bool) -> Callable[[int, Any, str], str | None]:
    """The network answer holds NESTED_SIZE children of NESTED_SIZE contacts each, every
    account with its wallet."""

    def check(status: int, body: Any, _sample: str) -> str | None:
        problem = graphql_problem(body) or (None if status == 200 else f"HTTP {status}")
        if problem:
            return problem
        top = body["data"]["organisation"]
        children = (
            top["childOrganisations"]["nodes"] if postgraphile else top["children"]["content"]
        )
        if len(children) != NESTED_SIZE:
            return f"{len(children)} children instead of {NESTED_SIZE}"
        for child in children:
            contacts = child["contacts"]["nodes" if postgraphile else "content"]
            if len(contacts) != NESTED_SIZE:
                return f"{len(contacts)} contacts in {child['name']} instead of {NESTED_SIZE}"
        return None

    return check


def check_contact(key: str, id_field: str) -> Callable[[int, Any, str], str | None]:
    def check(status: int, body: Any, sample: str) -> str | None:
        problem = graphql_problem(body) or (None if status == 200 else f"HTTP {status}")
        if problem:
            return problem
        contact = body["data"][key]
        if not contact or contact.get(id_field) != sample:
            return f"asked for contact {sample}, got {contact!r:.200}"
        return None

    return check


def rest_problem(status: int, body: Any) -> str | None:
    if status in (200, 201):
        return None
    if isinstance(body, dict) and body.get("message"):
        parameters = " ".join(map(str, body.get("parameters") or []))
        return f"HTTP {status}: {body['message']} {parameters}".strip()[:300]
    return f"HTTP {status}"


def check_rest_contact(status: int, body: Any, sample: str) -> str | None:
    problem = rest_problem(status, body)
    if problem is None and (not isinstance(body, dict) or body.get("id") != sample):
        problem = f"asked for contact {sample}, got {str(body)[:200]}"
    return problem


def check_rest_accounts(status: int, body: Any, _sample: str) -> str | None:
    problem = rest_problem(status, body)
    if problem is None and (not isinstance(body, dict) or not body.get("content")):
        problem = f"no accounts in {str(body)[:200]}"
    return problem


def rest_document(method: str, path: str) -> str:
    """The GraphQL document behind one of the gateway's REST routes."""
    sys.path.insert(0, str(ROOT))
    from rest_compat.routes import ROUTES

    return next(r.document for r in ROUTES if r.method == method and r.path == path)


def check_graphql_accounts(status: int, body: Any, _sample: str) -> str | None:
    problem = graphql_problem(body) or (None if status == 200 else f"HTTP {status}")
    if problem is None and not body["data"]["contact_accounts"]["content"]:
        problem = f"no accounts in {str(body)[:200]}"
    return problem


def check_journal(status: int, body: Any, _sample: str) -> str | None:
    problem = rest_problem(status, body)
    if problem is None and (not isinstance(body, dict) or not body.get("id")):
        problem = f"no journal id in {str(body)[:200]}"
    return problem


def plan(server: str, scenario: str, fixture: Fixture) -> Plan | str:
    """The requests one server gets for one scenario, or why it gets none."""
    contacts, wallets = fixture.contact_ids, fixture.wallet_ids
    json_headers = {"Content-Type": "application/json"}
    auth = json_headers | {"api_key": fixture.api_key}
    if server == "postgraphile":
        if scenario == "network":
            variables = {"id": fixture.organisation_id, "size": NESTED_SIZE}
            body = gql_body(POSTGRAPHILE_NETWORK, variables)
            return Plan([("POST", "/graphql", body)], json_headers, check_network(True), "")
        if scenario == "page":
            body = gql_body(POSTGRAPHILE_PAGE, {"size": PAGE_SIZE})
            return Plan([("POST", "/graphql", body)], json_headers, check_postgraphile_page, "")
        if scenario == "contact":
            requests = [
                ("POST", "/graphql", gql_body(POSTGRAPHILE_CONTACT, {"id": i})) for i in contacts
            ]
            return Plan(requests, json_headers, check_contact("contact", "rowId"), contacts[0])
        if scenario == "journal":
            return "no REST door, and no journal posting rule (balances) to generate"
        return "no REST door"
    if scenario == "page":
        body = gql_body(GATEWAY_PAGE, {"size": PAGE_SIZE})
        return Plan([("POST", "/graphql", body)], auth, check_gateway_page, "")
    if scenario == "network":
        if server == "baseline":
            return "not written by hand (the gateway is measured against PostGraphile)"
        body = gql_body(GATEWAY_NETWORK, {"id": fixture.organisation_id})
        return Plan([("POST", "/graphql", body)], auth, check_network(False), "")
    if scenario == "contact":
        requests = [("POST", "/graphql", gql_body(GATEWAY_CONTACT, {"id": i})) for i in contacts]
        return Plan(requests, auth, check_contact("contact", "id"), contacts[0])
    if scenario == "rest_contact":
        requests = [("GET", f"/backoffice/v1/contacts/{i}", "") for i in contacts]
        return Plan(requests, auth, check_rest_contact, contacts[0])
    if scenario == "rest_accounts":
        requests = [("GET", f"/backoffice/v1/contacts/{i}/accounts", "") for i in contacts]
        return Plan(requests, auth, check_rest_accounts, contacts[0])
    if scenario == "graphql_accounts":
        if server == "baseline":
            return "measures the gateway's REST door against its own GraphQL"
        document = rest_document("GET", "/contacts/{contact_id}/accounts")
        requests = [("POST", "/graphql", gql_body(document, {"contact_id": i})) for i in contacts]
        return Plan(requests, auth, check_graphql_accounts, contacts[0])
    body_of = lambda w: json.dumps(  # noqa: E731
        {"wallet_id": w, "amount": 1, "type": "CREDIT"}, separators=(",", ":")
    )
    requests = [("POST", "/backoffice/v1/journals", body_of(w)) for w in wallets]
    return Plan(requests, auth, check_journal, wallets[0])


def probe(server: Server, cell: Cell) -> None:
    """One request before the load: a cell whose answer is wrong is reported, not timed."""
    assert cell.plan is not None
    method, path, body = cell.plan.requests[0]
    try:
        status, raw = http_request(server.port, method, path, body or None, cell.plan.headers)
    except OSError as exc:
        cell.na = f"request failed: {exc}"
        return
    try:
        parsed = json.loads(raw)
    except ValueError:
        cell.na = f"HTTP {status}, not JSON: {raw[:200]!r}"
        return
    cell.probe_body = parsed
    try:
        problem = cell.plan.check(status, parsed, cell.plan.sample)
    except (KeyError, TypeError, AttributeError) as exc:
        problem = f"unexpected answer ({type(exc).__name__}: {exc}): {raw[:200]!r}"
    if problem:
        cell.na = problem


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path or '/'}: keys {list(a)} vs {list(b)}"
        for key in a:
            found = first_difference(a[key], b[key], f"{path}/{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = first_difference(x, y, f"{path}[{index}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.60} vs {b!r:.60}"


def page_digest(body: Any, postgraphile: bool) -> list[Any]:
    """Contacts, accounts and wallet balances of a page answer, named alike for comparing."""
    if postgraphile:
        return [
            (
                c["rowId"],
                [
                    (
                        a["rowId"],
                        [(w["code"], Decimal(w["balance"])) for w in a["wallets"]["nodes"][:1]],
                    )
                    for a in c["accounts"]["nodes"]
                ],
            )
            for c in body["data"]["contacts"]["nodes"]
        ]
    return [
        (
            c["id"],
            [
                (a["id"], [(a["wallet"]["code"], Decimal(a["wallet"]["balance"]))])
                for a in c["accounts"]
            ],
        )
        for c in body["data"]["contacts"]["content"]
    ]


def compare_answers(cells: dict[tuple[str, str], Cell]) -> None:
    """Note where the baseline's or PostGraphile's probe answer differs from the gateway's."""
    for scenario in SCENARIOS:
        gateway = cells.get(("gateway", scenario.key))
        if gateway is None or gateway.na or gateway.probe_body is None:
            continue
        baseline = cells.get(("baseline", scenario.key))
        if baseline and not baseline.na and baseline.probe_body is not None:
            if scenario.key == "journal":
                diff = first_difference(
                    list(gateway.probe_body), list(baseline.probe_body), "/keys"
                )
            else:
                diff = first_difference(gateway.probe_body, baseline.probe_body)
            baseline.note = f"answer differs from the gateway's at {diff}" if diff else "same JSON"
        pgl = cells.get(("postgraphile", scenario.key))
        if pgl and not pgl.na and pgl.probe_body is not None and scenario.key == "page":
            same = page_digest(gateway.probe_body, False) == page_digest(pgl.probe_body, True)
            pgl.note = (
                "same contacts, accounts, wallets and balances (its own field names)"
                if same
                else "contacts/accounts/wallets differ from the gateway's"
            )


def statement_counts(url: str, cells: dict[tuple[str, str], Cell]) -> dict[str, int]:
    """SQL statements per request of each gateway scenario (BEGIN/COMMIT/ROLLBACK left out),
    counted in this process on a gateway app over the bench database: the scenario's first
    request is sent twice (the API key is looked up once, then remembered) and the second one
    counted. A journal scenario posts two credits of 1."""
    sys.path.insert(0, str(ROOT))
    import httpx
    from sqlalchemy import event

    from app.main import create_app
    from app.settings import Settings

    control = {"BEGIN", "COMMIT", "ROLLBACK"}

    async def count() -> dict[str, int]:
        settings = Settings(database_url=url, graphiql=False, worker="off", log_level="warning")
        app = create_app(settings)
        counts: dict[str, int] = {}
        async with app.router.lifespan_context(app):
            engine = app.state.gateway.runtime.db.engine.sync_engine
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for (server, key), cell in cells.items():
                    if server != "gateway" or cell.plan is None or cell.na:
                        continue
                    method, path, body = cell.plan.requests[0]
                    request = {"headers": cell.plan.headers, "content": body or None}
                    await client.request(method, path, **request)
                    statements: list[str] = []

                    def record(*args: Any, into: list[str] = statements) -> None:
                        into.append(args[2])

                    event.listen(engine, "before_cursor_execute", record)
                    try:
                        await client.request(method, path, **request)
                    finally:
                        event.remove(engine, "before_cursor_execute", record)
                    data = [x for x in statements if x.split()[0].upper() not in control]
                    counts[key] = len(data)
        return counts

    return asyncio.run(count())


# --- the load -----------------------------------------------------------------------------


def write_requests(cell: Cell, duration: float) -> Path:
    assert cell.plan is not None
    path = WORK / "wrk" / f"{cell.server}-{cell.scenario.key}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"H\t{name}\t{value}" for name, value in cell.plan.headers.items()]
    lines.append(f"M\t{int(REQUESTS_PER_SECOND_CAP * duration)}")
    lines += [f"R\t{method}\t{p}\t{body}" for method, p, body in cell.plan.requests]
    path.write_text("\n".join(lines) + "\n")
    return path


RESULT = re.compile(r"^BENCH_RESULT (\{.*\})$", re.MULTILINE)


def run_wrk(port: int, requests_file: Path, duration: float, connections: int) -> dict[str, Any]:
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{duration:g}s",
        "--timeout",
        "10s",
        "--script",
        str(BENCH / "wrk" / "load.lua"),
        f"http://127.0.0.1:{port}",
    ]
    env = os.environ | {"BENCH_WRK_REQUESTS": str(requests_file)}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    found = RESULT.search(done.stdout)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    result: dict[str, Any] = json.loads(found.group(1))
    return result


def merged_quantile(runs: Sequence[dict[str, Any]], target: float) -> float:
    """The ``target`` quantile (0-100) of all runs' latencies together, in milliseconds.

    Each run reports its quantiles; together they form a mixture of step CDFs weighted by
    each run's request count, whose quantile is found by bisection.
    """
    runs = [r for r in runs if r["requests"] > 0]
    if not runs:
        return float("nan")
    total = sum(r["requests"] for r in runs)

    def cdf(x: float) -> float:
        mass = 0.0
        for r in runs:
            below = 0.0
            for p, value in r["quantiles"]:
                if value <= x:
                    below = p
                else:
                    break
            if x >= r["latency_max_us"]:
                below = 100.0
            mass += r["requests"] * below
        return mass / total

    low = min(r["latency_min_us"] for r in runs)
    high = max(r["latency_max_us"] for r in runs)
    while high - low > 1:
        middle = (low + high) // 2
        if cdf(middle) >= target:
            high = middle
        else:
            low = middle
    return float(high if cdf(low) < target else low) / 1000


@dataclass
class Summary:
    rps: float
    rps_rounds: list[float]
    p50: float
    p99: float
    requests: int
    errors: int
    capped: bool


def summarise(cell: Cell, duration: float) -> Summary | None:
    if not cell.runs:
        return None
    requests = sum(r["requests"] for r in cell.runs)
    seconds = sum(r["duration_us"] for r in cell.runs) / 1e6
    errors = sum(sum(r["errors"].values()) for r in cell.runs)
    cap = int(REQUESTS_PER_SECOND_CAP * duration)
    return Summary(
        rps=requests / seconds if seconds else 0.0,
        rps_rounds=[r["requests"] / (r["duration_us"] / 1e6) for r in cell.runs],
        p50=merged_quantile(cell.runs, 50),
        p99=merged_quantile(cell.runs, 99),
        requests=requests,
        errors=errors,
        capped=any(r["requests"] >= cap for r in cell.runs),
    )


def drive(
    cells: list[Cell],
    servers: dict[str, Server],
    args: argparse.Namespace,
) -> None:
    live = [c for c in cells if c.plan is not None and c.na is None]
    if not live:
        return
    files = {(c.server, c.scenario.key): write_requests(c, args.duration) for c in live}
    total = len(live) * (args.warmup + args.rounds * args.duration)
    log(f"{len(live)} cells, {args.rounds} rounds of {args.duration:g}s, warm-up {args.warmup:g}s")
    log(f"load takes about {total / 60:.1f} min")

    def one(cell: Cell, seconds: float) -> dict[str, Any] | None:
        key = (cell.server, cell.scenario.key)
        try:
            return run_wrk(servers[cell.server].port, files[key], seconds, args.connections)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            cell.na = f"load failed: {exc}"
            return None
        finally:
            time.sleep(args.pause)

    if args.warmup > 0:
        for cell in live:
            one(cell, args.warmup)
    order = [s for s in SERVERS if s in servers]
    for round_index in range(args.rounds):
        # Each round starts with another server, so none always follows the same one.
        shift = round_index % len(order)
        rotation = order[shift:] + order[:shift]
        for scenario in SCENARIOS:
            for name in rotation:
                cell = next(
                    (c for c in live if c.server == name and c.scenario.key == scenario.key), None
                )
                if cell is None or cell.na:
                    continue
                result = one(cell, args.duration)
                if result is not None:
                    cell.runs.append(result)
        log(f"round {round_index + 1}/{args.rounds} done")


# --- the report ---------------------------------------------------------------------------


def fmt_ratio(a: Summary | None, b: Summary | None, latency: bool = False) -> str:
    if a is None or b is None:
        return "n/a"
    if latency:
        return f"{a.p50 / b.p50:.2f}" if b.p50 else "n/a"
    return f"{a.rps / b.rps:.2f}" if b.rps else "n/a"


def report(
    cells: dict[tuple[str, str], Cell],
    servers: dict[str, Server],
    args: argparse.Namespace,
    fixture: Fixture,
    environment: dict[str, str],
    statements: dict[str, int],
) -> str:
    summaries = {key: summarise(cell, args.duration) for key, cell in cells.items()}
    lines = [
        "| scenario | server | req/s | req/s per round (min-max) | p50 ms | p99 ms | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario in SCENARIOS:
        for name in SERVERS:
            cell = cells.get((name, scenario.key))
            if cell is None:
                continue
            summary = summaries[(name, scenario.key)]
            if cell.na or summary is None:
                reason = cell.na or "not run"
                lines.append(f"| {scenario.title} | {LABELS[name]} | n/a ({reason}) | | | | |")
                continue
            spread = f"{min(summary.rps_rounds):.0f}-{max(summary.rps_rounds):.0f}"
            errors = f"{summary.errors}" + (" (capped)" if summary.capped else "")
            lines.append(
                f"| {scenario.title} | {LABELS[name]} | {summary.rps:.0f} | {spread} |"
                f" {summary.p50:.1f} | {summary.p99:.1f} | {errors} |"
            )
    ratio_lines = [
        "| scenario | gateway/baseline req/s | gateway/PostGraphile req/s |"
        " gateway/baseline p50 | gateway/PostGraphile p50 | 2 processes/1 req/s |"
        " SQL statements per request (gateway) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario in SCENARIOS:
        if not any(key == scenario.key for _, key in cells):
            continue
        gateway = summaries.get(("gateway", scenario.key))
        baseline = summaries.get(("baseline", scenario.key))
        pgl = summaries.get(("postgraphile", scenario.key))
        two = summaries.get(("gateway2", scenario.key))
        ratio_lines.append(
            f"| {scenario.title} | {fmt_ratio(gateway, baseline)} | {fmt_ratio(gateway, pgl)} |"
            f" {fmt_ratio(gateway, baseline, True)} | {fmt_ratio(gateway, pgl, True)} |"
            f" {fmt_ratio(two, gateway)} | {statements.get(scenario.key, 'n/a')} |"
        )
    notes = [
        f"- {LABELS[c.server]}, {c.scenario.title}: {c.note}"
        for c in cells.values()
        if c.note and not c.na
    ]
    failures = [f"- {LABELS[s.name]}: {s.failure}" for s in servers.values() if s.failure]
    settings = (
        f"{args.rounds} rounds x {args.duration:g}s per cell (after a {args.warmup:g}s warm-up"
        f" per cell), {args.connections} connections, wrk with 1 thread; rounds interleave"
        " every server and scenario"
    )
    seeded = ", ".join(f"{n} {table}" for table, n in fixture.counts.items())
    env_lines = [f"- {name}: {value}" for name, value in environment.items()]
    parts = [
        f"# Benchmark {environment['started']}",
        "",
        "Command: `bench/run" + "".join(f" {a}" for a in args.argv) + "`",
        "",
        f"Settings: {settings}.",
        f"Seeded: {seeded}.",
        "",
        "## Results",
        "",
        *lines,
        "",
        "## Ratios (req/s: above 1, the gateway serves more; p50: above 1, it answers slower)",
        "",
        *ratio_lines,
        "",
    ]
    if notes or failures:
        parts += ["## Notes", "", *failures, *notes, ""]
    parts += ["## Environment", "", *env_lines, ""]
    return "\n".join(parts)


def command_output(command: Sequence[str], cwd: Path = ROOT) -> str:
    try:
        done = subprocess.run(
            list(command), capture_output=True, text=True, cwd=cwd, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0] if lines else "?"


async def postgres_version(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        return str(await conn.fetchval("show server_version"))
    finally:
        await conn.close()


def environment(url: str, started: datetime, servers: dict[str, Server]) -> dict[str, str]:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "app", "schema", "resolvers", "rest_compat"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.splitlines()
    commit = command_output(["git", "rev-parse", "--short", "HEAD"])
    env = {
        "started": started.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}",
        "gateway code": f"commit {commit}"
        + (f" plus {len(dirty)} uncommitted file(s) under app/ schema/ ..." if dirty else ""),
        "Python": platform.python_version(),
        "PostgreSQL": asyncio.run(postgres_version(url)),
        "wrk": command_output(["wrk", "-v"]).split(" Copyright")[0],
    }
    if "postgraphile" in servers:
        package = BENCH / "node_modules" / "postgraphile" / "package.json"
        if package.exists():
            env["PostGraphile"] = json.loads(package.read_text())["version"]
        env["Node.js (PostGraphile)"] = command_output([str(node_binary()), "--version"])
    return env


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run",
        description="Benchmark the gateway against a hand-written baseline and PostGraphile.",
    )
    parser.add_argument("--duration", type=float, default=5, help="seconds per cell per round")
    parser.add_argument("--rounds", type=int, default=4, help="rounds (default 4)")
    parser.add_argument("--warmup", type=float, default=2, help="warm-up seconds per cell")
    parser.add_argument("--connections", type=int, default=10, help="wrk connections")
    parser.add_argument("--contacts", type=int, default=10_000, help="contacts to seed")
    parser.add_argument(
        "--servers",
        default=",".join(SERVERS),
        help="comma-separated subset of " + ",".join(SERVERS),
    )
    parser.add_argument(
        "--scenarios",
        default=",".join(s.key for s in SCENARIOS),
        help="comma-separated subset of " + ",".join(s.key for s in SCENARIOS),
    )
    parser.add_argument("--port-base", type=int, default=18001, help="first of four ports")
    parser.add_argument("--pause", type=float, default=0.3, help="seconds between cells")
    parser.add_argument(
        "--results",
        default=None,
        help="markdown file to write (default bench/results/<date>.md; 'none' for no file)",
    )
    parser.add_argument("--pg-url", required=True, help="URL of a database on the server")
    args = parser.parse_args(argv)
    args.argv = [a for a in argv if not a.startswith("--pg-url") and a != args.pg_url]
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(servers) - set(SERVERS) | set(scenarios) - {s.key for s in SCENARIOS}
    if unknown:
        parser.error(f"unknown server or scenario: {', '.join(sorted(unknown))}")
    if args.duration <= 0 or args.rounds < 1 or not 1 <= args.connections <= 1000:
        parser.error("--duration must be > 0, --rounds >= 1, --connections 1..1000")
    args.server_names, args.scenario_keys = servers, scenarios
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    started = datetime.now()
    WORK.mkdir(parents=True, exist_ok=True)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (Debian: apt-get install wrk)")
    url, fixture = prepare_database(args.pg_url, args.contacts)
    pgl_problem = ensure_postgraphile() if "postgraphile" in args.server_names else None
    servers = {s.name: s for s in make_servers(url, args.server_names, args.port_base)}
    if pgl_problem and "postgraphile" in servers:
        servers["postgraphile"].failure = pgl_problem
    cells: dict[tuple[str, str], Cell] = {}
    with running(list(servers.values())):
        for server in servers.values():
            if server.failure is None:
                log(f"starting {server.name} on 127.0.0.1:{server.port}")
                start(server)
            if server.failure:
                log(f"{server.name} is not available: {server.failure}")
        for scenario in SCENARIOS:
            if scenario.key not in args.scenario_keys:
                continue
            for name, server in servers.items():
                cell = Cell(name, scenario)
                planned = plan(name, scenario.key, fixture)
                if isinstance(planned, str):
                    cell.na = planned
                elif server.failure:
                    cell.na = f"server not available: {server.failure[:200]}"
                else:
                    cell.plan = planned
                    probe(server, cell)
                cells[(name, scenario.key)] = cell
                if cell.na:
                    log(f"n/a: {name} / {scenario.key}: {cell.na}")
        compare_answers(cells)
        statements = statement_counts(url, cells)
        log(f"SQL statements per request (gateway): {statements}")
        drive(list(cells.values()), servers, args)
        env = environment(url, started, servers)
    text = report(cells, servers, args, fixture, env, statements)
    print(text)
    if args.results != "none":
        target = (
            Path(args.results) if args.results else BENCH / "results" / f"{started:%Y-%m-%d}.md"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        log(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
