"""Media (spec routes 50-53) and the organisations' media groups (route 89) through both doors,
on both databases; upload signatures checked against Cloudinary's own SDK."""

import asyncio
from typing import Any

import httpx
import pytest
from cloudinary.utils import api_sign_request
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import Media
from app.main import create_app
from app.onboarding import BootstrapResult
from app.settings import Settings
from tests.conftest import (
    SUITE_JWT_SECRET,
    TEST_CLOUDINARY,
    Api,
    counting_statements,
    snapshot_changes,
    table_snapshot,
)
from tests.identity_helpers import create_child
from tests.test_wallets import other_business

CLOUD_NAME = TEST_CLOUDINARY["cloudinary_cloud_name"]
CLOUD_KEY = TEST_CLOUDINARY["cloudinary_api_key"]
CLOUD_SECRET = TEST_CLOUDINARY["cloudinary_api_secret"]
GROUP_EXAMPLE = {
    "name": "Marketing",
    "description": "Marketing Media Group for Creatives",
    "externalId": "747e5a96-24a2-7aca-7b28-da5e996ad54c",
}
UNKNOWN = "0190a8f4-7b5c-7d2e-9a31-5f2c8e4b1a77"


def _settings(database_url: str, **cloudinary: Any) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SUITE_JWT_SECRET, **cloudinary)


def _signed_params(answer: dict[str, Any], camel: bool = False) -> dict[str, Any]:
    """The parameters a client sends to Cloudinary with the file, read from the answer."""
    option = answer["uploadOptions" if camel else "upload_options"][0]
    needed = option["optionsNeededInSignature" if camel else "needed_signature_options"]
    public_id = needed["publicId" if camel else "public_id"]
    return {
        "timestamp": answer["timestamp"],
        "context": answer["context"],
        "folder": needed["folder"],
        "type": needed["type"],
        "public_id": public_id,
        # Cloudinary leaves these out of the signed text; the SDK must too.
        "api_key": answer["apiKey" if camel else "api_key"],
        "cloud_name": CLOUD_NAME,
        "resource_type": "image",
        "file": "data:image/png;base64,iVBORw0KGgo=",
    }


def _verifies(answer: dict[str, Any], camel: bool = False, algorithm: str = "sha1") -> bool:
    """Whether Cloudinary's SDK computes the answer's signature for the upload (both
    signature versions: no value holds an '&')."""
    params = _signed_params(answer, camel)
    signed = {k: v for k, v in params.items() if k not in {"api_key", "cloud_name", "file"}}
    signed.pop("resource_type")
    expected = {
        api_sign_request(signed, CLOUD_SECRET, algorithm=algorithm, signature_version=version)
        for version in (1, 2)
    }
    return expected == {answer["signature"]}


async def _group(api: Api, **body: Any) -> dict[str, Any]:
    response = await api.rest("POST", "/media_group", {**GROUP_EXAMPLE, **body})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_media_group_and_signed_upload_with_the_spec_examples(
    api: Api, tenant: BootstrapResult, capsys: pytest.CaptureFixture[str], caplog: Any
) -> None:
    group = await _group(api)
    assert group["external_id"] == GROUP_EXAMPLE["externalId"] and group["id"]

    response = await api.rest(
        "POST",
        "/upload/media",
        {
            "media_group_external_id": GROUP_EXAMPLE["externalId"],
            "media_usage_type": "LOGO",
            "folder": "offers/hero",
            "tracking_key": "26c32dfe-f8ea-9cf3-a5af-5096be4a164b",
        },
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {
        "api_key",
        "cloud_name",
        "context",
        "signature",
        "timestamp",
        "upload_options",
    }
    assert (answer["api_key"], answer["cloud_name"]) == (CLOUD_KEY, CLOUD_NAME)
    assert isinstance(answer["timestamp"], int)
    folder = f"{tenant.organisation_id}/offers/hero"
    [option] = answer["upload_options"]
    media_id = option["media_id"]
    assert option == {
        "folder": folder,
        "media_group_external_id": GROUP_EXAMPLE["externalId"],
        "media_usage_type": "LOGO",
        "options": {"type": "upload"},
        "needed_signature_options": {"folder": folder, "type": "upload", "public_id": media_id},
        "tracking_key": "26c32dfe-f8ea-9cf3-a5af-5096be4a164b",
        "media_id": media_id,
    }
    assert answer["context"] == (
        f"uploadStrategy=MEDIA_UPLOAD|organisationId={tenant.organisation_id}"
        "|trackingKey=26c32dfe-f8ea-9cf3-a5af-5096be4a164b"
        f"|mediaGroupExternalId={GROUP_EXAMPLE['externalId']}|usageType=LOGO|mediaId={media_id}"
    )
    assert _verifies(answer)
    assert CLOUD_SECRET not in response.text
    logged = capsys.readouterr()
    assert CLOUD_SECRET not in logged.out + logged.err + caplog.text

    data = await api.data(
        f'{{ media_group(id: "{GROUP_EXAMPLE["externalId"]}") {{ id name description '
        "media { id usage_type folder public_id url tracking_key } } }"
    )
    assert data["media_group"]["id"] == group["id"]
    assert data["media_group"]["media"] == [
        {
            "id": media_id,
            "usage_type": "LOGO",
            "folder": folder,
            "public_id": f"{folder}/{media_id}",
            "url": f"https://res.cloudinary.com/{CLOUD_NAME}/image/upload/{folder}/{media_id}",
            "tracking_key": "26c32dfe-f8ea-9cf3-a5af-5096be4a164b",
        }
    ]


async def test_upload_sign_takes_and_answers_camel_case(api: Api, tenant: BootstrapResult) -> None:
    group = await _group(api, externalId="e66896ba-db0a-41e2-8093-9aca2ae02f29")
    response = await api.rest(
        "POST",
        "/upload/sign",
        {
            "mediaGroupExternalId": group["external_id"],
            "mediaUsageType": "AVATAR",
            "folder": "a01ad9a4-5c9f-e676-fbcb-b0d03c51f022",
            "trackingKey": "a01ad9a4-5c9f-e676-fbcb-b0d03c51f044",
        },
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {
        "apiKey",
        "cloudName",
        "context",
        "signature",
        "timestamp",
        "uploadOptions",
    }
    [option] = answer["uploadOptions"]
    assert option["mediaGroupExternalId"] == group["external_id"]
    assert option["mediaUsageType"] == "AVATAR"
    assert option["trackingKey"] == "a01ad9a4-5c9f-e676-fbcb-b0d03c51f044"
    assert set(option["optionsNeededInSignature"]) == {"folder", "type", "publicId"}
    assert _verifies(answer, camel=True)

    # The field lists' `usage_type` spelling, and the id instead of the external id.
    other = await api.rest(
        "POST",
        "/upload/media",
        {"media_group_external_id": group["id"], "usage_type": "ATTACHMENT"},
    )
    assert other.status_code == 200, other.text
    assert other.json()["upload_options"][0]["media_usage_type"] == "ATTACHMENT"
    assert other.json()["upload_options"][0]["tracking_key"]  # generated
    assert _verifies(other.json())
    media = await api.data(
        f'{{ media_group(id: "{group["id"]}") {{ media {{ usage_type url }} }} }}'
    )
    # An ATTACHMENT may be any file: its URL is known only once Cloudinary has it.
    assert media["media_group"]["media"][1] == {"usage_type": "ATTACHMENT", "url": None}


async def test_graphql_signs_the_same_way_and_deletes_media(api: Api) -> None:
    group = await _group(api)
    data = await api.data(
        "mutation ($input: CreateUploadSignatureInput!) { create_media_upload_signature("
        "input: $input) { api_key cloud_name context signature timestamp upload_options { "
        "folder media_group_external_id media_usage_type options { type } "
        "needed_signature_options { folder type public_id } tracking_key media_id } "
        "media { id public_id } } }",
        {
            "input": {
                "media_group_external_id": group["external_id"],
                "media_usage_type": "MARKETING",
            }
        },
    )
    answer = data["create_media_upload_signature"]
    assert _verifies(answer)
    media_id = answer["media"]["id"]
    assert answer["upload_options"][0]["media_id"] == media_id

    read = await api.data(f'{{ media(id: "{media_id}") {{ id usage_type media_group_id }} }}')
    assert read["media"] == {
        "id": media_id,
        "usage_type": "MARKETING",
        "media_group_id": group["id"],
    }
    await _group(api, externalId="avatars", name="Avatars")
    found = await api.data(
        '{ by_name: media_groups(filter: {name: "mark"}) { content { external_id } } '
        'by_id: media_groups(filter: {external_id: "avatars"}) { content { name } } }'
    )
    assert found["by_name"]["content"] == [{"external_id": group["external_id"]}]
    assert found["by_id"]["content"] == [{"name": "Avatars"}]
    deleted = await api.data(f'mutation {{ delete_media(id: "{media_id}") {{ id }} }}')
    assert deleted == {"delete_media": {"id": media_id}}
    gone = await api.rest("DELETE", f"/media/{media_id}")
    assert gone.status_code == 404
    assert gone.json()["parameters"] == ["media", media_id]


async def test_sha256_signatures_when_configured(
    database_url: str, tenant: BootstrapResult
) -> None:
    app = create_app(
        _settings(
            database_url,
            cloudinary_cloud_name=CLOUD_NAME,
            cloudinary_api_key=CLOUD_KEY,
            cloudinary_api_secret=CLOUD_SECRET,
            cloudinary_signature_algorithm="sha256",
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            api = Api(client, tenant.secret_api_key)
            group = await _group(api)
            response = await api.rest(
                "POST",
                "/upload/media",
                {"media_group_external_id": group["external_id"], "media_usage_type": "LOGO"},
            )
            assert response.status_code == 200, response.text
            assert len(response.json()["signature"]) == 64
            assert _verifies(response.json(), algorithm="sha256")


async def test_delete_media_of_the_spec_and_other_organisations(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    group = await _group(api)
    signed = await api.rest(
        "POST",
        "/upload/media",
        {"media_group_external_id": group["external_id"], "media_usage_type": "LOGO"},
    )
    media_id = signed.json()["upload_options"][0]["media_id"]

    stranger = api.as_key(await other_business(db))
    refused = await stranger.rest("DELETE", f"/media/{media_id}")
    assert refused.status_code == 404
    assert refused.json() == {
        "status": 404,
        "message": "Record not found.",
        "error": "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION",
        "parameters": ["media", media_id],
    }
    # Nor may a stranger sign an upload into the group, nor a test-mode key (another mode).
    for other in (stranger, api.as_key(tenant.test_secret_api_key)):
        hidden = await other.rest(
            "POST",
            "/upload/media",
            {"media_group_external_id": group["external_id"], "media_usage_type": "LOGO"},
        )
        assert hidden.status_code == 404
        assert hidden.json()["parameters"] == ["media_group", group["external_id"]]

    deleted = await api.rest("DELETE", f"/media/{media_id}")
    assert deleted.status_code == 200 and deleted.json() == {"id": media_id}
    async with db.read() as session:
        count = (await session.execute(select(func.count()).select_from(Media))).scalar_one()
    assert count == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"media_usage_type": "BANNER"}, "media_usage_type"),
        ({"folder": "../escape"}, "folder"),
        ({"folder": "a&b"}, "folder"),
        ({"tracking_key": "a|b=c"}, "tracking_key"),
        ({"mediaUsageType": "LOGO"}, "mediaUsageType"),
    ],
)
async def test_bad_upload_input_is_a_400_naming_the_field(
    api: Api, db: Database, body: dict[str, Any], field: str
) -> None:
    group = await _group(api)
    before = await table_snapshot(db)
    base = {"media_group_external_id": group["external_id"], "media_usage_type": "LOGO"}
    response = await api.rest("POST", "/upload/media", {**base, **body})
    assert response.status_code == 400, response.text
    assert response.json()["status"] == 400
    assert field in response.json()["parameters"][0]
    assert snapshot_changes(before, await table_snapshot(db)) == []


async def test_media_group_external_ids_are_unique(api: Api) -> None:
    await _group(api)
    again = await api.rest("POST", "/media_group", GROUP_EXAMPLE)
    assert again.status_code == 409
    assert again.json()["parameters"] == ["external_id", GROUP_EXAMPLE["externalId"]]
    generated = await api.rest("POST", "/media_group", {"name": "Avatars"})
    assert generated.status_code == 200 and generated.json()["external_id"]
    blank = await api.rest("POST", "/media_group", {"name": "  "})
    assert blank.status_code == 400 and blank.json()["parameters"] == ["name"]


async def test_unconfigured_uploads_are_a_503_naming_the_settings(
    database_url: str, tenant: BootstrapResult, db: Database
) -> None:
    app = create_app(_settings(database_url, cloudinary_api_key=CLOUD_KEY))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            api = Api(client, tenant.secret_api_key)
            group = await _group(api)
            before = await table_snapshot(db)
            response = await api.rest(
                "POST",
                "/upload/media",
                {"media_group_external_id": group["external_id"], "media_usage_type": "LOGO"},
            )
            assert response.status_code == 503
            assert response.json()["error"] == "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION"
            assert response.json()["parameters"] == [
                "CRM_GATEWAY_CLOUDINARY_CLOUD_NAME",
                "CRM_GATEWAY_CLOUDINARY_API_SECRET",
            ]
            graphql = await client.post(
                "/graphql",
                json={
                    "query": "mutation { create_media_upload_signature(input: "
                    f'{{media_group_external_id: "{group["external_id"]}", '
                    "media_usage_type: LOGO}) { signature } }"
                },
                headers={"api_key": tenant.secret_api_key},
            )
            assert graphql.status_code == 503
            [error] = graphql.json()["errors"]
            assert error["extensions"]["error"] == "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION"
            assert error["extensions"]["parameters"] == response.json()["parameters"]
            assert snapshot_changes(before, await table_snapshot(db)) == []


async def test_link_organisation_media_groups(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    first = await _group(api)
    second = await _group(api, externalId="second-group")
    organisation_id = tenant.organisation_id
    body = {"media_groups": [{"id": second["external_id"]}, {"id": first["id"]}]}
    linked = await api.rest("PUT", f"/organisations/{organisation_id}/media_groups", body)
    assert linked.status_code == 200, linked.text
    assert linked.json() == {"id": organisation_id}
    again = await api.rest("PUT", f"/organisations/{organisation_id}/media_groups", body)
    assert again.status_code == 200

    query = f'{{ organisation(id: "{organisation_id}") {{ media_groups {{ id external_id }} }} }}'
    groups = (await api.data(query))["organisation"]["media_groups"]
    assert groups == [
        {"id": second["id"], "external_id": "second-group"},
        {"id": first["id"], "external_id": first["external_id"]},
    ]
    # The other mode sees none of them.
    test_mode = api.as_key(tenant.test_secret_api_key)
    assert (await test_mode.data(query))["organisation"]["media_groups"] == []

    wrong_method = await api.rest("POST", f"/organisations/{organisation_id}/media_groups", body)
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "PUT"
    unknown = await api.rest(
        "PUT", f"/organisations/{organisation_id}/media_groups", {"media_groups": [{"id": UNKNOWN}]}
    )
    assert unknown.status_code == 404 and unknown.json()["parameters"] == ["media_group", UNKNOWN]
    above = await api.rest(
        "PUT", f"/organisations/{tenant.service_owner_id}/media_groups", {"media_groups": []}
    )
    assert above.status_code == 404
    assert above.json()["parameters"] == ["organisation", tenant.service_owner_id]

    # A merchant below gets groups through GraphQL; an empty list unlinks them all.
    merchant = await create_child(api, organisation_id, "MERCHANT", "Merchant")
    data = await api.data(
        f'mutation {{ link_media_groups(id: "{merchant}", input: {{media_groups: '
        f'[{{id: "{first["id"]}"}}]}}) {{ id media_groups {{ name }} }} }}'
    )
    assert data["link_media_groups"] == {"id": merchant, "media_groups": [{"name": "Marketing"}]}
    cleared = await api.rest(
        "PUT", f"/organisations/{organisation_id}/media_groups", {"media_groups": []}
    )
    assert cleared.status_code == 200
    assert (await api.data(query))["organisation"]["media_groups"] == []


async def test_linked_media_are_the_organisations_creatives(
    gateway: Any, api: Api, db: Database, tenant: BootstrapResult
) -> None:
    groups = [await _group(api, externalId=f"group-{n}", name=f"G{n}") for n in range(3)]
    for group in groups:
        for usage in ("LOGO", "ATTACHMENT"):
            signed = await api.rest(
                "POST",
                "/upload/media",
                {"media_group_external_id": group["external_id"], "media_usage_type": usage},
            )
            assert signed.status_code == 200
    organisation_id = tenant.organisation_id
    body = {"media_groups": [{"id": group["id"]} for group in groups[:2]]}
    assert (
        await api.rest("PUT", f"/organisations/{organisation_id}/media_groups", body)
    ).status_code == 200

    got = await api.rest("GET", f"/organisations/{organisation_id}")
    creatives = got.json()["creatives"]
    assert [c["usage_type"] for c in creatives] == ["LOGO", "ATTACHMENT"] * 2
    logo = creatives[0]
    assert logo["url"].startswith(f"https://res.cloudinary.com/{CLOUD_NAME}/image/upload/")
    assert logo["public_id"].startswith(f"{organisation_id}/")
    assert (logo["width"], logo["height"], logo["format"], logo["media"]) == (None, None, None, [])

    # Nested media groups and media are read by a fixed number of statements.
    app, _ = gateway
    query = (
        f'{{ organisation(id: "{organisation_id}") {{ media_groups {{ id media {{ id }} }} '
        "creatives { id } } }"
    )
    await api.data(query)
    counts = []
    for linked in (groups[:1], groups):
        body = {"media_groups": [{"id": group["id"]} for group in linked]}
        await api.rest("PUT", f"/organisations/{organisation_id}/media_groups", body)
        with counting_statements(app) as statements:
            data = await api.data(query)
        assert len(data["organisation"]["media_groups"]) == len(linked)
        counts.append(len(statements))
    assert counts[0] == counts[1]


async def test_concurrent_creates_of_one_external_id_make_one_group(api: Api) -> None:
    answers = await asyncio.gather(
        *(api.rest("POST", "/media_group", {**GROUP_EXAMPLE, "name": f"G{n}"}) for n in range(5))
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409, 409, 409, 409]
    page = await api.data("{ media_groups { content { external_id } paging { total } } }")
    assert page["media_groups"]["paging"]["total"] == 1
