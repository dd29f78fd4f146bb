"""Users of an organisation: list, read, change a role, remove a membership; the last OWNER
stays; users hand out only roles they hold."""

import asyncio

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_member, signed_in
from tests.conftest import Api


async def test_list_read_change_and_remove_members_both_doors(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    member_id = await add_member(db, tenant.organisation_id, "clerk@example.com", "READ_ONLY")
    listed = await api.rest("GET", "/users", params={"sort": "email", "order": "ASC"})
    assert listed.status_code == 200
    body = listed.json()
    assert body["paging"]["total"] == 2
    assert [u["email"] for u in body["content"]] == ["clerk@example.com", "owner@example.com"]
    one = (await api.rest("GET", f"/users/{member_id}")).json()
    assert (one["role"], one["organisation_id"]) == ("READ_ONLY", tenant.organisation_id)

    changed = await api.rest("PUT", f"/users/{member_id}", {"role": "ADMIN"})
    assert changed.status_code == 200 and changed.json() == {"id": member_id}
    data = await api.data(f'{{ user(id: "{member_id}") {{ role }} }}')
    assert data["user"]["role"] == "ADMIN"

    unknown = await api.rest("PUT", f"/users/{member_id}", {"role": "WIZARD"})
    assert unknown.status_code == 400 and unknown.json()["parameters"] == ["role"]

    removed = await api.data(f'mutation {{ remove_user(id: "{member_id}") {{ id }} }}')
    assert removed["remove_user"]["id"] == member_id
    assert (await api.rest("GET", f"/users/{member_id}")).status_code == 404


async def test_the_last_owner_is_neither_demoted_nor_removed(
    api: Api, tenant: BootstrapResult
) -> None:
    owner = (await api.rest("GET", "/users")).json()["content"][0]
    demoted = await api.rest("PUT", f"/users/{owner['id']}", {"role": "ADMIN"})
    assert demoted.status_code == 409
    assert demoted.json()["parameters"] == ["role", "OWNER"]
    removed = await api.rest("DELETE", f"/users/{owner['id']}")
    assert removed.status_code == 409


async def test_an_admin_may_not_make_an_owner_and_me_names_the_user(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    await add_member(db, tenant.organisation_id, "admin@example.com", "ADMIN")
    clerk_id = await add_member(db, tenant.organisation_id, "clerk@example.com", "READ_ONLY")
    admin = await signed_in(api, "admin@example.com")
    me = (await admin.data("{ me { email role organisation_id } }"))["me"]
    assert me == {
        "email": "admin@example.com",
        "role": "ADMIN",
        "organisation_id": tenant.organisation_id,
    }
    refused = await admin.rest("PUT", f"/users/{clerk_id}", {"role": "OWNER"})
    assert refused.status_code == 403 and refused.json()["parameters"] == ["role"]
    assert (await admin.rest("PUT", f"/users/{clerk_id}", {"role": "ADMIN"})).status_code == 200
    assert (await api.data("{ me { id } }"))["me"] is None  # an API key is no user


async def test_two_owners_demoted_at_once_leave_one_owner(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    second = await add_member(db, tenant.organisation_id, "second@example.com", "OWNER")
    owners = (await api.rest("GET", "/users", params={"role": "OWNER"})).json()["content"]
    assert {owner["id"] for owner in owners} >= {second}
    responses = await asyncio.gather(
        *(api.rest("PUT", f"/users/{owner['id']}", {"role": "ADMIN"}) for owner in owners)
    )
    assert sorted(response.status_code for response in responses) == [200, 409]
    left = (await api.rest("GET", "/users", params={"role": "OWNER"})).json()
    assert left["paging"]["total"] == 1
