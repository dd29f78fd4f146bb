"""The crm-gateway command line, run as a user would run it."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def run_cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRM_GATEWAY_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_bootstrap_creates_once_and_prints_keys(tmp_path: Path) -> None:
    database = tmp_path / "cli.sqlite3"
    first = run_cli("bootstrap", "--json", database=database)
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)
    assert created["created"] is True
    for field in (
        "organisation_id",
        "secret_api_key",
        "test_secret_api_key",
        "public_api_key",
        "owner_email",
        "owner_password",
    ):
        assert created[field]
    assert created["secret_api_key"].startswith("sk_live_")
    assert created["test_secret_api_key"].startswith("sk_test_")
    again = json.loads(run_cli("bootstrap", "--json", database=database).stdout)
    assert again["created"] is False

    key = run_cli(
        "create-api-key",
        "--organisation",
        created["organisation_id"],
        "--test",
        "--json",
        database=database,
    )
    assert key.returncode == 0, key.stderr
    assert json.loads(key.stdout)["secret_api_key"].startswith("sk_test_")


def test_create_api_key_for_unknown_organisation_fails_clearly(tmp_path: Path) -> None:
    result = run_cli("create-api-key", "--organisation", "nope", database=tmp_path / "x.sqlite3")
    assert result.returncode == 2
    assert "not found" in result.stderr.lower()


def test_migrate_is_repeatable(tmp_path: Path) -> None:
    database = tmp_path / "m.sqlite3"
    assert run_cli("migrate", database=database).returncode == 0
    assert run_cli("migrate", database=database).returncode == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_serve_bootstraps_prints_a_key_that_works(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CRM_GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        key = None
        deadline = time.monotonic() + 30
        while key is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if "secret API key (live):" in line:
                key = line.split(":", 1)[1].strip()
        assert key, "serve printed no key"
        base = f"http://127.0.0.1:{port}"
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        created = httpx.post(
            f"{base}/backoffice/v1/contacts",
            json={"contact_type": "COMPANY", "company_name": "ACME", "code": "ACME"},
            headers={"api_key": key},
        )
        assert created.status_code == 200, created.text
        fetched = httpx.get(f"{base}/backoffice/v1/contacts/ACME", headers={"api_key": key})
        assert fetched.json()["company_name"] == "ACME"
    finally:
        server.terminate()
        server.wait(timeout=10)
