"""Custom roles: CRUD through both doors, built-in roles read by code, a role in use stays, and
a user gives only permissions it holds."""

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_custom_role, add_member, signed_in
from tests.conftest import Api


async def test_custom_role_crud_and_use(api: Api, db: Database, tenant: BootstrapResult) -> None:
    body = {"code": "cashier", "name": "Cashier", "permissions": ["JOURNALS_WRITE", "WALLETS_READ"]}
    created = await api.rest("POST", "/roles", body)
    assert created.status_code == 200, created.text
    role_id = created.json()["id"]
    again = await api.rest("POST", "/roles", body)
    assert again.status_code == 409 and again.json()["parameters"] == ["code", "CASHIER"]
    built_in = await api.rest("POST", "/roles", {**body, "code": "ADMIN"})
    assert built_in.status_code == 409
    unknown = await api.rest("POST", "/roles", {**body, "code": "X1", "permissions": ["FLY"]})
    assert unknown.status_code == 400

    listed = (await api.rest("GET", "/roles")).json()["content"]
    assert [r["code"] for r in listed] == ["OWNER", "ADMIN", "READ_ONLY", "CASHIER"]
    read_only = (await api.rest("GET", "/roles/READ_ONLY")).json()
    assert read_only["is_built_in"] and "CONTACTS_READ" in read_only["permissions"]
    assert "CONTACTS_WRITE" not in read_only["permissions"]
    role = (await api.rest("GET", f"/roles/{role_id}")).json()
    assert role["permissions"] == ["JOURNALS_WRITE", "WALLETS_READ"]

    user_id = await add_member(db, tenant.organisation_id, "till@example.com", "CASHIER")
    till = await signed_in(api, "till@example.com")
    assert (await till.rest("GET", "/contacts")).status_code == 403
    changed = await api.data(
        f'mutation {{ update_role(id: "{role_id}", input: {{permissions: [CONTACTS_READ]}}) '
        "{ permissions } }"
    )
    assert changed["update_role"]["permissions"] == ["CONTACTS_READ"]
    assert (await till.rest("GET", "/contacts")).status_code == 200  # from the next request on

    in_use = await api.rest("DELETE", f"/roles/{role_id}")
    assert in_use.status_code == 409
    await api.rest("PUT", f"/users/{user_id}", {"role": "READ_ONLY"})
    assert (await api.rest("DELETE", f"/roles/{role_id}")).status_code == 200
    assert (await api.rest("PUT", "/roles/ADMIN", {"name": "Boss"})).status_code == 403


async def test_a_user_gives_only_permissions_it_holds(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    org = tenant.organisation_id
    await add_custom_role(db, org, "HR", ["USERS_READ", "USERS_WRITE", "ROLES_WRITE"])
    await add_member(db, org, "hr@example.com", "HR")
    clerk_id = await add_member(db, org, "clerk@example.com", "HR")
    hr = await signed_in(api, "hr@example.com")
    refused = await hr.rest("PUT", f"/users/{clerk_id}", {"role": "ADMIN"})
    assert refused.status_code == 403 and refused.json()["parameters"] == ["role"]
    too_much = await hr.rest(
        "POST", "/roles", {"code": "BIG", "name": "Big", "permissions": ["CONTACTS_WRITE"]}
    )
    assert too_much.status_code == 403
    fine = await hr.rest(
        "POST", "/roles", {"code": "SMALL", "name": "Small", "permissions": ["USERS_READ"]}
    )
    assert fine.status_code == 200
    assert (await hr.rest("PUT", f"/users/{clerk_id}", {"role": "SMALL"})).status_code == 200
