"""The OpenAPI document: valid, typed from the GraphQL types, and true to what the door answers."""

from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from app.db.engine import Database
from app.onboarding import BootstrapResult
from rest_compat.json_schema import COMPONENTS
from rest_compat.openapi import openapi_document
from rest_compat.route import API_PREFIX, RestRoute
from rest_compat.routes import ROUTES
from tests.conftest import Api
from tests.test_wallets import make_account, make_spend_condition

DOCUMENT = openapi_document(ROUTES)
BODY_ROUTES = [route for route in ROUTES if route.body is not None]


def _operation(method: str, path: str) -> dict[str, Any]:
    operation: dict[str, Any] = DOCUMENT["paths"][API_PREFIX + path][method.lower()]
    return operation


def _request_schema(route: RestRoute) -> dict[str, Any]:
    schema: dict[str, Any] = _operation(route.method, route.path)["requestBody"]["content"][
        "application/json"
    ]["schema"]
    return schema


def _success_schema(route: RestRoute) -> dict[str, Any]:
    response = _operation(route.method, route.path)["responses"][str(route.status)]
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for one schema of the document, its ``#/components`` refs resolvable."""
    return Draft202012Validator({**schema, "components": DOCUMENT["components"]})


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    component: dict[str, Any] = DOCUMENT["components"]["schemas"][ref.removeprefix(COMPONENTS)]
    return component


def _subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every schema nested in ``schema`` (itself included)."""
    if isinstance(schema, dict):
        yield schema
        for key, value in schema.items():
            if key in ("properties",):
                for nested in value.values():
                    yield from _subschemas(nested)
            elif key in ("items", "anyOf", "oneOf", "allOf"):
                yield from _subschemas(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from _subschemas(item)


def _untyped(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The nested schemas that say nothing: bare objects and schemas without a type or a ref."""
    return [
        nested
        for nested in _subschemas(schema)
        if (nested.get("type") == "object" and "properties" not in nested)
        or not ({"type", "$ref", "anyOf", "const"} & set(nested))
    ]


def _route(method: str, path: str) -> RestRoute:
    return next(r for r in ROUTES if r.method == method and r.path == path)


def test_document_is_valid_openapi() -> None:
    validate(DOCUMENT)


def test_every_schema_in_the_document_is_typed() -> None:
    for name, component in DOCUMENT["components"]["schemas"].items():
        assert not _untyped(component), name
    for route in ROUTES:
        assert not _untyped(_success_schema(route)), f"{route.method} {route.path}"
        if route.body is not None:
            assert not _untyped(_request_schema(route)), f"{route.method} {route.path}"


@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_a_body_is_a_closed_object_of_its_input_type(route: RestRoute) -> None:
    body = _resolved(_request_schema(route))
    assert body["type"] == "object"
    assert body["properties"]
    assert body["additionalProperties"] is False
    invalid = _validator(_request_schema(route))
    assert not invalid.is_valid({**(route.example_body or {}), "no_such_field": 1})


@pytest.mark.parametrize(
    "route", [r for r in BODY_ROUTES if r.example_body], ids=lambda r: f"{r.method} {r.path}"
)
def test_the_spec_examples_fit_their_request_schema(route: RestRoute) -> None:
    errors = list(_validator(_request_schema(route)).iter_errors(route.example_body))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_a_body_schema_has_required_fields_enums_and_the_door_leniency() -> None:
    schema = _resolved(_request_schema(_route("POST", "/contacts")))
    assert schema["required"] == ["contact_type"]
    assert _resolved(schema["properties"]["contact_type"])["enum"] == ["PERSON", "COMPANY"]
    validator = _validator(_request_schema(_route("POST", "/contacts")))
    phone = {"phone_type": "MOBILE", "number": "99123456"}
    assert validator.is_valid({"contact_type": "PERSON", "phones": [phone | {"is_primary": True}]})
    assert validator.is_valid({"contact_type": "PERSON", "phones": phone | {"is_primary": "TRUE"}})
    assert not validator.is_valid({"contact_type": "ROBOT"})
    assert not validator.is_valid({"first_name": "John"})
    assert not validator.is_valid({"contact_type": "PERSON", "phones": [phone | {"x": 1}]})
    assert not validator.is_valid(
        {"contact_type": "PERSON", "phones": [phone | {"is_primary": "maybe"}]}
    )


def test_money_and_times_in_a_body() -> None:
    validator = _validator(_request_schema(_route("POST", "/journals")))
    journal = {"wallet_id": "W-1", "type": "CREDIT"}
    assert validator.is_valid(journal | {"amount": 10.5, "valid_to": 1587988965})
    assert validator.is_valid(journal | {"amount": "10.1234", "valid_to": "2026-01-01T00:00:00Z"})
    assert not validator.is_valid(journal | {"amount": "10.12345"})
    assert not validator.is_valid(journal | {"amount": True})


def test_parameters_have_their_variable_types() -> None:
    parameters = {p["name"]: p for p in _operation("GET", "/contacts")["parameters"]}
    assert _resolved(parameters["contact_type"]["schema"])["enum"] == ["PERSON", "COMPANY"]
    assert parameters["page"]["schema"]["type"] == "integer"
    assert parameters["page"]["schema"]["default"] == 1
    assert parameters["order"]["schema"]["default"] == "DESC"
    assert parameters["size"]["description"] == (
        "Items per page, 1 or more; a size above 100 is served at 100 (paging.size says so)."
    )
    network = {p["name"]: p for p in _operation("GET", "/organisations/{id}/network")["parameters"]}
    assert network["id"] | {"in": "path", "required": True} == network["id"]
    assert network["tags"]["schema"] == {"type": "array", "items": {"type": "string"}}
    assert (network["tags"]["style"], network["tags"]["explode"]) == ("form", False)
    assert network["include_groups"]["schema"] == {
        "type": "boolean",
        "description": "true or false (also yes/no, 1/0).",
        "default": False,
    }


def test_error_responses_share_the_spec_error_body() -> None:
    for route in ROUTES:
        responses = _operation(route.method, route.path)["responses"]
        for status in ("4XX", "5XX"):
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": COMPONENTS + "Error"}
    error = DOCUMENT["components"]["schemas"]["Error"]
    assert error["required"] == ["status", "message", "error", "parameters"]


def test_shapes_reshape_the_response_schema() -> None:
    identifier = _success_schema(_route("POST", "/contacts"))
    assert identifier["properties"]["id"]["type"] == "string"
    assert (identifier["required"], identifier["additionalProperties"]) == (["id"], False)
    rewards = _success_schema(_route("GET", "/accounts/{id}/rewards"))
    assert "rewards" not in rewards["properties"]
    assert _validator(rewards["properties"]["reward_tier"]).is_valid(None)
    balances = _success_schema(_route("GET", "/wallets/{id}/commerce_balances"))
    assert "expiration" not in balances["items"]["required"]
    assert not _validator(balances["items"]["properties"]["expiration"]).is_valid(None)


class _Checked:
    """Calls routes and checks every answer against the route's documented success schema."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.checked: set[tuple[str, str]] = set()

    async def __call__(
        self,
        method: str,
        path: str,
        values: dict[str, str] | None = None,
        body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        route = _route(method, path)
        response = await self.api.rest(method, path.format(**(values or {})), body, params=params)
        assert response.status_code == route.status, response.text
        errors = list(_validator(_success_schema(route)).iter_errors(response.json()))
        assert not errors, [f"{method} {path} {list(e.path)}: {e.message}" for e in errors]
        self.checked.add((method, path))
        return response.json()


async def test_answers_match_their_documented_schemas(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    call = _Checked(api)
    example = _route("POST", "/contacts").example_body
    contact = await call("POST", "/contacts", body=example)
    ids = {"id": contact["id"], "contact_id": contact["id"]}
    await call("GET", "/contacts/{id}", ids)
    await call("GET", "/contacts", params={"search_value": "john"})
    await call("PUT", "/contacts/{id}", ids, {"email_address": "john.doe@example.com"})
    account = await call("POST", "/contacts/{contact_id}/accounts", ids, {"currency_code": "EUR"})
    await call("GET", "/contacts/{contact_id}/accounts", ids)
    account_ids = {"id": account["id"]}
    await call("GET", "/accounts/{id}/financials", account_ids)
    await call("GET", "/accounts/{id}/rewards", account_ids)
    await call("PUT", "/accounts/{id}/rewards", account_ids, {"spending_blocked_status": "true"})
    await call("GET", "/accounts/{id}/rewards", account_ids)
    merchant = {"organisation_id": tenant.organisation_id, "is_next_visit": "false"}
    await call("POST", "/accounts/{id}/merchants", account_ids, {"merchants": [merchant]})

    other_account = await make_account(db, tenant.organisation_id, number="AC00000099")
    example = _route("POST", "/accounts/{id}/wallets").example_body
    wallet = await call("POST", "/accounts/{id}/wallets", {"id": other_account}, example)
    wallet_ids = {"id": wallet["id"]}
    example = _route("PUT", "/wallets/{id}").example_body
    await call("PUT", "/wallets/{id}", wallet_ids, example)
    await call("GET", "/wallets/{id}", wallet_ids)
    condition_id = await make_spend_condition(db, tenant.organisation_id)
    credit = {"wallet_id": wallet["id"], "amount": 10.5, "type": "CREDIT"}
    journal = await call("POST", "/journals", body=credit | {"spend_condition_id": condition_id})
    await call("GET", "/journals/{id}", {"id": journal["id"]})
    for include in ("true", "false"):
        await call(
            "GET",
            "/wallets/{id}/commerce_balances",
            wallet_ids,
            params={"include_expiration": include},
        )

    organisation = {"id": tenant.organisation_id}
    await call("GET", "/organisations/{id}", organisation)
    await call(
        "GET",
        "/organisations/{id}/network",
        organisation,
        params={"include_groups": "true", "include_total_users": "true"},
    )
    await call("GET", "/organisations/{id}/network", organisation)
    credentials = {"email": tenant.owner_email, "password": tenant.owner_password}
    await call("POST", "/users/authenticate", body=credentials)
    assert len(call.checked) >= 18


async def test_error_answers_match_the_error_schema(api: Api) -> None:
    validator = _validator({"$ref": COMPONENTS + "Error"})
    for response in (
        await api.rest("GET", "/contacts/C-404"),
        await api.rest("POST", "/contacts", {"contact_type": "ROBOT"}),
        await api.rest("PATCH", "/contacts"),
    ):
        assert response.status_code >= 400
        assert validator.is_valid(response.json()), response.json()
