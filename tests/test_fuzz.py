"""Bounded property-based fuzz of both doors with schemathesis: the OpenAPI document
(``rest_compat/openapi.json``, as served) and the GraphQL SDL (``schema/schema.graphql``).

Every answer must be a non-5xx; every REST error must carry the spec's error body; every
GraphQL answer must be ``{"data": ...}`` or ``{"errors": [...]}`` with ``extensions.code`` on
each error (see ``graphql_problem``). Fixed seed (derandomized), a bounded number of examples
per operation, SQLite only, against one gateway process.
Marked ``fuzz``: ``pytest -m "not fuzz"`` skips it locally.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from tests.gateway_processes import Server, sqlite_server

ROOT = Path(__file__).resolve().parent.parent
REST_EXAMPLES = 12
GRAPHQL_EXAMPLES = 12


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate],
    )


pytestmark = pytest.mark.fuzz

# The gateway's custom scalars, as GraphQL literals: exact decimals (strings and numbers, some
# out of range or malformed) and ISO times or epochs.
schemathesis.graphql.scalar(
    "Money",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
        st.text(max_size=12),
    ).map(schemathesis.graphql.nodes.String)
    | st.integers().map(schemathesis.graphql.nodes.Int),
)
schemathesis.graphql.scalar(
    "DateTime",
    st.datetimes().map(lambda t: t.isoformat()).map(schemathesis.graphql.nodes.String)
    | st.integers(min_value=-(2**40), max_value=2**40).map(schemathesis.graphql.nodes.Int),
)

# A file travels as a multipart part, never as a literal: any literal is refused with a 400.
schemathesis.graphql.scalar("Upload", st.text(max_size=12).map(schemathesis.graphql.nodes.String))

rest_schema = schemathesis.openapi.from_dict(
    json.loads((ROOT / "rest_compat" / "openapi.json").read_text())
)
graphql_schema = schemathesis.graphql.from_file((ROOT / "schema" / "schema.graphql").read_text())


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One gateway process on SQLite for the whole fuzz."""
    yield from sqlite_server(tmp_path_factory.mktemp("fuzz"))


def rest_problem(status: int, body: Any) -> str | None:
    if status >= 500:
        return f"server error {status}: {body}"
    if status >= 300:
        if not isinstance(body, dict) or set(body) != {"status", "message", "error", "parameters"}:
            return f"error {status} without the spec's error body: {body}"
        if body["status"] != status:
            return f"error body status {body['status']} on a {status}"
    return None


def graphql_problem(status: int, body: Any) -> str | None:
    if status >= 500:
        return f"server error {status}: {body}"
    if not isinstance(body, dict) or not ({"data", "errors"} & set(body)):
        return f"not a GraphQL response: {body}"
    errors = body.get("errors")
    if errors is not None and not (isinstance(errors, list) and errors):
        return f"errors is not a non-empty list: {body}"
    if errors is not None and not all(
        isinstance(error, dict) and "code" in (error.get("extensions") or {}) for error in errors
    ):
        return f"an error without extensions.code: {body}"
    return None


@rest_schema.parametrize()
@fuzz_settings(REST_EXAMPLES)
def test_rest_fuzz(case: Any, fuzz_server: Server) -> None:
    response = case.call(base_url=fuzz_server.url, headers={"api_key": fuzz_server.key})
    try:
        body = response.json()
    except ValueError:
        body = response.text
    problem = rest_problem(response.status_code, body)
    assert problem is None, f"{case.method} {case.formatted_path}: {problem}"


@graphql_schema.parametrize()
@fuzz_settings(GRAPHQL_EXAMPLES)
def test_graphql_fuzz(case: Any, fuzz_server: Server) -> None:
    response = case.call(
        base_url=fuzz_server.url + "/graphql", headers={"api_key": fuzz_server.key}
    )
    try:
        body = response.json()
    except ValueError:
        body = response.text
    problem = graphql_problem(response.status_code, body)
    assert problem is None, f"{case.body}: {problem}"
