"""Real gateway processes for the tests that must not run the gateway in process: started with
``python -m app.cli`` on free ports of 127.0.0.1, bootstrapped through the command line."""

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def gateways(
    database_url: str, count: int, extra_env: dict[str, str] | None = None
) -> Iterator[list[str]]:
    """``count`` gateway processes (``app.cli serve``) on free ports; their base URLs.
    ``extra_env`` adds settings (``CRM_GATEWAY_*``) to the processes' environment."""
    env = {
        **os.environ,
        "CRM_GATEWAY_DATABASE_URL": database_url,
        "CRM_GATEWAY_JWT_SECRET": "multiprocess-test-secret-0123456789-0123456789",
        # A Cloudinary account, so that the media routes sign uploads (nothing is sent to it).
        "CRM_GATEWAY_CLOUDINARY_CLOUD_NAME": "crm-com",
        "CRM_GATEWAY_CLOUDINARY_API_KEY": "698271538719998",
        "CRM_GATEWAY_CLOUDINARY_API_SECRET": "a-cloudinary-secret-never-shown-0123",
        **(extra_env or {}),
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        urls = []
        for _ in range(count):
            port = _free_port()
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, f"the gateway at {url} exited"
                try:
                    if httpx.get(url + "/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"the gateway at {url} did not start"
                time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def bootstrap_json(database_url: str) -> dict[str, Any]:
    """Bootstrap the database through the command line; what ``bootstrap --json`` prints."""
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "bootstrap", "--json"],
        cwd=ROOT,
        env={**os.environ, "CRM_GATEWAY_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    created: dict[str, Any] = json.loads(result.stdout)
    return created


@dataclass
class Server:
    """A gateway process, its live secret key and its organisation."""

    url: str
    key: str
    organisation_id: str


def sqlite_server(folder: Path) -> Iterator[Server]:
    """One bootstrapped gateway process on a SQLite file in ``folder``, stopped afterwards."""
    url = f"sqlite:///{folder / 'gateway.sqlite3'}"
    keys = bootstrap_json(url)
    with gateways(url, 1) as (base,):
        yield Server(base, keys["secret_api_key"], keys["organisation_id"])
