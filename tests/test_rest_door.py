"""The REST door's mechanics: the route table, 405 with Allow, coercion, errors, OpenAPI."""

import json
from pathlib import Path

import pytest
from graphql import parse, validate

from rest_compat.openapi import openapi_document
from rest_compat.route import PAGING
from rest_compat.routes import ROUTES
from rest_compat.table import RouteTable
from schema.schema import build_schema
from tests.conftest import Api

ROOT = Path(__file__).resolve().parents[1]


def test_every_route_document_is_valid_against_the_schema() -> None:
    schema = build_schema()._schema
    for route in ROUTES:
        errors = validate(schema, parse(route.document))
        assert not errors, f"{route.method} {route.path}: {errors}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_no_two_rows_match_one_request(route: object) -> None:
    table = RouteTable(ROUTES, build_schema()._schema)
    compiled = next(c for c in table.routes if c.route is route)
    sample = compiled.route.path.replace("{", "x").replace("}", "")
    candidates = [
        c
        for c in table.routes
        if c.route.method == compiled.route.method and c.pattern.match(sample)
    ]
    matched, _, _ = table.match(compiled.route.method, sample)
    assert matched is compiled
    exact = [c for c in candidates if len(c.path_params) == len(compiled.path_params)]
    assert len(exact) == 1, [c.route.path for c in exact]


async def test_known_path_with_wrong_method_is_405_with_allow(api: Api) -> None:
    response = await api.rest("PATCH", "/contacts")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "POST"}
    assert response.json()["status"] == 405


async def test_unknown_path_is_404(api: Api) -> None:
    response = await api.rest("GET", "/no_such_thing")
    assert response.status_code == 404
    assert response.json()["error"] == "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"


async def test_malformed_json_is_400(api: Api) -> None:
    response = await api.client.post(
        "/backoffice/v1/contacts", content=b"{not json", headers={"api_key": api.key or ""}
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == ["body"]


async def test_strings_are_coerced_by_type_and_bad_ones_named(api: Api) -> None:
    response = await api.rest("GET", "/contacts", params={"size": "two"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["size"]
    response = await api.rest("GET", "/contacts", params={"size": "-3"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["size"]


def test_committed_openapi_document_matches_the_route_table() -> None:
    committed = json.loads((ROOT / "rest_compat" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(openapi_document(ROUTES))), (
        "rest_compat/openapi.json is stale: run `crm-gateway export-contracts`"
    )


def test_committed_sdl_matches_the_schema() -> None:
    committed = (ROOT / "schema" / "schema.graphql").read_text()
    assert committed == build_schema().as_str() + "\n", (
        "schema/schema.graphql is stale: run `crm-gateway export-contracts`"
    )


async def test_openapi_is_served(api: Api) -> None:
    response = await api.client.get("/backoffice/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/backoffice/v1/contacts/{id}" in paths
    assert set(paths["/backoffice/v1/contacts/{id}"]) == {"get", "put", "delete"}


async def test_a_value_of_the_wrong_type_names_its_field(api: Api) -> None:
    response = await api.rest("POST", "/contacts", {"contact_type": "PERSON", "first_name": 5})
    assert response.status_code == 400
    body = response.json()
    assert body["parameters"] == ["first_name"], body


def test_every_paged_route_answers_the_whole_paging_object() -> None:
    """Clients walk pages by ``paging.total`` or ``paging.has_more``: every list route selects
    both (the one ``PAGING`` selection, not a copy of it)."""
    paged = [route for route in ROUTES if "paging" in route.document]
    assert paged
    short = [
        f"{route.method} {route.path}"
        for route in paged
        if " ".join(PAGING.split()) not in " ".join(route.document.split())
    ]
    assert not short, short
