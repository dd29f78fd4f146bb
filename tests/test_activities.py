"""Activities and activity tags (spec routes 17-26) through both doors, on both databases."""

from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_member
from tests.conftest import Api, counting_statements

UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"


async def _people(api: Api, db: Database, tenant: BootstrapResult) -> dict[str, str]:
    """A member, a team and a contact of the tenant's organisation."""
    user_id = await add_member(db, tenant.organisation_id, "agent@example.com", "READ_ONLY")
    team = await api.rest("POST", "/teams", {"name": "Support"})
    contact = await api.rest(
        "POST",
        "/contacts",
        {"contact_type": "PERSON", "first_name": "John", "last_name": "Johnson", "code": "C123"},
    )
    return {"user": user_id, "team": team.json()["id"], "contact": contact.json()["id"]}


def _example(people: dict[str, str]) -> dict[str, Any]:
    """The spec's POST /activities example, with a user, team and contact that exist."""
    return {
        "name": "Call customer",
        "description": "We need to call the customer (after 4pm) in order to schedule a demo",
        "type_id": "CEEE83D6E0804A30966F684B0269AD91",
        "date": 8634785,
        "from_time": "09:00",
        "to_time": "09:30",
        "use_entity_address": "false",
        "linked_to": [
            {"type": "ORDER", "id": "CEEE83D6E0804A30966F684B0269AD91"},
            {"type": "CONTACT", "id": people["contact"]},
        ],
        "user_id": people["user"],
        "assign_to": {"user_id": people["user"], "team_id": people["team"]},
        "custom_fields": [{"key": "back_office", "value": "0001-12345"}],
    }


async def test_activity_life_through_both_doors(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    people = await _people(api, db, tenant)
    created = await api.rest("POST", "/activities", _example(people))
    assert created.status_code == 200, created.text
    activity_id = created.json()["id"]
    assert list(created.json()) == ["id"]

    got = await api.rest("GET", f"/activities/{activity_id}")
    assert got.status_code == 200
    body = got.json()
    assert body["name"] == "Call customer" and body["status"] == "PENDING"
    assert body["number"].startswith("ACT") and len(body["number"]) == 11
    assert (body["from_time"], body["to_time"]) == ("09:00", "09:30")
    assert body["activity_type"] == {"id": "CEEE83D6E0804A30966F684B0269AD91"}
    assert body["contact"] == {"id": people["contact"], "name": "John Johnson", "code": "C123"}
    assert body["linked_to"][0] == {"type": "ORDER", "id": "CEEE83D6E0804A30966F684B0269AD91"}
    assert body["user"]["id"] == people["user"]
    assert body["assign_to"]["user"]["id"] == people["user"]
    assert body["assign_to"]["team"] == {"id": people["team"], "name": "Support"}
    assert body["custom_fields"] == [{"key": "back_office", "value": "0001-12345"}]
    assert [entry["status"] for entry in body["statuses"]] == ["PENDING"]

    updated = await api.rest(
        "PUT",
        f"/activities/{activity_id}",
        {
            "name": "Approve Offers",
            "description": "Require 4 approvals for an offer",
            "date": 863478,
            "linked_to": [{"type": "ORDER", "id": "CEEE83D6E0804A30966F684B0269AD91"}],
            "assign_to": {"team_id": people["team"]},
        },
    )
    assert updated.status_code == 200 and updated.json() == {"id": activity_id}
    data = await api.data(
        f'{{ activity(id: "{activity_id}") {{ name contact {{ id }} linked_to {{ type }} '
        "assign_to { user { id } team { name } } custom_fields { key } } }"
    )
    activity = data["activity"]
    assert activity["name"] == "Approve Offers" and activity["contact"] is None
    assert activity["linked_to"] == [{"type": "ORDER"}]
    assert activity["assign_to"] == {"user": None, "team": {"name": "Support"}}
    assert activity["custom_fields"] == [{"key": "back_office"}]

    cancelled = await api.rest("PUT", f"/activities/{activity_id}/status", {"status": "CANCELLED"})
    assert cancelled.status_code == 200 and cancelled.json() == {"id": activity_id}
    refused = await api.rest("PUT", f"/activities/{activity_id}/status", {"status": "COMPLETED"})
    assert refused.status_code == 409
    assert refused.json()["error"] == "CRM.EXCEPTIONS.CONFLICTEXCEPTION"
    reopened = await api.data(
        f'mutation {{ update_activity_status(id: "{activity_id}", input: {{status: PENDING}}) '
        "{ status statuses { status date } } }"
    )
    history = reopened["update_activity_status"]["statuses"]
    assert [entry["status"] for entry in history] == ["PENDING", "CANCELLED", "PENDING"]
    assert all(entry["date"] for entry in history)

    unassigned = await api.rest("PUT", f"/activities/{activity_id}", {"assign_to": None})
    assert unassigned.status_code == 200
    got = (await api.rest("GET", f"/activities/{activity_id}")).json()
    assert got["assign_to"] == {"user": None, "team": None}
    assert got["user"]["id"] == people["user"]

    deleted = await api.rest("DELETE", f"/activities/{activity_id}")
    assert deleted.status_code == 200 and deleted.json() == {"id": activity_id}
    gone = await api.rest("GET", f"/activities/{activity_id}")
    assert gone.status_code == 404 and gone.json()["parameters"] == ["activity", activity_id]


async def test_references_are_checked_and_bad_input_changes_nothing(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    people = await _people(api, db, tenant)
    cases = [
        ({"assign_to": {"user_id": UNKNOWN}}, 404, ["user", UNKNOWN]),
        ({"assign_to": {"team_id": UNKNOWN}}, 404, ["team", UNKNOWN]),
        ({"user_id": UNKNOWN}, 404, ["user", UNKNOWN]),
        ({"linked_to": [{"type": "CONTACT", "id": UNKNOWN}]}, 404, ["contact", UNKNOWN]),
        ({"address_id": UNKNOWN}, 404, ["address", UNKNOWN]),
        ({"from_time": "25:00"}, 400, ["from_time"]),
        ({"from_time": "10:00", "to_time": "09:00"}, 400, ["to_time"]),
        ({"linked_to": [{"type": "PLANET", "id": "x"}]}, 400, None),
    ]
    for extra, status, parameters in cases:
        response = await api.rest("POST", "/activities", {"name": "Call"} | extra)
        assert response.status_code == status, (extra, response.text)
        if parameters is not None:
            assert response.json()["parameters"] == parameters, extra
    listed = await api.rest("GET", "/activities")
    assert listed.json()["paging"]["total"] == 0

    refused = await api.graphql(
        "mutation ($team: ID!) { create_activity(input: "
        '{name: "Call", assign_to: {team_id: $team}}) { id } }',
        {"team": UNKNOWN},
    )
    assert refused["errors"][0]["extensions"]["parameters"] == ["team", UNKNOWN]
    member = await api.rest("POST", "/activities", {"name": "Call", "user_id": people["user"]})
    assert member.status_code == 200
    assert (await api.rest("PUT", "/activities/" + UNKNOWN, {"name": "x"})).status_code == 404


async def test_search_with_every_documented_filter(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    people = await _people(api, db, tenant)
    first = (await api.rest("POST", "/activities", _example(people))).json()["id"]
    second = (
        await api.rest(
            "POST",
            "/activities",
            {
                "name": "Site visit",
                "type_id": "VISIT",
                "linked_to": [{"type": "LEAD", "id": "L1"}],
                "custom_fields": [{"key": "back_office", "value": "other"}],
            },
        )
    ).json()["id"]
    await api.rest("PUT", f"/activities/{second}/status", {"status": "COMPLETED"})
    await api.rest("POST", f"/activities/{second}/tags", {"tags": [{"id": "T1"}]})

    async def ids(**query: str) -> list[str]:
        response = await api.rest("GET", "/activities", params=query)
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["content"])

    assert await ids() == sorted([first, second])
    assert await ids(name="CALL") == [first]
    assert await ids(type_id="VISIT") == [second]
    assert await ids(statuses="COMPLETED,CANCELLED") == [second]
    assert await ids(statuses="PENDING") == [first]
    assert await ids(tag_ids="T1") == [second]
    assert await ids(user_id=people["user"]) == [first]
    assert await ids(assigned_user_id=people["user"]) == [first]
    assert await ids(assigned_team_id=people["team"]) == [first]
    assert await ids(contact_id=people["contact"]) == [first]
    assert await ids(order_id="CEEE83D6E0804A30966F684B0269AD91") == [first]
    assert await ids(lead_id="L1") == [second]
    assert await ids(custom_fields="back_office=0001-12345") == [first]
    assert await ids(**{"created_on[gte]": "1618395497"}) == sorted([first, second])
    assert await ids(**{"created_on[lt]": "1618395497"}) == []
    bad = await api.rest("GET", "/activities", params={"custom_fields": "no pair"})
    assert bad.status_code == 400 and bad.json()["parameters"] == ["custom_fields"]
    bad_status = await api.rest("GET", "/activities", params={"statuses": "LOST"})
    assert bad_status.status_code == 400

    data = await api.data(
        '{ activities(filter: {statuses: [COMPLETED], tag_ids: ["T1"]}) '
        "{ content { id tags { id } } paging { total } } }"
    )
    assert data["activities"]["content"] == [{"id": second, "tags": [{"id": "T1"}]}]


async def test_activity_tags_through_both_doors(api: Api, tenant: BootstrapResult) -> None:
    activity_id = (await api.rest("POST", "/activities", {"name": "Call"})).json()["id"]
    added = await api.rest(
        "POST", f"/activities/{activity_id}/tags", {"tags": [{"id": "FDHNFDBR675765ghdh"}]}
    )
    assert added.status_code == 200 and added.json() == {"id": activity_id}
    await api.rest(
        "POST",
        f"/activities/{activity_id}/tags",
        {"tags": [{"id": "FDHNFDBR675765ghdh"}, {"id": "B"}]},
    )
    listed = await api.rest("GET", f"/activities/{activity_id}/tags")
    assert listed.status_code == 200
    assert listed.json() == {"content": [{"id": "B"}, {"id": "FDHNFDBR675765ghdh"}]}

    replaced = await api.rest(
        "PUT", f"/activities/{activity_id}/tags", {"tags": [{"id": "JGFJHGJHSDGHJSG"}]}
    )
    assert replaced.status_code == 200
    data = await api.data(f'{{ activity(id: "{activity_id}") {{ tags {{ id }} }} }}')
    assert data["activity"]["tags"] == [{"id": "JGFJHGJHSDGHJSG"}]

    removed = await api.rest("DELETE", f"/activities/{activity_id}/tags/JGFJHGJHSDGHJSG")
    assert removed.status_code == 200 and removed.json() == {"id": activity_id}
    again = await api.rest("DELETE", f"/activities/{activity_id}/tags/JGFJHGJHSDGHJSG")
    assert again.status_code == 404 and again.json()["parameters"] == ["tag", "JGFJHGJHSDGHJSG"]
    assert (await api.rest("GET", f"/activities/{activity_id}/tags")).json() == {"content": []}
    missing = await api.rest("GET", f"/activities/{UNKNOWN}/tags")
    assert missing.status_code == 404


async def test_test_mode_activities_are_apart_from_live_ones(
    api: Api, tenant: BootstrapResult
) -> None:
    live = (await api.rest("POST", "/activities", {"name": "Live"})).json()["id"]
    test_api = api.as_key(tenant.test_secret_api_key)
    seen = await test_api.rest("GET", f"/activities/{live}")
    assert seen.status_code == 404


async def test_activity_lists_cost_the_same_statements_for_more_activities(
    api: Api, db: Database, tenant: BootstrapResult, gateway: Any
) -> None:
    app, _ = gateway
    people = await _people(api, db, tenant)
    query = (
        "{ activities(size: 50) { content { id contact { name } user { name } "
        "assign_to { user { username } team { name } } statuses { status } tags { id } "
        "linked_to { id } } } }"
    )

    async def add(count: int) -> None:
        for _ in range(count):
            activity_id = (await api.rest("POST", "/activities", _example(people))).json()["id"]
            await api.rest("POST", f"/activities/{activity_id}/tags", {"tags": [{"id": "T"}]})

    await add(2)
    await api.data(query)
    with counting_statements(app) as few:
        assert len((await api.data(query))["activities"]["content"]) == 2
    await add(4)
    with counting_statements(app) as many:
        assert len((await api.data(query))["activities"]["content"]) == 6
    assert len(many) == len(few)


async def test_ids_longer_than_their_columns_are_refused_on_both_databases(
    api: Api, tenant: BootstrapResult
) -> None:
    long_id = "X" * 37
    activity_id = (await api.rest("POST", "/activities", {"name": "Call"})).json()["id"]
    for method, path, body in (
        ("POST", f"/activities/{activity_id}/tags", {"tags": [{"id": long_id}]}),
        ("POST", "/activities", {"name": "C", "linked_to": [{"type": "ORDER", "id": long_id}]}),
        ("POST", "/activities", {"name": "C", "type_id": long_id}),
    ):
        response = await api.rest(method, path, body)
        assert response.status_code == 400, (path, body, response.text)
    assert (await api.rest("GET", f"/activities/{activity_id}/tags")).json() == {"content": []}
