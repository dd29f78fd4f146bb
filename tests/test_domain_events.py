"""Domain events: written in the transaction of each change (and only when it commits), read
by the automations job, which runs each automation once per event even with two workers."""

import asyncio
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from app.automations.actions import ActionRegistry, Outcome, RunContext
from app.automations.codes import Adaptor, AdaptorAction
from app.automations.runs import MAX_DEPTH, UnscopedAutomationRuns
from app.db.engine import Database
from app.db.models import ApprovalRequest, AutomationRun, DomainEvent
from app.events.codes import EVENTS, Entity, Event
from app.onboarding import BootstrapResult
from tests.automation_helpers import approval_action, eventually, runs_of
from tests.conftest import Api
from tests.test_wallets import make_account, make_wallet, post


async def _events(db: Database, **where: Any) -> list[DomainEvent]:
    async with db.read() as session:
        stmt = select(DomainEvent).filter_by(**where).order_by(DomainEvent.occurred_on)
        return list((await session.execute(stmt)).scalars())


async def test_every_event_code_belongs_to_one_entity() -> None:
    listed = [event for events in EVENTS.values() for event in events]
    assert sorted(listed) == sorted(Event) and len(listed) == len(set(listed))
    assert set(EVENTS) == set(Entity)


async def test_services_emit_events_with_their_changes(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    contact = await api.rest(
        "POST", "/contacts", {"contact_type": "PERSON", "first_name": "Jo", "code": "EV-1"}
    )
    contact_id = contact.json()["id"]
    await api.rest("PUT", f"/contacts/{contact_id}", {"last_name": "Doe"})
    account = await api.rest("POST", f"/contacts/{contact_id}/accounts", {"currency_code": "EUR"})
    account_id = account.json()["id"]
    wallet_id = await make_wallet(api, account_id)
    journal = await post(api, wallet_id, "12.5")
    activity = await api.rest("POST", "/activities", {"name": "Call"})
    assert activity.status_code == 200

    events = await _events(db, organisation_id=tenant.organisation_id)
    seen = [(event.entity, event.event, event.entity_id) for event in events]
    assert seen == [
        ("CONTACTS", "REGISTER_CUSTOMER", contact_id),
        ("CONTACTS", "UPDATE_CUSTOMER", contact_id),
        ("ACCOUNTS", "CREATE_ACCOUNT", account_id),
        ("WALLETS", "CREATE_WALLET", wallet_id),
        ("JOURNALS", "POST_JOURNAL", journal.json()["id"]),
        ("ACTIVITIES", "CREATE_ACTIVITY", activity.json()["id"]),
    ]
    registered, updated, _account, wallet, posted, _activity = events
    assert registered.data["reference"] == "EV-1" and registered.data["first_name"] == "Jo"
    assert updated.data["last_name"] == "Doe"
    assert wallet.data["contact_id"] == contact_id
    assert posted.data["amount"] == "12.5" and posted.data["type"] == "CREDIT"
    assert posted.data["wallet_code"] and isinstance(posted.data["posted_on"], int)
    assert all(event.is_test is False and event.depth == 0 for event in events)
    assert "is_test" not in registered.data
    # The worker reads them: with no automation, each is only marked dispatched.
    await eventually(
        lambda: _events(db, dispatched_on=None), lambda pending: pending == [], within=10
    )

    deleted = await api.rest("DELETE", f"/contacts/{(await _new_contact(api))}")
    assert deleted.status_code == 200
    [gone] = await _events(db, event="DELETE_CUSTOMER")
    assert gone.entity_id == deleted.json()["id"]


async def test_a_journals_event_data_is_the_same_whichever_way_it_was_posted(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    """On PostgreSQL the short way completes the POST_JOURNAL event's data in SQL (the wallet's
    values); the general way (a wallet named by its code) describes the journal in Python:
    same keys, same values, decimals as the same text."""
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    short = (await post(api, wallet_id, "12.5", description="short")).json()["id"]
    general = (await post(api, code, "12.5", description="short")).json()["id"]
    data = {event.entity_id: event.data for event in await _events(db, event="POST_JOURNAL")}
    first, second = data[short], data[general]
    assert set(first) == set(second)
    differing = {"id", "created_on", "posted_on", "balance_after"}
    assert {key: first[key] for key in first if key not in differing} == {
        key: second[key] for key in second if key not in differing
    }
    assert first["wallet_id"] == wallet_id and first["wallet_code"] == code
    assert first["organisation_id"] == tenant.organisation_id
    assert first["currency_code"] == "EUR" and "is_test" not in first
    assert Decimal(first["balance_after"]) == Decimal("12.5")
    assert Decimal(second["balance_after"]) == Decimal("25")
    assert len(first["balance_after"]) == len(second["balance_after"])  # the same scale


async def test_a_journals_event_balance_after_has_the_scale_of_money_whichever_way(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    """The POST_JOURNAL event's ``balance_after`` is money's text at its scale (four decimals,
    as PostgreSQL's NUMERIC(20, 4) gives it), whichever way the journal was posted and however
    many decimals its amount was written with; it was the scale of Python's arithmetic on
    SQLite's general way (``7.5 + 2.50``: ``10.00``) and none on its short way (``10.5``)."""
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    posted = [
        (await post(api, name, amount)).json()["id"]
        for name, amount in ((wallet_id, "7.5"), (code, "2.50"), (wallet_id, "0.5"))
    ]
    data = {event.entity_id: event.data for event in await _events(db, event="POST_JOURNAL")}
    assert [data[journal_id]["balance_after"] for journal_id in posted] == [
        "7.5000",
        "10.0000",
        "10.5000",
    ]


async def test_a_journals_event_writes_its_amount_as_plain_decimal_text(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    """An amount sent as a JSON number in exponent form (``1e3``, ``1E-2``: exact, accepted)
    is written in the POST_JOURNAL event's data as plain decimal text (``"1000"``, ``"0.01"``),
    whichever way it was posted, as integrators' webhooks and automations' conditions read
    it (it was ``"1E+3"``)."""
    account_id = await make_account(db, tenant.organisation_id)
    wallet_id = await make_wallet(api, account_id)
    code = (await api.rest("GET", f"/wallets/{wallet_id}")).json()["code"]
    headers = {"content-type": "application/json", "api_key": tenant.secret_api_key}
    posted = []
    for name in (wallet_id, code):
        for amount in ("1e3", "1E-2"):
            body = f'{{"wallet_id": "{name}", "type": "CREDIT", "amount": {amount}}}'
            response = await api.client.post(
                "/backoffice/v1/journals", content=body, headers=headers
            )
            assert response.status_code == 200, response.text
            posted.append(response.json()["id"])
    data = {event.entity_id: event.data for event in await _events(db, event="POST_JOURNAL")}
    assert [data[journal_id]["amount"] for journal_id in posted] == ["1000", "0.01"] * 2


async def _new_contact(api: Api) -> str:
    response = await api.rest(
        "POST", "/contacts", {"contact_type": "PERSON", "first_name": "Al", "code": "EV-2"}
    )
    contact_id: str = response.json()["id"]
    return contact_id


async def test_a_refused_change_emits_nothing(api: Api, db: Database) -> None:
    body = {"contact_type": "PERSON", "first_name": "Jo", "code": "DUP"}
    assert (await api.rest("POST", "/contacts", body)).status_code == 200
    assert (await api.rest("POST", "/contacts", body)).status_code == 409
    assert len(await _events(db, event="REGISTER_CUSTOMER")) == 1


async def test_organisation_events(api: Api, db: Database, tenant: BootstrapResult) -> None:
    created = await api.rest(
        "POST",
        f"/organisations/{tenant.organisation_id}/network",
        {"org_type": "MERCHANT", "name": "Kiosk"},
    )
    assert created.status_code == 200, created.text
    child_id = created.json()["id"]
    changed = await api.rest("PUT", f"/organisations/{child_id}", {"name": "Big kiosk"})
    assert changed.status_code == 200, changed.text
    events = await _events(db, entity="ORGANISATIONS")
    assert [(e.event, e.entity_id, e.data["name"]) for e in events] == [
        ("CREATE_ORGANISATION", child_id, "Kiosk"),
        ("UPDATE_ORGANISATION", child_id, "Big kiosk"),
    ]
    # Events are a log: they never keep an organisation from being removed.
    removed = await api.rest("DELETE", f"/organisations/{child_id}")
    assert removed.status_code == 200, removed.text


async def _automation_on_journals(api: Api) -> str:
    created = await api.rest(
        "POST",
        "/automations",
        {"name": "Journals", "state": "ACTIVE", "entity": "JOURNALS", "event": "POST_JOURNAL"},
    )
    automation_id: str = created.json()["id"]
    response = await api.rest(
        "POST",
        f"/automations/{automation_id}/actions",
        {"content": [approval_action(1, "ROLE_ID", "OWNER")]},
    )
    assert response.status_code == 200, response.text
    return automation_id


async def test_two_workers_run_each_automation_once_per_event(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    automation_id = await _automation_on_journals(api)
    wallet_id = await make_wallet(api, await make_account(db, tenant.organisation_id))
    for amount in (1, 2, 3, 4, 5):
        assert (await post(api, wallet_id, amount)).status_code == 200
    # The gateway's own worker and two more, on their own engine, race for the same rows.
    await asyncio.gather(
        UnscopedAutomationRuns.run_once(db),
        UnscopedAutomationRuns.run_once(db),
        UnscopedAutomationRuns.run_once(db),
    )
    runs = await eventually(
        lambda: runs_of(db, automation_id),
        lambda found: len(found) == 5 and all(r.state == "WAITING_APPROVAL" for r in found),
    )
    assert len({run.event_id for run in runs}) == 5
    async with db.read() as session:
        requests = (await session.execute(select(func.count(ApprovalRequest.id)))).scalar_one()
    assert requests == 5
    assert all(len(run.steps) == 1 for run in runs)


async def test_a_failing_action_fails_its_run_and_a_crash_repeats_nothing(
    api: Api, db: Database, tenant: BootstrapResult, monkeypatch: Any
) -> None:
    calls: list[str] = []

    async def broken(session: Any, run: RunContext) -> Outcome:
        calls.append(run.event["event"])
        session.add(
            ApprovalRequest(
                organisation_id=run.principal.organisation_id,
                entity_type="JOURNAL",
                entity_id=run.event["entity_id"],
            )
        )
        await session.flush()
        raise RuntimeError("the adaptor is down")

    registry = ActionRegistry()
    registry.register(Adaptor.APPROVAL_REQUESTS, AdaptorAction.REQUEST_USER_APPROVAL, broken)
    automation_id = await _automation_on_journals(api)
    monkeypatch.setattr("app.automations.runs.REGISTRY", registry)
    wallet_id = await make_wallet(api, await make_account(db, tenant.organisation_id))
    assert (await post(api, wallet_id, 7)).status_code == 200
    [run] = await eventually(
        lambda: runs_of(db, automation_id), lambda found: found and found[0].state == "FAILED"
    )
    assert run.error == "RuntimeError: the adaptor is down"
    assert [step["outcome"] for step in run.steps] == ["FAILED"]
    assert calls == ["POST_JOURNAL"]
    async with db.read() as session:
        # What the failed handler wrote went with its savepoint.
        written = select(func.count(ApprovalRequest.id))
        assert (await session.execute(written)).scalar_one() == 0


async def test_events_raised_by_runs_stop_at_the_depth_limit(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    # Each approval request raises APPROVALS REQUEST_APPROVAL, which this automation answers
    # with another approval request: the chain ends at MAX_DEPTH.
    created = await api.rest(
        "POST",
        "/automations",
        {"name": "Loop", "state": "ACTIVE", "entity": "APPROVALS", "event": "REQUEST_APPROVAL"},
    )
    loop_id = created.json()["id"]
    await api.rest(
        "POST",
        f"/automations/{loop_id}/actions",
        {"content": [approval_action(1, "ROLE_ID", "OWNER")]},
    )
    await _automation_on_journals(api)
    wallet_id = await make_wallet(api, await make_account(db, tenant.organisation_id))
    assert (await post(api, wallet_id, 9)).status_code == 200
    await eventually(
        lambda: _events(db, entity="APPROVALS"),
        lambda found: len(found) == MAX_DEPTH and all(e.dispatched_on for e in found),
    )
    await asyncio.sleep(0.2)
    assert len(await _events(db, entity="APPROVALS")) == MAX_DEPTH
    async with db.read() as session:
        depths = (await session.execute(select(DomainEvent.depth))).scalars().all()
        runs = (await session.execute(select(func.count(AutomationRun.id)))).scalar_one()
    assert max(depths) == MAX_DEPTH
    assert runs == MAX_DEPTH  # the journal's run, then one per approval event below the limit
