"""Signing in as CRM.COM's client libraries do: ``{"username", "password"}``, a token pair, the raw
token in ``authorization`` next to an ``api_key``, and refreshing, through both doors."""

from sqlalchemy import delete, update

from app.db.engine import Database
from app.db.models import Membership
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.identity_helpers import (
    accept,
    bearer,
    contact_codes,
    create_contact,
    graphql_contact_codes,
    invite,
    sign_in,
)

AUTHENTICATE = """mutation ($input: AuthenticateUserInput!) {
    authenticate_user(input: $input) { access_token refresh_token expires_in }
}"""
REFRESH = """mutation ($token: String!) {
    refresh_access_token(input: {refresh_token: $token}) { access_token refresh_token expires_in }
}"""


async def test_a_client_library_signs_in_lists_contacts_with_the_raw_token_and_refreshes(
    api: Api, tenant: BootstrapResult
) -> None:
    await create_contact(api, "SEEN")
    pair = await sign_in(api, tenant.owner_email, tenant.owner_password)
    assert set(pair) == {"access_token", "refresh_token", "expires_in"}
    assert pair["expires_in"] == 3600
    # The raw token in "authorization" (no "Bearer ") next to the secret key.
    raw = {"authorization": pair["access_token"], "api_key": tenant.secret_api_key}
    client = api.as_key("")
    assert await contact_codes(client, **raw) == ["SEEN"]
    assert await graphql_contact_codes(client, **raw) == ["SEEN"]

    refreshed = await client.rest(
        "POST", "/users/refresh", {"refresh_token": pair["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    new_pair = refreshed.json()
    assert set(new_pair) == {"access_token", "refresh_token", "expires_in"}
    assert new_pair["refresh_token"] != pair["refresh_token"]
    assert await contact_codes(client, authorization=new_pair["access_token"]) == ["SEEN"]
    # A refresh token is exchanged once.
    again = await client.rest("POST", "/users/refresh", {"refresh_token": pair["refresh_token"]})
    assert again.status_code == 401
    assert again.json()["error"] == "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"
    body = await client.graphql(REFRESH, {"token": pair["refresh_token"]})
    assert body["errors"][0]["extensions"]["status"] == 401
    data = await client.data(REFRESH, {"token": new_pair["refresh_token"]})
    assert data["refresh_access_token"]["access_token"]


async def test_username_email_alias_and_graphql_sign_in(api: Api, tenant: BootstrapResult) -> None:
    client = api.as_key("")
    by_email = await client.rest(
        "POST",
        "/users/authenticate",
        {"email": tenant.owner_email.upper(), "password": tenant.owner_password},
    )
    assert by_email.status_code == 200, by_email.text
    data = await client.data(
        AUTHENTICATE, {"input": {"username": tenant.owner_email, "password": tenant.owner_password}}
    )
    assert data["authenticate_user"]["refresh_token"].startswith("rt_")
    neither = await client.rest("POST", "/users/authenticate", {"password": "x"})
    assert (neither.status_code, neither.json()["parameters"]) == (400, ["username"])
    wrong = await client.rest(
        "POST", "/users/authenticate", {"username": tenant.owner_email, "password": "wrong"}
    )
    assert wrong.status_code == 401


async def test_a_chosen_username_signs_in_and_must_be_unique(
    api: Api, tenant: BootstrapResult
) -> None:
    token = await invite(api, tenant.organisation_id, "jane@example.com")
    await accept(api, token, "jane-password", username="j_doe@crm.com")
    pair = await sign_in(api, "j_doe@crm.com", "jane-password")
    assert await contact_codes(api.as_key(""), **bearer(pair["access_token"])) == []
    # The e-mail address still signs in (alias); the username is taken for anyone else.
    await sign_in(api, "jane@example.com", "jane-password")
    other = await invite(api, tenant.organisation_id, "john@example.com")
    response = await api.as_key("").rest(
        "POST",
        "/users/invitations/accept",
        {"token": other, "password": "john-password", "username": "J_Doe@crm.com"},
    )
    assert (response.status_code, response.json()["parameters"]) == (409, ["username"])


async def test_a_raw_token_alone_is_a_token_and_a_malformed_one_is_refused(
    api: Api, tenant: BootstrapResult
) -> None:
    await create_contact(api, "MINE")
    pair = await sign_in(api, tenant.owner_email, tenant.owner_password)
    client = api.as_key("")
    assert await contact_codes(client, authorization=pair["access_token"]) == ["MINE"]
    assert await graphql_contact_codes(client, authorization=pair["access_token"]) == ["MINE"]
    for refused in ("not.a.token", pair["access_token"][:-4] + "AAAA", "sk_live_x.y.z"):
        response = await client.rest("GET", "/contacts", headers={"authorization": refused})
        assert response.status_code == 401, refused
        assert response.json()["error"] == "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"


async def test_a_token_and_a_key_of_different_organisations_are_refused(
    api: Api, tenant: BootstrapResult
) -> None:
    pair = await sign_in(api, tenant.owner_email, tenant.owner_password)
    mixed = {"authorization": pair["access_token"], "api_key": tenant.service_owner_secret_api_key}
    client = api.as_key("")
    response = await client.rest("GET", "/contacts", headers=mixed)
    assert response.status_code == 401
    assert "different organisations" in response.json()["message"]
    graphql = await client.client.post(
        "/graphql", json={"query": "{ contacts { paging { total } } }"}, headers=mixed
    )
    assert graphql.status_code == 401
    # A revoked or unknown key next to a valid token is refused too.
    mixed["api_key"] = "sk_live_" + "0" * 43
    assert (await client.rest("GET", "/contacts", headers=mixed)).status_code == 401


async def test_with_a_token_and_a_key_the_request_acts_as_the_user(
    api: Api, tenant: BootstrapResult
) -> None:
    pair = await sign_in(api, tenant.owner_email, tenant.owner_password)
    both = {"authorization": pair["access_token"], "api_key": tenant.secret_api_key}
    # Switching is for signed-in users only: the key alone is refused, the pair acts as the user.
    alone = await api.rest("POST", f"/organisations/{tenant.organisation_id}/switch")
    assert alone.status_code == 403
    switched = await api.as_key("").rest(
        "POST", f"/organisations/{tenant.organisation_id}/switch", headers=both
    )
    assert switched.status_code == 200, switched.text


async def test_a_token_stops_working_when_its_membership_is_removed_or_its_role_changes(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    token = await invite(api, tenant.organisation_id, "ann@example.com", role="ADMIN")
    joined = await accept(api, token, "ann-password")
    pair = await sign_in(api, "ann@example.com", "ann-password")
    client = api.as_key("")
    assert await contact_codes(client, **bearer(pair["access_token"])) == []
    async with db.write() as session:
        await session.execute(
            update(Membership)
            .where(Membership.user_id == joined["user_id"])
            .values(role="READ_ONLY")
        )
    response = await client.rest("GET", "/contacts", headers=bearer(pair["access_token"]))
    assert response.status_code == 401
    assert "role" in response.json()["message"]
    # Refreshing gives a token with the role the membership has now.
    refreshed = await client.rest(
        "POST", "/users/refresh", {"refresh_token": pair["refresh_token"]}
    )
    assert refreshed.status_code == 200, refreshed.text
    new_token = refreshed.json()["access_token"]
    assert await contact_codes(client, **bearer(new_token)) == []
    async with db.write() as session:
        await session.execute(delete(Membership).where(Membership.user_id == joined["user_id"]))
    assert (await client.rest("GET", "/contacts", headers=bearer(new_token))).status_code == 401
    refresh_again = await client.rest(
        "POST", "/users/refresh", {"refresh_token": refreshed.json()["refresh_token"]}
    )
    assert refresh_again.status_code == 401
