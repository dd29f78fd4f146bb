"""Health, readiness and GraphiQL served by the running gateway."""

from typing import Any

from tests.conftest import Api


async def test_health_and_ready(api: Api) -> None:
    assert (await api.client.get("/health")).json() == {"status": "ok"}
    response = await api.client.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_graphiql_page_loads_only_local_assets(gateway: Any) -> None:
    _, client = gateway
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "unpkg.com" not in response.text
    assert "/graphql/assets/graphiql.min.js" in response.text
    asset = await client.get("/graphql/assets/graphiql.min.js")
    assert asset.status_code == 200


async def test_query_limits_refuse_deep_and_aliased_documents(api: Api) -> None:
    aliases = " ".join(f"a{n}: __typename" for n in range(40))
    body = await api.graphql(f"{{ {aliases} }}")
    assert body["errors"]
    assert "aliases" in body["errors"][0]["message"].lower()
