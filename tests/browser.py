"""Headless Chromium driven over the DevTools protocol, for the browser checks.

Uses Debian's ``chromium`` (or the binary named by ``CRM_GATEWAY_CHROMIUM``) and the
``websockets`` client already installed with uvicorn: no browser download, no driver.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium() -> str | None:
    """The Chromium binary to use, or ``None`` when this machine has none."""
    given = os.environ.get("CRM_GATEWAY_CHROMIUM")
    if given:
        return shutil.which(given)
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


class Page:
    """One tab: navigate, evaluate JavaScript, wait for conditions, and the network's record."""

    def __init__(self, socket: ClientConnection) -> None:
        self._socket = socket
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        """Send one DevTools command and return its result; events met meanwhile are kept."""
        self._next_id += 1
        command_id = self._next_id
        self._socket.send(json.dumps({"id": command_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == command_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises awaited); raises on an exception."""
        result = self.call(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20) -> Any:
        """Poll until ``expression`` is truthy; its value. Raises AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        status = self.evaluate("document.getElementById('status')?.textContent")
        raise AssertionError(f"timed out waiting for {expression} (status: {status!r})")

    def navigate(self, url: str) -> None:
        """Open ``url`` and wait for its load event."""
        self.call("Page.navigate", {"url": url})
        self.wait_for("document.readyState === 'complete'")

    def failed_requests(self) -> list[str]:
        """Requests that failed (network, CORS) or were answered with a 4xx/5xx."""
        urls = {
            e["params"]["requestId"]: e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        }
        failed = [
            f"{urls.get(e['params']['requestId'], '?')}: {e['params'].get('errorText')} "
            f"{e['params'].get('corsErrorStatus', '')}"
            for e in self.events
            if e["method"] == "Network.loadingFailed"
        ]
        failed += [
            f"{e['params']['response']['url']}: HTTP {e['params']['response']['status']}"
            for e in self.events
            if e["method"] == "Network.responseReceived"
            and e["params"]["response"]["status"] >= 400
        ]
        return failed

    def requests(self, method: str | None = None) -> list[tuple[str, str]]:
        """(method, url) of every request the page sent, preflights included."""
        sent = [
            (e["params"]["request"]["method"], e["params"]["request"]["url"])
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]
        return [s for s in sent if method is None or s[0] == method]


@contextmanager
def chromium_page(binary: str) -> Iterator[Page]:
    """A headless Chromium with one blank tab (Network, Page and Runtime enabled)."""
    # Chromium's helper processes may still write to the profile for a moment after the
    # browser exits: removed afterwards, ignoring what they leave behind.
    profile = tempfile.mkdtemp(prefix="crm-chromium-")
    try:
        process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",  # runs as root in CI
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + 30
            while not (port_file.exists() and port_file.read_text().strip()):
                assert process.poll() is None, "chromium exited at start-up"
                assert time.monotonic() < deadline, "chromium did not open its DevTools port"
                time.sleep(0.1)
            port = port_file.read_text().split()[0]
            target = None
            while target is None:  # the blank tab may be listed a moment after the port opens
                assert time.monotonic() < deadline, "chromium listed no page to drive"
                try:
                    targets = httpx.get(f"http://127.0.0.1:{port}/json/list", timeout=5).json()
                except httpx.HTTPError:
                    targets = []
                target = next((t for t in targets if t["type"] == "page"), None)
                if target is None:
                    time.sleep(0.1)
            with connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
                page = Page(socket)
                for domain in ("Network", "Page", "Runtime"):
                    page.call(f"{domain}.enable")
                page.call("Network.setCacheDisabled", {"cacheDisabled": True})
                yield page
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
