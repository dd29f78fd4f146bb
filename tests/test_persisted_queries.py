"""Persisted and cacheable queries: Apollo's Automatic Persisted Queries over POST and GET,
GraphQL reads over GET (mutations refused), revalidation with ETags, and the allow-list mode
with documents registered by the command line."""

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.onboarding import BootstrapResult, bootstrap
from app.persisted_queries import document_hash
from app.settings import Settings
from tests.gateway_processes import ROOT

SECRET = "test-secret-for-the-gateway-suite-0123456789"
CONTACTS = "query Contacts { contacts(size: 5) { content { code } paging { total } } }"
CREATE = (
    "mutation Create($code: String) { create_contact(input: "
    '{contact_type: PERSON, first_name: "Ann", last_name: "Lee", code: $code}) { code } }'
)
NOT_FOUND = {
    "errors": [
        {
            "message": "PersistedQueryNotFound",
            "extensions": {
                "code": "PERSISTED_QUERY_NOT_FOUND",
                "status": 200,
                "error": "CRM.EXCEPTIONS.PERSISTEDQUERYNOTFOUNDEXCEPTION",
                "parameters": [],
            },
        }
    ]
}


def _persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": document_hash(document)}}


async def _gateway(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, BootstrapResult]]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        tenant = await bootstrap(app.state.gateway.runtime.db)
        assert tenant is not None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://gateway",
            headers={"api_key": tenant.secret_api_key},
        ) as client:
            yield client, tenant


@pytest.fixture
async def client(database_url: str, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A gateway with APQ (no registered documents) and a client with a secret key."""
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        persisted_queries_path=str(tmp_path / "none.json"),
    )
    async for pair in _gateway(settings):
        yield pair[0]


@pytest.mark.parametrize("document", [CONTACTS, CREATE], ids=["compiled-read", "mutation"])
async def test_apq_exchange_over_post(client: httpx.AsyncClient, document: str) -> None:
    """Hash only -> PersistedQueryNotFound; hash + document -> data; hash only -> data."""
    extensions = _persisted(document)
    first = await client.post("/graphql", json={"extensions": extensions})
    assert first.status_code == 200 and first.json() == NOT_FOUND
    assert first.headers["cache-control"] == "no-store"
    second = await client.post(
        "/graphql", json={"query": document, "variables": {"code": "A1"}, "extensions": extensions}
    )
    third = await client.post(
        "/graphql", json={"variables": {"code": "A2"}, "extensions": extensions}
    )
    for response in (second, third):
        assert response.status_code == 200, response.text
        assert "errors" not in response.json()
    if document == CONTACTS:
        assert third.json() == {"data": {"contacts": {"content": [], "paging": {"total": 0}}}}
    else:
        assert third.json() == {"data": {"create_contact": {"code": "A2"}}}


async def test_apq_and_reads_over_get_revalidate(client: httpx.AsyncClient) -> None:
    """The same exchange over GET; a successful read is ``private, no-cache`` with an ETag,
    and the same request with ``If-None-Match`` is a 304; a changed answer has a new ETag."""
    params = {"extensions": json.dumps(_persisted(CONTACTS)), "operationName": "Contacts"}
    first = await client.get("/graphql", params=params)
    assert first.json() == NOT_FOUND and first.headers["cache-control"] == "no-store"
    second = await client.get("/graphql", params={**params, "query": CONTACTS})
    assert second.json()["data"]["contacts"]["paging"] == {"total": 0}
    third = await client.get("/graphql", params=params)
    assert third.status_code == 200 and third.json() == second.json()
    assert third.headers["cache-control"] == "private, no-cache"
    assert "api_key" in third.headers["vary"] and "authorization" in third.headers["vary"]
    etag = third.headers["etag"]
    cached = await client.get("/graphql", params=params, headers={"if-none-match": etag})
    assert cached.status_code == 304 and cached.content == b""
    created = await client.post("/graphql", json={"query": CREATE, "variables": {"code": "G1"}})
    assert created.json() == {"data": {"create_contact": {"code": "G1"}}}
    changed = await client.get("/graphql", params=params, headers={"if-none-match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["data"]["contacts"]["content"] == [{"code": "G1"}]


async def test_a_general_read_over_get(client: httpx.AsyncClient) -> None:
    """A read the compiled path does not answer (introspection) works over GET as well."""
    response = await client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["etag"]


async def test_mutations_are_refused_over_get(client: httpx.AsyncClient) -> None:
    """A mutation over GET is refused (405 with ``Allow: POST``, GraphQL's error body naming
    GET) and creates nothing; by hash too."""
    refused = await client.get("/graphql", params={"query": CREATE, "variables": '{"code": "X"}'})
    assert refused.status_code == 405, refused.text
    assert refused.headers["allow"] == "POST"
    message = refused.json()["errors"][0]["message"]
    assert message == "mutations are not allowed when using GET: send it with POST."
    assert refused.headers["cache-control"] == "no-store"
    learned = await client.post(
        "/graphql",
        json={"query": CREATE, "variables": {"code": "P1"}, "extensions": _persisted(CREATE)},
    )
    assert learned.json() == {"data": {"create_contact": {"code": "P1"}}}
    by_hash = await client.get(
        "/graphql",
        params={"extensions": json.dumps(_persisted(CREATE)), "variables": '{"code": "X"}'},
    )
    assert by_hash.status_code == 405
    assert by_hash.json() == refused.json()
    listed = await client.post("/graphql", json={"query": "{ contacts { content { code } } }"})
    assert listed.json()["data"]["contacts"]["content"] == [{"code": "P1"}]


@pytest.mark.parametrize(
    ("extensions", "field"),
    [
        ({"persistedQuery": {"version": 1, "sha256Hash": document_hash("{ x }")}}, "sha256Hash"),
        ({"persistedQuery": {"version": 2, "sha256Hash": document_hash(CONTACTS)}}, "version"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "ABC"}}, "sha256Hash"),
    ],
)
async def test_bad_persisted_query_extensions(
    client: httpx.AsyncClient, extensions: dict[str, Any], field: str
) -> None:
    """A hash that is not the document's, another version, a malformed hash: 400 naming it."""
    response = await client.post("/graphql", json={"query": CONTACTS, "extensions": extensions})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["parameters"] == [f"extensions.persistedQuery.{field}"]


def _register(folder: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "app.cli", "register-persisted-queries", str(folder)),
            *("--output", str(output), *extra),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_register_refuses_a_document_that_does_not_validate(tmp_path: Path) -> None:
    """One invalid document: exit 2 naming the file and the problem, nothing written."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "good.graphql").write_text(CONTACTS)
    (tmp_path / "docs" / "bad.graphql").write_text("{ contacts { nope } }")
    result = _register(tmp_path / "docs", tmp_path / "registered.json")
    assert result.returncode == 2
    assert "bad.graphql" in result.stderr and "nope" in result.stderr
    assert not (tmp_path / "registered.json").exists()


async def test_allow_list_mode(database_url: str, tmp_path: Path) -> None:
    """With CRM_GATEWAY_PERSISTED_ONLY only registered documents run (by hash or sent whole);
    an unregistered document or hash is refused with a clear 400, and APQ learns nothing."""
    folder = tmp_path / "documents"
    (folder / "contacts").mkdir(parents=True)
    (folder / "contacts" / "list.graphql").write_text(CONTACTS)
    (folder / "create.graphql").write_text(CREATE)
    registered = tmp_path / "registered.json"
    result = _register(folder, registered)
    assert result.returncode == 0, result.stderr
    assert f"{document_hash(CONTACTS)}  {folder / 'contacts' / 'list.graphql'}" in result.stdout
    assert "2 documents (2 new)" in result.stdout
    settings = Settings(
        database_url=database_url,
        jwt_secret=SECRET,
        persisted_queries_path=str(registered),
        persisted_only=True,
    )
    async for client, _ in _gateway(settings):
        created = await client.post(
            "/graphql", json={"extensions": _persisted(CREATE), "variables": {"code": "R1"}}
        )
        assert created.json() == {"data": {"create_contact": {"code": "R1"}}}
        by_hash = await client.get(
            "/graphql", params={"extensions": json.dumps(_persisted(CONTACTS))}
        )
        assert by_hash.json()["data"]["contacts"]["content"] == [{"code": "R1"}]
        whole = await client.post("/graphql", json={"query": CONTACTS})
        assert whole.json() == by_hash.json()
        other = "{ contacts { content { id } } }"
        for body in (
            {"query": other},
            {"query": other, "extensions": _persisted(other)},
            {"extensions": _persisted(other)},
        ):
            refused = await client.post("/graphql", json=body)
            assert refused.status_code == 400, body
            error = refused.json()["errors"][0]
            assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_ALLOWED"
            assert "registered documents only" in error["message"]
        refused_get = await client.get("/graphql", params={"query": other})
        assert refused_get.status_code == 400
