"""An organisation's API keys through both doors: list, create (shown once), revoke (refused at
once by the gateway that revoked it, within the cache time by another), last use recorded."""

import time
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db.engine import Database
from app.db.models import ApiKey
from app.main import create_app
from app.onboarding import BootstrapResult
from app.settings import Settings
from tests.access_helpers import add_custom_role, add_member, signed_in
from tests.conftest import Api

KEYS = """query ($id: ID!) {
    api_keys(organisation_id: $id) {
        content { id prefix type mode is_revoked created_on last_used_on revoked_on }
        paging { page size total }
    }
}"""
CREATE = """mutation ($id: ID!, $input: CreateApiKeyInput) {
    create_api_key(organisation_id: $id, input: $input) { id key prefix type mode }
}"""
REVOKE = """mutation ($id: ID!, $key: ID!) {
    revoke_api_key(organisation_id: $id, id: $key) { id is_revoked }
}"""


async def test_list_create_and_revoke_through_rest(api: Api, tenant: BootstrapResult) -> None:
    org = tenant.organisation_id
    listed = await api.rest("GET", f"/organisations/{org}/api_keys")
    assert listed.status_code == 200, listed.text
    keys = listed.json()["content"]
    assert listed.json()["paging"]["total"] == 3  # bootstrap's live secret, test secret, public
    assert sorted((k["type"], k["mode"]) for k in keys) == [
        ("PUBLIC", "LIVE"),
        ("SECRET", "LIVE"),
        ("SECRET", "TEST"),
    ]
    assert all("key" not in k and not k["is_revoked"] for k in keys)
    prefixes = {k["prefix"] for k in keys}
    assert tenant.secret_api_key[:12] in prefixes

    created = await api.rest("POST", f"/organisations/{org}/api_keys", {"type": "PUBLIC"})
    assert created.status_code == 200, created.text
    new_key = created.json()
    assert new_key["key"].startswith("pk_live_")
    assert (new_key["type"], new_key["mode"], new_key["prefix"]) == (
        "PUBLIC",
        "LIVE",
        new_key["key"][:12],
    )
    secret = (await api.rest("POST", f"/organisations/{org}/api_keys", {})).json()
    assert secret["key"].startswith("sk_live_")
    assert (await api.rest("GET", "/contacts", key=secret["key"])).status_code == 200

    revoked = await api.rest("DELETE", f"/organisations/{org}/api_keys/{secret['id']}")
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["is_revoked"] is True and revoked.json()["revoked_on"]
    refused = await api.rest("GET", "/contacts", key=secret["key"])
    assert refused.status_code == 401
    listed = (await api.rest("GET", f"/organisations/{org}/api_keys")).json()
    assert listed["paging"]["total"] == 5
    newest = listed["content"][0]
    assert (newest["id"], newest["is_revoked"]) == (secret["id"], True)


async def test_graphql_and_refusals(api: Api, tenant: BootstrapResult) -> None:
    org = tenant.organisation_id
    data = await api.data(CREATE, {"id": org, "input": {"mode": "TEST"}})
    created = data["create_api_key"]
    assert created["key"].startswith("sk_test_") and created["mode"] == "TEST"
    listed = await api.data(KEYS, {"id": org})
    assert listed["api_keys"]["paging"]["total"] == 4
    revoked = await api.data(REVOKE, {"id": org, "key": created["id"]})
    assert revoked["revoke_api_key"]["is_revoked"] is True
    assert (await api.rest("GET", "/contacts", key=created["key"])).status_code == 401
    # Revoking again changes nothing; an unknown key is a 404 naming it.
    again = await api.data(REVOKE, {"id": org, "key": created["id"]})
    assert again["revoke_api_key"]["is_revoked"] is True
    missing = await api.rest("DELETE", f"/organisations/{org}/api_keys/nope")
    assert (missing.status_code, missing.json()["parameters"]) == (404, ["api_key", "nope"])
    # Another organisation's keys are not visible: the service owner is above the business.
    above = await api.rest("GET", f"/organisations/{tenant.service_owner_id}/api_keys")
    assert above.status_code == 404
    # A key of the organisation cannot be revoked through another organisation's path.
    mine = (await api.rest("GET", f"/organisations/{org}/api_keys")).json()["content"][0]["id"]
    child = await api.rest(
        "POST", f"/organisations/{org}/network", {"org_type": "MERCHANT", "name": "Shop"}
    )
    wrong_path = await api.rest("DELETE", f"/organisations/{child.json()['id']}/api_keys/{mine}")
    assert wrong_path.status_code == 404
    # Test-mode keys may not create or revoke keys; public keys may not list them.
    test_key = await api.rest(
        "POST", f"/organisations/{org}/api_keys", {}, key=tenant.test_secret_api_key
    )
    assert (test_key.status_code, test_key.json()["parameters"]) == (403, ["test_mode"])
    public = await api.rest("GET", f"/organisations/{org}/api_keys", key=tenant.public_api_key)
    assert public.status_code == 403
    bad = await api.rest("POST", f"/organisations/{org}/api_keys", {"mode": "DEMO"})
    assert (bad.status_code, bad.json()["parameters"]) == (400, ["mode"])


async def test_last_use_is_recorded_once_a_minute(
    api: Api, db: Database, tenant: BootstrapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def last_used() -> Any:
        async with db.read() as session:
            return (
                await session.execute(
                    select(ApiKey.last_used_on).where(
                        ApiKey.key_prefix == tenant.public_api_key[:12]
                    )
                )
            ).scalar_one()

    assert await last_used() is None
    public = api.as_key(tenant.public_api_key)
    body = {"name": "Reg", "owner": {"contact_info": [{"type": "EMAIL", "value": "a@example.com"}]}}
    await public.rest("POST", "/organisations/register", body)
    first = await last_used()
    assert first is not None
    await public.rest("POST", "/organisations/register", {**body, "name": "Reg 2"})
    assert await last_used() == first  # not written again within the minute


async def test_a_revoked_key_is_refused_at_once_here_and_within_the_cache_time_elsewhere(
    api: Api, database_url: str, tenant: BootstrapResult
) -> None:
    created = await api.rest("POST", f"/organisations/{tenant.organisation_id}/api_keys", {})
    key = created.json()
    other = create_app(
        Settings(
            database_url=database_url, jwt_secret="test-secret-for-the-gateway-suite-0123456789"
        )
    )
    async with other.router.lifespan_context(other):
        authenticator = other.state.gateway.runtime.authenticator
        transport = httpx.ASGITransport(app=other)
        async with httpx.AsyncClient(transport=transport, base_url="http://other") as client:
            elsewhere = Api(client, key["key"])
            assert (await elsewhere.rest("GET", "/contacts")).status_code == 200  # cached there
            assert (await api.rest("GET", "/contacts", key=key["key"])).status_code == 200
            revoked = await api.rest(
                "DELETE", f"/organisations/{tenant.organisation_id}/api_keys/{key['id']}"
            )
            assert revoked.status_code == 200
            # The gateway that revoked it refuses it at once (it had it cached too).
            assert (await api.rest("GET", "/contacts", key=key["key"])).status_code == 401
            # The other still has it cached, until its cache time passes.
            assert (await elsewhere.rest("GET", "/contacts")).status_code == 200
            later = time.monotonic() + authenticator.KEY_CACHE_SECONDS
            authenticator.clock = lambda: later  # the cache time has passed there
            assert (await elsewhere.rest("GET", "/contacts")).status_code == 401


async def test_a_role_that_may_manage_keys_creates_a_secret_key_only_with_every_permission(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    org = tenant.organisation_id
    await add_custom_role(db, org, "KEY_DESK", ["API_KEYS_READ", "API_KEYS_WRITE"])
    await add_member(db, org, "keys@example.com", "KEY_DESK")
    await add_member(db, org, "admin@example.com", "ADMIN")
    desk = await signed_in(api, "keys@example.com")
    refused = await desk.rest("POST", f"/organisations/{org}/api_keys", {"type": "SECRET"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
    body = await desk.graphql(CREATE, {"id": org, "input": {"type": "SECRET"}})
    assert body["errors"][0]["extensions"]["status"] == 403
    async with db.read() as session:
        keys = (await session.execute(select(ApiKey).where(ApiKey.organisation_id == org))).all()
    assert len(keys) == 3  # the bootstrapped ones only
    public = await desk.rest("POST", f"/organisations/{org}/api_keys", {"type": "PUBLIC"})
    assert public.status_code == 200, public.text
    admin = await signed_in(api, "admin@example.com")
    secret = await admin.rest("POST", f"/organisations/{org}/api_keys", {"type": "SECRET"})
    assert secret.status_code == 200 and secret.json()["key"].startswith("sk_live_")
