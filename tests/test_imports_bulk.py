"""Contacts imported a batch at a time (``app.imports.targets.ContactsTarget.import_rows``):
what a user sees is what the row-by-row import gave, through the worker and the API, on both
databases. Batches are made small here (a few rows) so that small files cross batches."""

from typing import Any

import pytest
from sqlalchemy import select

from app.db import bulk
from app.db.engine import Database
from app.db.models import DomainEvent
from app.imports import runner
from app.onboarding import BootstrapResult
from tests.automation_helpers import eventually, runs_of
from tests.conftest import Api
from tests.test_files import gateway  # noqa: F401  (the gateway storing files in tmp)
from tests.test_imports import contacts_by_code, download, finished, upload_id


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four rows a batch (a file of ten rows is three batches), written with COPY on
    PostgreSQL from two rows on."""
    monkeypatch.setattr(runner, "BATCH_ROWS", 4)
    monkeypatch.setattr(bulk, "COPY_FROM_ROWS", 2)


async def imported(api: Api, csv: str, **options: Any) -> dict[str, Any]:
    """Import ``csv`` (its header names the attributes; ``tier`` is a custom field) as
    contacts through POST /imports and the worker; the finished import."""
    file_id = await upload_id(api, csv.encode(), "people.csv")
    header = csv.split("\n", 1)[0].split(",")
    mapping = [
        {"import_key": name, "attribute_key": name, "is_custom": name == "tier"} for name in header
    ]
    body = {"file_id": file_id, "type": "CONTACTS", "data_mapping": mapping, **options}
    created = await api.rest("POST", "/imports", body)
    assert created.status_code == 200, created.text
    return await finished(api, created.json()["id"])


async def registered(db: Database, organisation_id: str) -> list[DomainEvent]:
    async with db.read() as session:
        stmt = select(DomainEvent).where(
            DomainEvent.organisation_id == organisation_id,
            DomainEvent.event == "REGISTER_CUSTOMER",
        )
        return list((await session.execute(stmt)).scalars())


async def test_bad_rows_mixed_in_batches_leave_exactly_the_good_ones(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    welcome = await api.rest(
        "POST",
        "/automations",
        {"name": "Welcome", "state": "ACTIVE", "entity": "CONTACTS", "event": "REGISTER_CUSTOMER"},
    )
    assert welcome.status_code == 201, welcome.text
    blocker = await api.rest("POST", "/contacts", {"contact_type": "PERSON", "first_name": "Old"})
    blocker_id = blocker.json()["id"]
    csv = (
        "first_name,last_name,email_address,code,phone_number,tier\n"
        "Ann,Lee,ann@example.com,BK-1,+35799000001,gold\n"
        "Bob,Ray,not-an-address,BK-2,+35799000002,silver\n"
        "Cy,Oak,CY@Example.com,BK-3,+35799000003,bronze\n"
        f"{'x' * 101},Long,long@example.com,BK-4,,gold\n"
        "Di,Fox,di@example.com,BK-5,+35799000005,gold\n"
        ",,nobody@example.com,BK-6,,\n"
        f"Ed,Elm,ed@example.com,{blocker_id},+35799000007,\n"
        "Flo,Ash,flo@example.com,BK-8,+35799000008,silver\n"
        "Gus,Bay,gus@example.com,BK-9,,\n"
    )
    done = await imported(api, csv)
    assert done["status"] == "FAILED"
    assert done["processed_results"] == {
        "new": 5,
        "updated": 0,
        "unchanged": 0,
        "errors": 4,
        "total": 9,
    }
    contacts = await contacts_by_code(api)
    assert sorted(code for code in contacts if code) == ["BK-1", "BK-3", "BK-5", "BK-8", "BK-9"]
    ann = (await api.rest("GET", f"/contacts/{contacts['BK-1']['id']}")).json()
    assert (ann["first_name"], ann["last_name"], ann["contact_type"]) == ("Ann", "Lee", "PERSON")
    assert [(p["number"], p["phone_type"], p["is_primary"]) for p in ann["phones"]] == [
        ("+35799000001", "MOBILE", True)
    ]
    assert ann["custom_fields"] == [{"key": "tier", "value": "gold"}]
    assert contacts["BK-3"]["email_address"] == "cy@example.com"
    gus = (await api.rest("GET", "/contacts/BK-9")).json()
    assert gus["phones"] == [] and gus["custom_fields"] == []

    lines = (await download(api, done["error_file"]["id"])).splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "4", "6", "7"]
    assert "email_address: is not an e-mail address" in lines[1]
    assert "first_name: at most 100 characters" in lines[2]
    assert "first_name: a PERSON needs a first_name or a last_name" in lines[3]
    assert "is the id of another contact" in lines[4]

    # One REGISTER_CUSTOMER event a new contact, with the contact's data, and the automation
    # listening to it runs once for each (and once for the contact made through the API).
    events = await registered(db, tenant.organisation_id)
    new_ids = {contacts[code]["id"] for code in ("BK-1", "BK-3", "BK-5", "BK-8", "BK-9")}
    assert sorted(event.entity_id for event in events) == sorted([*new_ids, blocker_id])
    ann_event = next(event for event in events if event.entity_id == ann["id"])
    assert ann_event.data["reference"] == "BK-1" and ann_event.data["first_name"] == "Ann"
    assert ann_event.data["custom_fields"] == [{"key": "tier", "value": "gold"}]
    assert "is_test" not in ann_event.data and isinstance(ann_event.data["created_on"], int)
    await eventually(lambda: runs_of(db, welcome.json()["id"]), lambda runs: len(runs) == 6)


async def test_rows_naming_an_earlier_row_see_it_as_the_row_by_row_import_did(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    csv = (
        "first_name,email_address,code,tier\n"
        "Ann,ann@example.com,D-1,gold\n"
        "Anna,ann2@example.com,D-1,silver\n"  # the same code: D-1 exists by then
        "Bo,bo@example.com,,\n"
        "Bob,BO@example.com,,bronze\n"  # no code, the same e-mail address: Bo exists
        "Cy,,D-3,\n"
    )
    kept = await imported(api, csv)
    assert kept["processed_results"] == {
        "new": 3,
        "updated": 0,
        "unchanged": 2,
        "errors": 0,
        "total": 5,
    }
    contacts = await contacts_by_code(api)
    assert contacts["D-1"]["first_name"] == "Ann"
    assert len(await registered(db, tenant.organisation_id)) == 3

    changed = await imported(api, csv, update_data=True)
    # Each row in turn, as the row-by-row import applied them: row 1 holds what D-1 holds,
    # row 2 changes it; row 3 holds what Bo holds, row 4 changes it; D-3 is as it was.
    assert changed["processed_results"] == {
        "new": 0,
        "updated": 2,
        "unchanged": 3,
        "errors": 0,
        "total": 5,
    }
    contacts = await contacts_by_code(api)
    assert contacts["D-1"]["first_name"] == "Anna"
    assert contacts["D-1"]["custom_fields"] == [{"key": "tier", "value": "silver"}]
    everyone = (await api.rest("GET", "/contacts", params={"size": 100})).json()["content"]
    [bo] = [contact for contact in everyone if contact["email_address"] == "bo@example.com"]
    assert bo["first_name"] == "Bob" and bo["custom_fields"] == [{"key": "tier", "value": "bronze"}]
    assert len(await registered(db, tenant.organisation_id)) == 3


async def test_rows_naming_existing_contacts_count_as_unchanged_or_updated(api: Api) -> None:
    for body in (
        {"contact_type": "PERSON", "first_name": "Old", "code": "E-1"},
        {"contact_type": "PERSON", "first_name": "Mail", "email_address": "mail@example.com"},
    ):
        assert (await api.rest("POST", "/contacts", body)).status_code == 200
    csv = (
        "first_name,email_address,code\n"
        "New,,E-1\n"
        "Fresh,fresh@example.com,E-2\n"
        "Mailer,MAIL@example.com,\n"
        "Old,,E-1\n"
    )
    kept = await imported(api, csv)
    counts = kept["processed_results"]
    assert (counts["new"], counts["updated"], counts["unchanged"]) == (1, 0, 3)
    assert (await contacts_by_code(api))["E-1"]["first_name"] == "Old"
    changed = await imported(api, csv, update_data=True)
    counts = changed["processed_results"]
    assert (counts["new"], counts["updated"], counts["unchanged"]) == (0, 3, 1)
    contacts = await contacts_by_code(api)
    assert contacts["E-1"]["first_name"] == "Old"  # row 1 made it New, row 4 Old again
    assert contacts[None]["first_name"] == "Mailer"


async def test_a_batch_the_database_refuses_together_is_imported_row_by_row(api: Api) -> None:
    # PostgreSQL refuses U+0000 in text: the batch's COPY fails, its rows are then written one
    # by one (the value stored with U+FFFD in its place, as every write does); on SQLite the
    # batch is stored as it is. Either way every row is kept.
    csv = "first_name,code\n" + "".join(f"Row{n},Z-{n}\n" for n in range(1, 4)) + "Nul\x00,Z-4\n"
    done = await imported(api, csv)
    assert done["status"] == "COMPLETED", done
    assert done["processed_results"]["new"] == 4
    contacts = await contacts_by_code(api)
    assert sorted(contacts) == ["Z-1", "Z-2", "Z-3", "Z-4"]
    assert contacts["Z-4"]["first_name"] == "Nul\ufffd"
