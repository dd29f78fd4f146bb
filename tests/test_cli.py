"""The crm-gateway command line, run as a user would run it."""

import copy
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from rest_compat.routes.organisations import REGISTER_EXAMPLE


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
    first = run_cli(
        "bootstrap",
        "--json",
        "--name",
        "Burger Bar",
        "--owner-email",
        "Ann@Example.com",
        database=database,
    )
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)
    assert created["created"] is True
    assert created["organisation_name"] == "Burger Bar"
    assert created["owner_email"] == "ann@example.com"
    assert created["service_owner_public_api_key"].startswith("pk_live_")
    assert created["service_owner_id"] != created["organisation_id"]
    for field in (
        "service_owner_id",
        "service_owner_public_api_key",
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


def test_bootstrap_refuses_a_malformed_owner_email(tmp_path: Path) -> None:
    result = run_cli("bootstrap", "--owner-email", "nobody", database=tmp_path / "b.sqlite3")
    assert result.returncode == 2
    assert "owner_email" in result.stderr


def test_migrate_lists_what_it_applies_and_says_when_there_was_none(tmp_path: Path) -> None:
    database = tmp_path / "m.sqlite3"
    first = run_cli("migrate", database=database)
    assert first.returncode == 0, first.stderr
    applied = [line for line in first.stdout.splitlines() if line.startswith("applied ")]
    assert applied[0].startswith("applied 0001  ")
    assert len(applied) >= 4
    assert f"{len(applied)} migration(s) applied" in first.stdout
    again = run_cli("migrate", database=database)
    assert again.returncode == 0, again.stderr
    assert "applied " not in again.stdout
    assert "No migration to apply" in again.stdout


def test_help_is_plain_text_with_every_options_help_and_default() -> None:
    top = run_cli("--help", database=Path("unused.sqlite3"))
    assert top.returncode == 0
    for command in ("serve", "migrate", "bootstrap", "create-api-key", "organisations", "doctor"):
        assert f"    {command}" in top.stdout
    serve = " ".join(run_cli("serve", "--help", database=Path("unused.sqlite3")).stdout.split())
    assert "--host HOST the address to listen on (default: 127.0.0.1)" in serve
    assert "--port PORT the TCP port to listen on (default: 8000)" in serve
    assert "--name NAME the first business's name (on an empty database) (default:" in serve
    for command in ("migrate", "bootstrap", "create-api-key", "organisations", "doctor"):
        text = run_cli(command, "--help", database=Path("unused.sqlite3")).stdout
        assert "``" not in text and ":func:" not in text, text  # no reStructuredText
        options = [line for line in text.splitlines() if line.strip().startswith("--")]
        for line in options:  # every option has its help on its line or the next
            assert len(line.split()) > 1 or line.strip() == "--organisation ORGANISATION", text


def test_organisations_lists_ids_for_create_api_key(tmp_path: Path) -> None:
    database = tmp_path / "o.sqlite3"
    empty = run_cli("organisations", database=database)
    assert empty.returncode == 0 and "No organisation yet" in empty.stdout
    created = json.loads(run_cli("bootstrap", "--json", database=database).stdout)
    listed = run_cli("organisations", database=database)
    assert listed.returncode == 0, listed.stderr
    header, *lines = listed.stdout.splitlines()
    assert header.split() == ["id", "name", "type", "parent"]
    owner, business = created["service_owner_id"], created["organisation_id"]
    by_id = {line.split()[0]: line.split() for line in lines}
    assert set(by_id) == {owner, business}
    assert by_id[owner][-2:] == ["SERVICE_OWNER", "-"]
    assert by_id[business][-2:] == ["BUSINESS", owner]
    rows = json.loads(run_cli("organisations", "--json", database=database).stdout)
    assert {row["id"]: (row["org_type"], row["parent_id"]) for row in rows} == {
        owner: ("SERVICE_OWNER", None),
        business: ("BUSINESS", owner),
    }
    rows = [row for row in rows if row["id"] == business]
    assert rows[0]["name"] == created["organisation_name"]
    key = run_cli("create-api-key", "--organisation", rows[0]["id"], "--json", database=database)
    assert json.loads(key.stdout)["secret_api_key"].startswith("sk_live_")


def test_doctor_says_what_is_wrong(tmp_path: Path) -> None:
    database = tmp_path / "d.sqlite3"
    missing = run_cli("doctor", database=database)
    assert missing.returncode == 1
    assert "FAIL  database: the SQLite file" in missing.stdout
    assert "crm-gateway migrate" in missing.stdout
    assert not database.exists()  # the doctor changes nothing
    assert run_cli("migrate", database=database).returncode == 0
    empty = run_cli("doctor", "--json", database=database)
    checks = {check["name"]: check for check in json.loads(empty.stdout)}
    assert [checks[name]["ok"] for name in ("settings", "database", "migrations")] == [True] * 3
    assert checks["organisations"]["ok"] is False
    assert "bootstrap" in checks["organisations"]["fix"]
    assert run_cli("bootstrap", database=database).returncode == 0
    healthy = run_cli("doctor", database=database)
    assert healthy.returncode == 0, healthy.stdout
    assert "FAIL" not in healthy.stdout
    unreachable = subprocess.run(
        [sys.executable, "-m", "app.cli", "doctor"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "CRM_GATEWAY_DATABASE_URL": f"postgresql://u:secret@127.0.0.1:{_free_port()}/x",
        },
        check=False,
        timeout=60,
    )
    assert unreachable.returncode == 1
    assert "FAIL  database: cannot connect" in unreachable.stdout
    assert "secret" not in unreachable.stdout  # the password is never printed
    bad = subprocess.run(
        [sys.executable, "-m", "app.cli", "doctor"],
        capture_output=True,
        text=True,
        env={**os.environ, "CRM_GATEWAY_MAX_QUERY_DEPTH": "deep"},
        check=False,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "FAIL  settings: CRM_GATEWAY_MAX_QUERY_DEPTH" in bad.stdout


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
        key = service_owner_key = None
        deadline = time.monotonic() + 30
        while key is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if "service owner public key:" in line:
                service_owner_key = line.split(":", 1)[1].strip()
            if "secret API key (live):" in line:
                key = line.split(":", 1)[1].strip()
        assert key, "serve printed no key"
        assert service_owner_key and service_owner_key.startswith("pk_live_")
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
        register_a_business_and_work_as_its_owner(base, service_owner_key)
    finally:
        server.terminate()
        server.wait(timeout=10)


def register_a_business_and_work_as_its_owner(base: str, service_owner_key: str) -> None:
    """The spec's register example (ids dropped) with the printed service-owner key; the owner
    accepts the invitation, signs in as CRM.COM clients do and creates a contact."""
    example = copy.deepcopy(REGISTER_EXAMPLE)
    del example["organisation_id"]
    registered = httpx.post(
        f"{base}/backoffice/v1/organisations/register",
        json=example,
        headers={"api_key": service_owner_key},
    )
    assert registered.status_code == 200, registered.text
    token = registered.json()["owner_invitation_token"]
    accepted = httpx.post(
        f"{base}/backoffice/v1/users/invitations/accept",
        json={"token": token, "email": "john.doe@example.com", "password": "burgers-and-fries"},
    )
    assert accepted.status_code == 200, accepted.text
    signed_in = httpx.post(
        f"{base}/backoffice/v1/users/authenticate",
        json={"username": "john.doe@example.com", "password": "burgers-and-fries"},
    )
    assert signed_in.status_code == 200, signed_in.text
    bearer = {"authorization": f"Bearer {signed_in.json()['access_token']}"}
    created = httpx.post(
        f"{base}/backoffice/v1/contacts",
        json={"contact_type": "PERSON", "first_name": "Jo", "last_name": "Diner", "code": "JO"},
        headers=bearer,
    )
    assert created.status_code == 200, created.text
    mine = httpx.get(f"{base}/backoffice/v1/contacts", headers=bearer).json()
    assert [contact["code"] for contact in mine["content"]] == ["JO"]


def _children(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid`` (Linux ``/proc``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def test_serve_with_workers_runs_that_many_processes_on_one_database(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CRM_GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        key = None
        deadline = time.monotonic() + 60
        while key is None and time.monotonic() < deadline:
            line = server.stdout.readline()
            if "secret API key (live):" in line:
                key = line.split(":", 1)[1].strip()
        assert key, "serve printed no key"
        base = f"http://127.0.0.1:{port}"
        workers: list[int] = []
        while time.monotonic() < deadline:
            workers = [p for p in _children(server.pid) if _is_worker(p)]
            try:
                ready = httpx.get(f"{base}/ready", timeout=1).status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and len(workers) == 2:
                break
            time.sleep(0.2)
        assert len(workers) == 2
        # Writes from either process land in the one database.
        for n in range(6):
            created = httpx.post(
                f"{base}/backoffice/v1/contacts",
                json={"contact_type": "COMPANY", "company_name": f"ACME {n}", "code": f"A{n}"},
                headers={"api_key": key},
            )
            assert created.status_code == 200, created.text
        listed = httpx.get(f"{base}/backoffice/v1/contacts", headers={"api_key": key})
        assert listed.json()["paging"]["total"] == 6
    finally:
        server.terminate()
        server.wait(timeout=20)


def _is_worker(pid: int) -> bool:
    """Whether ``pid`` is a process uvicorn spawned to serve (not multiprocessing's tracker)."""
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
