"""Files (spec routes 47-49) through both doors, on both databases: multipart uploads (REST
form part and GraphQL multipart request), limits, signed expiring content links, deletion,
tenant isolation."""

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from app.db.engine import Database
from app.main import create_app
from app.onboarding import issue_api_key
from app.organisations.tree import new_organisation
from app.settings import Settings
from tests.conftest import Api, snapshot_changes, table_snapshot

CSV = b"first name,last name\nJohn,Doe\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
async def gateway(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The suite's gateway, storing files under the test's own folder, with a small upload
    limit (64 KiB) to test it."""
    settings = Settings(
        database_url=database_url,
        jwt_secret="test-secret-for-the-gateway-suite-0123456789",
        files_path=str(tmp_path / "files"),
        max_upload_bytes=65_536,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield app, client


async def upload(
    api: Api, content: bytes, name: str = "contacts.csv", mime: str | None = "text/csv"
) -> httpx.Response:
    """``POST /upload/files`` with the file in the multipart part ``file``."""
    part = (name, content, mime) if mime else (name, content)
    return await api.client.post(
        "/backoffice/v1/upload/files", files={"file": part}, headers={"api_key": api.key or ""}
    )


async def graphql_upload(api: Api, content: bytes, name: str, mime: str) -> dict[str, Any]:
    """``uploadFile`` as a GraphQL multipart request."""
    operations = {
        "query": "mutation ($file: Upload!) { upload_file(file: $file) { id name mime size } }",
        "variables": {"file": None},
    }
    response = await api.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (name, content, mime)},
        headers={"api_key": api.key or ""},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _local(url: str) -> str:
    """The path and query of an absolute URL of the test gateway."""
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "gateway", url
    return f"{parts.path}?{parts.query}"


async def test_upload_retrieve_download_delete_through_rest(api: Api) -> None:
    created = await upload(api, CSV)
    assert created.status_code == 200, created.text
    assert list(created.json()) == ["id"]
    file_id = created.json()["id"]

    got = await api.rest("GET", f"/files/{file_id}")
    assert got.status_code == 200
    body = got.json()
    assert set(body) == {"id", "content_url", "mime"}
    assert body["id"] == file_id and body["mime"] == "text/csv"
    content = await api.client.get(_local(body["content_url"]))  # no API key: the link is it
    assert content.status_code == 200
    assert content.content == CSV
    assert content.headers["content-type"].startswith("text/csv")
    assert content.headers["content-disposition"].startswith("attachment")
    assert "contacts.csv" in content.headers["content-disposition"]

    deleted = await api.rest("DELETE", f"/files/{file_id}")
    assert deleted.status_code == 200 and deleted.json() == {"id": file_id}
    again = await api.rest("GET", f"/files/{file_id}")
    assert again.status_code == 404
    assert again.json()["parameters"] == ["file", file_id]
    gone = await api.client.get(_local(body["content_url"]))
    assert gone.status_code == 404


async def test_the_content_is_removed_from_disk_with_the_file(api: Api, tmp_path: Path) -> None:
    file_id = (await upload(api, CSV)).json()["id"]
    assert (tmp_path / "files" / file_id).read_bytes() == CSV
    assert (await api.rest("DELETE", f"/files/{file_id}")).status_code == 200
    assert not (tmp_path / "files" / file_id).exists()


async def test_upload_and_read_through_graphql(api: Api) -> None:
    body = await graphql_upload(api, PNG, "logo.png", "image/png")
    assert not body.get("errors"), body
    uploaded = body["data"]["upload_file"]
    assert uploaded["mime"] == "image/png" and uploaded["size"] == len(PNG)
    assert uploaded["name"] == "logo.png"
    data = await api.data(
        "query ($id: ID!) { file(id: $id) { id mime content_url } }", {"id": uploaded["id"]}
    )
    link = data["file"]["content_url"]
    content = await api.client.get(_local(link))
    assert content.status_code == 200 and content.content == PNG
    assert content.headers["content-type"] == "image/png"
    removed = await api.data(
        "mutation ($id: ID!) { delete_file(id: $id) { id } }", {"id": uploaded["id"]}
    )
    assert removed["delete_file"] == {"id": uploaded["id"]}


async def test_a_tampered_or_expired_link_is_refused(api: Api) -> None:
    file_id = (await upload(api, CSV)).json()["id"]
    link = (await api.rest("GET", f"/files/{file_id}")).json()["content_url"]
    parts = urlsplit(link)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}

    later = {**query, "expires": str(int(query["expires"]) + 3600)}
    refused = await api.client.get(f"{parts.path}?{urlencode(later)}")
    assert refused.status_code == 403
    assert refused.json()["error"] == "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
    other = (await upload(api, CSV)).json()["id"]
    moved = await api.client.get(f"{parts.path.replace(file_id, other)}?{parts.query}")
    assert moved.status_code == 403
    unsigned = await api.client.get(parts.path)
    assert unsigned.status_code == 403

    from app.files import links

    gateway_app = api.client._transport.app  # type: ignore[attr-defined]
    secret = gateway_app.state.gateway.runtime.authenticator.instance_secret
    expired = links.content_url("http://gateway", links.signing_key(secret), file_id, -10)
    answer = await api.client.get(_local(expired))
    assert answer.status_code == 410
    assert answer.json()["error"] == "CRM.EXCEPTIONS.LINKEXPIREDEXCEPTION"
    assert answer.json()["parameters"] == ["expires"]
    assert int(query["expires"]) > time.time()


async def test_too_large_or_wrong_type_is_refused_and_nothing_is_stored(
    api: Api, db: Database, tmp_path: Path
) -> None:
    (tmp_path / "files").mkdir(exist_ok=True)
    before = await table_snapshot(db)
    too_large = await upload(api, b"a,b\n" * 20_000)
    assert too_large.status_code == 413, too_large.text
    assert too_large.json()["error"] == "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION"
    html = await upload(api, b"<script>alert(1)</script>", "page.html", "text/html")
    assert html.status_code == 400
    assert html.json()["parameters"] == ["file"]
    assert "text/html is not allowed" in html.json()["message"]
    fake_pdf = await upload(api, b"not a pdf", "report.pdf", "application/pdf")
    assert fake_pdf.status_code == 400 and "not application/pdf" in fake_pdf.json()["message"]
    empty = await upload(api, b"", "empty.csv")
    assert empty.status_code == 400
    json_body = await api.rest("POST", "/upload/files", {"file": "file object"})
    assert json_body.status_code == 400
    assert json_body.json()["parameters"] == ["file"]
    no_part = await api.client.post(
        "/backoffice/v1/upload/files",
        files={"other": ("a.csv", CSV, "text/csv")},
        headers={"api_key": api.key or ""},
    )
    assert no_part.status_code == 400 and no_part.json()["parameters"] == ["file"]
    gql = await graphql_upload(api, b"<html></html>", "page.html", "text/html")
    assert gql["errors"][0]["extensions"]["parameters"] == ["file"]
    assert snapshot_changes(before, await table_snapshot(db)) == []
    assert list((tmp_path / "files").iterdir()) == []


async def test_the_content_type_comes_from_the_name_when_the_part_declares_none(api: Api) -> None:
    created = await upload(api, CSV, "list.csv", mime=None)
    assert created.status_code == 200, created.text
    got = await api.rest("GET", f"/files/{created.json()['id']}")
    assert got.json()["mime"] == "text/csv"


async def test_another_organisation_cannot_see_or_delete_a_file(api: Api, db: Database) -> None:
    file_id = (await upload(api, CSV)).json()["id"]
    async with db.write() as session:
        organisation = new_organisation(None, org_type="BUSINESS", name="Competitor")
        session.add(organisation)
        await session.flush()
        other_key = await issue_api_key(session, organisation.id, is_public=False, is_test=False)
    other = api.as_key(other_key)
    assert (await other.rest("GET", f"/files/{file_id}")).status_code == 404
    refused = await other.rest("DELETE", f"/files/{file_id}")
    assert refused.status_code == 404 and refused.json()["parameters"] == ["file", file_id]
    assert (await api.rest("GET", f"/files/{file_id}")).status_code == 200
