"""Automations (spec routes 54-60) through both doors, on both databases."""

from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_member
from tests.automation_helpers import approval_action, eventually, runs_of
from tests.conftest import Api, snapshot_changes, table_snapshot
from tests.test_wallets import other_business

UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"

SPEC_ACTIONS = {
    "content": [
        {
            "id": "ACTIONB5E44F44B28451FE021FCAD51E",
            "adaptor": "APPROVAL_REQUESTS",
            "adaptor_action": "REQUEST_USER_APPROVAL",
            "order": 1,
            "path": "1",
            "adaptor_action_parameters": [
                {
                    "id": "4b8e0ae7-0f8a-4313-a1fd-ecc1c0510f55",
                    "parameter_group": "1",
                    "parameter_key": "ROLE_ID",
                    "parameter_from_value": "ADMIN",
                    "parameter_to_value": "1234",
                    "parameter_type": "APPROVAL_ENTITY_TYPE",
                }
            ],
            "action_filters": [
                {
                    "filters": [
                        {
                            "id": "edd5ac0e-05e3-e543-d38e-c6df6eed8d46",
                            "attribute": "NAME",
                            "type": "NUMBER",
                            "operator": "EQUAL_LESS",
                            "value": "123",
                            "value_list": [""],
                        }
                    ]
                }
            ],
        }
    ]
}


async def create_automation(api: Api, **changes: Any) -> str:
    """An automation (the spec's example body, with codes this gateway has); its id."""
    body = {
        "name": "Approve Offers",
        "description": "Require 4 approvals for an offer",
        "state": "INACTIVE",
        "entity": "CONTACTS",
        "event": "REGISTER_CUSTOMER",
        **changes,
    }
    response = await api.rest("POST", "/automations", body)
    assert response.status_code == 201, response.text
    assert list(response.json()) == ["id"]
    automation_id: str = response.json()["id"]
    return automation_id


async def test_automation_routes_answer_the_spec_examples(api: Api) -> None:
    automation_id = await create_automation(api)
    got = await api.rest("GET", f"/automations/{automation_id}")
    assert got.status_code == 200
    assert got.json() == {
        "id": automation_id,
        "name": "Approve Offers",
        "description": "Require 4 approvals for an offer",
        "life_cycle_state": "INACTIVE",
        "entity": "CONTACTS",
        "event": "REGISTER_CUSTOMER",
    }

    updated = await api.rest(
        "PUT",
        f"/automations/{automation_id}",
        {
            "name": "Approve Offers",
            "description": "Require 4 approvals for an offer",
            "life_cycle_state": "ACTIVE",
        },
    )
    assert updated.status_code == 200 and updated.json() == {"id": automation_id}
    other = await create_automation(api, name="Notify awarded customers", state="ACTIVE")

    listed = await api.rest("GET", "/automations", params={"life_cycle_state": "ACTIVE"})
    assert listed.status_code == 200
    body = listed.json()
    assert body["paging"] == {"page": 1, "size": 20, "total": 2, "has_more": False}
    assert {item["id"] for item in body["content"]} == {automation_id, other}
    assert set(body["content"][0]) == {
        "id",
        "name",
        "description",
        "life_cycle_state",
        "entity",
        "event",
    }
    searched = await api.rest("GET", "/automations", params={"search_value": "notify"})
    assert [item["id"] for item in searched.json()["content"]] == [other]
    inactive = await api.rest("GET", "/automations", params={"life_cycle_state": "INACTIVE"})
    assert inactive.json()["content"] == []

    sequence = await api.rest("POST", f"/automations/{automation_id}/actions", SPEC_ACTIONS)
    assert sequence.status_code == 200, sequence.text
    assert sequence.json() == {"id": automation_id}
    actions = await api.rest("GET", f"/automations/{automation_id}/actions")
    assert actions.status_code == 200
    [action] = actions.json()["content"]
    assert action["id"] != "ACTIONB5E44F44B28451FE021FCAD51E"  # ids are the gateway's
    assert (action["adaptor"], action["adaptor_action"], action["order"], action["path"]) == (
        "APPROVAL_REQUESTS",
        "REQUEST_USER_APPROVAL",
        1,
        "1",
    )
    [parameter] = action["adaptor_action_parameters"]
    assert parameter["parameter_key"] == "ROLE_ID" and parameter["parameter_from_value"] == "ADMIN"
    assert set(parameter) == {
        "id",
        "parameter_group",
        "parameter_key",
        "parameter_from_value",
        "parameter_to_value",
        "parameter_type",
    }
    [group] = action["action_filters"]
    [condition] = group["filters"]
    assert condition["attribute"] == "NAME" and condition["operator"] == "EQUAL_LESS"
    assert condition["value"] == "123" and condition["value_list"] == [""]

    graph = await api.data(
        f'{{ automation(id: "{automation_id}") {{ name actions {{ order adaptor_action '
        "adaptor_action_parameters { parameter_key } } } }"
    )
    assert graph["automation"]["actions"][0]["adaptor_action"] == "REQUEST_USER_APPROVAL"

    deleted = await api.rest("DELETE", f"/automations/{automation_id}")
    assert deleted.status_code == 200 and deleted.json() == {"id": automation_id}
    gone = await api.rest("GET", f"/automations/{automation_id}")
    assert gone.status_code == 404
    assert gone.json()["parameters"] == ["automation", automation_id]


async def test_mutations_through_graphql(api: Api) -> None:
    created = await api.data(
        'mutation { create_automation(input: {name: "On journals", entity: JOURNALS, '
        "event: POST_JOURNAL, life_cycle_state: ACTIVE}) { id life_cycle_state } }"
    )
    automation = created["create_automation"]
    assert automation["life_cycle_state"] == "ACTIVE"
    changed = await api.data(
        f'mutation {{ update_automation(id: "{automation["id"]}", input: {{state: INACTIVE, '
        'description: "Every journal"}) { life_cycle_state description } }'
    )
    assert changed["update_automation"] == {
        "life_cycle_state": "INACTIVE",
        "description": "Every journal",
    }
    actions = await api.data(
        f'mutation {{ set_automation_actions(id: "{automation["id"]}", input: {{content: ['
        "{adaptor: APPROVAL_REQUESTS, adaptor_action: REQUEST_CUSTOMER_APPROVAL}]}) "
        "{ actions { order adaptor_action } } }"
    )
    assert actions["set_automation_actions"]["actions"] == [
        {"order": 1, "adaptor_action": "REQUEST_CUSTOMER_APPROVAL"}
    ]
    deleted = await api.data(f'mutation {{ delete_automation(id: "{automation["id"]}") {{ id }} }}')
    assert deleted["delete_automation"]["id"] == automation["id"]


async def test_bad_automations_and_actions_are_refused_and_change_nothing(
    api: Api, db: Database
) -> None:
    automation_id = await create_automation(api)
    path = f"/automations/{automation_id}/actions"
    before = await table_snapshot(db)
    cases: list[tuple[str, str, dict[str, Any], int, str]] = [
        (
            "POST",
            "/automations",
            {"name": "x", "entity": "CONTACTS", "event": "POST_JOURNAL"},
            400,
            "event",
        ),
        (
            "POST",
            "/automations",
            {"name": " ", "entity": "CONTACTS", "event": "UPDATE_CUSTOMER"},
            400,
            "name",
        ),
        (
            "POST",
            "/automations",
            {
                "name": "x",
                "entity": "CONTACTS",
                "event": "UPDATE_CUSTOMER",
                "state": "ACTIVE",
                "life_cycle_state": "INACTIVE",
            },
            400,
            "life_cycle_state",
        ),
        ("PUT", f"/automations/{automation_id}", {"event": "POST_JOURNAL"}, 400, "event"),
        (
            "POST",
            path,
            {
                "content": [
                    {
                        **approval_action(1, "ROLE_ID", "ADMIN"),
                        "adaptor_action": "ASSIGN_SPECIFIC_DEPARTMENT",
                    }
                ]
            },
            400,
            "adaptor_action",
        ),
        (
            "POST",
            path,
            {
                "content": [
                    {**approval_action(1, "ROLE_ID", "ADMIN"), "adaptor_action": "POST_WEBHOOK"}
                ]
            },
            400,
            "content[0].adaptor_action",
        ),
        (
            "POST",
            path,
            {
                "content": [
                    {"adaptor": "AUTOMATIC_CONTENT_UPDATES", "adaptor_action": "UPDATE_CONTENT"}
                ]
            },
            400,
            "content[0].adaptor_action",
        ),
        (
            "POST",
            path,
            {
                "content": [
                    {"adaptor": "APPROVAL_REQUESTS", "adaptor_action": "REQUEST_USER_APPROVAL"}
                ]
            },
            400,
            "content[0].adaptor_action_parameters",
        ),
        (
            "POST",
            path,
            {"content": [approval_action(1, "RICH_CONTENT", "x")]},
            400,
            "content[0].adaptor_action_parameters[0].parameter_key",
        ),
        ("POST", path, {"content": [approval_action(1, "USER_ID", UNKNOWN)]}, 404, "user"),
        ("POST", path, {"content": [approval_action(1, "TEAM_ID", UNKNOWN)]}, 404, "team"),
        ("POST", path, {"content": [approval_action(1, "ROLE_ID", "NOBODY")]}, 404, "role"),
        (
            "POST",
            path,
            {
                "content": [
                    approval_action(
                        1,
                        "ROLE_ID",
                        "ADMIN",
                        action_filters=[
                            {
                                "filters": [
                                    {
                                        "attribute": "amount",
                                        "operator": "GREATER",
                                        "value_list": [""],
                                    }
                                ]
                            }
                        ],
                    )
                ]
            },
            400,
            "value",
        ),
        (
            "POST",
            path,
            {
                "content": [
                    approval_action(
                        1,
                        "ROLE_ID",
                        "ADMIN",
                        action_filters=[
                            {
                                "filters": [
                                    {"attribute": "amount", "operator": "BIGGER", "value": "1"}
                                ]
                            }
                        ],
                    )
                ]
            },
            400,
            "operator",
        ),
    ]
    for method, url, body, status, named in cases:
        response = await api.rest(method, url, body)
        assert response.status_code == status, (body, response.text)
        error = response.json()
        assert (
            any(named in str(part) for part in error["parameters"]) or named in error["message"]
        ), (body, error)
    assert snapshot_changes(before, await table_snapshot(db)) == []


async def test_another_organisations_automations_are_not_found(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    automation_id = await create_automation(api)
    stranger = api.as_key(await other_business(db))
    for method, url, body in (
        ("GET", f"/automations/{automation_id}", None),
        ("PUT", f"/automations/{automation_id}", {"name": "Mine now"}),
        ("DELETE", f"/automations/{automation_id}", None),
        ("GET", f"/automations/{automation_id}/actions", None),
        ("POST", f"/automations/{automation_id}/actions", {"content": []}),
    ):
        response = await stranger.rest(method, url, body)
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["parameters"] == ["automation", automation_id]
    listed = await stranger.rest("GET", "/automations")
    assert listed.json()["paging"]["total"] == 0
    assert (await api.rest("GET", f"/automations/{automation_id}")).json()["name"] == (
        "Approve Offers"
    )


async def test_a_read_only_user_reads_but_does_not_change_automations(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    from tests.access_helpers import signed_in

    automation_id = await create_automation(api)
    await add_member(db, tenant.organisation_id, "reader@example.com", "READ_ONLY")
    reader = await signed_in(api, "reader@example.com")
    assert (await reader.rest("GET", f"/automations/{automation_id}")).status_code == 200
    refused = await reader.rest("DELETE", f"/automations/{automation_id}")
    assert refused.status_code == 403
    assert refused.json()["parameters"] == ["AUTOMATIONS_WRITE"]


async def test_an_active_automation_runs_for_matching_events_only(api: Api, db: Database) -> None:
    active = await create_automation(api, state="ACTIVE")
    inactive = await create_automation(api, name="Off", state="INACTIVE")
    other_event = await create_automation(
        api, name="Updates", state="ACTIVE", event="UPDATE_CUSTOMER"
    )
    for automation_id in (active, inactive, other_event):
        response = await api.rest(
            "POST",
            f"/automations/{automation_id}/actions",
            {"content": [approval_action(1, "ROLE_ID", "ADMIN")]},
        )
        assert response.status_code == 200, response.text
    contact = await api.rest(
        "POST", "/contacts", {"contact_type": "PERSON", "first_name": "Jo", "code": "C-1"}
    )
    assert contact.status_code == 200
    runs = await eventually(
        lambda: runs_of(db, active),
        lambda found: len(found) == 1 and found[0].state == "WAITING_APPROVAL",
    )
    assert runs[0].steps[0]["adaptor_action"] == "REQUEST_USER_APPROVAL"
    assert await runs_of(db, inactive) == []
    assert await runs_of(db, other_event) == []
