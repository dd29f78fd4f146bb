"""The crm-gateway command line, run as a user would run it."""

import json
import os
import subprocess
import sys
from pathlib import Path


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
