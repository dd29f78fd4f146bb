"""`POST /organisations/{id}/actions`: MODE turns live mode on, COPY copies settings and
reference data (not contacts or money), anything else is a 400 listing MODE and COPY."""

from typing import Any

from sqlalchemy import select, update

from app.db.engine import Database
from app.db.models import Contact, Industry, Organisation
from app.onboarding import BootstrapResult, issue_api_key
from tests.conftest import Api, snapshot_changes, table_snapshot


async def _child(api: Api, tenant: BootstrapResult, **fields: Any) -> str:
    body = {"org_type": "MERCHANT", "name": "Shop", **fields}
    response = await api.rest("POST", f"/organisations/{tenant.organisation_id}/network", body)
    assert response.status_code == 200, response.text
    child_id: str = response.json()["id"]
    return child_id


async def test_mode_turns_live_mode_on_and_test_keys_keep_working(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    child_id = await _child(api, tenant)
    async with db.write() as session:
        await session.execute(
            update(Organisation).where(Organisation.id == child_id).values(test_mode=True)
        )
        live = await issue_api_key(session, child_id, is_public=False, is_test=False)
        test = await issue_api_key(session, child_id, is_public=False, is_test=True)
    refused = await api.rest("GET", "/contacts", key=live)
    assert refused.status_code == 403
    assert refused.json()["parameters"] == ["test_mode"]
    assert (await api.rest("GET", "/contacts", key=test)).status_code == 200

    response = await api.rest("POST", f"/organisations/{child_id}/actions", {"action": "MODE"})
    assert response.status_code == 200, response.text
    assert response.json() == {"id": child_id}
    assert (await api.rest("GET", "/contacts", key=live)).status_code == 200
    assert (await api.rest("GET", "/contacts", key=test)).status_code == 200
    data = await api.data(f'{{ organisation(id: "{child_id}") {{ test_mode }} }}')
    assert data["organisation"]["test_mode"] is False


async def test_copy_copies_settings_and_reference_data_but_no_contacts(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    child_id = await _child(api, tenant, description="Original")
    async with db.write() as session:
        key = await issue_api_key(session, child_id, is_public=False, is_test=False)
    child = api.as_key(key)
    await child.data('mutation { create_industry(input: {name: "Cafe"}) { id } }')
    await child.rest("POST", "/contacts", {"contact_type": "PERSON", "first_name": "A"})

    response = await api.graphql(
        'mutation($id: ID!) { organisation_action(id: $id, input: {action: "COPY", name: "Copy"})'
        " { id name description organisation_id } }",
        {"id": child_id},
    )
    assert not response.get("errors"), response
    copy = response["data"]["organisation_action"]
    assert copy["id"] != child_id
    assert (copy["name"], copy["description"]) == ("Copy", "Original")
    assert copy["organisation_id"] == tenant.organisation_id
    async with db.read() as session:
        industries = (
            (
                await session.execute(
                    select(Industry.name).where(Industry.organisation_id == copy["id"])
                )
            )
            .scalars()
            .all()
        )
        contacts = (
            await session.execute(select(Contact.id).where(Contact.organisation_id == copy["id"]))
        ).all()
    assert list(industries) == ["Cafe"]
    assert contacts == []


async def test_copy_needs_a_name_and_unknown_actions_are_refused(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    child_id = await _child(api, tenant)
    before = await table_snapshot(db)
    no_name = await api.rest("POST", f"/organisations/{child_id}/actions", {"action": "COPY"})
    assert no_name.status_code == 400
    assert no_name.json()["parameters"] == ["name"]
    unknown = await api.rest("POST", f"/organisations/{child_id}/actions", {"action": "FREEZE"})
    assert unknown.status_code == 400
    assert unknown.json()["parameters"] == ["action"]
    assert "MODE" in unknown.json()["message"] and "COPY" in unknown.json()["message"]
    graphql = await api.graphql(
        'mutation($id: ID!) { organisation_action(id: $id, input: {action: "FREEZE"}) { id } }',
        {"id": child_id},
    )
    assert graphql["errors"][0]["extensions"]["parameters"] == ["action"]
    assert graphql["errors"][0]["message"] == "action: must be one of MODE, COPY"
    too_long = await api.rest(
        "POST", f"/organisations/{child_id}/actions", {"action": "COPY", "name": "x" * 201}
    )
    assert too_long.status_code == 400
    assert too_long.json()["parameters"] == ["name"]
    own = await api.rest(
        "POST", f"/organisations/{tenant.organisation_id}/actions", {"action": "COPY", "name": "X"}
    )
    assert own.status_code == 400
    assert not snapshot_changes(before, await table_snapshot(db))


async def test_a_copy_with_roles_and_teams_can_be_removed(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    """Custom roles and teams are settings: they go with a removed organisation."""
    child_id = await _child(api, tenant)
    role = await api.rest(
        "POST",
        f"/roles?organisation_id={child_id}",
        {"code": "CLERK", "name": "Clerk", "permissions": []},
    )
    assert role.status_code == 200, role.text
    copy = await api.rest(
        "POST", f"/organisations/{child_id}/actions", {"action": "COPY", "name": "Copy"}
    )
    copy_id = copy.json()["id"]
    roles = (await api.rest("GET", "/roles", params={"organisation_id": copy_id})).json()
    assert [r["code"] for r in roles["content"] if not r["is_built_in"]] == ["CLERK"]
    await api.rest("POST", f"/teams?organisation_id={copy_id}", {"name": "Desk"})
    removed = await api.rest("DELETE", f"/organisations/{copy_id}")
    assert removed.status_code == 200, removed.text
