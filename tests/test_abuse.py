"""Abusive GraphQL documents and request bodies: each is refused with a 4xx and a JSON body.

No wall-clock assertions: a request that hangs is cut after ``LIMIT_SECONDS`` and counted as a
failure, so that a regression fails the suite instead of hanging it. The gateway runs in a
process of its own (``app.cli serve`` on SQLite), because a document that keeps the event loop
busy cannot be cut in process; a document that may do so gets a process of its own.
"""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.gateway_processes import Server, sqlite_server

LIMIT_SECONDS = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One gateway process for the probes that cannot hang it."""
    yield from sqlite_server(tmp_path_factory.mktemp("abuse"))


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Server]:
    """A gateway process for one probe that might keep it busy; stopped afterwards."""
    yield from sqlite_server(tmp_path)


async def post(
    server: Server, content: bytes, content_type: str = "application/json"
) -> httpx.Response:
    """POST /graphql with a raw body, cut after ``LIMIT_SECONDS`` (a timeout fails the test)."""
    async with httpx.AsyncClient(timeout=LIMIT_SECONDS + 5) as client:
        request = client.post(
            server.url + "/graphql",
            content=content,
            headers={"content-type": content_type, "api_key": server.key},
        )
        try:
            return await asyncio.wait_for(request, timeout=LIMIT_SECONDS)
        except TimeoutError:
            pytest.fail(f"no answer within {LIMIT_SECONDS} s")


async def post_query(
    server: Server, query: str, variables: dict[str, Any] | None = None
) -> httpx.Response:
    return await post(server, orjson.dumps({"query": query, "variables": variables or {}}))


def assert_refused(response: httpx.Response) -> Any:
    """A 4xx with a JSON body: the spec's error body or GraphQL errors with a code."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict), body
    if "errors" in body:
        assert body["errors"] and all("code" in (e.get("extensions") or {}) for e in body["errors"])
    else:
        assert {"status", "message", "error", "parameters"} <= set(body), body
        assert body["status"] == response.status_code
    return body


def fragment_bomb(depth: int = 30) -> str:
    fragments = [
        f"fragment F{i} on Organisation {{ ...F{i + 1} ...F{i + 1} }}" for i in range(depth - 1)
    ]
    fragments.append(f"fragment F{depth - 1} on Organisation {{ id }}")
    return "query($id: ID!) { organisation(id: $id) { ...F0 } }\n" + "\n".join(fragments)


FRAGMENT_CYCLE = """query($id: ID!) { organisation(id: $id) { ...A } }
fragment A on Organisation { id ...B }
fragment B on Organisation { name ...A }"""

NESTED_PAGE = """organisation_network(id: $id, size: 100) { content {
    children(size: 100) { content { id contacts(size: 100) { content { id first_name } } } }
    contacts(size: 100) { content { id } }
} }"""


def alias_flood(count: int = 30) -> str:
    aliases = "\n".join(f"a{i}: {NESTED_PAGE}" for i in range(count))
    return f"query($id: ID!) {{ {aliases} }}"


async def test_fragment_bomb_is_refused(own_server: Server) -> None:
    response = await post_query(own_server, fragment_bomb(), {"id": own_server.organisation_id})
    assert_refused(response)


async def test_fragment_cycle_is_refused(server: Server) -> None:
    response = await post_query(server, FRAGMENT_CYCLE, {"id": server.organisation_id})
    assert_refused(response)


async def test_thirty_aliases_of_a_nested_page_are_refused(server: Server) -> None:
    response = await post_query(server, alias_flood(), {"id": server.organisation_id})
    assert_refused(response)


async def test_a_100_kb_token_is_refused(server: Server) -> None:
    response = await post_query(server, "{ " + "a" * 100_000 + " }")
    assert_refused(response)


async def test_a_100_kb_string_token_is_refused(server: Server) -> None:
    response = await post_query(
        server, '{ contacts(filter: {search_value: "' + "a" * 100_000 + '"}) { paging { total } } }'
    )
    assert_refused(response)


@pytest.mark.parametrize(
    "raw",
    [b"null", b"1", b'"x"', b"[]", b"{", b"", b'{"query": 1}'],
)
async def test_bodies_that_are_not_a_graphql_request_are_refused(
    server: Server, raw: bytes
) -> None:
    assert_refused(await post(server, raw))


@pytest.mark.parametrize(
    "raw",
    [b"{ __typename }", b'{"query": "{ __typename }"}'],
)
async def test_text_plain_bodies_are_refused(server: Server, raw: bytes) -> None:
    assert_refused(await post(server, raw, content_type="text/plain"))


async def test_a_2_mb_body_is_refused(server: Server) -> None:
    query = "{ __typename }" + " " * (2 * 1024 * 1024)
    assert_refused(await post_query(server, query))


@pytest.mark.parametrize(
    ("query", "variables", "status", "code"),
    [
        ("{ nope }", None, 400, "GRAPHQL_VALIDATION_FAILED"),
        ("{ contact { id } }", None, 400, "GRAPHQL_VALIDATION_FAILED"),
        (
            "{ " + " ".join(f"f{i}" for i in range(150)) + " }",
            None,
            400,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("{ contact(", None, 400, "GRAPHQL_PARSE_FAILED"),
        ("query($id: ID!) { contact(id: $id) { id } }", {}, 200, "BAD_USER_INPUT"),
        (
            "query($n: Int) { contacts(size: $n) { paging { total } } }",
            {"n": "x"},
            200,
            "BAD_USER_INPUT",
        ),
    ],
)
async def test_graphql_request_errors_carry_their_code(
    server: Server, query: str, variables: dict[str, Any] | None, status: int, code: str
) -> None:
    """A document that does not parse or validate is refused (400) before it runs; variables
    that do not fit it fail like a field does (200); each error names its kind."""
    response = await post_query(server, query, variables)
    assert response.status_code == status, response.text
    errors = response.json()["errors"]
    assert errors and {e["extensions"]["code"] for e in errors} == {code}, errors
    assert all(e["extensions"]["status"] == 400 for e in errors), errors


async def test_validation_errors_carry_a_code(server: Server) -> None:
    response = await post_query(server, "{ contact { id } }")
    body = response.json()
    assert body["errors"], body
    assert all("code" in (e.get("extensions") or {}) for e in body["errors"]), body


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/backoffice/v1/contacts", "GET, POST"),
        ("/graphql", "GET, POST"),
        ("/health", "GET, HEAD"),
        ("/backoffice/v1/openapi.json", "GET, HEAD"),
        ("/graphql/assets/graphiql.min.js", "GET, HEAD"),
    ],
)
@pytest.mark.parametrize("method", ["TRACE", "OPTIONS", "PROPFIND"])
async def test_unrouted_methods_answer_json(
    server: Server, method: str, path: str, allow: str
) -> None:
    async with httpx.AsyncClient(timeout=LIMIT_SECONDS) as client:
        response = await client.request(method, server.url + path, headers={"api_key": server.key})
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert_refused(response)
