"""The REST reference page (`/backoffice/v1/docs`) and the index of the doors (`GET /`).

The page itself is checked in headless Chromium (Debian's `chromium` and the `playwright`
package, extra `docs-check`): every REST route is shown with its notes and schemas, nothing is
loaded from another host, no console error. Without a browser that test is skipped, unless
`CRM_GATEWAY_REQUIRE_BROWSER=1` (set by `scripts/check-docs-page`) makes the absence a failure.
"""

import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.gateway_processes import gateways

ROOT = Path(__file__).resolve().parent.parent
DOCS = "/backoffice/v1/docs"


class _Loads(HTMLParser):
    """The addresses a page's tags load (script src, link href, img src)."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href", "spec-url"):
            if values.get(name):
                self.addresses.append(values[name] or "")


async def test_root_lists_the_doors_and_every_link_answers(gateway: Any) -> None:
    _, client = gateway
    response = await client.get("/")
    assert response.status_code == 200
    index = response.json()
    assert index["rest"] == {
        "prefix": "/backoffice/v1",
        "docs": DOCS,
        "openapi": "/backoffice/v1/openapi.json",
    }
    assert index["graphql"] == {"endpoint": "/graphql", "graphiql": "/graphql"}
    for path in (DOCS, index["rest"]["openapi"], index["health"], index["ready"]):
        assert (await client.get(path)).status_code == 200, path
    refused = await client.post("/")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"
    assert refused.json()["error"] == "CRM.EXCEPTIONS.METHODNOTALLOWEDEXCEPTION"


async def test_docs_page_loads_only_the_gateways_own_files(gateway: Any) -> None:
    _, client = gateway
    page = await client.get(DOCS)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    loads = _Loads()
    loads.feed(page.text)
    assert loads.addresses, page.text
    for address in loads.addresses:
        if address.startswith("data:"):
            continue
        assert address.startswith("/backoffice/v1/"), address
        assert (await client.get(address)).status_code == 200, address
    bundle = await client.get(DOCS + "/redoc.standalone.js")
    assert bundle.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in bundle.text
    wrong = await client.delete(DOCS)
    assert wrong.status_code == 405
    assert wrong.json()["status"] == 405


# --- in a browser -------------------------------------------------------------------------


def _browser() -> str:
    """Chromium's path, or skip (fail under `CRM_GATEWAY_REQUIRE_BROWSER=1`) saying what is
    missing."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[docs-check]')")
    chromium = (
        os.environ.get("CRM_GATEWAY_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if chromium is None:
        missing.append("a Chromium browser (apt-get install chromium, or CRM_GATEWAY_CHROMIUM)")
    if missing:
        reason = "the docs page check in a browser needs " + " and ".join(missing)
        if os.environ.get("CRM_GATEWAY_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason + "; scripts/check-docs-page installs both")
    assert chromium is not None
    return chromium


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One gateway process on SQLite; its base URL."""
    folder = tmp_path_factory.mktemp("docs-page")
    with gateways(f"sqlite:///{folder / 'gateway.sqlite3'}", 1) as (base,):
        yield base


def _plain(text: str) -> str:
    """Text as a reader sees it: markdown marks and HTML-like tags gone, spaces collapsed."""
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"[`*]", "", text)
    return " ".join(text.split())


def _notes(description: str) -> str:
    """The first sentence of a route's notes: its description after the GraphQL block."""
    notes = description.split("```")[-1]
    first = _plain(notes).split(". ")[0]
    return first[:80]


def _property_names(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The top-level property names of a schema (through one `$ref`)."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return list(schema.get("properties", {}))


def test_docs_page_in_chromium_shows_every_route_and_loads_nothing_from_outside(
    served: str,
) -> None:
    chromium = _browser()
    from playwright.sync_api import sync_playwright

    document = httpx.get(served + "/backoffice/v1/openapi.json", timeout=60).json()
    origin = urlsplit(served)
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on(
                "console",
                lambda message: (
                    problems.append(f"console {message.type}: {message.text}")
                    if message.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.goto(served + DOCS)
            page.wait_for_selector('[data-section-id^="operation/"]', timeout=60_000)
            page.wait_for_load_state("networkidle")
            shown = page.eval_on_selector_all(
                '[data-section-id^="operation/"]',
                "sections => Object.fromEntries(sections.map("
                "s => [s.getAttribute('data-section-id'), s.innerText]))",
            )
        finally:
            browser.close()

    outside = [
        url
        for url in requests
        if (parts := urlsplit(url.removeprefix("blob:"))).netloc != origin.netloc
        or parts.scheme != origin.scheme
    ]
    assert outside == []
    assert problems == []

    missing: dict[str, list[str]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            section = f"operation/{operation['operationId']}"
            if section not in shown:
                missing[f"{method.upper()} {path}"] = ["the whole route"]
                continue
            text = " ".join(shown[section].split())
            expected = [operation["summary"], path, _notes(operation["description"])]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                expected += _property_names(document, body["schema"])
            success = next(
                (r for status, r in operation["responses"].items() if status.startswith("2")),
                None,
            )
            assert success is not None, section
            for media in success.get("content", {}).values():
                expected += _property_names(document, media["schema"])
            expected += [parameter["name"] for parameter in operation.get("parameters", [])]
            absent = [item for item in expected if item not in text]
            if absent:
                missing[f"{method.upper()} {path}"] = absent
    assert missing == {}, json.dumps(missing, indent=2)
