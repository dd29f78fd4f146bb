"""Reference data's queries (each kind by id and its list) are compiled reads: one statement,
answering byte for byte like the general Strawberry path, on both databases."""

from typing import Any

import httpx

from app.onboarding import BootstrapResult
from app.reference.service import KINDS as RULES
from app.reference.service import ReferenceKind
from tests.conftest import Api, counting_statements
from tests.test_reference import KINDS, create

# The fields each kind shows beyond the common ones, as these queries select them.
OWN_FIELDS = {
    "payment_terms": "days",
    "industry_sector": "industry_id",
    "reward_scheme": "sign_up_method email_domains sign_up_code",
    "reward_tier": "reward_scheme_id color threshold_value_units",
    "spend_condition": "is_active timings { month day start_time end_time __typename }",
}
# Each kind's own list filter and a sort beyond name and created_on, when it has them.
FILTERS = {
    "industry_sector": "industry_id",
    "reward_scheme": "sign_up_method",
    "reward_tier": "reward_scheme_id",
    "spend_condition": "is_active",
}
EXTRA_SORTS = {"payment_terms": "days", "reward_tier": "threshold_value_units"}


def _selection(kind: str) -> str:
    return f"__typename id name description created_on {OWN_FIELDS.get(kind, '')}"


async def _seed(api: Api, tenant: BootstrapResult) -> dict[str, list[dict[str, Any]]]:
    """Rows of every kind (each kind's own fields set, names with quotes, accents and a
    backslash, a row without description), as the general path shows them."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        selection = _selection(kind.kind)
        first = await kind.input(api, tenant, 'Zoë "first" \\ €')
        second = {**(await kind.input(api, tenant, "second")), "description": None}
        rows[kind.kind] = [
            await create(api, kind.kind, first, selection),
            await create(api, kind.kind, second, selection),
        ]
    return rows


def _queries(kind: str, rows: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Queries of one kind: by id (found, unknown) and its list with every argument."""
    one, many = kind, RULES[ReferenceKind(kind)].list_field
    selection = _selection(kind)
    by_id = f"query($id: ID!) {{ {one}(id: $id) {{ {selection} }} }}"
    page = "paging { page size total has_more __typename } __typename"
    queries: list[tuple[str, dict[str, Any]]] = [
        (by_id, {"id": rows[0]["id"]}),
        (by_id, {"id": "nobody"}),
        (f"{{ {many} {{ content {{ {selection} }} {page} }} }}", {}),
        (
            f"""query($size: Int, $page: Int) {{
                 {many}(size: $size, page: $page, sort: "name", order: ASC) {{
                   content {{ id name }} {page} }} }}""",
            {"size": 1, "page": 2},
        ),
        (
            f"""{{ {many}(filter: {{search_value: "ZOË"}}) {{ content {{ id }} paging {{ total }} }}
                 none: {many}(filter: {{search_value: "nothing"}}, size: 5) {{
                   content {{ id }} paging {{ has_more }} }} }}""",
            {},
        ),
    ]
    if kind in EXTRA_SORTS:
        queries.append((f'{{ {many}(sort: "{EXTRA_SORTS[kind]}") {{ content {{ id }} }} }}', {}))
    if kind in FILTERS:
        name = FILTERS[kind]
        value = rows[0][name] if name != "is_active" else False
        queries.append(
            (
                f"query($value: {_filter_type(name)}) {{ {many}(filter: {{{name}: $value}}) {{"
                f" content {{ id }} {page} }} }}",
                {"value": value},
            )
        )
    return queries


def _filter_type(name: str) -> str:
    return {"sign_up_method": "SignUpMethod", "is_active": "Boolean"}.get(name, "ID")


async def test_reference_reads_are_compiled_and_answer_alike(
    gateway: Any, general_app: Any, api: Api, tenant: BootstrapResult
) -> None:
    live = await _seed(api, tenant)
    other_mode = Api(api.client, tenant.test_secret_api_key)
    await _seed(other_mode, tenant)  # rows the live key must not see
    app, client = gateway
    plans = app.state.schema.compiled_reads
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for kind, rows in live.items():
            for query, variables in _queries(kind, rows):
                assert plans.plan_for(query, None) is not None, query
                body = {"query": query, "variables": variables}
                for key in (tenant.secret_api_key, tenant.test_secret_api_key):
                    headers = {"api_key": key}
                    with counting_statements(app) as statements:
                        compiled = await client.post("/graphql", json=body, headers=headers)
                    expected = await general.post("/graphql", json=body, headers=headers)
                    assert compiled.content == expected.content, (query, variables, key)
                    answer = expected.json()
                    if answer.get("data") is not None and "errors" not in answer:
                        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                        roots = len(answer["data"])
                        assert len(selects) == roots, (query, statements)
            found = (await api.data(_queries(kind, rows)[0][0], {"id": rows[0]["id"]}))[kind]
            assert found == rows[0]
