"""Credentials at both doors: API keys, user tokens, public keys, and test/live isolation."""

from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_contacts import NEW_CONTACT, create_contact


async def test_no_credentials_is_401_at_both_doors(api: Api) -> None:
    anonymous = api.as_key("")
    response = await anonymous.rest("GET", "/contacts")
    assert response.status_code == 401
    assert response.json()["error"] == "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"
    body = await anonymous.graphql("{ contacts { paging { total } } }")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["status"] == 401


async def test_invalid_key_is_401_at_both_doors(api: Api) -> None:
    response = await api.rest("GET", "/contacts", key="sk_live_not-a-key")
    assert response.status_code == 401
    response = await api.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"api_key": "sk_live_nope"}
    )
    assert response.status_code == 401
    assert response.json()["status"] == 401


async def test_public_key_is_403_for_backoffice_operations(
    api: Api, tenant: BootstrapResult
) -> None:
    response = await api.rest("GET", "/contacts", key=tenant.public_api_key)
    assert response.status_code == 403
    response = await api.rest("POST", "/contacts", NEW_CONTACT, key=tenant.public_api_key)
    assert response.status_code == 403
    assert (await api.rest("GET", "/contacts")).json()["paging"]["total"] == 0


async def test_user_signs_in_and_uses_a_bearer_token(api: Api, tenant: BootstrapResult) -> None:
    contact_id = await create_contact(api)
    response = await api.rest(
        "POST",
        "/users/authenticate",
        {"email": tenant.owner_email, "password": tenant.owner_password},
        key="",
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["expires_in"] > 0
    as_user = api.as_key("")
    response = await as_user.rest(
        "GET",
        f"/contacts/{contact_id}",
        headers={"authorization": f"Bearer {token['access_token']}"},
    )
    assert response.status_code == 200
    assert response.json()["id"] == contact_id


async def test_wrong_password_and_forged_token_are_401(api: Api, tenant: BootstrapResult) -> None:
    response = await api.rest(
        "POST", "/users/authenticate", {"email": tenant.owner_email, "password": "wrong"}, key=""
    )
    assert response.status_code == 401
    response = await api.as_key("").rest(
        "GET", "/contacts", headers={"authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.bad"}
    )
    assert response.status_code == 401


async def test_raw_key_in_authorization_header_is_accepted(
    api: Api, tenant: BootstrapResult
) -> None:
    # Some spec examples send the key as `authorization: <key>` without Bearer.
    response = await api.as_key("").rest(
        "GET", "/contacts", headers={"authorization": tenant.secret_api_key}
    )
    assert response.status_code == 200


async def test_test_key_never_sees_or_changes_live_data(api: Api, tenant: BootstrapResult) -> None:
    live_id = await create_contact(api)
    test_api = api.as_key(tenant.test_secret_api_key)
    assert (await test_api.rest("GET", f"/contacts/{live_id}")).status_code == 404
    assert (
        await test_api.rest("PUT", f"/contacts/{live_id}", {"first_name": "X"})
    ).status_code == 404
    assert (await test_api.rest("DELETE", f"/contacts/{live_id}")).status_code == 404
    assert (await test_api.rest("GET", "/contacts")).json()["paging"]["total"] == 0
    data = await test_api.data("{ contacts { paging { total } } }")
    assert data["contacts"]["paging"]["total"] == 0

    test_id = await create_contact(test_api)  # the same code is free in test mode
    assert (await api.rest("GET", f"/contacts/{test_id}")).status_code == 404
    live = (await api.rest("GET", f"/contacts/{live_id}")).json()
    assert live["first_name"] == "John"
