"""Tests for the offline GraphiQL page and the vendored assets it loads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from app.graphiql import GRAPHIQL_ASSETS_PATH, graphiql_assets_app, offline_graphiql_html


class _AssetCollector(HTMLParser):
    """Collect the src of every script and the href of every link in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.cdn_attributes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag not in ("script", "link"):
            return
        self.cdn_attributes.extend(
            f"<{tag}> {name}" for name in values if name in ("integrity", "crossorigin")
        )
        if tag == "script" and values.get("src"):
            self.scripts.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.links.append(values["href"] or "")


def _graphiql_page(request: Request) -> HTMLResponse:
    """Serve the offline GraphiQL page."""
    return HTMLResponse(offline_graphiql_html())


@pytest.fixture
def client() -> Iterator[TestClient]:
    """Yield a test client for a tiny app serving the page and its assets."""
    app = Starlette(
        routes=[
            Mount(GRAPHIQL_ASSETS_PATH, app=graphiql_assets_app()),
            Route("/graphql", _graphiql_page),
        ]
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def page(client: TestClient) -> str:
    """Return the GraphiQL page as served by the tiny app."""
    response = client.get("/graphql")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.fixture
def assets(page: str) -> _AssetCollector:
    """Return the scripts and links found in the GraphiQL page."""
    collector = _AssetCollector()
    collector.feed(page)
    collector.close()
    return collector


def test_page_loads_nothing_from_outside(page: str, assets: _AssetCollector) -> None:
    """The page references no outside host in any script or link, nor unpkg anywhere."""
    outside = [
        url
        for url in (*assets.scripts, *assets.links)
        if re.match(r"(?:https?:)?//", url, re.IGNORECASE)
    ]
    assert outside == []
    assert "unpkg.com" not in page
    assert assets.cdn_attributes == []


def test_page_uses_every_vendored_asset(assets: _AssetCollector) -> None:
    """The page loads all seven vendored files from the assets mount, scripts and styles alike."""
    prefix = f"{GRAPHIQL_ASSETS_PATH}/"
    assert all(re.search(r"\?v=[0-9a-f]{16}$", url) for url in assets.scripts)
    assert sorted(url.split("?")[0] for url in assets.scripts) == sorted(
        prefix + name
        for name in (
            "react.production.min.js",
            "react-dom.production.min.js",
            "js.cookie.min.js",
            "graphiql.min.js",
            "plugin-explorer.umd.js",
        )
    )
    assert sorted(url.split("?")[0] for url in assets.links if url.startswith(prefix)) == sorted(
        prefix + name for name in ("graphiql.min.css", "plugin-explorer.css")
    )


def test_every_local_asset_is_served(client: TestClient, assets: _AssetCollector) -> None:
    """Each local script and stylesheet URL answers 200 with a body of the right type."""
    expected_types = {
        **{url: ("text/javascript", "application/javascript") for url in assets.scripts},
        **{
            url: ("text/css",)
            for url in assets.links
            if not url.startswith("data:")  # the inline favicon
        },
    }
    assert expected_types
    for url, content_types in expected_types.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
        media_type = response.headers["content-type"].split(";")[0].strip()
        assert media_type in content_types, (url, media_type)


def test_rewrite_is_cached() -> None:
    """The page is built once and reused."""
    assert offline_graphiql_html() is offline_graphiql_html()


def test_unknown_unpkg_asset_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    """A template referencing an unpkg file we do not vendor raises instead of going online."""
    upgraded = (
        '<script crossorigin src="https://unpkg.com/graphiql@9.9.9/graphiql.min.js"></script>'
    )
    monkeypatch.setattr("app.graphiql.get_graphql_ide_html", lambda graphql_ide: upgraded)
    offline_graphiql_html.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=r"graphiql@9\.9\.9"):
            offline_graphiql_html()
    finally:
        offline_graphiql_html.cache_clear()
