"""Errors end to end: every response is JSON, unexpected errors are 500s logged once with a
request id and no bound values, bodies and text input are capped (both doors, both databases)."""

import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.compiled.sql import CompiledStatements
from app.contacts import service as contacts_service
from app.db.engine import create_engine
from app.db.text_limits import TEXT_CAP
from app.main import create_app
from app.onboarding import BootstrapResult
from app.settings import Settings
from tests.conftest import Api

INTERNAL = "CRM.EXCEPTIONS.INTERNALSERVEREXCEPTION"
CONTACT = {"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee", "code": "C-1"}
CREATE = "mutation($input: CreateContactInput!) { create_contact(input: $input) { id } }"
READ = "query($id: ID!) { contact(id: $id) { id first_name } }"
SEARCH = "query($q: String) { contacts(filter: {search_value: $q}) { content { id } } }"


def assert_spec_body(response: httpx.Response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"status", "message", "error", "parameters"}, body
    assert body["status"] == status and body["error"] == error, body
    return body


def graphql_code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def contact_count(api: Api) -> int:
    page = (await api.rest("GET", "/contacts")).json()
    total: int = page["paging"]["total"]
    return total


async def _boom(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("boom: secret internals")


async def test_unexpected_error_is_a_500_through_rest_and_masked_through_graphql(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(contacts_service, "create_contact", _boom)
    caplog.set_level(logging.ERROR, logger="crm_gateway")
    response = await api.rest("POST", "/contacts", CONTACT, headers={"X-Request-ID": "req-rest-1"})
    body = assert_spec_body(response, 500, INTERNAL)
    assert "boom" not in response.text and body["message"] == "Unexpected error."
    assert response.headers["x-request-id"] == "req-rest-1"
    graph = await api.graphql(CREATE, {"input": CONTACT}, headers={"X-Request-ID": "req-gql-1"})
    assert graphql_code(graph) == "INTERNALSERVEREXCEPTION"
    assert "boom" not in str(graph)
    logged = [r for r in caplog.records if r.name == "crm_gateway"]
    assert len(logged) == 2, [r.getMessage() for r in logged]  # once per request
    assert "req-rest-1" in logged[0].getMessage() and "req-gql-1" in logged[1].getMessage()
    assert all(r.exc_info and "boom" in str(r.exc_info[1]) for r in logged)


async def test_unexpected_error_on_a_compiled_read_is_a_500_too(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    contact_id = (await api.rest("POST", "/contacts", CONTACT)).json()["id"]
    monkeypatch.setattr(CompiledStatements, "run_root", _boom)
    caplog.set_level(logging.ERROR, logger="crm_gateway")
    assert_spec_body(await api.rest("GET", f"/contacts/{contact_id}"), 500, INTERNAL)
    graph = await api.graphql(READ, {"id": contact_id})
    assert graphql_code(graph) == "INTERNALSERVEREXCEPTION"
    assert len([r for r in caplog.records if r.name == "crm_gateway"]) == 2


async def test_database_errors_are_logged_without_bound_values(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bound = {"v": "-".join(["S3CRET", "VALUE"])}  # not spelled out where a traceback shows it

    async def failing_statement(session: AsyncSession, *_args: Any) -> Any:
        await session.execute(text("SELECT * FROM no_such_table WHERE x = :v"), bound)

    monkeypatch.setattr(contacts_service, "create_contact", failing_statement)
    caplog.set_level(logging.ERROR, logger="crm_gateway")
    response = await api.rest("POST", "/contacts", CONTACT)
    assert_spec_body(response, 500, INTERNAL)
    request_id = response.headers["x-request-id"]
    assert request_id
    assert request_id in caplog.text and "no_such_table" in caplog.text
    assert "S3CRET-VALUE" not in caplog.text


async def test_every_response_carries_a_request_id(api: Api) -> None:
    assert (await api.client.get("/health")).headers["x-request-id"]
    given = await api.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    odd = await api.client.get("/health", headers={"X-Request-ID": "not ok\tat all"})
    assert odd.headers["x-request-id"] != "not ok\tat all"


@pytest.mark.parametrize("identifier", ["abc%00def", "abc%00", "%00"])
async def test_nul_in_an_id_is_a_404_of_that_entity(api: Api, identifier: str) -> None:
    await api.rest("POST", "/contacts", CONTACT)
    body = assert_spec_body(
        await api.rest("GET", f"/contacts/{identifier}"), 404, "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"
    )
    assert body["parameters"][0] == "contact"
    raw = identifier.replace("%00", "\x00")
    graph = await api.graphql(READ, {"id": raw})
    assert graphql_code(graph) == "NOTFOUND"
    literal = await api.graphql('{ contact(id: "abc\\u0000def") { id } }')
    assert graphql_code(literal) == "NOTFOUND"
    update = await api.rest("PUT", f"/contacts/{identifier}", {"first_name": "X"})
    assert_spec_body(update, 404, "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION")


async def raw_graphql(api: Api, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """POST a GraphQL request whose JSON may hold a lone surrogate (as ``\\udXXX``)."""
    raw = json.dumps({"query": query, "variables": variables}).encode()
    headers = {"content-type": "application/json", "api_key": api.key or ""}
    response = await api.client.post("/graphql", content=raw, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "\ud800x"])
async def test_unstorable_characters_in_text_are_a_400_naming_the_field(
    api: Api, value: str
) -> None:
    if value != "\ud800x":  # a lone surrogate cannot be put in a URL
        search = await api.rest("GET", "/contacts", params={"search_value": value})
        body = assert_spec_body(search, 400, "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION")
        assert body["parameters"] == ["search_value"]
    graph = await raw_graphql(api, SEARCH, {"q": value})
    assert graphql_code(graph) == "INVALIDVALUE"
    assert graph["errors"][0]["extensions"]["parameters"] == ["search_value"]
    raw = json.dumps({**CONTACT, "first_name": value}).encode()
    headers = {"content-type": "application/json", "api_key": api.key or ""}
    created = await api.client.post("/backoffice/v1/contacts", content=raw, headers=headers)
    body = assert_spec_body(created, 400, "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION")
    assert body["parameters"] in (["first_name"], ["body"])  # orjson refuses lone surrogates
    phones = [{"number": f"99{value}"}]
    nested = await raw_graphql(api, CREATE, {"input": {**CONTACT, "phones": phones}})
    assert graph["errors"][0]["extensions"]["status"] == 400
    assert nested["errors"][0]["extensions"]["parameters"] == ["phones[0].number"]
    assert await contact_count(api) == 0


async def test_text_longer_than_its_column_is_a_400_naming_the_field(api: Api) -> None:
    too_long = {**CONTACT, "first_name": "x" * 101}  # contacts.first_name is String(100)
    body = assert_spec_body(
        await api.rest("POST", "/contacts", too_long), 400, "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION"
    )
    assert body["parameters"] == ["first_name"] and "100" in body["message"]
    graph = await api.graphql(CREATE, {"input": too_long})
    assert graph["errors"][0]["extensions"]["parameters"] == ["first_name"]
    assert (await api.rest("POST", "/contacts", {**CONTACT, "first_name": "x" * 100})).is_success
    assert await contact_count(api) == 1


async def test_a_one_megabyte_description_is_refused_and_nothing_stored(
    api: Api, tenant: BootstrapResult
) -> None:
    path = f"/organisations/{tenant.organisation_id}"
    description = "d" * 1_000_000  # organisations.description is Text: capped at TEXT_CAP
    response = await api.rest("PUT", path, {"description": description})
    body = assert_spec_body(response, 400, "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION")
    assert body["parameters"] == ["description"] and str(TEXT_CAP) in body["message"]
    mutation = """mutation($id: ID!, $input: UpdateOrganisationInput!) {
        update_organisation(id: $id, input: $input) { id } }"""
    graph = await api.graphql(
        mutation, {"id": tenant.organisation_id, "input": {"description": description}}
    )
    assert graph["errors"][0]["extensions"]["parameters"] == ["description"]
    assert (await api.rest("GET", path)).json().get("description") is None
    assert (await api.rest("PUT", path, {"description": "d" * TEXT_CAP})).is_success


@pytest.mark.parametrize("raw", [b"null", b"1", b'"x"', b"[]", b" [1]"])
async def test_a_json_body_that_is_not_an_object_is_a_400(api: Api, raw: bytes) -> None:
    headers = {"content-type": "application/json", "api_key": api.key or ""}
    graph = await api.client.post("/graphql", content=raw, headers=headers)
    assert graph.status_code == 400, graph.text
    assert graph.json()["errors"][0]["extensions"]["status"] == 400
    rest = await api.client.post("/backoffice/v1/contacts", content=raw, headers=headers)
    assert assert_spec_body(rest, 400, "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION")["parameters"] == [
        "body"
    ]


async def test_unknown_paths_and_wrong_methods_answer_json(api: Api) -> None:
    not_found = assert_spec_body(
        await api.client.get("/nope"), 404, "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"
    )
    assert not_found["parameters"] == ["route", "GET /nope"]
    wrong = await api.client.delete("/health")
    assert_spec_body(wrong, 405, "CRM.EXCEPTIONS.METHODNOTALLOWEDEXCEPTION")
    assert wrong.headers["allow"] == "GET, HEAD"
    graphql_put = await api.client.put("/graphql", json={"query": "{ __typename }"})
    assert graphql_put.status_code == 405
    assert graphql_put.json()["errors"][0]["extensions"]["status"] == 405
    asset = await api.client.get("/graphql/assets/no-such-file.js")
    assert asset.status_code == 404 and asset.json()["errors"]


async def test_graphql_door_refusals_are_json(api: Api) -> None:
    headers = {"api_key": api.key or ""}
    bad = await api.client.post(
        "/graphql", content=b"{not json", headers={**headers, "content-type": "application/json"}
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["message"]


async def test_bodies_over_the_limit_are_413_before_they_are_read(api: Api) -> None:
    big = b'{"first_name": "' + b"x" * 2_000_000 + b'"}'
    headers = {"content-type": "application/json", "api_key": api.key or ""}
    rest = await api.client.post("/backoffice/v1/contacts", content=big, headers=headers)
    assert_spec_body(rest, 413, "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION")
    graph = await api.client.post("/graphql", content=big, headers=headers)
    assert graph.status_code == 413 and graph.json()["errors"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"first_name": "'
        for _ in range(40):
            yield b"x" * 65_536
        yield b'"}'

    streamed = await api.client.post("/backoffice/v1/contacts", content=chunks(), headers=headers)
    assert "content-length" not in streamed.request.headers
    assert_spec_body(streamed, 413, "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION")
    assert await contact_count(api) == 0
    # Methods without a body of their own are held to the limit when they announce one.
    for method in ("GET", "DELETE"):
        sent = await api.client.request(
            method, "/backoffice/v1/contacts", content=big, headers=headers
        )
        assert_spec_body(sent, 413, "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION")
        chunked = await api.client.request(
            method, "/backoffice/v1/contacts", content=chunks(), headers=headers
        )
        assert_spec_body(chunked, 413, "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION")


async def test_the_body_limit_is_a_setting(database_url: str) -> None:
    settings = Settings(database_url=database_url, jwt_secret="x" * 40, max_body_bytes=100)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            response = await client.post("/graphql", json={"query": "{ __typename }" + " " * 100})
    assert response.status_code == 413


async def test_non_json_bodies_are_415(api: Api) -> None:
    headers = {"content-type": "text/plain", "api_key": api.key or ""}
    raw = b'{"contact_type": "PERSON", "first_name": "Ann"}'
    rest = await api.client.post("/backoffice/v1/contacts", content=raw, headers=headers)
    assert_spec_body(rest, 415, "CRM.EXCEPTIONS.UNSUPPORTEDMEDIATYPEEXCEPTION")
    query = b'{"query": "{ __typename }"}'
    graph = await api.client.post("/graphql", content=query, headers=headers)
    assert graph.status_code == 415 and graph.json()["errors"]
    get = await api.client.get("/graphql", params={"query": "{ __typename }"}, headers=headers)
    assert get.status_code == 200 and get.json() == {"data": {"__typename": "Query"}}
    assert await contact_count(api) == 0


async def test_ready_names_the_failing_check_without_sql(gateway: Any) -> None:
    app, client = gateway
    db = app.state.gateway.runtime.db
    await db.dispose()
    original = db.engine.url
    # SQLite cannot open a directory as its file; PostgreSQL has no such database.
    missing = str(Path(original.database).parent) if db.is_sqlite else "no_db_xyz"
    broken = original.set(database=missing)
    db.engine = create_engine(broken.render_as_string(hide_password=False), pool_size=1)
    try:
        response = await client.get("/ready")
    finally:
        await db.engine.dispose()
    body = assert_spec_body(response, 503, "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION")
    assert body["parameters"] == ["database"]
    assert "SELECT" not in response.text and "no_db_xyz" not in response.text
