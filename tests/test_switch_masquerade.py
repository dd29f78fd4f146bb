"""Switch and masquerade (spec routes 86, 87) through both doors: the token each returns sees
exactly the organisation it names (and what is below it) with the role the spec's notes give.

The network:

    Service Owner (bootstrap)
      My Business (bootstrap)   <- Ann: ADMIN (joined first: she signs in here)
        Shop A (MERCHANT)
        Shop B (MERCHANT)
      Other Business            <- Ann: READ_ONLY
"""

from dataclasses import dataclass
from typing import Any

import jwt
from sqlalchemy import delete

from app.db.engine import Database
from app.db.models import Membership
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.identity_helpers import (
    accept,
    bearer,
    contact_codes,
    create_child,
    create_contact,
    graphql_contact_codes,
    invite,
    sign_in,
)

SWITCH = "mutation ($id: ID!) { switch_organisation(id: $id) { access_token refresh_token } }"
MASQUERADE = (
    "mutation ($id: ID!) { masquerade_organisation(id: $id) { access_token refresh_token } }"
)


@dataclass
class Network:
    business: str
    shop_a: str
    shop_b: str
    other: str
    ann_id: str
    ann_token: str


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


async def build_network(api: Api, tenant: BootstrapResult) -> Network:
    business = tenant.organisation_id
    shop_a = await create_child(api, business, "MERCHANT", "Shop A")
    shop_b = await create_child(api, business, "MERCHANT", "Shop B")
    owner = api.as_key(tenant.service_owner_secret_api_key)
    other = await create_child(owner, tenant.service_owner_id, "BUSINESS", "Other Business")
    await create_contact(api, "BUSINESS")
    for creator, organisation, code in (
        (api, shop_a, "SHOP-A"),
        (api, shop_b, "SHOP-B"),
        (owner, other, "OTHER"),
    ):
        key = await new_secret_key(creator, organisation)
        await create_contact(api.as_key(key), code)
    joined = await accept(api, await invite(api, business, "ann@example.com"), "ann-password")
    token = await invite(owner, other, "ann@example.com", role="READ_ONLY")
    await accept(api, token, "ann-password")
    pair = await sign_in(api, "ann@example.com", "ann-password")
    return Network(business, shop_a, shop_b, other, joined["user_id"], pair["access_token"])


async def new_secret_key(api: Api, organisation_id: str) -> str:
    response = await api.rest("POST", f"/organisations/{organisation_id}/api_keys", {})
    assert response.status_code == 200, response.text
    key: str = response.json()["key"]
    return key


async def test_switch_acts_in_the_other_organisation_with_the_role_invited_with(
    api: Api, tenant: BootstrapResult
) -> None:
    net = await build_network(api, tenant)
    client = api.as_key("")
    assert claims(net.ann_token)["role"] == "ADMIN"
    assert await contact_codes(client, **bearer(net.ann_token)) == ["BUSINESS", "SHOP-A", "SHOP-B"]

    response = await client.rest(
        "POST", f"/organisations/{net.other}/switch", headers=bearer(net.ann_token)
    )
    assert response.status_code == 200, response.text
    switched = response.json()
    assert set(switched) == {"access_token", "refresh_token", "expires_in"}
    assert (claims(switched["access_token"])["org"], claims(switched["access_token"])["role"]) == (
        net.other,
        "READ_ONLY",
    )
    assert await contact_codes(client, **bearer(switched["access_token"])) == ["OTHER"]
    assert await graphql_contact_codes(client, **bearer(switched["access_token"])) == ["OTHER"]
    business = await client.rest(
        "GET", f"/organisations/{net.business}", headers=bearer(switched["access_token"])
    )
    assert business.status_code == 404

    # Through GraphQL, and back.
    data = await client.data(SWITCH, {"id": net.business}, headers=bearer(switched["access_token"]))
    back = data["switch_organisation"]["access_token"]
    assert claims(back)["role"] == "ADMIN"
    assert await graphql_contact_codes(client, **bearer(back)) == ["BUSINESS", "SHOP-A", "SHOP-B"]


async def test_switch_refuses_organisations_the_user_is_not_a_member_of_and_api_keys(
    api: Api, tenant: BootstrapResult
) -> None:
    net = await build_network(api, tenant)
    client = api.as_key("")
    for organisation in (net.shop_a, tenant.service_owner_id, "no-such-organisation"):
        response = await client.rest(
            "POST", f"/organisations/{organisation}/switch", headers=bearer(net.ann_token)
        )
        assert response.status_code == 404, organisation
        assert response.json()["parameters"] == ["organisation", organisation]
    body = await client.graphql(SWITCH, {"id": net.shop_a}, headers=bearer(net.ann_token))
    assert body["errors"][0]["extensions"]["status"] == 404
    response = await api.rest("POST", f"/organisations/{net.business}/switch")
    assert response.status_code == 403
    body = await api.graphql(MASQUERADE, {"id": net.shop_a})
    assert body["errors"][0]["extensions"]["status"] == 403


async def test_masquerade_sees_only_the_organisation_below_with_the_signed_in_role(
    api: Api, tenant: BootstrapResult
) -> None:
    net = await build_network(api, tenant)
    client = api.as_key("")
    response = await client.rest(
        "POST", f"/organisations/{net.shop_a}/masquerade", headers=bearer(net.ann_token)
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert claims(token)["org"] == net.shop_a
    assert claims(token)["home"] == net.business
    assert claims(token)["role"] == "ADMIN"  # the role where Ann signed in, not a role of Shop A
    assert await contact_codes(client, **bearer(token)) == ["SHOP-A"]
    assert await graphql_contact_codes(client, **bearer(token)) == ["SHOP-A"]
    for hidden in (net.business, net.shop_b):
        assert (
            await client.rest("GET", f"/organisations/{hidden}", headers=bearer(token))
        ).status_code == 404

    # From there, another organisation below the one signed in to (GraphQL), but nothing else.
    data = await client.data(MASQUERADE, {"id": net.shop_b}, headers=bearer(token))
    shop_b = data["masquerade_organisation"]
    assert await contact_codes(client, **bearer(shop_b["access_token"])) == ["SHOP-B"]
    for refused in (net.other, tenant.service_owner_id):
        response = await client.rest(
            "POST", f"/organisations/{refused}/masquerade", headers=bearer(token)
        )
        assert response.status_code == 404, refused
        assert response.json()["parameters"] == ["organisation", refused]

    # A refreshed masquerade acts where it did.
    refreshed = await client.rest(
        "POST", "/users/refresh", {"refresh_token": shop_b["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    assert await contact_codes(client, **bearer(refreshed.json()["access_token"])) == ["SHOP-B"]


async def test_masquerade_is_below_the_organisation_switched_to(
    api: Api, tenant: BootstrapResult
) -> None:
    net = await build_network(api, tenant)
    client = api.as_key("")
    switched = (
        await client.rest(
            "POST", f"/organisations/{net.other}/switch", headers=bearer(net.ann_token)
        )
    ).json()["access_token"]
    response = await client.rest(
        "POST", f"/organisations/{net.shop_a}/masquerade", headers=bearer(switched)
    )
    assert response.status_code == 404


async def test_a_masquerade_token_stops_working_with_the_signed_in_membership(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    net = await build_network(api, tenant)
    client = api.as_key("")
    token = (
        await client.rest(
            "POST", f"/organisations/{net.shop_a}/masquerade", headers=bearer(net.ann_token)
        )
    ).json()["access_token"]
    async with db.write() as session:
        await session.execute(
            delete(Membership).where(
                Membership.user_id == net.ann_id, Membership.organisation_id == net.business
            )
        )
    response = await client.rest("GET", "/contacts", headers=bearer(token))
    assert response.status_code == 401


async def test_an_organisation_masqueraded_into_can_still_be_removed(
    api: Api, tenant: BootstrapResult
) -> None:
    net = await build_network(api, tenant)
    client = api.as_key("")
    shop_c = await create_child(api, net.business, "MERCHANT", "Shop C")
    pair = (
        await client.rest(
            "POST", f"/organisations/{shop_c}/masquerade", headers=bearer(net.ann_token)
        )
    ).json()
    removed = await api.rest("DELETE", f"/organisations/{shop_c}")
    assert removed.status_code == 200, removed.text
    assert (
        await client.rest("GET", "/contacts", headers=bearer(pair["access_token"]))
    ).status_code == 401
    refreshed = await client.rest(
        "POST", "/users/refresh", {"refresh_token": pair["refresh_token"]}
    )
    assert refreshed.status_code == 401
