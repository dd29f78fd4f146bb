"""Operating the gateway: one JSON log line per request (with its request id, route template,
status and duration, never a secret), errors logged once with their stack, and the Prometheus
metrics at ``/metrics``."""

import asyncio
import io
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families

from app.contacts import service as contacts_service
from app.db.engine import Database
from app.logs import configure_logging
from app.main import create_app
from app.onboarding import BootstrapResult
from tests.conftest import Api, suite_settings
from tests.gateway_processes import ROOT, _free_port
from tests.test_wallets import make_account, make_wallet, post

CONTACT = {"contact_type": "PERSON", "first_name": "Ann", "last_name": "Secretive", "code": "C-9"}
NAMED = "query MyContacts { contacts(size: 2) { content { id first_name } } }"
# A resolver field (a sector's industry) keeps this one on the general path.
GENERAL = "query Sectors { industry_sectors { content { id industry { id } } } }"


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Logging configured as ``serve`` does (JSON), into a buffer; restored afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    buffer = io.StringIO()
    configure_logging("info", "json", stream=buffer)
    yield buffer
    structlog.reset_defaults()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def parsed(buffer: io.StringIO) -> list[dict[str, Any]]:
    lines = buffer.getvalue().splitlines()
    return [orjson.loads(line) for line in lines if line.strip()]


def requests_logged(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [line for line in parsed(buffer) if line.get("logger") == "crm_gateway.access"]


async def test_one_json_line_per_request_with_its_id_route_and_status(
    api: Api, tenant: BootstrapResult, log_lines: io.StringIO
) -> None:
    created = await api.rest("POST", "/contacts", CONTACT, headers={"X-Request-ID": "rq-create"})
    contact_id = created.json()["id"]
    read = await api.rest("GET", f"/contacts/{contact_id}?", headers={"X-Request-ID": "rq-read"})
    assert read.status_code == 200
    missing = await api.rest("GET", "/contacts/C-404")
    graph = await api.client.post(
        "/graphql", json={"query": NAMED}, headers={"api_key": tenant.secret_api_key}
    )
    assert graph.status_code == 200
    signed_in = await api.client.post(
        "/backoffice/v1/users/authenticate",
        json={"email": tenant.owner_email, "password": tenant.owner_password},
    )
    token = signed_in.json()["access_token"]
    as_user = await api.client.post(
        "/graphql", json={"query": GENERAL}, headers={"authorization": f"Bearer {token}"}
    )
    assert as_user.status_code == 200
    await api.client.get("/no/such/path/12345")

    lines = requests_logged(log_lines)
    assert len(lines) == 7, lines
    create, read_line, missing_line, graph_line, sign_in, user_line, unmatched = lines
    assert create["request_id"] == "rq-create"
    assert (create["method"], create["route"], create["status"]) == (
        "POST",
        "/backoffice/v1/contacts",
        200,
    )
    assert read_line["request_id"] == "rq-read"
    assert read_line["route"] == "/backoffice/v1/contacts/{id}"  # the template, not the path
    assert read_line["organisation_id"] == tenant.organisation_id
    assert read_line["credential"] == "SECRET_KEY"
    assert (read_line["operation"], read_line["path"]) == (
        "/backoffice/v1/contacts/{id}",
        "compiled",
    )
    assert missing_line["status"] == 404
    assert missing_line["request_id"] == missing.headers["x-request-id"]  # a generated one
    assert (graph_line["route"], graph_line["operation"], graph_line["path"]) == (
        "/graphql",
        "MyContacts",
        "compiled",
    )
    assert sign_in["credential"] == "none" and sign_in["organisation_id"] is None
    assert (user_line["credential"], user_line["path"]) == ("USER", "general")
    assert user_line["operation"] == "Sectors"
    assert unmatched["route"] == "(unmatched)" and unmatched["status"] == 404
    for line in lines:
        assert line["level"] == "info" and line["event"] == "request"
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert line["time"].endswith("Z")
    # Everything the gateway wrote (the test's own HTTP client logs its URLs too).
    text = str([line for line in parsed(log_lines) if line.get("logger") != "httpx"])
    for secret in (tenant.secret_api_key, tenant.owner_password, token, "Secretive", contact_id):
        assert secret not in text


async def test_the_access_log_can_be_switched_off_and_requests_are_still_counted(
    database_url: str, tmp_path: Path, log_lines: io.StringIO
) -> None:
    app = create_app(suite_settings(database_url, tmp_path, access_log=False))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            assert (await client.get("/no/such/path/quiet")).status_code == 404
            metrics = (await client.get("/metrics")).text
    assert requests_logged(log_lines) == []
    counted = [
        sample
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.labels.get("route") == "(unmatched)" and sample.labels.get("status") == "404"
    ]
    assert counted, "the unmatched request is counted in the metrics"


async def _boom(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("boom: secret internals")


async def test_an_unexpected_error_is_logged_once_with_its_stack_and_request_id(
    api: Api, monkeypatch: pytest.MonkeyPatch, log_lines: io.StringIO
) -> None:
    monkeypatch.setattr(contacts_service, "create_contact", _boom)
    response = await api.rest("POST", "/contacts", CONTACT, headers={"X-Request-ID": "rq-boom"})
    assert response.status_code == 500
    errors = [line for line in parsed(log_lines) if line["level"] == "error"]
    assert len(errors) == 1, errors
    assert errors[0]["request_id"] == "rq-boom"
    assert "Traceback" in errors[0]["exception"] and "RuntimeError" in errors[0]["exception"]
    (access,) = requests_logged(log_lines)
    assert (access["request_id"], access["status"]) == ("rq-boom", 500)


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of a Prometheus exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(all_samples: dict[Any, float], name: str, **labels: str) -> float:
    return all_samples.get((name, frozenset(labels.items())), 0.0)


async def test_metrics_count_requests_operations_pool_and_journals(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    before = samples((await api.client.get("/metrics")).text)

    contact_id = (await api.rest("POST", "/contacts", CONTACT)).json()["id"]
    for _ in range(3):
        assert (await api.rest("GET", f"/contacts/{contact_id}")).status_code == 200
    assert await api.client.post("/graphql", json={"query": NAMED}, headers={"api_key": api.key})
    await api.graphql(GENERAL)
    assert (await post(api, wallet_id, 10)).status_code == 200
    refused = await post(api, wallet_id, 1000, "DEBIT")
    assert refused.status_code == 400
    assert refused.json()["error"] == "CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION"

    response = await api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = samples(response.text)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = "/backoffice/v1/contacts/{id}"
    read = {"method": "GET", "route": route, "status": "200"}
    assert grew("crm_gateway_http_requests_total", **read) == 3
    assert grew("crm_gateway_http_request_duration_seconds_count", **read) == 3
    assert grew("crm_gateway_http_request_duration_seconds_bucket", **read, le="+Inf") == 3
    assert grew("crm_gateway_http_requests_total", method="POST", route="/graphql", status="200")
    assert not any(contact_id in str(key) for key in after)  # templates, never raw paths
    assert (
        grew("crm_gateway_graphql_operations_total", door="rest", operation=route, path="compiled")
        == 3
    )
    assert (
        grew(
            "crm_gateway_graphql_operations_total",
            door="graphql",
            operation="MyContacts",
            path="compiled",
        )
        == 1
    )
    assert (
        grew(
            "crm_gateway_graphql_operations_total",
            door="graphql",
            operation="Sectors",
            path="general",
        )
        == 1
    )
    assert grew("crm_gateway_journal_postings_total", type="CREDIT") == 1
    assert grew("crm_gateway_journal_refusals_total", reason="WALLETBALANCETOOLOW") == 1
    # Between requests every connection is back in the pool; the background worker's rounds
    # (it polls for due reports and messages) hold one for milliseconds: read again then.
    for _ in range(50):
        in_use = value(after, "crm_gateway_db_pool_connections", state="in_use")
        idle = value(after, "crm_gateway_db_pool_connections", state="idle")
        if in_use == 0:
            break
        await asyncio.sleep(0.02)
        after = samples((await api.client.get("/metrics")).text)
    assert in_use == 0 and idle >= 1


async def test_operation_names_do_not_grow_the_metrics_without_bound(api: Api) -> None:
    for n in range(3):
        await api.client.post(
            "/graphql",
            json={"query": "{ __typename }", "operationName": f"bad name {n}"},
            headers={"api_key": api.key},
        )
    text = (await api.client.get("/metrics")).text
    assert "bad name" not in text


def test_serve_writes_json_lines_to_standard_output(tmp_path: Path) -> None:
    """The real process: uvicorn's lines and the access lines, each one JSON object."""
    port = _free_port()
    env = {
        **os.environ,
        "CRM_GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "CRM_GATEWAY_JWT_SECRET": "serve-logs-secret-0123456789abcdef",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        response = httpx.get(
            f"{base}/backoffice/v1/contacts/C-1",
            headers={"api_key": "sk_live_wrong-key", "X-Request-ID": "rq-serve"},
        )
        assert response.status_code == 401
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    json_lines = [orjson.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line.get("logger") == "uvicorn.error" for line in json_lines)
    (access,) = [line for line in json_lines if line.get("request_id") == "rq-serve"]
    assert access["route"] == "/backoffice/v1/contacts/{id}"
    assert (access["status"], access["credential"]) == (401, "none")
    assert "sk_live_wrong-key" not in output
