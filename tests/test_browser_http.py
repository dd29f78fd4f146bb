"""Browser clients over HTTP: CORS (preflight and actual requests, both doors), compression,
cache lifetimes of static assets and API answers, and the GraphiQL page's defaults."""

import gzip
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.onboarding import BootstrapResult, bootstrap
from app.settings import Settings

ALLOWED = "http://spa.example.test:5173"
OTHER = "http://evil.example.test"
SECRET = "test-secret-for-the-gateway-suite-0123456789"


async def _client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, BootstrapResult]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        tenant = await bootstrap(app.state.gateway.runtime.db)
        assert tenant is not None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield client, tenant


@pytest.fixture
async def cors(database_url: str) -> AsyncIterator[tuple[httpx.AsyncClient, BootstrapResult]]:
    """A gateway allowing one origin, and its first tenant."""
    settings = Settings(database_url=database_url, jwt_secret=SECRET, cors_origins=[ALLOWED])
    async for pair in _client(settings):
        yield pair


def _preflight(origin: str, method: str = "POST", headers: str = "api_key, content-type") -> Any:
    return {
        "origin": origin,
        "access-control-request-method": method,
        "access-control-request-headers": headers,
    }


def _cors_headers(response: httpx.Response) -> list[str]:
    return sorted(name for name in response.headers if name.startswith("access-control-"))


@pytest.mark.parametrize("path", ["/graphql", "/backoffice/v1/contacts", "/backoffice/v1/x/y"])
async def test_preflight_from_an_allowed_origin(cors: Any, path: str) -> None:
    """A preflight from an allowed origin is answered 204 with the origin, the methods and every
    header the gateway reads, on GraphQL and REST paths alike."""
    client, _ = cors
    wanted = "api_key, authorization, content-type, idempotency-key, x-request-id"
    response = await client.options(path, headers=_preflight(ALLOWED, "POST", wanted))
    assert response.status_code == 204, response.text
    assert response.headers["access-control-allow-origin"] == ALLOWED
    allowed_headers = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert set(wanted.split(", ")) <= allowed_headers
    methods = response.headers["access-control-allow-methods"]
    assert {"GET", "POST", "PUT", "DELETE"} <= {m.strip() for m in methods.split(",")}
    assert "access-control-allow-credentials" not in response.headers
    assert response.headers["x-request-id"]
    assert "content-length" not in response.headers or response.headers["content-length"] == "0"
    assert response.content == b""


async def test_actual_requests_from_an_allowed_origin(cors: Any) -> None:
    """GraphQL and REST answers to an allowed origin name it and expose the headers clients
    read (X-Request-ID, Retry-After)."""
    client, tenant = cors
    headers = {"origin": ALLOWED, "api_key": tenant.secret_api_key}
    graphql = await client.post(
        "/graphql", json={"query": "{ contacts { paging { total } } }"}, headers=headers
    )
    rest = await client.get("/backoffice/v1/contacts", headers=headers)
    for response in (graphql, rest):
        assert response.status_code == 200, response.text
        assert response.headers["access-control-allow-origin"] == ALLOWED
        exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
        assert exposed == {"X-Request-ID", "Retry-After"}
        assert "Origin" in response.headers["vary"]
    assert graphql.json() == {"data": {"contacts": {"paging": {"total": 0}}}}


async def test_another_origin_gets_no_cors_headers(cors: Any) -> None:
    """A preflight from an origin not listed is refused (403, the JSON error body, no CORS
    header); an actual request from it is answered without any CORS header, so the browser
    hides the answer."""
    client, tenant = cors
    refused = await client.options("/graphql", headers=_preflight(OTHER))
    assert refused.status_code == 403
    assert _cors_headers(refused) == []
    body = refused.json()["errors"][0]
    assert "origin" in body["message"] and body["extensions"]["parameters"] == ["origin"]
    rest_refused = await client.options("/backoffice/v1/contacts", headers=_preflight(OTHER))
    assert rest_refused.status_code == 403
    assert rest_refused.json()["error"] == "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
    assert _cors_headers(rest_refused) == []
    actual = await client.get(
        "/backoffice/v1/contacts", headers={"origin": OTHER, "api_key": tenant.secret_api_key}
    )
    assert actual.status_code == 200
    assert _cors_headers(actual) == []


async def test_a_header_the_gateway_does_not_read_is_refused(cors: Any) -> None:
    """A preflight asking for a header outside the list is refused, naming ``headers``."""
    client, _ = cors
    refused = await client.options("/graphql", headers=_preflight(ALLOWED, "POST", "x-secret"))
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["parameters"] == ["headers"]
    assert _cors_headers(refused) == []


async def test_requests_without_origin_have_no_cors_headers(cors: Any) -> None:
    """Server-to-server calls (no Origin) are untouched; OPTIONS without a preflight's headers
    is still the door's 405."""
    client, tenant = cors
    response = await client.get(
        "/backoffice/v1/contacts", headers={"api_key": tenant.secret_api_key}
    )
    assert response.status_code == 200 and _cors_headers(response) == []
    options = await client.options("/graphql", headers={"origin": ALLOWED})
    assert options.status_code == 405
    assert options.headers["allow"] == "GET, POST"


async def test_without_cors_origins_a_preflight_is_a_405(database_url: str) -> None:
    """CORS is off by default: a preflight meets the door's 405 and no CORS header."""
    async for client, _ in _client(Settings(database_url=database_url, jwt_secret=SECRET)):
        response = await client.options("/graphql", headers=_preflight(ALLOWED))
        assert response.status_code == 405
        assert _cors_headers(response) == []


async def test_credentials_only_when_configured(database_url: str) -> None:
    """``CRM_GATEWAY_CORS_ALLOW_CREDENTIALS`` adds Access-Control-Allow-Credentials."""
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        cors_origins=[ALLOWED],
        cors_allow_credentials=True,
    )
    async for client, _ in _client(settings):
        preflight = await client.options("/graphql", headers=_preflight(ALLOWED))
        assert preflight.headers["access-control-allow-credentials"] == "true"
        actual = await client.get("/health", headers={"origin": ALLOWED})
        assert actual.headers["access-control-allow-credentials"] == "true"
        assert actual.headers["access-control-allow-origin"] == ALLOWED


async def test_settings_read_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Comma-separated or a JSON list; trailing slashes are dropped."""
    monkeypatch.setenv("CRM_GATEWAY_CORS_ORIGINS", "http://a.test/, https://b.test:8443")
    assert Settings().cors_origins == ["http://a.test", "https://b.test:8443"]
    monkeypatch.setenv("CRM_GATEWAY_CORS_ORIGINS", '["http://c.test"]')
    assert Settings().cors_origins == ["http://c.test"]
    monkeypatch.delenv("CRM_GATEWAY_CORS_ORIGINS")
    assert Settings().cors_origins == []


async def test_large_answers_are_gzipped_small_ones_not(cors: Any) -> None:
    """A JSON answer over the threshold is gzipped for a client that accepts it; a small one,
    or one for a client that does not, goes out as it is. API answers are ``no-store``."""
    client, _ = cors
    big = await client.get("/backoffice/v1/openapi.json", headers={"accept-encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert big.json()["openapi"].startswith("3.")
    assert big.headers["cache-control"] == "no-store"
    plain = await client.get("/backoffice/v1/openapi.json", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.json() == big.json()
    small = await client.get("/health", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in small.headers
    assert small.headers["cache-control"] == "no-store"
    error = await client.get("/backoffice/v1/contacts")
    assert error.status_code == 401 and error.headers["cache-control"] == "no-store"


async def test_graphiql_assets_are_compressed_and_cached(cors: Any) -> None:
    """GraphiQL's script is linked by content hash, served gzipped (about a fifth of its size)
    with a year's lifetime, and revalidates with its ETag; the page itself is revalidated."""
    client, _ = cors
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-cache"
    url = next(
        part.split('"')[1] for part in page.text.split("src=")[1:] if "graphiql.min.js" in part
    )
    assert "?v=" in url
    async with client.stream("GET", url, headers={"accept-encoding": "gzip"}) as raw:
        compressed = b"".join([chunk async for chunk in raw.aiter_raw()])
        headers = raw.headers
    assert headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["content-type"].startswith("text/javascript")
    script = gzip.decompress(compressed)
    assert len(script) > 3_000_000 and len(compressed) < len(script) / 3
    again = await client.get(
        url, headers={"accept-encoding": "gzip", "if-none-match": headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    unhashed = await client.get(url.split("?")[0], headers={"accept-encoding": "identity"})
    assert unhashed.status_code == 200 and "content-encoding" not in unhashed.headers
    assert unhashed.content == script
    assert unhashed.headers["cache-control"] == "public, max-age=0, must-revalidate"
    revalidated = await client.get(
        url.split("?")[0],
        headers={"accept-encoding": "identity", "if-none-match": unhashed.headers["etag"]},
    )
    assert revalidated.status_code == 304


async def test_graphiql_page_explains_authentication(cors: Any) -> None:
    """The default tab tells how to authenticate and holds a query; headers are not kept in
    localStorage unless the user's own setting says so."""
    client, _ = cors
    page = (await client.get("/graphql", headers={"accept": "text/html"})).text
    assert '"api_key": "sk_live_..."' in page
    assert '"authorization": "Bearer <access_token>"' in page
    assert "POST /backoffice/v1/users/authenticate" in page
    assert "query FirstContacts {" in page
    assert "shouldPersistHeaders: true" not in page
    assert "storage: gatewayStorage" in page
    assert 'localStorage.getItem("graphiql:shouldPersistHeaders") === "true" || undefined' in page
    assert "GraphiQLPluginExplorer.explorerPlugin()" in page
