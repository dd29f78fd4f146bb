"""Query limits at both doors: fragment bombs and cycles, depth, aliases, cost, credentials
before validation, introspection for authenticated callers only, and the validation cache."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import strawberry.schema.schema as strawberry_schema
from graphql import get_introspection_query, parse, validate

import schema.compiled
from app.main import create_app
from app.onboarding import BootstrapResult, bootstrap
from app.settings import Settings
from rest_compat.routes import ROUTES
from schema.limits import QueryLimits, query_limit_rules
from schema.schema import build_schema
from tests.conftest import Api

LIMIT_CODE = "QUERYLIMITEXCEEDED"


def fragment_bomb(fragments: int, root: str, type_name: str) -> str:
    """Fragment ``F<i>`` spreads ``F<i+1>`` twice: 2**fragments fields once expanded."""
    chain = " ".join(
        f"fragment F{i} on {type_name} {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)
    )
    return f"{root} {chain} fragment F{fragments} on {type_name} {{ id }}"


def network_aliases(organisation_id: str) -> str:
    """30 aliases of network(100) > children(100) > contacts(100): within the alias limit."""
    one = (
        f'organisation_network(id: "{organisation_id}", size: 100) {{ content {{ id'
        " children(size: 100) { content { id contacts(size: 100) { content { id } } } } } }"
    )
    return "{ " + " ".join(f"n{i}: {one}" for i in range(30)) + " }"


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    """The one query-limit error of a refused GraphQL answer (no data)."""
    assert body.get("data") is None, body
    limits = [e for e in body["errors"] if e.get("extensions", {}).get("code") == LIMIT_CODE]
    assert len(limits) == 1, body["errors"]
    return limits[0]


@asynccontextmanager
async def gateway_with(
    database_url: str, **settings: Any
) -> AsyncIterator[tuple[Api, BootstrapResult]]:
    """A running gateway with some settings changed, and its first organisation's client."""
    app = create_app(
        Settings(
            database_url=database_url,
            jwt_secret="test-secret-for-the-gateway-suite-0123456789",
            **settings,
        )
    )
    async with app.router.lifespan_context(app):
        tenant = await bootstrap(app.state.gateway.runtime.db)
        assert tenant is not None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield Api(client, tenant.secret_api_key), tenant


def counting(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[object]:
    """Count the calls of ``module.name`` (the calls' first arguments are kept)."""
    calls: list[object] = []
    original: Callable[..., Any] = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0] if args else None)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize(
    ("root", "type_name"),
    [
        ('{ organisation(id: "x") { ...F0 } }', "Organisation"),
        ("{ contacts(size: 1) { content { ...F0 } } }", "Contact"),  # a compilable read
    ],
)
async def test_fragment_bomb_is_refused_with_and_without_credentials(
    api: Api, root: str, type_name: str
) -> None:
    bomb = fragment_bomb(30, root, type_name)
    for caller in (api, api.as_key("")):
        error = refusal(await caller.graphql(bomb))
        assert error["extensions"]["parameters"][0] == "max_query_fields"
        assert "fragments are expanded" in error["message"]


async def test_fragment_cycle_is_refused(api: Api) -> None:
    cycle = (
        '{ organisation(id: "x") { ...A } } '
        "fragment A on Organisation { id ...B } fragment B on Organisation { name ...A }"
    )
    for caller in (api, api.as_key("")):
        body = await caller.graphql(cycle)
        assert body.get("data") is None
        assert any("within itself" in e["message"] for e in body["errors"]), body


async def test_costly_network_query_is_refused_naming_the_cost_limit(
    api: Api, tenant: BootstrapResult
) -> None:
    error = refusal(await api.graphql(network_aliases(tenant.organisation_id)))
    assert error["extensions"]["parameters"][0] == "max_query_cost"
    assert "max_query_cost" in error["message"]
    assert error["extensions"]["status"] == 400
    # The same tree with one alias and small pages is answered.
    small = (
        f'{{ organisation_network(id: "{tenant.organisation_id}", size: 5) {{ content {{ id'
        " children(size: 5) { content { id contacts(size: 5) { content { id } } } } } } }"
    )
    assert (await api.data(small))["organisation_network"]["content"] == []


async def test_cost_refusal_through_rest_is_a_400_in_the_spec_body(database_url: str) -> None:
    async with gateway_with(database_url, max_query_cost=50) as (api, _):
        response = await api.rest("GET", "/contacts", params={"size": 5})
        assert response.status_code == 400
        body = response.json()
        assert body["status"] == 400
        assert body["error"] == "CRM.EXCEPTIONS.QUERYLIMITEXCEEDEDEXCEPTION"
        assert body["parameters"][0] == "max_query_cost"
        assert "max_query_cost" in body["message"]


async def test_depth_counts_through_fragments(api: Api) -> None:
    # 13 levels of parent, reached through a fragment spread twice; the limit is 12.
    fragment = "fragment Up on Organisation { " + "parent { " * 13 + "id" + " }" * 13 + " }"
    body = await api.graphql('{ organisation(id: "x") { ...Up a: parent { ...Up } } } ' + fragment)
    error = refusal(body)
    assert error["extensions"]["parameters"][0] == "max_query_depth"
    assert "levels deep" in error["message"]


async def test_aliases_in_a_fragment_count_once_per_spread(api: Api) -> None:
    aliases = " ".join(f"a{n}: id" for n in range(16))
    body = await api.graphql(
        '{ organisation(id: "x") { ...A parent { ...A } } } '
        f"fragment A on Organisation {{ {aliases} }}"
    )
    error = refusal(body)
    assert error["extensions"]["parameters"][:3] == ["max_aliases", "30", "32"]
    assert "aliases" in error["message"]


def test_every_rest_document_and_the_introspection_query_are_within_the_default_limits() -> None:
    settings = Settings()
    graphql_schema = build_schema(settings)._schema
    rules = query_limit_rules(QueryLimits.from_settings(settings))
    for document in [route.document for route in ROUTES] + [get_introspection_query()]:
        assert validate(graphql_schema, parse(document), rules) == [], document


async def test_invalid_credentials_are_refused_before_any_document_is_validated(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = counting(monkeypatch, schema.compiled, "build_plan")
    validations = counting(monkeypatch, strawberry_schema, "validate")
    bomb = fragment_bomb(30, "{ contacts(size: 1) { content { ...F0 } } }", "Contact")
    for document in (bomb, "{ contacts { paging { total } } }", "{ not valid"):
        response = await api.client.post(
            "/graphql", json={"query": document}, headers={"api_key": "sk_live_forged"}
        )
        assert response.status_code == 401
        assert response.json()["error"] == "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"
    assert plans == [] and validations == []
    # Anonymous callers are not planned for compiled reads, which need a Back-Office caller.
    await api.as_key("").graphql("{ contacts { paging { total } } }")
    assert plans == []


async def test_repeated_document_is_validated_once(
    api: Api, tenant: BootstrapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    validations = counting(monkeypatch, strawberry_schema, "validate")
    # organisation_id has a resolver: the general path answers (compiled reads plan, and so
    # validate, a document once too, in their own cache).
    query = f'{{ organisation(id: "{tenant.organisation_id}") {{ id organisation_id }} }}'
    for _ in range(3):
        await api.data(query)
    assert len(validations) == 1


async def test_introspection_needs_credentials_by_default(api: Api) -> None:
    query = "{ __schema { queryType { name } } }"
    body = await api.as_key("").graphql(query)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALIDTOKEN"
    assert "Introspection" in body["errors"][0]["message"]
    body = await api.as_key("").graphql('{ __type(name: "Contact") { name } }')
    assert body["errors"][0]["extensions"]["code"] == "INVALIDTOKEN"
    assert (await api.as_key("").graphql("{ __typename }"))["data"] == {"__typename": "Query"}
    assert (await api.data(query)) == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_answer_is_cached_per_schema(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    executions = counting(monkeypatch, strawberry_schema, "execute")
    query = get_introspection_query()
    first = await api.data(query)
    assert len(executions) <= 1  # none when another gateway of this process answered it first
    executed = len(executions)
    second = await api.data(query)
    assert first == second and first["__schema"]["queryType"]["name"] == "Query"
    assert len(executions) == executed


@pytest.mark.parametrize(
    ("policy", "anonymous_answered", "authenticated_answered"),
    [("always", True, True), ("never", False, False)],
)
async def test_introspection_policy_setting(
    database_url: str, policy: str, anonymous_answered: bool, authenticated_answered: bool
) -> None:
    query = "{ __schema { queryType { name } } }"
    async with gateway_with(database_url, introspection=policy) as (api, _):
        for caller, answered in (
            (api.as_key(""), anonymous_answered),
            (api, authenticated_answered),
        ):
            body = await caller.graphql(query)
            assert (body.get("data") is not None) is answered, body
            if not answered:
                assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
