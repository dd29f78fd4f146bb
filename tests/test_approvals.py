"""Approval requests (spec routes 64-67): automations that wait for approval, through both
doors, on both databases."""

from dataclasses import dataclass
from typing import Any

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.access_helpers import add_member, signed_in
from tests.automation_helpers import approval_action, eventually, runs_of
from tests.conftest import Api
from tests.test_wallets import make_account, make_wallet, other_business, post


@dataclass
class Setting:
    """An automation on posted journals that asks the approver, then the ADMIN role."""

    automation_id: str
    wallet_id: str
    approver_id: str
    clerk_id: str
    approver: Api
    clerk: Api


async def _setting(api: Api, db: Database, tenant: BootstrapResult) -> Setting:
    approver_id = await add_member(db, tenant.organisation_id, "approver@example.com", "READ_ONLY")
    clerk_id = await add_member(db, tenant.organisation_id, "clerk@example.com", "ADMIN")
    created = await api.rest(
        "POST",
        "/automations",
        {
            "name": "Approve large journals",
            "description": "Journals over 100 need two approvals in turn",
            "state": "ACTIVE",
            "entity": "JOURNALS",
            "event": "POST_JOURNAL",
        },
    )
    automation_id = created.json()["id"]
    over_100 = [
        {
            "filters": [
                {"attribute": "amount", "type": "NUMBER", "operator": "GREATER", "value": "100"}
            ]
        }
    ]
    sequence = await api.rest(
        "POST",
        f"/automations/{automation_id}/actions",
        {
            "content": [
                approval_action(1, "USER_ID", approver_id, action_filters=over_100),
                {
                    **approval_action(2, "ROLE_ID", "ADMIN"),
                    "adaptor_action_parameters": [
                        {"parameter_key": "ROLE_ID", "parameter_from_value": "ADMIN"},
                        {"parameter_key": "DESCRIPTION", "parameter_from_value": "Second"},
                    ],
                },
            ]
        },
    )
    assert sequence.status_code == 200, sequence.text
    wallet_id = await make_wallet(api, await make_account(db, tenant.organisation_id))
    return Setting(
        automation_id,
        wallet_id,
        approver_id,
        clerk_id,
        await signed_in(api, "approver@example.com"),
        await signed_in(api, "clerk@example.com"),
    )


async def _requests(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = await api.rest(
        "GET", "/approval_requests", params={"sort": "created_on", "order": "ASC", **params}
    )
    assert response.status_code == 200, response.text
    content: list[dict[str, Any]] = response.json()["content"]
    return content


async def _post_journal(setting: Setting, amount: int) -> str:
    response = await post(setting.clerk, setting.wallet_id, amount)
    assert response.status_code == 200, response.text
    journal_id: str = response.json()["id"]
    return journal_id


async def test_a_journal_waits_for_approval_and_goes_on_when_approved(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    setting = await _setting(api, db, tenant)
    journal_id = await _post_journal(setting, 150)
    [first] = await eventually(lambda: _requests(api), lambda found: len(found) == 1)
    assert first["state"] == "PENDING"
    assert first["entity"]["id"] == journal_id and first["entity"]["type"] == "JOURNAL"
    assert first["automations"] == {
        "id": setting.automation_id,
        "name": "Approve large journals",
    }
    assert first["description"] == "Journals over 100 need two approvals in turn"
    assert first["authorised_conditions"] == [
        {"id": setting.approver_id, "name": "approver@example.com", "type": "USER"}
    ]
    assert isinstance(first["created_date"], int) and first["pending_requests"] == 1
    assert first["response"] is None and first["authorised_by"] is None
    [run] = await runs_of(db, setting.automation_id)
    assert (run.state, run.position) == ("WAITING_APPROVAL", 0)

    pending = await setting.approver.rest("GET", "/approval_requests/my_pending_approvals")
    assert pending.status_code == 200
    [mine] = pending.json()["content"]
    assert mine["id"] == first["id"]
    assert {"id", "entity", "automations", "created_date"} <= set(mine)
    requested = await setting.clerk.rest("GET", "/approval_requests/my_requests")
    [own] = requested.json()["content"]
    assert own["id"] == first["id"] and own["state"] == "PENDING" and own["responses"] == []
    nothing = await setting.clerk.rest("GET", "/approval_requests/my_pending_approvals")
    assert nothing.json()["content"] == []

    not_named = await setting.clerk.rest(
        "POST", f"/approval_requests/{first['id']}/actions", {"life_cycle_state": "APPROVED"}
    )
    assert not_named.status_code == 403
    by_key = await api.rest(
        "POST", f"/approval_requests/{first['id']}/actions", {"life_cycle_state": "APPROVED"}
    )
    assert by_key.status_code == 403

    approved = await setting.approver.rest(
        "POST",
        f"/approval_requests/{first['id']}/actions",
        {"life_cycle_state": "APPROVED", "response": "Fine by me"},
    )
    assert approved.status_code == 200 and approved.json() == {"id": first["id"]}
    again = await setting.approver.rest(
        "POST", f"/approval_requests/{first['id']}/actions", {"state": "REJECTED"}
    )
    assert again.status_code == 409

    # The sequence goes on: its second action asks the ADMIN role.
    found = await eventually(lambda: _requests(api), lambda found: len(found) == 2)
    decided, second = found
    assert decided["state"] == "APPROVED" and decided["response"] == "Fine by me"
    assert decided["authorised_by"] == {
        "id": setting.approver_id,
        "name": "approver@example.com",
        "type": "USER",
    }
    assert isinstance(decided["authorised_on"], int) and decided["pending_requests"] == 0
    assert second["description"] == "Second" and second["state"] == "PENDING"
    assert second["authorised_conditions"] == [
        {"id": "ADMIN", "name": "Administrator", "type": "ROLE"}
    ]
    [run] = await runs_of(db, setting.automation_id)
    assert (run.state, run.position) == ("WAITING_APPROVAL", 1)

    # The clerk holds the ADMIN role: the second is theirs to decide (the other spelling).
    clerk_pending = await setting.clerk.rest("GET", "/approval_requests/my_pending_approvals")
    assert [item["id"] for item in clerk_pending.json()["content"]] == [second["id"]]
    done = await setting.clerk.rest(
        "POST",
        f"/approval_requests/{second['id']}/life_cycle_state",
        {"state": "APPROVED", "reason": "ok"},
    )
    assert done.status_code == 200
    [run] = await eventually(
        lambda: runs_of(db, setting.automation_id), lambda runs: runs[0].state == "COMPLETED"
    )
    assert [step["outcome"] for step in run.steps] == ["WAIT", "APPROVED", "WAIT", "APPROVED"]
    mine = (await setting.clerk.rest("GET", "/approval_requests/my_requests")).json()["content"]
    assert {item["state"] for item in mine} == {"APPROVED"}


async def test_rejecting_stops_the_sequence(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    setting = await _setting(api, db, tenant)
    await _post_journal(setting, 500)
    [first] = await eventually(lambda: _requests(api), lambda found: len(found) == 1)
    rejected = await setting.approver.data(
        f'mutation {{ decide_approval_request(id: "{first["id"]}", input: '
        '{life_cycle_state: REJECTED, response: "Too much"}) { state responses { state '
        "message authorised_by { id type } } } }"
    )
    assert rejected["decide_approval_request"]["state"] == "REJECTED"
    assert rejected["decide_approval_request"]["responses"] == [
        {
            "state": "REJECTED",
            "message": "Too much",
            "authorised_by": {"id": setting.approver_id, "type": "USER"},
        }
    ]
    [run] = await runs_of(db, setting.automation_id)
    assert run.state == "STOPPED" and run.position == 0
    # Nothing more happens: no second request.
    await eventually(lambda: _dispatched(api), lambda done: done)
    assert len(await _requests(api)) == 1


async def _dispatched(api: Api) -> bool:
    ready = await api.client.get("/ready")
    return bool(ready.json()["worker"]["automations"]["queue_depth"] == 0)


async def test_filters_skip_an_action_and_the_sequence_goes_on(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    setting = await _setting(api, db, tenant)
    await _post_journal(setting, 50)  # not over 100: the approver is not asked
    [only] = await eventually(lambda: _requests(api), lambda found: len(found) == 1)
    assert only["description"] == "Second"
    [run] = await runs_of(db, setting.automation_id)
    assert [step["outcome"] for step in run.steps] == ["SKIPPED", "WAIT"]


async def test_search_filters_and_graph_links(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    setting = await _setting(api, db, tenant)
    journal_id = await _post_journal(setting, 150)
    [first] = await eventually(lambda: _requests(api), lambda found: len(found) == 1)
    cases: list[tuple[dict[str, str], int]] = [
        ({"state": "PENDING"}, 1),
        ({"state": "APPROVED"}, 0),
        ({"automation_id": setting.automation_id}, 1),
        ({"user_id": setting.approver_id}, 1),
        ({"user_id": setting.clerk_id}, 0),
        ({"condition_type": "USER"}, 1),
        ({"condition_type": "CONTACT"}, 0),
        ({"requested_by": setting.clerk_id}, 1),
        ({"requested_by": setting.approver_id}, 0),
        ({"entity_type": "JOURNAL"}, 1),
        ({"entity_id": journal_id}, 1),
        ({"search_value": "journ"}, 1),
        ({"search_value": "wallet"}, 0),
        ({"contact_id": setting.clerk_id}, 0),
    ]
    for params, total in cases:
        assert len(await _requests(api, **params)) == total, params
    bad = await api.rest("GET", "/approval_requests", params={"state": "MAYBE"})
    assert bad.status_code == 400 and "state" in bad.json()["parameters"], bad.text
    # The documented filters of the signed-in user's lists.
    mine: list[tuple[Api, str, dict[str, str], int]] = [
        (setting.approver, "my_pending_approvals", {"entity_type": "JOURNAL"}, 1),
        (setting.approver, "my_pending_approvals", {"entity_type": "CONTACT"}, 0),
        (setting.approver, "my_pending_approvals", {"search_value": "journ"}, 1),
        (setting.approver, "my_pending_approvals", {"search_value": "wallet"}, 0),
        (setting.clerk, "my_requests", {"state": "PENDING"}, 1),
        (setting.clerk, "my_requests", {"state": "REJECTED"}, 0),
        (setting.clerk, "my_requests", {"entity_type": "JOURNAL"}, 1),
        (setting.clerk, "my_requests", {"search_value": "nothing like it"}, 0),
    ]
    for client, route, params, total in mine:
        listed = await client.rest("GET", f"/approval_requests/{route}", params=params)
        assert listed.status_code == 200, (route, params, listed.text)
        assert [item["id"] for item in listed.json()["content"]] == [first["id"]][:total], params
    bad = await setting.clerk.rest("GET", "/approval_requests/my_requests", params={"state": "NO"})
    assert bad.status_code == 400 and "state" in bad.json()["parameters"], bad.text
    graph = await api.data(
        f'{{ approval_request(id: "{first["id"]}") {{ entity {{ type }} automation {{ name '
        "actions { order } } authorised_conditions { name } } }"
    )
    assert graph["approval_request"]["automation"]["name"] == "Approve large journals"
    assert [a["order"] for a in graph["approval_request"]["automation"]["actions"]] == [1, 2]

    # API keys have no approvals of their own.
    refused = await api.rest("GET", "/approval_requests/my_pending_approvals")
    assert refused.status_code == 403
    # Another organisation sees none of them.
    stranger = api.as_key(await other_business(db))
    assert (await stranger.rest("GET", "/approval_requests")).json()["content"] == []
    missing = await stranger.rest(
        "POST", f"/approval_requests/{first['id']}/actions", {"life_cycle_state": "APPROVED"}
    )
    assert missing.status_code == 404
    assert missing.json()["parameters"] == ["approval_request", first["id"]]
    bad_body = await setting.approver.rest(
        "POST", f"/approval_requests/{first['id']}/actions", {"life_cycle_state": "MAYBE"}
    )
    assert bad_body.status_code == 400
    neither = await setting.approver.rest(
        "POST", f"/approval_requests/{first['id']}/actions", {"response": "hm"}
    )
    assert neither.status_code == 400 and neither.json()["parameters"] == ["life_cycle_state"]


async def test_a_customer_approval_is_decided_with_the_secret_key(api: Api, db: Database) -> None:
    created = await api.rest(
        "POST",
        "/automations",
        {"name": "Welcome", "state": "ACTIVE", "entity": "CONTACTS", "event": "REGISTER_CUSTOMER"},
    )
    automation_id = created.json()["id"]
    sequence = await api.rest(
        "POST",
        f"/automations/{automation_id}/actions",
        {
            "content": [
                {"adaptor": "APPROVAL_REQUESTS", "adaptor_action": "REQUEST_CUSTOMER_APPROVAL"}
            ]
        },
    )
    assert sequence.status_code == 200, sequence.text
    contact = await api.rest(
        "POST",
        "/contacts",
        {"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee", "code": "AL-1"},
    )
    contact_id = contact.json()["id"]
    [request] = await eventually(lambda: _requests(api), lambda found: len(found) == 1)
    assert request["entity"] == {"id": contact_id, "type": "CONTACT", "reference": "AL-1"}
    assert request["authorised_conditions"] == [
        {"id": contact_id, "name": "Ann Lee", "type": "CONTACT"}
    ]
    assert len(await _requests(api, contact_id=contact_id)) == 1
    decided = await api.rest(
        "POST", f"/approval_requests/{request['id']}/actions", {"life_cycle_state": "APPROVED"}
    )
    assert decided.status_code == 200
    await eventually(lambda: runs_of(db, automation_id), lambda runs: runs[0].state == "COMPLETED")
    [after] = await _requests(api)
    assert after["authorised_by"]["type"] == "CONTACT"


async def test_approval_requests_are_the_approval_adaptors_records(api: Api) -> None:
    created = await api.rest(
        "POST",
        "/automations",
        {"name": "Welcome", "state": "ACTIVE", "entity": "CONTACTS", "event": "REGISTER_CUSTOMER"},
    )
    automation_id = created.json()["id"]
    action = {"adaptor": "APPROVAL_REQUESTS", "adaptor_action": "REQUEST_CUSTOMER_APPROVAL"}
    await api.rest("POST", f"/automations/{automation_id}/actions", {"content": [action]})
    body = {"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee", "code": "AL-7"}
    await api.rest("POST", "/contacts", body)
    [request] = await eventually(lambda: _requests(api), lambda found: len(found) == 1)

    records = "/adaptors/APPROVAL_REQUESTS/actions/REQUEST_CUSTOMER_APPROVAL/records"
    listed = (await api.rest("GET", records)).json()
    assert [record["id"] for record in listed["content"]] == [request["id"]]
    attributes = {a["key"]: a for a in listed["content"][0]["record_attributes"]}
    assert attributes["state"]["value"] == "PENDING"
    assert attributes["entity-reference"]["value"] == "AL-7"
    # A customer approval is not a user approval's record.
    users = "/adaptors/APPROVAL_REQUESTS/actions/REQUEST_USER_APPROVAL/records"
    assert (await api.rest("GET", users)).json()["content"] == []
    assert (await api.rest("GET", f"{users}/{request['id']}")).status_code == 404
    found = await api.rest(
        "GET", records, params={"search_type": "entity-reference", "search_value": "al-7"}
    )
    assert len(found.json()["content"]) == 1

    changed = await api.rest(
        "POST", f"{records}/{request['id']}", {"key": "description", "value": "Welcome Ann"}
    )
    assert changed.status_code == 200 and changed.json() == {"id": request["id"]}
    refused = await api.rest("POST", f"{records}/{request['id']}", {"key": "state", "value": "X"})
    assert refused.status_code == 400 and refused.json()["parameters"] == ["key"]
    [after] = await _requests(api)
    assert after["description"] == "Welcome Ann" and after["state"] == "PENDING"
