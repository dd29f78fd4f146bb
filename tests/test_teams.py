"""Teams: CRUD and membership through both doors; only members of the team's organisation join."""

import uuid
from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_member
from tests.conftest import Api, counting_statements


async def test_team_crud_and_members_both_doors(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    member_id = await add_member(db, tenant.organisation_id, "agent@example.com", "READ_ONLY")
    created = await api.rest("POST", "/teams", {"name": "Support", "description": "Helps"})
    assert created.status_code == 200
    team_id = created.json()["id"]
    again = await api.rest("POST", "/teams", {"name": "Support"})
    assert again.status_code == 409 and again.json()["parameters"] == ["name"]

    joined = await api.rest("POST", f"/teams/{team_id}/members", {"user_id": member_id})
    assert joined.status_code == 200
    team = (await api.rest("GET", f"/teams/{team_id}")).json()
    assert [m["email"] for m in team["members"]] == ["agent@example.com"]
    data = await api.data(
        f'{{ user(id: "{member_id}") {{ teams {{ name }} }} '
        f'organisation(id: "{tenant.organisation_id}") {{ teams {{ content {{ id }} }} }} }}'
    )
    assert data["user"]["teams"] == [{"name": "Support"}]
    assert data["organisation"]["teams"]["content"] == [{"id": team_id}]

    stranger = await api.rest(
        "POST", f"/teams/{team_id}/members", {"user_id": "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"}
    )
    assert stranger.status_code == 404 and stranger.json()["parameters"][0] == "user"

    renamed = await api.data(
        f'mutation {{ update_team(id: "{team_id}", input: {{name: "Care"}}) {{ name }} }}'
    )
    assert renamed["update_team"]["name"] == "Care"
    left = await api.rest("DELETE", f"/teams/{team_id}/members/{member_id}")
    assert left.status_code == 200
    assert (await api.rest("GET", f"/teams/{team_id}")).json()["members"] == []
    assert (await api.rest("DELETE", f"/teams/{team_id}")).status_code == 200
    assert (await api.rest("GET", f"/teams/{team_id}")).status_code == 404


async def test_test_keys_read_teams_but_never_change_them(
    api: Api, tenant: BootstrapResult
) -> None:
    refused = await api.rest("POST", "/teams", {"name": "T"}, key=tenant.test_secret_api_key)
    assert refused.status_code == 403 and refused.json()["parameters"] == ["test_mode"]
    listed = await api.rest("GET", "/teams", key=tenant.test_secret_api_key)
    assert listed.status_code == 200


async def test_team_members_and_their_teams_cost_the_same_statements_for_more_teams(
    api: Api, db: Database, tenant: BootstrapResult, gateway: Any
) -> None:
    """Members and their teams are loaded per batch: the statements do not grow with the page."""
    app, _ = gateway
    query = "{ teams(size: 50) { content { id members { id teams { id } } } } }"

    async def add_teams(count: int) -> None:
        for _ in range(count):
            email = f"{uuid.uuid4().hex[:8]}@example.com"
            user_id = await add_member(db, tenant.organisation_id, email, "READ_ONLY")
            team_id = (await api.rest("POST", "/teams", {"name": email})).json()["id"]
            await api.rest("POST", f"/teams/{team_id}/members", {"user_id": user_id})

    await add_teams(2)
    await api.data(query)  # the key is looked up once, then remembered
    with counting_statements(app) as few:
        assert len((await api.data(query))["teams"]["content"]) == 2
    await add_teams(4)
    with counting_statements(app) as many:
        teams = (await api.data(query))["teams"]["content"]
    assert len(teams) == 6 and all(len(team["members"]) == 1 for team in teams)
    assert len(many) == len(few)
