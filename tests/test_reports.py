"""Reports (spec routes 39-44) through both doors, on both databases: previews, one-off and
scheduled runs delivered as CSV and PDF through the outbox, the schedule's Quartz cron."""

import asyncio
import base64
import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from app.db.engine import Database
from app.db.models import Contact, Journal, ScheduledReport
from app.messages import Attachment, MessageState, queue_message
from app.onboarding import BootstrapResult
from app.reports.cron import parse_schedule
from app.reports.scheduler import run_due_reports
from app.worker.wake import wake
from tests.access_helpers import add_member
from tests.conftest import Api, counting_statements
from tests.test_journals import new_wallet
from tests.test_wallets import other_business, post

UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"
PREVIEW_EXAMPLE = {
    "filters_set": [{"key": "period_from", "value": "This month"}],
    "columns_set": [{"key": "product_code"}],
}
RUN_EXAMPLE = {
    "format": "CSV",
    "filters_set": [
        {
            "label": "Registration date",
            "key": "period_from",
            "value": "THIS_MONTH",
            "type": "INTEGER",
        }
    ],
    "columns_set": [{"order": 1, "label": "Code", "key": "product_code", "type": "INTEGER"}],
    "group_by_set": [{"order": 1, "label": "Type", "key": "product_type", "type": "TEXT"}],
}


async def _contacts(api: Api) -> list[tuple[str, str, str]]:
    """Three people and a company: (code, name, type) of each, created now."""
    made = [
        ("C-1", "Jane Smith", "PERSON"),
        ("C-2", "Acme Ltd", "COMPANY"),
        ("C-3", "John Doe", "PERSON"),
        ("C-4", "Zoe Ng", "PERSON"),
    ]
    for code, name, kind in made:
        body: dict[str, Any] = {"contact_type": kind, "code": code}
        if kind == "COMPANY":
            body["company_name"] = name
        else:
            body["first_name"], body["last_name"] = name.split()
        response = await api.rest("POST", "/contacts", body)
        assert response.status_code == 200, response.text
    return made


async def _report_messages(api: Api, expected: int) -> list[dict[str, Any]]:
    """The outbox's REPORT messages once ``expected`` of them are there (polled, 10 s at most)."""
    for _ in range(200):
        listed = await api.rest("GET", "/outbox_messages", params={"origin": "REPORT"})
        assert listed.status_code == 200, listed.text
        content: list[dict[str, Any]] = listed.json()["content"]
        if len(content) >= expected and all(m["state"] != "QUEUED" for m in content):
            return content
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {expected} report messages in the outbox")


async def _attachment(api: Api, message_id: str) -> dict[str, Any]:
    response = await api.rest("GET", f"/outbox_messages/{message_id}/attachments/1")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _csv_rows(content: str) -> list[list[str]]:
    text = base64.b64decode(content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _pdf_text(content: str) -> str:
    reader = PdfReader(io.BytesIO(base64.b64decode(content)))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_preview_answers_the_spec_example_through_both_doors(api: Api) -> None:
    made = await _contacts(api)
    response = await api.rest("POST", "/reports/contacts_summary/preview", PREVIEW_EXAMPLE)
    assert response.status_code == 200, response.text
    rows = response.json()["content"]
    assert rows == [{"fields": [{"key": "Code", "value": code}]} for code, _, _ in made]

    data = await api.data(
        """query ($input: PreviewReportInput) {
            report_preview(name: "contacts_summary", input: $input) {
                content { fields { key value } }
            }
        }""",
        {
            "input": {
                "filters_set": [{"key": "contact_type", "value": "person"}],
                "columns_set": [
                    {"key": "name", "order": 2},
                    {"key": "code", "order": 1, "label": "Number"},
                ],
                "group_by_set": [{"key": "name"}],
            }
        },
    )
    people = sorted((name, code) for code, name, kind in made if kind == "PERSON")
    assert data["report_preview"]["content"] == [
        {"fields": [{"key": "Number", "value": code}, {"key": "Name", "value": name}]}
        for name, code in people
    ]


async def test_a_preview_holds_at_most_ten_rows_of_the_default_columns(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    async with db.write() as session:
        for index in range(12):
            session.add(
                Contact(
                    organisation_id=tenant.organisation_id,
                    contact_type="PERSON",
                    first_name=f"P{index:02d}",
                    code=f"K{index:02d}",
                    custom_fields=[],
                )
            )
    response = await api.rest("POST", "/reports/contacts_summary/preview", {})
    rows = response.json()["content"]
    assert len(rows) == 10
    keys = [field["key"] for field in rows[0]["fields"]]
    assert keys[:3] == ["Code", "Name", "Type"] and "Registration date" in keys
    assert [row["fields"][0]["value"] for row in rows] == [f"K{i:02d}" for i in range(10)]


async def test_journals_summary_equals_the_sums_of_the_journals(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    for amount, kind in (("10.10", "CREDIT"), ("5.05", "CREDIT"), ("3.20", "DEBIT")):
        assert (await post(api, wallet_id, amount, kind)).status_code == 200
    body = {
        "filters_set": [{"key": "period_from", "value": "THIS_MONTH"}],
        "columns_set": [
            {"key": "currency_code"},
            {"key": "credits"},
            {"key": "debits"},
            {"key": "net"},
            {"key": "journals"},
        ],
    }
    response = await api.rest("POST", "/reports/journals_summary/preview", body)
    assert response.status_code == 200, response.text
    (row,) = response.json()["content"]
    values = {field["key"]: field["value"] for field in row["fields"]}
    async with db.read() as session:
        journals = (
            await session.execute(select(Journal).where(Journal.wallet_id == wallet_id))
        ).scalars()
        credits = debits = Decimal(0)
        count = 0
        for journal in journals:
            count += 1
            if journal.type == "CREDIT":
                credits += journal.amount
            else:
                debits += journal.amount
    assert values == {
        "Currency": "EUR",
        "Credits": f"{credits:.2f}",
        "Debits": f"{debits:.2f}",
        "Net": f"{credits - debits:.2f}",
        "Journals": str(count),
    }
    assert values["Net"] == "11.95"
    last_month = {**body, "filters_set": [{"key": "period_from", "value": "LAST_MONTH"}]}
    response = await api.rest("POST", "/reports/journals_summary/preview", last_month)
    assert response.json() == {"content": []}


async def test_a_report_run_once_is_delivered_as_csv_to_the_organisation_owners(
    api: Api, tenant: BootstrapResult
) -> None:
    made = await _contacts(api)
    response = await api.rest("POST", "/reports/contacts_summary", RUN_EXAMPLE)
    assert response.status_code == 200, response.text
    report_id = response.json()["id"]

    (message,) = await _report_messages(api, 1)
    assert message["recipients"] == [tenant.owner_email]
    assert message["state"] == "KEPT" and message["origin"] == "REPORT"
    assert message["attachments"][0]["content_type"] == "text/csv"
    attachment = await _attachment(api, message["id"])
    assert attachment["filename"].startswith("contacts_summary-")
    # Grouped by type (COMPANY before PERSON), then in order of registration.
    grouped = sorted(made, key=lambda c: (c[2], made.index(c)))
    assert _csv_rows(attachment["content"]) == [["Code"], *[[code] for code, _, _ in grouped]]

    got = (await api.rest("GET", f"/reports/{report_id}")).json()
    assert got["runs"] == 1 and got["scheduler_options"]["next_scheduled"] is None
    assert got["name"] == "Contacts Summary" and got["format"] == "CSV"


async def _force_due(db: Database, report_id: str) -> None:
    async with db.write() as session:
        await session.execute(
            update(ScheduledReport)
            .where(ScheduledReport.id == report_id)
            .values(next_scheduled=datetime.now(UTC) - timedelta(seconds=1))
        )
    wake()


async def test_a_report_scheduled_every_minute_is_delivered_as_pdf_to_a_team(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    made = await _contacts(api)
    user_id = await add_member(db, tenant.organisation_id, "finance@example.com", "READ_ONLY")
    team_id = (await api.rest("POST", "/teams", {"name": "Finance"})).json()["id"]
    added = await api.rest("POST", f"/teams/{team_id}/members", {"user_id": user_id})
    assert added.status_code == 200, added.text
    body = {
        **RUN_EXAMPLE,
        "format": "PDF",
        "name": "Every minute",
        "columns_set": [{"key": "code", "order": 1}, {"key": "name", "order": 2}],
        "scheduler_options": {"period": "DAILY", "frequency": "0 * * * * ?"},
        "recipients": [{"recipient_type": "TEAM", "recipient_id": team_id}],
    }
    before = datetime.now(UTC)
    response = await api.rest("POST", "/reports/contacts_summary", body)
    assert response.status_code == 200, response.text
    report_id = response.json()["id"]
    got = (await api.rest("GET", f"/reports/{report_id}")).json()
    next_run = got["scheduler_options"]["next_scheduled"]
    assert before.timestamp() < next_run <= before.timestamp() + 61 and next_run % 60 == 0
    assert got["recipients"] == [
        {
            "recipient_type": "TEAM",
            "recipient_id": team_id,
            "type": "TEAM",
            "name": "Finance",
            "username": None,
        }
    ]

    # The next minute's occurrence, made due now rather than waited for.
    await _force_due(db, report_id)
    (message,) = await _report_messages(api, 1)
    assert message["recipients"] == ["finance@example.com"]
    attachment = await _attachment(api, message["id"])
    assert attachment["content_type"] == "application/pdf"
    text = _pdf_text(attachment["content"])
    assert "Contacts Summary" in text and "Registration date: THIS_MONTH" in text
    assert "Code" in text and "Name" in text
    for code, name, _ in made:
        assert code in text and name in text

    after = (await api.rest("GET", f"/reports/{report_id}")).json()
    assert after["runs"] == 1 and after["last_error"] is None
    following = after["scheduler_options"]["next_scheduled"]
    assert following > datetime.now(UTC).timestamp() - 1 and following % 60 == 0

    # The occurrence after that one runs too, once.
    await _force_due(db, report_id)
    messages = await _report_messages(api, 2)
    assert len(messages) == 2
    assert (await api.rest("GET", f"/reports/{report_id}")).json()["runs"] == 2


async def test_every_report_route_answers_the_spec_examples(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    user_id = await add_member(db, tenant.organisation_id, "johndoe@crm.com", "ADMIN")
    scheduled = {
        **RUN_EXAMPLE,
        "format": "PDF",
        "name": "VIP Contacts",
        "scheduler_options": {"period": "MONTHLY", "frequency": "0 0 12 * * ?"},
    }
    created = await api.rest("POST", "/reports/contacts_summary", scheduled)
    assert created.status_code == 200 and list(created.json()) == ["id"]
    report_id = created.json()["id"]

    put = await api.rest(
        "PUT",
        f"/reports/{report_id}",
        {
            "format": "CSV",
            "scheduler_options": {"period": "DAILY", "frequency": "0 0 12 * * ?"},
            "recipients": [{"recipient_type": "USER", "recipient_id": user_id}],
        },
    )
    assert put.status_code == 200 and put.json() == {"id": report_id}

    listed = await api.rest("GET", "/reports", params={"name": "vip", "type": "contacts_summary"})
    assert listed.status_code == 200
    body = listed.json()
    assert body["paging"] == {"page": 1, "size": 20, "total": 1, "has_more": False}
    (item,) = body["content"]
    assert (item["type"], item["name"], item["format"]) == (
        "contacts_summary",
        "VIP Contacts",
        "CSV",
    )
    options = item["scheduler_options"]
    assert options["period"] == "DAILY" and options["frequency"] == "0 0 12 * * ?"
    noon = datetime.fromtimestamp(options["next_scheduled"], UTC)
    assert (noon.hour, noon.minute, noon.second) == (12, 0, 0)
    assert noon - datetime.now(UTC) <= timedelta(days=1)
    (recipient,) = item["recipients"]
    assert (recipient["type"], recipient["username"]) == ("USER", "johndoe@crm.com")
    assert recipient["name"] == "johndoe@crm.com"

    got = await api.rest("GET", f"/reports/{report_id}")
    detail = got.json()
    assert got.status_code == 200
    assert detail["filters_set"] == [
        {
            "label": "Registration date",
            "key": "period_from",
            "value": "THIS_MONTH",
            "type": "INTEGER",
        }
    ]
    assert detail["columns_set"] == [
        {"order": 1, "label": "Code", "key": "product_code", "type": "INTEGER"}
    ]
    assert detail["group_by_set"] == [
        {"order": 1, "label": "Type", "key": "product_type", "type": "TEXT"}
    ]
    assert detail["recipients"][0]["recipient_type"] == "USER"
    assert detail["recipients"][0]["recipient_id"] == user_id

    data = await api.data(
        """query ($id: ID!) { scheduled_report(id: $id) { name format
            scheduler_options { frequency } } }""",
        {"id": report_id},
    )
    assert data["scheduled_report"] == {
        "name": "VIP Contacts",
        "format": "CSV",
        "scheduler_options": {"frequency": "0 0 12 * * ?"},
    }
    gone = await api.rest("DELETE", f"/reports/{report_id}")
    assert gone.status_code == 200 and gone.json() == {"id": report_id}
    missing = await api.rest("GET", f"/reports/{report_id}")
    assert missing.status_code == 404 and missing.json()["parameters"] == ["report", report_id]


@pytest.mark.parametrize(
    ("path", "body", "status", "parameters", "words"),
    [
        ("/reports/nope", {}, 404, ["report", "nope"], ""),
        ("/reports/nope/preview", {}, 404, ["report", "nope"], ""),
        (
            "/reports/contacts_summary",
            {"columns_set": [{"key": "colour"}]},
            400,
            ["columns_set[0].key"],
            "no column 'colour'",
        ),
        (
            "/reports/contacts_summary/preview",
            {"filters_set": [{"key": "period_from", "value": "someday"}]},
            400,
            ["filters_set[0].value"],
            "not a period",
        ),
        (
            "/reports/contacts_summary",
            {"scheduler_options": {"frequency": "0 0 12 L * ?"}},
            400,
            ["scheduler_options.frequency"],
            "day_of_month: 'L'",
        ),
        (
            "/reports/contacts_summary",
            {"scheduler_options": {"frequency": "0 0 12 ? * 6#3"}},
            400,
            ["scheduler_options.frequency"],
            "day_of_week: '#'",
        ),
        (
            "/reports/contacts_summary",
            {"scheduler_options": {"frequency": "0 0 12 * * ? 2020"}},
            400,
            ["scheduler_options.frequency"],
            "no occurrence after now",
        ),
        (
            "/reports/contacts_summary",
            {"scheduler_options": {"frequency": "0 0 12 * *"}},
            400,
            ["scheduler_options.frequency"],
            "6 or 7 fields",
        ),
        (
            "/reports/contacts_summary",
            {"recipients": [{"recipient_type": "USER", "recipient_id": UNKNOWN}]},
            404,
            ["user", UNKNOWN],
            "",
        ),
        (
            "/reports/contacts_summary",
            {"recipients": [{"recipient_type": "TEAM", "recipient_id": UNKNOWN}]},
            404,
            ["team", UNKNOWN],
            "",
        ),
        ("/reports/contacts_summary", {"format": "XLS"}, 400, None, "XLS"),
    ],
)
async def test_bad_report_requests_are_refused_and_change_nothing(
    api: Api,
    path: str,
    body: dict[str, Any],
    status: int,
    parameters: list[str] | None,
    words: str,
) -> None:
    response = await api.rest("POST", path, body)
    assert response.status_code == status, response.text
    if parameters is not None:
        assert response.json()["parameters"] == parameters
    assert words in response.json()["message"]
    listed = await api.rest("GET", "/reports")
    assert listed.json()["paging"]["total"] == 0


async def test_another_organisations_reports_and_messages_are_not_found(
    api: Api, db: Database
) -> None:
    created = await api.rest("POST", "/reports/contacts_summary", {"format": "CSV"})
    report_id = created.json()["id"]
    (message,) = await _report_messages(api, 1)
    other = api.as_key(await other_business(db))
    for method, path, body in (
        ("GET", f"/reports/{report_id}", None),
        ("PUT", f"/reports/{report_id}", {"format": "PDF"}),
        ("DELETE", f"/reports/{report_id}", None),
        ("GET", f"/outbox_messages/{message['id']}", None),
        ("GET", f"/outbox_messages/{message['id']}/attachments/1", None),
    ):
        response = await other.rest(method, path, body)
        assert response.status_code == 404, (method, path, response.text)
    assert (await other.rest("GET", "/reports")).json()["paging"]["total"] == 0
    assert (await other.rest("GET", "/outbox_messages")).json()["paging"]["total"] == 0
    body = await other.graphql(
        "query ($id: ID!) { scheduled_report(id: $id) { id } }", {"id": report_id}
    )
    assert body["errors"][0]["extensions"]["status"] == 404
    assert (await api.rest("GET", f"/reports/{report_id}")).json()["format"] == "CSV"


async def test_graphql_mutations_run_update_and_delete_a_scheduled_report(api: Api) -> None:
    data = await api.data(
        """mutation { run_report(name: "journals_summary", input: {format: PDF,
            scheduler_options: {period: WEEKLY}}) {
            id type name format scheduler_options { period frequency next_scheduled } } }"""
    )
    report = data["run_report"]
    assert report["type"] == "journals_summary" and report["name"] == "Journals Summary"
    assert report["scheduler_options"]["frequency"] == "0 0 0 ? * MON"
    monday = datetime.fromisoformat(report["scheduler_options"]["next_scheduled"])
    assert monday.weekday() == 0 and (monday.hour, monday.minute) == (0, 0)
    data = await api.data(
        """mutation ($id: ID!) { update_scheduled_report(id: $id, input: {name: "Wallets",
            columns_set: [{key: "wallet_code"}, {key: "net"}]}) { name columns_set { key } } }""",
        {"id": report["id"]},
    )
    assert data["update_scheduled_report"] == {
        "name": "Wallets",
        "columns_set": [{"key": "wallet_code"}, {"key": "net"}],
    }
    types = await api.data("{ report_types { name columns { key } filters { key } } }")
    assert [t["name"] for t in types["report_types"]] == ["contacts_summary", "journals_summary"]
    data = await api.data(
        "mutation ($id: ID!) { delete_scheduled_report(id: $id) { id } }", {"id": report["id"]}
    )
    assert data["delete_scheduled_report"] == {"id": report["id"]}


@pytest.mark.parametrize(
    ("quartz", "cron"),
    [
        ("0 0 12 * * ?", "0 0 12 * * *"),
        ("0 * * * * ?", "0 * * * * *"),
        ("0 15 10 ? * MON-FRI", "0 15 10 * * 1-5"),
        ("0 0 0 ? * 1", "0 0 0 * * 0"),
        ("0 0 0 ? * 2,7", "0 0 0 * * 1,6"),
        ("30 0/15 8-17 1 JAN,JUL ? 2030", "30 0/15 8-17 1 1,7 * 2030"),
    ],
)
def test_quartz_expressions_translate_to_croniter(quartz: str, cron: str) -> None:
    assert parse_schedule(quartz).cron == cron


def test_a_quartz_schedule_runs_when_quartz_says() -> None:
    start = datetime(2026, 11, 29, 23, 40, 5, tzinfo=UTC)  # a Sunday
    assert parse_schedule("0 0 12 * * ?").next_after(start) == datetime(
        2026, 11, 30, 12, 0, tzinfo=UTC
    )
    assert parse_schedule("0 * * * * ?").next_after(start) == datetime(
        2026, 11, 29, 23, 41, tzinfo=UTC
    )
    # Quartz day 1 is Sunday, 2 Monday.
    sunday = parse_schedule("0 0 9 ? * 1").next_after(start)
    assert sunday == datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    assert parse_schedule("0 0 9 ? * MON").next_after(start).weekday() == 0


async def test_several_schedulers_run_one_occurrence_once(api: Api, db: Database) -> None:
    body = {"scheduler_options": {"frequency": "0 * * * * ?"}}
    report_id = (await api.rest("POST", "/reports/contacts_summary", body)).json()["id"]
    async with db.write() as session:
        await session.execute(
            update(ScheduledReport)
            .where(ScheduledReport.id == report_id)
            .values(next_scheduled=datetime.now(UTC) - timedelta(seconds=1))
        )
    # Three more schedulers (as other processes would) race the gateway's own worker.
    await asyncio.gather(*(run_due_reports(db) for _ in range(3)))
    wake()
    messages = await _report_messages(api, 1)
    await asyncio.sleep(0.3)  # a second delivery, if any, would show by now
    messages = await _report_messages(api, 1)
    assert len(messages) == 1
    assert (await api.rest("GET", f"/reports/{report_id}")).json()["runs"] == 1


async def test_a_schedule_set_to_null_runs_once_more_at_once(api: Api) -> None:
    body = {"scheduler_options": {"frequency": "0 0 0 1 1 ?"}, "format": "PDF"}
    report_id = (await api.rest("POST", "/reports/contacts_summary", body)).json()["id"]
    put = await api.rest("PUT", f"/reports/{report_id}", {"scheduler_options": None})
    assert put.status_code == 200, put.text
    (message,) = await _report_messages(api, 1)
    assert message["attachments"][0]["content_type"] == "application/pdf"
    got = (await api.rest("GET", f"/reports/{report_id}")).json()
    assert got["runs"] == 1
    assert got["scheduler_options"] == {"period": None, "frequency": None, "next_scheduled": None}


async def test_report_and_outbox_lists_cost_the_same_statements_for_more_rows(
    api: Api, db: Database, tenant: BootstrapResult, gateway: Any
) -> None:
    app, _ = gateway
    user_id = await add_member(db, tenant.organisation_id, "pat@example.com", "ADMIN")
    team_id = (await api.rest("POST", "/teams", {"name": "Sales"})).json()["id"]
    recipients = [
        {"recipient_type": "USER", "recipient_id": user_id},
        {"recipient_type": "TEAM", "recipient_id": team_id},
    ]
    body = {"scheduler_options": {"frequency": "0 0 0 1 1 ?"}, "recipients": recipients}
    query = (
        "{ scheduled_reports(size: 50) { content { id recipients { name username } } } "
        "outbox_messages(size: 50) { content { id attachments { filename } } } }"
    )

    async def add(count: int) -> None:
        for _ in range(count):
            assert (await api.rest("POST", "/reports/contacts_summary", body)).status_code == 200
            await _queue_kept(db, tenant.organisation_id)

    await add(2)
    await api.data(query)
    with counting_statements(app) as few:
        assert len((await api.data(query))["scheduled_reports"]["content"]) == 2
    await add(4)
    with counting_statements(app) as many:
        data = await api.data(query)
    assert len(data["scheduled_reports"]["content"]) == 6
    assert len(data["outbox_messages"]["content"]) == 6
    assert data["scheduled_reports"]["content"][0]["recipients"] == [
        {"name": "pat@example.com", "username": "pat@example.com"},
        {"name": "Sales", "username": None},
    ]
    assert len(many) == len(few)


async def _queue_kept(db: Database, organisation_id: str) -> None:
    async with db.write() as session:
        message = await queue_message(
            session,
            organisation_id=organisation_id,
            to=["pat@example.com"],
            subject="s",
            body_text="b",
            attachments=[Attachment("a.csv", "text/csv", b"1")],
            origin="AUTOMATION",
        )
        message.state = MessageState.KEPT


async def test_period_filters_take_dates_and_epochs(api: Api) -> None:
    await _contacts(api)
    today = datetime.now(UTC).date()

    async def codes(*filters: tuple[str, str]) -> list[str]:
        body = {
            "filters_set": [{"key": key, "value": value} for key, value in filters],
            "columns_set": [{"key": "code"}],
        }
        response = await api.rest("POST", "/reports/contacts_summary/preview", body)
        assert response.status_code == 200, response.text
        return [row["fields"][0]["value"] for row in response.json()["content"]]

    everyone = ["C-1", "C-2", "C-3", "C-4"]
    assert await codes(("period_from", today.isoformat()), ("period_to", today.isoformat())) == (
        everyone
    )
    assert await codes(("period_to", (today - timedelta(days=1)).isoformat())) == []
    an_hour_ago = str(int(datetime.now(UTC).timestamp()) - 3600)
    assert await codes(("period_from", an_hour_ago)) == everyone
    assert await codes(("period_to", an_hour_ago)) == []
    assert await codes(("period_from", "TODAY"), ("contact_type", "company")) == ["C-2"]
