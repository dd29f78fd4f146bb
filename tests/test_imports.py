"""Imports (spec routes 75-78) through both doors, on both databases: preview, background
import of contacts and organisations with the worker, bad rows and the error file, REPLAY,
tenant isolation."""

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

from app.db.engine import Database
from app.onboarding import BootstrapResult, issue_api_key
from app.organisations.tree import new_organisation
from tests.conftest import Api, snapshot_changes, table_snapshot
from tests.test_files import gateway, upload  # noqa: F401  (the gateway storing files in tmp)

CONTACTS_CSV = (
    b"contact first name,Last Name,Email,Code,Loyalty Tier\n"
    b"John,Doe,john@example.com,C-1,gold\n"
    b"Jane,Roe,jane@example.com,C-2,silver\n"
)


async def upload_id(api: Api, content: bytes, name: str = "contacts.csv") -> str:
    response = await upload(api, content, name)
    assert response.status_code == 200, response.text
    file_id: str = response.json()["id"]
    return file_id


async def finished(api: Api, import_id: str, within: float = 20) -> dict[str, Any]:
    """The import once the worker has finished it (polled through GET /imports)."""
    deadline = time.monotonic() + within
    while True:
        listed = await api.rest("GET", "/imports", params={"size": 100})
        assert listed.status_code == 200, listed.text
        found = [item for item in listed.json()["content"] if item["id"] == import_id]
        assert found, listed.json()
        if found[0]["status"] in ("COMPLETED", "FAILED"):
            return found[0]
        assert time.monotonic() < deadline, found[0]
        await asyncio.sleep(0.05)


async def contacts_by_code(api: Api) -> dict[str, dict[str, Any]]:
    page = await api.rest("GET", "/contacts", params={"size": 100})
    assert page.status_code == 200, page.text
    return {item["code"]: item for item in page.json()["content"]}


async def download(api: Api, file_id: str) -> str:
    link = (await api.rest("GET", f"/files/{file_id}")).json()["content_url"]
    parts = urlsplit(link)
    content = await api.client.get(f"{parts.path}?{parts.query}")
    assert content.status_code == 200
    return content.text


def spec_body(file_id: str) -> dict[str, Any]:
    """The spec's POST /imports example with a real file, mapping the other columns too."""
    return {
        "file_id": file_id,
        "type": "CONTACTS",
        "exclude_header": True,
        "update_data": "false",
        "auto_generate_config": True,
        "data_mapping": [
            {
                "import_key": "contact first name",
                "attribute_key": "first_name",
                "is_custom": "false",
            },
            {"import_key": "last name", "attribute_key": "last_name", "is_custom": "false"},
            {"import_key": "Email", "attribute_key": "email_address", "is_custom": "false"},
            {"import_key": "Code", "attribute_key": "code", "is_custom": "false"},
            {"import_key": "Loyalty Tier", "attribute_key": "tier", "is_custom": "true"},
        ],
    }


async def test_preview_the_spec_example_with_a_body_and_with_query_parameters(api: Api) -> None:
    csv = b"Organisation Name,Organisation Type\nCRM,BUSINESS\nCRMI,VENUE\nLast,VENUE\n"
    file_id = await upload_id(api, csv, "organisations.csv")
    response = await api.client.request(
        "GET",
        "/backoffice/v1/imports/preview",
        json={"file_id": file_id, "preview_rows": 2},
        headers={"api_key": api.key or ""},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {
        "content": [
            {"header": "Organisation Name", "values": ["CRM", "CRMI"]},
            {"header": "Organisation Type", "values": ["BUSINESS", "VENUE"]},
        ]
    }
    by_query = await api.rest(
        "GET",
        "/imports/preview",
        params={"file_id": file_id, "preview_rows": "1", "exclude_header": "false"},
    )
    assert by_query.status_code == 200, by_query.text
    assert by_query.json()["content"][0] == {"header": "Column 1", "values": ["Organisation Name"]}
    too_many = await api.rest("GET", "/imports/preview", {"file_id": file_id, "preview_rows": 0})
    assert too_many.status_code == 400 and too_many.json()["parameters"] == ["preview_rows"]
    unknown = await api.rest("GET", "/imports/preview", {"file_id": "nope"})
    assert unknown.status_code == 404 and unknown.json()["parameters"] == ["file", "nope"]


async def test_the_spec_example_imports_contacts_in_the_background(api: Api) -> None:
    file_id = await upload_id(api, CONTACTS_CSV)
    exact = {  # the spec's example as it is, but the file's id
        "file_id": file_id,
        "type": "CONTACTS",
        "exclude_header": True,
        "update_data": "false",
        "auto_generate_config": True,
        "data_mapping": [
            {
                "import_key": "contact first name",
                "attribute_key": "first_name",
                "is_custom": "false",
            }
        ],
    }
    example = await api.rest("POST", "/imports", exact)
    assert example.status_code == 200, example.text
    first = await finished(api, example.json()["id"])
    assert (first["status"], first["processed_results"]["new"]) == ("COMPLETED", 2)
    created = await api.rest("POST", "/imports", spec_body(file_id))
    assert created.status_code == 200, created.text
    assert list(created.json()) == ["id"]
    done = await finished(api, created.json()["id"])
    assert done["status"] == "COMPLETED"
    assert done["type"] == "CONTACTS"
    assert isinstance(done["imported_on"], int)
    assert done["options"] == {
        "exclude_header": True,
        "update_data": False,
        "auto_generate_config": True,
    }
    assert done["file"] == {"id": file_id, "name": "contacts.csv"}
    assert done["error_file"] is None
    assert done["processed_results"] == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "total": 2,
    }
    assert done["progress"] == {"processed_rows": 2, "rows_to_process": 2}
    everyone = await api.rest("GET", "/contacts")
    assert everyone.json()["paging"]["total"] == 4  # the example's two, without codes, and these
    contacts = await contacts_by_code(api)
    assert contacts["C-1"]["first_name"] == "John" and contacts["C-1"]["last_name"] == "Doe"
    assert contacts["C-1"]["email_address"] == "john@example.com"
    assert contacts["C-1"]["contact_type"] == "PERSON"
    assert contacts["C-2"]["custom_fields"] == [{"key": "tier", "value": "silver"}]


async def test_bad_rows_are_refused_alone_and_listed_in_the_error_file(api: Api) -> None:
    csv = (
        "first_name,last_name,email_address,code\n"
        "Good,One,one@example.com,G-1\n"
        ",,nobody@example.com,B-1\n"
        "Good,Two,two@example.com,G-2\n"
        "Bad,Mail,not-an-address,B-2\n"
        f"{'x' * 101},Long,long@example.com,B-3\n"
        "Good,Three,three@example.com,G-3\n"
    ).encode()
    file_id = await upload_id(api, csv, "people.csv")
    created = await api.rest(
        "POST", "/imports", {"file_id": file_id, "type": "CONTACTS", "auto_generate_config": True}
    )
    assert created.status_code == 200, created.text
    done = await finished(api, created.json()["id"])
    assert done["status"] == "FAILED"
    assert done["processed_results"] == {
        "new": 3,
        "updated": 0,
        "unchanged": 0,
        "errors": 3,
        "total": 6,
    }
    assert sorted(await contacts_by_code(api)) == ["G-1", "G-2", "G-3"]
    assert done["error_file"]["name"] == "people_errors.csv"
    lines = (await download(api, done["error_file"]["id"])).splitlines()
    assert lines[0] == "row,first_name,last_name,email_address,code,error"
    assert [line.split(",")[0] for line in lines[1:]] == ["2", "4", "5"]
    assert "first_name: a PERSON needs a first_name or a last_name" in lines[1]
    assert lines[2].startswith("4,Bad,Mail,not-an-address,B-2,")
    assert "email_address" in lines[2] and "is not an e-mail address" in lines[2]
    assert "first_name: at most 100 characters" in lines[3]


async def test_replay_imports_the_rows_that_failed_once_their_cause_is_gone(api: Api) -> None:
    blocker = await api.rest(
        "POST", "/contacts", {"contact_type": "PERSON", "first_name": "Old", "code": "OLD"}
    )
    blocker_id = blocker.json()["id"]
    # A code may never be another contact's id: the second row is refused (409) until the
    # contact whose id it names is gone.
    csv = f"first_name,code\nAnna,A-1\nBoris,{blocker_id}\n".encode()
    file_id = await upload_id(api, csv)
    body = {"file_id": file_id, "type": "CONTACTS", "auto_generate_config": True}
    import_id = (await api.rest("POST", "/imports", body)).json()["id"]
    first = await finished(api, import_id)
    assert first["status"] == "FAILED"
    assert first["processed_results"]["new"] == 1 and first["processed_results"]["errors"] == 1
    first_error_file = first["error_file"]["id"]

    assert (await api.rest("DELETE", f"/contacts/{blocker_id}")).status_code == 200
    replayed = await api.rest("POST", f"/imports/{import_id}/actions", {"action": "REPLAY"})
    assert replayed.status_code == 200, replayed.text
    assert replayed.json() == {"id": import_id}
    second = await finished(api, import_id)
    assert second["status"] == "COMPLETED"
    assert second["processed_results"] == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "total": 2,
    }
    assert second["progress"] == {"processed_rows": 1, "rows_to_process": 1}
    assert second["error_file"] is None
    assert (await api.rest("GET", f"/files/{first_error_file}")).status_code == 404
    assert sorted(await contacts_by_code(api)) == sorted(["A-1", blocker_id])

    again = await api.rest("POST", f"/imports/{import_id}/actions", {"action": "REPLAY"})
    assert again.status_code == 409
    assert again.json()["parameters"] == ["status", "COMPLETED"]
    wrong = await api.rest("POST", f"/imports/{import_id}/actions", {"action": "REWIND"})
    assert wrong.status_code == 400


async def test_update_data_updates_changed_records_and_counts_the_others(api: Api) -> None:
    first = await upload_id(
        api, b"first_name,code,tier,mail\nJohn,C-1,gold,\nJane,C-2,gold,j@x.io\n"
    )
    mapping = [
        {"import_key": "first_name", "attribute_key": "first_name"},
        {"import_key": "code", "attribute_key": "code"},
        {"import_key": "tier", "attribute_key": "tier", "is_custom": True},
        {"import_key": "mail", "attribute_key": "email_address"},
    ]
    body = {"file_id": first, "type": "CONTACTS", "data_mapping": mapping}
    await finished(api, (await api.rest("POST", "/imports", body)).json()["id"])
    second = await upload_id(  # an e-mail address as stored, but for its case: unchanged
        api, b"first_name,code,tier,mail\nJohnny,C-1,gold,\nJane,C-2,gold,J@X.io\n"
    )
    kept = {"file_id": second, "type": "CONTACTS", "data_mapping": mapping}
    result = await finished(api, (await api.rest("POST", "/imports", kept)).json()["id"])
    assert result["processed_results"]["unchanged"] == 2
    assert (await contacts_by_code(api))["C-1"]["first_name"] == "John"
    changed = {**kept, "update_data": True}
    result = await finished(api, (await api.rest("POST", "/imports", changed)).json()["id"])
    counts = result["processed_results"]
    assert (counts["new"], counts["updated"], counts["unchanged"]) == (0, 1, 1)
    assert (await contacts_by_code(api))["C-1"]["first_name"] == "Johnny"


async def test_organisations_are_imported_below_the_callers(
    api: Api, tenant: BootstrapResult
) -> None:
    csv = b"Organisation Name,Organisation Type,Region\nCRM Shop,MERCHANT,north\nCRMI,VENUE,south\n"
    file_id = await upload_id(api, csv, "organisations.csv")
    body = {
        "file_id": file_id,
        "type": "ORGANISATIONS",
        "data_mapping": [
            {"import_key": "Organisation Name", "attribute_key": "name"},
            {"import_key": "Organisation Type", "attribute_key": "org_type"},
            {"import_key": "Region", "attribute_key": "region", "is_custom": True},
        ],
    }
    created = await api.rest("POST", "/imports", body)
    assert created.status_code == 200, created.text
    done = await finished(api, created.json()["id"])
    assert done["processed_results"]["new"] == 2, done
    network = await api.rest("GET", f"/organisations/{tenant.organisation_id}/network")
    assert network.status_code == 200, network.text
    names = {item["name"] for item in network.json()["content"]}
    assert {"CRM Shop", "CRMI"} <= names
    again = await api.rest("POST", "/imports", {**body, "update_data": True})
    repeated = await finished(api, again.json()["id"])
    assert repeated["processed_results"]["unchanged"] == 2, repeated


async def test_a_mapping_that_does_not_fit_is_refused_and_nothing_is_stored(
    api: Api, db: Database
) -> None:
    file_id = await upload_id(api, CONTACTS_CSV)
    before = await table_snapshot(db)
    body = {
        "file_id": file_id,
        "type": "CONTACTS",
        "data_mapping": [{"import_key": "shoe size", "attribute_key": "first_name"}],
    }
    missing = await api.rest("POST", "/imports", body)
    assert missing.status_code == 400
    assert missing.json()["parameters"] == ["data_mapping[0].import_key"]
    body["data_mapping"] = [{"import_key": "Code", "attribute_key": "shoe_size"}]
    unknown = await api.rest("POST", "/imports", body)
    assert unknown.status_code == 400
    assert unknown.json()["parameters"] == ["data_mapping[0].attribute_key"]
    no_mapping = await api.rest("POST", "/imports", {"file_id": file_id, "type": "CONTACTS"})
    assert no_mapping.status_code == 400 and no_mapping.json()["parameters"] == ["data_mapping"]
    wrong_type = await api.rest("POST", "/imports", {**body, "type": "PRODUCTS"})
    assert wrong_type.status_code == 400
    assert snapshot_changes(before, await table_snapshot(db)) == []


async def test_imports_through_graphql(api: Api) -> None:
    file_id = await upload_id(api, CONTACTS_CSV)
    data = await api.data(
        """mutation ($input: SubmitImportInput!) {
            submit_import(input: $input) { id status type file { id name } }
        }""",
        {"input": {"file_id": file_id, "type": "CONTACTS", "auto_generate_config": True}},
    )
    submitted = data["submit_import"]
    assert submitted["status"] == "PENDING" and submitted["file"]["id"] == file_id
    await finished(api, submitted["id"])
    got = await api.data(
        """query ($id: ID!) { import(id: $id) {
            status processed_results { new total } data_mapping { import_key }
        } }""",
        {"id": submitted["id"]},
    )
    assert got["import"]["status"] == "COMPLETED"
    assert got["import"]["processed_results"] == {"new": 2, "total": 2}
    listed = await api.data(
        """{ imports(filter: {status: COMPLETED, type: CONTACTS}) {
            content { id } paging { total }
        } }"""
    )
    assert listed["imports"]["content"] == [{"id": submitted["id"]}]
    none = await api.data("{ imports(filter: {status: FAILED}) { paging { total } } }")
    assert none["imports"]["paging"]["total"] == 0
    preview = await api.data(
        """query ($input: ImportPreviewInput) { import_preview(input: $input) {
            content { header values }
        } }""",
        {"input": {"file_id": file_id, "preview_rows": 1}},
    )
    assert preview["import_preview"]["content"][0] == {
        "header": "contact first name",
        "values": ["John"],
    }
    # Contacts made by the import carry the header-generated custom field.
    contacts = await contacts_by_code(api)
    assert {"key": "Loyalty Tier", "value": "gold"} in contacts["C-1"]["custom_fields"]


async def test_another_organisation_cannot_see_or_use_them(api: Api, db: Database) -> None:
    file_id = await upload_id(api, CONTACTS_CSV)
    body = {"file_id": file_id, "type": "CONTACTS", "auto_generate_config": True}
    import_id = (await api.rest("POST", "/imports", body)).json()["id"]
    await finished(api, import_id)
    async with db.write() as session:
        organisation = new_organisation(None, org_type="BUSINESS", name="Competitor")
        session.add(organisation)
        await session.flush()
        other_key = await issue_api_key(session, organisation.id, is_public=False, is_test=False)
    other = api.as_key(other_key)
    listed = await other.rest("GET", "/imports")
    assert listed.status_code == 200 and listed.json()["paging"]["total"] == 0
    replay = await other.rest("POST", f"/imports/{import_id}/actions", {"action": "REPLAY"})
    assert replay.status_code == 404 and replay.json()["parameters"] == ["import", import_id]
    submit = await other.rest("POST", "/imports", body)
    assert submit.status_code == 404 and submit.json()["parameters"] == ["file", file_id]
    preview = await other.rest("GET", "/imports/preview", params={"file_id": file_id})
    assert preview.status_code == 404
    got = await other.graphql("query ($id: ID!) { import(id: $id) { id } }", {"id": import_id})
    assert got["errors"][0]["extensions"]["status"] == 404


async def test_the_operators_command_line_import_reports_progress(
    api: Api, db: Database, tmp_path: Any, tenant: BootstrapResult
) -> None:
    from app.imports.command_line import ImportRequest, run_import
    from app.settings import Settings

    path = tmp_path / "people.csv"
    path.write_text("first_name,code,region\nAnn,CLI-1,north\n,CLI-2,south\nBob,CLI-3,west\n")
    settings = Settings(database_url="sqlite://", files_path=str(tmp_path / "cli-files"))
    told: list[tuple[int, int]] = []
    request = ImportRequest(
        path=path,
        type="contacts",
        organisation_id=tenant.organisation_id,
        mapping=(("first_name", "first_name", False), ("code", "code", False)),
    )
    done = await run_import(db, settings, request, lambda n, total: told.append((n, total)))
    assert (done.status, done.new_count, done.error_count) == ("FAILED", 2, 1)
    assert told == [(3, 3)]
    assert sorted(await contacts_by_code(api)) == ["CLI-1", "CLI-3"]
    error_file = await download(api, done.error_file_id or "")
    assert error_file.splitlines()[1].startswith("2,,CLI-2,south,")


async def test_a_large_import_is_carried_out_in_slices_that_resume(
    api: Api, monkeypatch: Any
) -> None:
    from app.imports import runner

    monkeypatch.setattr(runner, "BATCH_ROWS", 2)
    monkeypatch.setattr(runner, "SLICE_SECONDS", 0.0)  # hand it back after every batch
    rows = "".join(f"Person {n},S-{n}\n" for n in range(7))
    file_id = await upload_id(api, f"first_name,code\n{rows}".encode())
    body = {"file_id": file_id, "type": "CONTACTS", "auto_generate_config": True}
    done = await finished(api, (await api.rest("POST", "/imports", body)).json()["id"])
    assert done["status"] == "COMPLETED"
    assert done["processed_results"]["new"] == 7
    assert done["progress"] == {"processed_rows": 7, "rows_to_process": 7}
    assert len(await contacts_by_code(api)) == 7


def test_crm_gateway_import_on_the_command_line(tmp_path: Any) -> None:
    import json as json_module
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "CRM_GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "CRM_GATEWAY_FILES_PATH": str(tmp_path / "files"),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "app.cli", *args]
        return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)

    assert cli("bootstrap").returncode == 0
    path = tmp_path / "people.csv"
    path.write_text("First Name,Code\nAnn,K-1\n,K-2\nBob,K-3\n")
    result = cli("import", str(path), "--type", "contacts")
    assert result.returncode == 1, result.stderr  # a row was refused
    assert "importing people.csv" in result.stdout and "3/3" in result.stdout
    counts = json_module.loads(result.stdout.strip().splitlines()[-1])
    assert (counts["status"], counts["new"], counts["errors"]) == ("FAILED", 2, 1)
    assert counts["error_file_id"]
    again = cli(
        "import",
        str(path),
        "--type",
        "contacts",
        "--map",
        "First Name=first_name",
        "--map",
        "Code=code",
    )
    assert json_module.loads(again.stdout.strip().splitlines()[-1])["unchanged"] == 2
    wrong = cli("import", str(path), "--type", "contacts", "--map", "nonsense")
    assert wrong.returncode == 2 and "COLUMN=ATTRIBUTE" in wrong.stderr
