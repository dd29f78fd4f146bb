"""A real network from the first start: the bootstrapped service owner registers a business (the
spec's example), whose owner accepts the invitation, signs in and works; invitations through
both doors."""

import copy
from datetime import timedelta

from sqlalchemy import select, update

from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import Membership, Organisation, UserInvitation
from app.onboarding import BootstrapResult
from rest_compat.routes.organisations import REGISTER_EXAMPLE
from tests.access_helpers import add_custom_role, add_member, signed_in
from tests.conftest import Api, snapshot_changes, table_snapshot
from tests.identity_helpers import accept, bearer, contact_codes, invite, sign_in

REGISTER = """mutation ($input: RegisterOrganisationInput!) {
    register_organisation(input: $input) { id owner_invitation_token }
}"""
AUTHENTICATE = """mutation ($u: String!, $p: String!) {
    authenticate_user(input: {username: $u, password: $p}) { access_token }
}"""
INVITE = """mutation ($input: CreateUserInvitationInput!) {
    create_user_invitation(input: $input) { id token organisation_id role email expires_on }
}"""
ACCEPT = """mutation ($input: AcceptUserInvitationInput!) {
    accept_user_invitation(input: $input) { user_id organisation_id role access_token }
}"""


async def test_bootstrap_builds_a_service_owner_above_the_first_business(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    async with db.read() as session:
        rows = {row.id: row for row in (await session.execute(select(Organisation))).scalars()}
    service_owner, business = rows[tenant.service_owner_id], rows[tenant.organisation_id]
    assert (service_owner.org_type, service_owner.parent_id) == ("SERVICE_OWNER", None)
    assert (business.org_type, business.parent_id) == ("BUSINESS", service_owner.id)
    assert business.path == f"/{service_owner.id}/{business.id}/"
    # The business's key does not see its service owner; the service owner's sees the business.
    hidden = await api.rest("GET", f"/organisations/{service_owner.id}")
    assert hidden.status_code == 404
    seen = await api.rest(
        "GET", f"/organisations/{business.id}", key=tenant.service_owner_secret_api_key
    )
    assert seen.status_code == 200


async def test_the_spec_register_example_with_the_bootstrapped_key_then_the_owner_works(
    api: Api, tenant: BootstrapResult
) -> None:
    example = copy.deepcopy(REGISTER_EXAMPLE)
    del example["organisation_id"]  # the example's "11" names no organisation
    registered = await api.rest(
        "POST", "/organisations/register", example, key=tenant.service_owner_public_api_key
    )
    assert registered.status_code == 200, registered.text
    business_id = registered.json()["id"]
    token = registered.json()["owner_invitation_token"]
    joined = await accept(
        api, token, "john-password", email="john.doe@example.com", username="j_doe@crm.com"
    )
    assert (joined["organisation_id"], joined["role"]) == (business_id, "OWNER")
    pair = await sign_in(api, "j_doe@crm.com", "john-password")
    owner = api.as_key("")
    body = {"contact_type": "PERSON", "first_name": "Jo", "last_name": "Diner", "code": "JO"}
    created = await owner.rest("POST", "/contacts", body, headers=bearer(pair["access_token"]))
    assert created.status_code == 200, created.text
    assert await contact_codes(owner, **bearer(pair["access_token"])) == ["JO"]
    # The first business sees none of it.
    assert await contact_codes(api) == []


async def test_registration_with_a_password_through_graphql_then_the_owner_works(
    api: Api, tenant: BootstrapResult
) -> None:
    owner_input = {
        "first_name": "Jane",
        "identity": {
            "provider": "EMAIL",
            "identity_challenge": "jane@example.com",
            "identity_value": "jane-password",
        },
    }
    data = await api.data(
        REGISTER,
        {"input": {"name": "Jane's Bar", "owner": owner_input}},
        key=tenant.service_owner_public_api_key,
    )
    assert data["register_organisation"]["owner_invitation_token"] is None
    client = api.as_key("")
    signed_in = await client.data(AUTHENTICATE, {"u": "jane@example.com", "p": "jane-password"})
    headers = bearer(signed_in["authenticate_user"]["access_token"])
    created = await client.data(
        'mutation { create_contact(input: {contact_type: COMPANY, company_name: "Bar", '
        'code: "BAR"}) { id } }',
        headers=headers,
    )
    assert created["create_contact"]["id"]
    assert await contact_codes(client, **headers) == ["BAR"]


async def test_an_existing_user_accepts_with_its_own_password(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    merchant = await api.rest(
        "POST",
        f"/organisations/{tenant.organisation_id}/network",
        {"org_type": "MERCHANT", "name": "Shop"},
    )
    shop = merchant.json()["id"]
    token = await invite(api, shop, tenant.owner_email, role="READ_ONLY")
    before = await table_snapshot(db)
    wrong = await api.as_key("").rest(
        "POST", "/users/invitations/accept", {"token": token, "password": "not-the-password"}
    )
    assert wrong.status_code == 401
    assert snapshot_changes(before, await table_snapshot(db)) == []
    joined = await accept(api, token, tenant.owner_password)
    assert (joined["organisation_id"], joined["role"]) == (shop, "READ_ONLY")
    async with db.read() as session:
        roles = dict(
            (
                await session.execute(
                    select(Membership.organisation_id, Membership.role).where(
                        Membership.user_id == joined["user_id"]
                    )
                )
            ).all()
        )
    assert roles == {tenant.organisation_id: "OWNER", shop: "READ_ONLY"}
    # The owner still signs in to the business it joined first.
    pair = await sign_in(api, tenant.owner_email, tenant.owner_password)
    response = await api.as_key("").rest(
        "GET", f"/organisations/{tenant.organisation_id}", headers=bearer(pair["access_token"])
    )
    assert response.status_code == 200
    # A member is not invited twice.
    again = await api.rest(
        "POST",
        "/users/invitations",
        {"organisation_id": shop, "email": tenant.owner_email, "role": "ADMIN"},
    )
    assert (again.status_code, again.json()["parameters"]) == (409, ["email"])


async def test_invitations_through_graphql_and_their_refusals(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    data = await api.data(INVITE, {"input": {"email": "Sam@Example.com", "role": "admin"}})
    invitation = data["create_user_invitation"]
    assert (invitation["organisation_id"], invitation["role"], invitation["email"]) == (
        tenant.organisation_id,
        "ADMIN",
        "sam@example.com",
    )
    client = api.as_key("")
    short = await client.graphql(
        ACCEPT, {"input": {"token": invitation["token"], "password": "short"}}
    )
    assert short["errors"][0]["extensions"]["parameters"] == ["password"]
    other_email = await client.graphql(
        ACCEPT,
        {
            "input": {
                "token": invitation["token"],
                "password": "sam-password",
                "email": "someone.else@example.com",
            }
        },
    )
    assert other_email["errors"][0]["extensions"]["parameters"] == ["email"]
    accepted = await client.data(
        ACCEPT, {"input": {"token": invitation["token"], "password": "sam-password"}}
    )
    headers = bearer(accepted["accept_user_invitation"]["access_token"])
    assert await contact_codes(client, **headers) == []

    # Refusals: a role code that is not one, an organisation outside the network, a test key,
    # a public key, and an expired invitation.
    cases = [
        ({"email": "a@example.com", "role": "not a role"}, None, (400, ["role"])),
        (
            {"organisation_id": tenant.service_owner_id, "email": "a@example.com", "role": "ADMIN"},
            None,
            (404, ["organisation", tenant.service_owner_id]),
        ),
        (
            {"email": "a@example.com", "role": "ADMIN"},
            tenant.test_secret_api_key,
            (403, ["test_mode"]),
        ),
        ({"email": "a@example.com", "role": "ADMIN"}, tenant.public_api_key, (403, [])),
    ]
    before = await table_snapshot(db)
    for body, key, expected in cases:
        response = await api.rest("POST", "/users/invitations", body, key=key)
        assert (response.status_code, response.json()["parameters"]) == expected, body
    assert snapshot_changes(before, await table_snapshot(db)) == []
    expired = await invite(api, tenant.organisation_id, "late@example.com")
    async with db.write() as session:
        await session.execute(
            update(UserInvitation)
            .where(UserInvitation.email == "late@example.com")
            .values(expires_on=utcnow() - timedelta(seconds=1))
        )
    response = await client.rest(
        "POST", "/users/invitations/accept", {"token": expired, "password": "late-password"}
    )
    assert (response.status_code, response.json()["parameters"]) == (400, ["token"])


async def test_guessing_an_existing_users_password_through_an_invitation_is_limited(
    api: Api, tenant: BootstrapResult
) -> None:
    merchant = await api.rest(
        "POST",
        f"/organisations/{tenant.organisation_id}/network",
        {"org_type": "MERCHANT", "name": "Shop"},
    )
    token = await invite(api, merchant.json()["id"], tenant.owner_email)
    client = api.as_key("")
    guess = {"token": token, "password": "guess"}
    for _attempt in range(10):  # the gateway fixture's sign_in_max_failures
        response = await client.rest("POST", "/users/invitations/accept", guess)
        assert response.status_code == 401
    response = await client.rest(
        "POST", "/users/invitations/accept", {**guess, "password": tenant.owner_password}
    )
    assert response.status_code == 429
    assert response.json()["error"] == "CRM.EXCEPTIONS.TOOMANYREQUESTSEXCEPTION"


async def test_an_invitation_gives_no_role_above_the_inviters_own(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    org = tenant.organisation_id
    await add_custom_role(db, org, "HR", ["USERS_READ", "USERS_WRITE"])
    await add_member(db, org, "hr@example.com", "HR")
    hr = await signed_in(api, "hr@example.com")
    before = await table_snapshot(db)
    for role in ("OWNER", "ADMIN", "READ_ONLY"):
        body = {"organisation_id": org, "email": "new@example.com", "role": role}
        refused = await hr.rest("POST", "/users/invitations", body)
        assert refused.status_code == 403, (role, refused.text)
        assert refused.json()["parameters"] == ["role"]
    unknown = await hr.rest(
        "POST",
        "/users/invitations",
        {"organisation_id": org, "email": "n@example.com", "role": "X"},
    )
    assert unknown.status_code == 400 and unknown.json()["parameters"][0] == "role"
    assert snapshot_changes(before, await table_snapshot(db)) == []
    # Its own role it may give; a secret key may give any.
    assert await invite(hr, org, "peer@example.com", role="HR")
    assert await invite(api, org, "boss@example.com", role="OWNER")
