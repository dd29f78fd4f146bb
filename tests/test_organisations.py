"""The organisations network through both doors: registration, expansion, reads, the network
list, updates, removal, visibility and public keys."""

import copy
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.db.engine import Database
from app.db.models import (
    BusinessActivity,
    Contact,
    Industry,
    IndustrySector,
    Membership,
    Organisation,
    OrganisationGroup,
    User,
)
from app.onboarding import BootstrapResult, issue_api_key
from app.organisations.tree import new_organisation
from rest_compat.routes.organisations import NETWORK_EXAMPLE, REGISTER_EXAMPLE, UPDATE_EXAMPLE
from tests.conftest import Api, counting_statements


@dataclass
class Keys:
    """An organisation and its live keys."""

    id: str
    secret: str
    public: str


async def keys_for(db: Database, organisation_id: str) -> Keys:
    """Live secret and public keys for an existing organisation."""
    async with db.write() as session:
        secret = await issue_api_key(session, organisation_id, is_public=False, is_test=False)
        public = await issue_api_key(session, organisation_id, is_public=True, is_test=False)
    return Keys(organisation_id, secret, public)


async def cloud_operator(db: Database) -> Keys:
    """A second root organisation of type CLOUD_OPERATOR, with keys."""
    async with db.write() as session:
        organisation = new_organisation(None, org_type="CLOUD_OPERATOR", name="Cloud")
        session.add(organisation)
    return await keys_for(db, organisation.id)


async def create_child(api: Api, parent_id: str, org_type: str, name: str, **fields: Any) -> str:
    """Create an organisation below ``parent_id`` through the network route; its id."""
    body = {"org_type": org_type, "name": name, **fields}
    response = await api.rest("POST", f"/organisations/{parent_id}/network", body)
    assert response.status_code == 200, response.text
    organisation_id: str = response.json()["id"]
    return organisation_id


@dataclass
class References:
    industry: str
    sector: str
    activity: str
    group: str


async def references(db: Database, organisation_id: str, suffix: str = "") -> References:
    """An industry, a sector, a business activity and a group owned by an organisation."""
    async with db.write() as session:
        rows = [
            Industry(organisation_id=organisation_id, name=f"Restaurant{suffix}"),
            IndustrySector(organisation_id=organisation_id, name=f"Bar{suffix}"),
            BusinessActivity(organisation_id=organisation_id, name=f"Bar & Grill{suffix}"),
            OrganisationGroup(organisation_id=organisation_id, name=f"Seasonal{suffix}"),
        ]
        session.add_all(rows)
        await session.flush()
    return References(*(row.id for row in rows))


async def organisation_count(db: Database) -> int:
    async with db.read() as session:
        return len((await session.execute(select(Organisation.id))).all())


def error_of(response: Any) -> tuple[int, list[str]]:
    body = response.json()
    return response.status_code, body["parameters"]


# --- POST /organisations/register (route 79) ---------------------------------------------------


async def test_register_spec_example_creates_a_business_with_its_owner(
    api: Api, db: Database
) -> None:
    cloud = await cloud_operator(db)
    owner_id = await create_child(api.as_key(cloud.secret), cloud.id, "SERVICE_OWNER", "SO")
    service_owner = await keys_for(db, owner_id)
    body = copy.deepcopy(REGISTER_EXAMPLE)
    body["organisation_id"] = service_owner.id
    # The example gives no password: the owner is invited, and the token is answered once. Its
    # owner "e-mail" 4499885544 is not an e-mail address: the invitee gives one on acceptance.
    response = await api.rest("POST", "/organisations/register", body, key=service_owner.public)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"id", "owner_invitation_token"}
    business_id = response.json()["id"]
    token = response.json()["owner_invitation_token"]
    async with db.read() as session:
        members = (
            await session.execute(
                select(Membership.id).where(Membership.organisation_id == business_id)
            )
        ).all()
    assert members == []
    accept = {"token": token, "password": "a-long-password"}
    response = await api.as_key("").rest("POST", "/users/invitations/accept", accept)
    assert error_of(response) == (400, ["email"])
    accept["email"] = "John.Doe@example.com"
    response = await api.as_key("").rest("POST", "/users/invitations/accept", accept)
    assert response.status_code == 200, response.text
    assert response.json()["organisation_id"] == business_id
    assert response.json()["role"] == "OWNER"
    # The token is used up.
    response = await api.as_key("").rest("POST", "/users/invitations/accept", accept)
    assert error_of(response) == (400, ["token"])

    got = (await api.rest("GET", f"/organisations/{business_id}", key=service_owner.secret)).json()
    assert got["name"] == "Delicious Food Group"
    assert got["description"] == "Lorem Ipsum"
    assert got["vat_number"] == "VAT123456789"
    assert (got["org_type"], got["is_business"], got["test_mode"], got["is_sandbox_on"]) == (
        "BUSINESS",
        True,
        False,
        True,
    )
    assert got["organisation_id"] == service_owner.id
    location = got["locations"][0]
    assert location["google_place_id"] == "ChIJrTLr-GyuEmsRBfy61i59si0"
    assert (location["lat"], location["lon"]) == (35.157115, 33.313719)
    assert location["town_city"] == "Nicosia"
    assert got["status"] == "ACTIVE"
    async with db.read() as session:
        owner = (
            await session.execute(
                select(User)
                .join(Membership, Membership.user_id == User.id)
                .where(Membership.organisation_id == business_id)
            )
        ).scalar_one()
    assert (owner.email, owner.first_name, owner.last_name) == (
        "john.doe@example.com",
        "John",
        "Doe",
    )


async def test_registered_owner_signs_in_with_the_identity_password(api: Api, db: Database) -> None:
    cloud = await cloud_operator(db)
    service_owner = await keys_for(
        db, await create_child(api.as_key(cloud.secret), cloud.id, "SERVICE_OWNER", "SO")
    )
    body = {
        "name": "Burger Bar",
        "owner": {
            "first_name": "Jane",
            "identity": {
                "provider": "EMAIL",
                "identity_challenge": "Jane@Example.com",
                "identity_value": "s3cret-pass",
            },
        },
        "locations": [{"name": "Shop", "town_city": "Limassol"}],
    }
    response = await api.rest("POST", "/organisations/register", body, key=service_owner.public)
    assert response.status_code == 200, response.text
    business_id = response.json()["id"]
    signed_in = await api.rest(
        "POST",
        "/users/authenticate",
        {"email": "jane@example.com", "password": "s3cret-pass"},
        key="",
    )
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    mine = await api.rest(
        "GET", f"/organisations/{business_id}", key="", headers={"authorization": f"Bearer {token}"}
    )
    assert mine.status_code == 200
    assert mine.json()["locations"][0]["town_city"] == "Limassol"


async def test_register_refuses_what_the_network_does_not_allow(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    cloud = await cloud_operator(db)
    service_owner = await keys_for(
        db, await create_child(api.as_key(cloud.secret), cloud.id, "SERVICE_OWNER", "SO")
    )
    body = {
        "name": "Nested Business",
        "owner": {"identity": {"identity_challenge": "x@example.com", "identity_value": "pw"}},
    }
    before = await organisation_count(db)
    # The first organisation is a BUSINESS: businesses register below service owners.
    response = await api.rest("POST", "/organisations/register", body, key=tenant.public_api_key)
    assert error_of(response) == (400, ["org_type"])
    cases: list[tuple[dict[str, Any], tuple[int, list[str]]]] = [
        ({**body, "org_type": "MERCHANT"}, (400, ["org_type"])),
        (
            {"name": "No E-mail", "owner": {"identity": {"identity_value": "pw-0123456789"}}},
            (400, ["owner.identity"]),
        ),
        (
            {"name": "Bad", "owner": {"identity": {"identity_challenge": "nobody"}}},
            (400, ["owner.identity.identity_challenge"]),
        ),
        (
            {**body, "organisation_id": tenant.organisation_id},
            (404, ["organisation", tenant.organisation_id]),
        ),
        ({**body, "location": [{"lat": "north"}]}, (400, ["location[0].lat"])),
    ]
    for case, expected in cases:
        response = await api.rest("POST", "/organisations/register", case, key=service_owner.public)
        assert error_of(response) == expected, (case, response.text)
    response = await api.rest(
        "POST", "/organisations/register", {"name": "No Owner"}, key=service_owner.public
    )
    assert response.status_code == 400
    assert "owner" in response.json()["message"]
    assert await organisation_count(db) == before


async def test_public_key_may_register_but_nothing_else(api: Api, tenant: BootstrapResult) -> None:
    public = api.as_key(tenant.public_api_key)
    org = tenant.organisation_id
    calls = [
        ("GET", f"/organisations/{org}", None),
        ("GET", f"/organisations/{org}/network", None),
        ("POST", f"/organisations/{org}/network", {"org_type": "MERCHANT", "name": "M"}),
        ("PUT", f"/organisations/{org}", {"name": "Renamed"}),
        ("DELETE", f"/organisations/{org}", None),
    ]
    for method, path, body in calls:
        response = await public.rest(method, path, body)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"] == "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
    body = await public.graphql("query($id: ID!) { organisation(id: $id) { id } }", {"id": org})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await api.rest("GET", f"/organisations/{org}")).json()["name"] == "My Business"


# --- POST /organisations/{id}/network (route 80) and GET /organisations/{id} (route 84) ---------


async def network_of_cloud(api: Api, db: Database) -> tuple[Keys, str, str]:
    """A cloud operator with a service owner and a business below it."""
    cloud = await cloud_operator(db)
    as_cloud = api.as_key(cloud.secret)
    service_owner = await create_child(as_cloud, cloud.id, "SERVICE_OWNER", "CRMdotCOM")
    business = await create_child(as_cloud, service_owner, "BUSINESS", "Delicious Bite")
    return cloud, service_owner, business


async def test_network_spec_example_creates_a_venue_with_everything(api: Api, db: Database) -> None:
    cloud, service_owner, business = await network_of_cloud(api, db)
    refs = await references(db, cloud.id)
    body = copy.deepcopy(NETWORK_EXAMPLE)
    body.update(
        industry_id=refs.industry,
        industry_sectors=[refs.sector],
        groups=[refs.group],
        business_activities=[refs.activity],
        organisation_id=business,
        service_organisations=[service_owner],
    )
    as_cloud = api.as_key(cloud.secret)
    response = await as_cloud.rest("POST", f"/organisations/{business}/network", body)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"id"}
    venue_id = response.json()["id"]

    got = (await as_cloud.rest("GET", f"/organisations/{venue_id}")).json()
    assert got["id"] == venue_id
    assert (got["name"], got["description"], got["org_type"]) == (
        "Delicious Food Group",
        "Lorem Ipsum",
        "VENUE",
    )
    assert (got["is_business"], got["test_mode"], got["is_sandbox_on"]) == (True, False, False)
    assert got["organisation_id"] == business
    assert got["groups"] == [{"id": refs.group, "name": "Seasonal"}]
    assert got["industry"] == {"id": refs.industry, "name": "Restaurant"}
    assert got["industry_sectors"] == [{"id": refs.sector, "name": "Bar"}]
    assert got["business_activities"] == [{"id": refs.activity, "name": "Bar & Grill"}]
    assert got["service_organisations"] == [{"id": service_owner, "name": "CRMdotCOM"}]
    [contact] = got["contact_info"]
    assert {k: contact[k] for k in ("name", "type", "value", "country_code")} == {
        "name": "Main Office",
        "type": "EMAIL",
        "value": "johndoe@deliciousfood.com",
        "country_code": "CYP",
    }
    [location] = got["locations"]
    assert {k: v for k, v in location.items() if k != "id"} == NETWORK_EXAMPLE["locations"][0]
    [tap] = got["taps"]
    assert {k: v for k, v in tap.items() if k != "id"} == {
        **NETWORK_EXAMPLE["taps"][0],
        "is_active": True,
    }
    assert got["inherit_from_parent"] is False
    assert got["organisation_profile"] == NETWORK_EXAMPLE["organisation_profile"]
    assert got["cloud_name"] == "crmdotcom"
    assert got["organisation_tags"] == ["Accounting"]
    assert got["contact_registry"] is True
    assert got["custom_fields"] == [{"key": "back_office", "value": "0001-12345"}]
    assert got["wifi_platform"] == NETWORK_EXAMPLE["wifi_platform"]
    assert got["country_agreement"] == "CYP"
    assert got["creatives"] == []
    assert got["partners"] == []
    assert got["status"] == "ACTIVE"
    assert isinstance(got["created_on"], int)
    # The owner signs in with the identity of the example.
    signed_in = await api.rest(
        "POST", "/users/authenticate", {"email": "jd@crm.com", "password": "12345"}, key=""
    )
    assert signed_in.status_code == 200


async def test_network_rules_refuse_bad_input_and_create_nothing(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    cloud, service_owner, business = await network_of_cloud(api, db)
    refs = await references(db, cloud.id)
    as_cloud = api.as_key(cloud.secret)
    before = await organisation_count(db)
    cases: list[tuple[str, dict[str, Any], tuple[int, list[str]]]] = [
        (service_owner, {"org_type": "VENUE", "name": "V"}, (400, ["org_type"])),
        (cloud.id, {"org_type": "BUSINESS", "name": "B"}, (400, ["org_type"])),
        (business, {"org_type": "CLOUD_OPERATOR", "name": "C"}, (400, ["org_type"])),
        (
            business,
            {"org_type": "SUBSIDIARY", "name": "S", "groups": [refs.group]},
            (400, ["groups"]),
        ),
        (
            business,
            {"org_type": "VENUE", "name": "V", "cloud_name": "crm.com!"},
            (400, ["cloud_name"]),
        ),
        (business, {"org_type": "VENUE", "name": " "}, (400, ["name"])),
        (
            business,
            {"org_type": "VENUE", "name": "V", "organisation_id": service_owner},
            (400, ["organisation_id"]),
        ),
        (
            business,
            {"org_type": "VENUE", "name": "V", "industry_id": tenant.organisation_id},
            (404, ["industry", tenant.organisation_id]),
        ),
        (
            business,
            {
                "org_type": "VENUE",
                "name": "V",
                "inherit_from_parent": "true",
                "industry_id": refs.industry,
            },
            (400, ["industry_id"]),
        ),
        (
            business,
            {"org_type": "VENUE", "name": "V", "service_organisations": [business]},
            (400, ["service_organisations"]),
        ),
        (
            business,
            {"org_type": "VENUE", "name": "V", "locations": [{"country_code": "CYPRUS"}]},
            (400, ["locations[0].country_code"]),
        ),
        (
            business,
            {
                "org_type": "VENUE",
                "name": "V",
                "taps": [
                    {"name": "A", "code": "1", "tap_type": "CARD_TERMINAL"},
                    {"name": "B", "code": "1", "tap_type": "CARD_TERMINAL"},
                ],
            },
            (400, ["taps"]),
        ),
        (
            business,
            {"org_type": "VENUE", "name": "V", "owner": {"identity": {"identity_value": "x"}}},
            (400, ["owner.identity"]),
        ),
        (
            tenant.organisation_id,
            {"org_type": "MERCHANT", "name": "M"},
            (404, ["organisation", tenant.organisation_id]),
        ),
    ]
    for parent, body, expected in cases:
        response = await as_cloud.rest("POST", f"/organisations/{parent}/network", body)
        assert error_of(response) == expected, (body, response.text)
    response = await as_cloud.rest(
        "POST", f"/organisations/{business}/network", {"org_type": "VENUE", "name": "V", "x": 1}
    )
    assert response.status_code == 400
    assert "x" in response.json()["message"]
    assert await organisation_count(db) == before


async def test_inherit_from_parent_copies_industry_sectors_and_activities(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    refs = await references(db, tenant.organisation_id)
    merchant = await create_child(
        api,
        tenant.organisation_id,
        "MERCHANT",
        "Merchant",
        industry_id=refs.industry,
        industry_sectors=[refs.sector],
        business_activities=[refs.activity],
    )
    venue = await create_child(api, merchant, "VENUE", "Venue", inherit_from_parent="true")
    got = (await api.rest("GET", f"/organisations/{venue}")).json()
    assert got["inherit_from_parent"] is True
    assert got["industry"] == {"id": refs.industry, "name": "Restaurant"}
    assert got["industry_sectors"] == [{"id": refs.sector, "name": "Bar"}]
    assert got["business_activities"] == [{"id": refs.activity, "name": "Bar & Grill"}]


# --- PUT /organisations/{id} (route 81) ---------------------------------------------------------


async def test_update_spec_example_on_a_business(api: Api, db: Database) -> None:
    cloud, service_owner, business = await network_of_cloud(api, db)
    as_cloud = api.as_key(cloud.secret)
    refs = await references(db, cloud.id)
    partner = await create_child(as_cloud, service_owner, "BUSINESS", "Yellow Umbrella Corp.")
    await as_cloud.rest(
        "PUT",
        f"/organisations/{business}",
        {
            "contact_info": [{"type": "EMAIL", "value": "old@crm.com"}],
            "locations": [{"name": "Old Office"}],
        },
    )
    before = (await as_cloud.rest("GET", f"/organisations/{business}")).json()
    body = copy.deepcopy(UPDATE_EXAMPLE)
    body["contact_info"][0]["id"] = before["contact_info"][0]["id"]
    body["locations"]["id"] = before["locations"][0]["id"]
    body.update(
        industry_id=refs.industry,
        industry_sectors=[refs.sector],
        business_activities=[refs.activity],
        groups=[refs.group],
        service_organisations=[service_owner],
        partners=[{"id": partner}],
    )
    # A BUSINESS cannot be grouped: the example as a whole is refused and changes nothing.
    response = await as_cloud.rest("PUT", f"/organisations/{business}", body)
    assert error_of(response) == (400, ["groups"])
    assert (await as_cloud.rest("GET", f"/organisations/{business}")).json() == before

    del body["groups"]
    response = await as_cloud.rest("PUT", f"/organisations/{business}", body)
    assert response.status_code == 200, response.text
    assert response.json() == {"id": business}
    got = (await as_cloud.rest("GET", f"/organisations/{business}")).json()
    assert got["name"] == "Delicious Food Group"
    assert got["contact_info"] == [
        {
            "id": before["contact_info"][0]["id"],
            "name": "Head Office",
            "type": "PHONE",
            "value": "info@crm.com",
            "country_code": None,
        }
    ]
    [location] = got["locations"]
    assert location["id"] == before["locations"][0]["id"]
    assert (location["name"], location["address_line_1"], location["lat"]) == (
        "Head Office",
        "Elia Papakyriakou 21",
        35.157115,
    )
    assert got["industry"]["id"] == refs.industry
    assert got["industry_sectors"] == [{"id": refs.sector, "name": "Bar"}]
    assert got["business_activities"] == [{"id": refs.activity, "name": "Bar & Grill"}]
    assert got["service_organisations"] == [{"id": service_owner, "name": "CRMdotCOM"}]
    assert got["partners"] == [{"id": partner, "name": "Yellow Umbrella Corp."}]
    assert got["organisation_profile"] == UPDATE_EXAMPLE["organisation_profile"]
    assert (got["cloud_name"], got["organisation_tags"], got["contact_registry"]) == (
        "crmdotcom",
        ["Accounting"],
        True,
    )
    assert got["custom_fields"] == [{"key": "back_office", "value": "0001-12345"}]

    # Entries without an id are added; none is removed.
    response = await as_cloud.rest(
        "PUT", f"/organisations/{business}", {"locations": {"name": "Warehouse"}}
    )
    assert response.status_code == 200
    got = (await as_cloud.rest("GET", f"/organisations/{business}")).json()
    assert [loc["name"] for loc in got["locations"]] == ["Head Office", "Warehouse"]


async def test_update_rules(api: Api, db: Database) -> None:
    cloud, service_owner, business = await network_of_cloud(api, db)
    as_cloud = api.as_key(cloud.secret)
    venue = await create_child(as_cloud, business, "VENUE", "Venue")
    business_keys = await keys_for(db, business)
    cases: list[tuple[str, str, dict[str, Any], tuple[int, list[str]]]] = [
        (cloud.secret, venue, {"partners": [{"id": business}]}, (400, ["partners"])),
        (business_keys.secret, business, {"partners": [{"id": venue}]}, (403, [])),
        (cloud.secret, venue, {"name": None}, (400, ["name"])),
        (cloud.secret, venue, {"contact_registry": None}, (400, ["contact_registry"])),
        (cloud.secret, venue, {"cloud_name": "a b"}, (400, ["cloud_name"])),
        (
            cloud.secret,
            venue,
            {"locations": {"id": business, "name": "X"}},
            (404, ["location", business]),
        ),
        (
            cloud.secret,
            venue,
            {"contact_info": [{"id": venue, "type": "EMAIL", "value": "a@b.c"}]},
            (404, ["contact_info", venue]),
        ),
        (
            business_keys.secret,
            service_owner,
            {"name": "Mine now"},
            (404, ["organisation", service_owner]),
        ),
    ]
    for key, target, body, expected in cases:
        response = await api.rest("PUT", f"/organisations/{target}", body, key=key)
        assert error_of(response) == expected, (body, response.text)
    got = (await as_cloud.rest("GET", f"/organisations/{venue}")).json()
    assert (got["name"], got["partners"], got["locations"]) == ("Venue", [], [])
    # Groups may be set on a venue; service_organisations must be service owners.
    refs = await references(db, cloud.id)
    response = await as_cloud.rest("PUT", f"/organisations/{venue}", {"groups": [refs.group]})
    assert response.status_code == 200
    response = await as_cloud.rest(
        "PUT", f"/organisations/{venue}", {"service_organisations": [business]}
    )
    assert error_of(response) == (400, ["service_organisations"])


# --- DELETE /organisations/{id} (route 82) ------------------------------------------------------


async def test_delete_removes_a_leaf_below_the_caller(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    merchant = await create_child(
        api,
        tenant.organisation_id,
        "MERCHANT",
        "Merchant",
        owner={"identity": {"identity_challenge": "m@example.com", "identity_value": "pw"}},
        locations=[{"name": "Shop"}],
        contact_info=[{"type": "PHONE", "value": "99"}],
        taps=[{"name": "POS", "code": "P1", "tap_type": "CARD_TERMINAL"}],
    )
    await keys_for(db, merchant)
    response = await api.rest("DELETE", f"/organisations/{merchant}")
    assert response.status_code == 200, response.text
    assert response.json() == {"id": merchant}
    response = await api.rest("GET", f"/organisations/{merchant}")
    assert error_of(response) == (404, ["organisation", merchant])
    response = await api.rest("DELETE", f"/organisations/{merchant}")
    assert error_of(response) == (404, ["organisation", merchant])


async def test_delete_refuses_with_the_reason(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    merchant = await create_child(api, tenant.organisation_id, "MERCHANT", "Merchant")
    venue = await create_child(api, merchant, "VENUE", "Venue")
    async with db.write() as session:
        session.add(
            Contact(
                organisation_id=venue,
                contact_type="PERSON",
                first_name="Ann",
                custom_fields=[],
            )
        )
    before = await organisation_count(db)
    response = await api.rest("DELETE", f"/organisations/{tenant.organisation_id}")
    assert error_of(response) == (409, ["own_organisation"])
    response = await api.rest("DELETE", f"/organisations/{merchant}")
    assert error_of(response) == (409, ["child_organisations"])
    response = await api.rest("DELETE", f"/organisations/{venue}")
    assert error_of(response) == (409, ["contacts"])
    assert response.json()["error"] == "CRM.EXCEPTIONS.CONFLICTEXCEPTION"
    assert await organisation_count(db) == before
    cloud = await cloud_operator(db)
    response = await api.rest("DELETE", f"/organisations/{cloud.id}")
    assert error_of(response) == (404, ["organisation", cloud.id])


# --- GET /organisations/{id}/network (route 83) -------------------------------------------------


async def build_network(api: Api, db: Database, root: str) -> dict[str, Any]:
    """Below ``root``: two merchants (the first with two venues and a service point), a venue
    and a service point, with locations, tags, TAPs, references and custom fields."""
    refs = await references(db, root)
    m1 = await create_child(
        api,
        root,
        "MERCHANT",
        "Alpha Foods",
        locations=[{"name": "HQ", "town_city": "Nicosia", "country_code": "CY"}],
        organisation_tags=["Food", "Accounting"],
        taps=[{"name": "POS", "code": "T-100", "tap_type": "CARD_TERMINAL"}],
        industry_id=refs.industry,
        industry_sectors=[refs.sector],
        business_activities=[refs.activity],
        groups=[refs.group],
        custom_fields=[{"key": "region", "value": "north"}],
    )
    m2 = await create_child(
        api,
        root,
        "MERCHANT",
        "Beta Drinks",
        description="cold drinks",
        locations=[{"name": "HQ", "town_city": "Limassol", "country_code": "CY"}],
        organisation_tags=["Drinks"],
        custom_fields=[{"key": "region", "value": "south"}],
    )
    v1 = await create_child(
        api,
        root,
        "VENUE",
        "Gamma Venue",
        locations=[{"name": "Hall", "town_city": "Athens", "country_code": "GR"}],
    )
    sp = await create_child(api, root, "SERVICE_POINT", "Delta Point")
    for n in range(2):
        await create_child(api, m1, "VENUE", f"Alpha Venue {n}")
    await create_child(api, m1, "SERVICE_POINT", "Alpha Point")
    return {"refs": refs, "m1": m1, "m2": m2, "v1": v1, "sp": sp}


async def network_ids(api: Api, parent: str, **params: Any) -> list[str]:
    response = await api.rest("GET", f"/organisations/{parent}/network", params=params)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["content"]]


async def test_network_list_spec_shape_with_child_counts(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    net = await build_network(api, db, tenant.organisation_id)
    response = await api.rest(
        "GET",
        f"/organisations/{tenant.organisation_id}/network",
        params={"sort": "name", "order": "ASC"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["paging"] == {"page": 1, "size": 20, "total": 4, "has_more": False}
    assert [item["name"] for item in body["content"]] == [
        "Alpha Foods",
        "Beta Drinks",
        "Delta Point",
        "Gamma Venue",
    ]
    alpha = body["content"][0]
    assert alpha["id"] == net["m1"]
    assert alpha["child_organisations"] == [{"relationship": "VENUES", "count": 3}]
    assert body["content"][1]["child_organisations"] == []
    assert alpha["locations"][0]["googleplaceid"] is None
    assert alpha["locations"][0]["town_city"] == "Nicosia"
    assert alpha["industry"] == {"id": net["refs"].industry, "name": "Restaurant"}
    assert alpha["industry_sectors"] == [{"id": net["refs"].sector, "name": "Bar"}]
    assert alpha["business_activities"] == [{"id": net["refs"].activity, "name": "Bar & Grill"}]
    assert alpha["creatives"] == []
    assert "groups" not in alpha and "custom_fields" not in alpha and "users_count" not in alpha
    # The root's own counts, as its parent (none visible) would see them, via GraphQL.
    data = await api.data(
        "query($id: ID!) { organisation(id: $id) { child_organisations { relationship count } } }",
        {"id": tenant.organisation_id},
    )
    assert data["organisation"]["child_organisations"] == [
        {"relationship": "MERCHANTS", "count": 2},
        {"relationship": "VENUES", "count": 2},
    ]
    included = await api.rest(
        "GET",
        f"/organisations/{tenant.organisation_id}/network",
        params={
            "name": "alpha",
            "include_groups": "true",
            "include_custom_fields": "true",
            "include_total_users": "true",
            "child_organisations_count": "false",
        },
    )
    [item] = included.json()["content"]
    assert item["groups"] == [{"id": net["refs"].group, "name": "Seasonal"}]
    assert item["custom_fields"] == [{"key": "region", "value": "north"}]
    assert item["users_count"] == 0
    assert "child_organisations" not in item


async def test_network_list_filters(api: Api, db: Database, tenant: BootstrapResult) -> None:
    net = await build_network(api, db, tenant.organisation_id)
    root, refs = tenant.organisation_id, net["refs"]
    expectations: list[tuple[dict[str, Any], set[str]]] = [
        ({"relationship": "MERCHANTS"}, {net["m1"], net["m2"]}),
        ({"relationship": "VENUE"}, {net["v1"], net["sp"]}),
        ({"relationship": "venues"}, {net["v1"], net["sp"]}),
        ({"name": "ALPHA"}, {net["m1"]}),
        ({"search_value": "cold"}, {net["m2"]}),
        ({"tags": "Accounting"}, {net["m1"]}),
        ({"tags": "Drinks,Food"}, {net["m1"], net["m2"]}),
        ({"tags": "Account"}, set()),
        ({"country": "cy"}, {net["m1"], net["m2"]}),
        ({"town_city": "athens"}, {net["v1"]}),
        ({"tap_code": "T-100"}, {net["m1"]}),
        ({"group_id": refs.group}, {net["m1"]}),
        ({"industry_id": refs.industry}, {net["m1"]}),
        ({"industry_sector_id": refs.sector}, {net["m1"]}),
        ({"business_activity_id": refs.activity}, {net["m1"]}),
        ({"custom_fields": "region;south"}, {net["m2"]}),
        ({"custom_fields": "region;east"}, set()),
        (
            {"status": "ACTIVE", "relationship": "MERCHANTS", "country": "CY"},
            {net["m1"], net["m2"]},
        ),
        ({"status": "SUSPEND"}, set()),
    ]
    for params, expected in expectations:
        assert set(await network_ids(api, root, **params)) == expected, params
    # Direct children only: the merchant's venues are not the root's.
    assert len(await network_ids(api, net["m1"])) == 3
    assert len(await network_ids(api, root)) == 4


async def test_network_list_pages_sorts_and_refuses_unknown_filters(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    root = tenant.organisation_id
    for n in range(5):
        await create_child(api, root, "MERCHANT", f"Merchant {n}")
    response = await api.rest(
        "GET",
        f"/organisations/{root}/network",
        params={"size": 2, "page": 2, "sort": "name", "order": "DESC"},
    )
    body = response.json()
    assert body["paging"] == {"page": 2, "size": 2, "total": 5, "has_more": True}
    assert [item["name"] for item in body["content"]] == ["Merchant 2", "Merchant 1"]
    for params, field in [
        ({"area": "north"}, "area"),
        ({"relationship": "PLANETS"}, "relationship"),
        ({"custom_fields": "no-separator"}, "custom_fields"),
        ({"sort": "shoe_size"}, "sort"),
        ({"size": "0"}, "size"),
        ({"include_groups": "maybe"}, "include_groups"),
    ]:
        response = await api.rest("GET", f"/organisations/{root}/network", params=params)
        assert error_of(response) == (400, [field]), params


# --- visibility --------------------------------------------------------------------------------


async def test_a_merchant_sees_itself_and_below_only(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    root = tenant.organisation_id
    merchant = await create_child(api, root, "MERCHANT", "Merchant")
    sibling = await create_child(api, root, "MERCHANT", "Sibling")
    venue = await create_child(api, merchant, "VENUE", "Venue")
    as_merchant = api.as_key((await keys_for(db, merchant)).secret)
    assert (await as_merchant.rest("GET", f"/organisations/{merchant}")).status_code == 200
    own = (await as_merchant.rest("GET", f"/organisations/{merchant}")).json()
    assert own["organisation_id"] is None  # its parent is above it
    venue_seen = (await as_merchant.rest("GET", f"/organisations/{venue}")).json()
    assert venue_seen["organisation_id"] == merchant
    for hidden in (root, sibling):
        for method, path in [
            ("GET", f"/organisations/{hidden}"),
            ("GET", f"/organisations/{hidden}/network"),
            ("DELETE", f"/organisations/{hidden}"),
        ]:
            response = await as_merchant.rest(method, path)
            assert error_of(response) == (404, ["organisation", hidden]), (method, path)
        response = await as_merchant.rest(
            "POST", f"/organisations/{hidden}/network", {"org_type": "VENUE", "name": "V"}
        )
        assert error_of(response) == (404, ["organisation", hidden])
        response = await as_merchant.rest("PUT", f"/organisations/{hidden}", {"name": "X"})
        assert error_of(response) == (404, ["organisation", hidden])
    data = await as_merchant.data(
        """query($id: ID!) { organisation(id: $id) {
            id parent { id } children { content { id parent { id } } paging { total } }
        } }""",
        {"id": merchant},
    )
    assert data["organisation"]["parent"] is None
    assert data["organisation"]["children"] == {
        "content": [{"id": venue, "parent": {"id": merchant}}],
        "paging": {"total": 1},
    }
    assert (await api.rest("GET", f"/organisations/{sibling}")).json()["name"] == "Sibling"


# --- GraphQL -----------------------------------------------------------------------------------


async def test_graphql_and_rest_agree(api: Api, db: Database, tenant: BootstrapResult) -> None:
    refs = await references(db, tenant.organisation_id)
    merchant = await create_child(
        api,
        tenant.organisation_id,
        "MERCHANT",
        "Merchant",
        industry_id=refs.industry,
        locations=[{"name": "HQ", "lat": "1.5"}],
        organisation_tags=["A"],
    )
    rest = (await api.rest("GET", f"/organisations/{merchant}")).json()
    data = await api.data(
        """query($id: ID!) { organisation(id: $id) {
            id name org_type organisation_id organisation_tags industry { id name }
            locations { id name lat } created_on
        } }""",
        {"id": merchant},
    )
    graph = data["organisation"]
    for key in ("id", "name", "org_type", "organisation_id", "organisation_tags", "industry"):
        assert graph[key] == rest[key], key
    assert graph["locations"] == [{k: rest["locations"][0][k] for k in ("id", "name", "lat")}]
    from datetime import datetime

    assert int(datetime.fromisoformat(graph["created_on"]).timestamp()) == rest["created_on"]


async def test_graphql_mutations_and_contacts_relation(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    created = await api.data(
        """mutation($id: ID!) { create_network_organisation(id: $id,
            input: {org_type: MERCHANT, name: "Shop", organisation_tags: ["x"]}) {
            id name org_type parent { id } organisation_tags } }""",
        {"id": tenant.organisation_id},
    )
    shop = created["create_network_organisation"]
    assert shop["parent"] == {"id": tenant.organisation_id}
    as_shop = api.as_key((await keys_for(db, shop["id"])).secret)
    for name in ("Ann", "Bob", "Cid"):
        response = await as_shop.rest(
            "POST", "/contacts", {"contact_type": "PERSON", "first_name": name}
        )
        assert response.status_code == 200
    data = await api.data(
        """query($id: ID!) { organisation(id: $id) {
            contacts(size: 2, sort: "first_name", order: ASC) {
                content { first_name organisation_id } paging { page size total } }
        } }""",
        {"id": shop["id"]},
    )
    assert data["organisation"]["contacts"] == {
        "content": [
            {"first_name": "Ann", "organisation_id": shop["id"]},
            {"first_name": "Bob", "organisation_id": shop["id"]},
        ],
        "paging": {"page": 1, "size": 2, "total": 3},
    }
    updated = await api.data(
        """mutation($id: ID!) { update_organisation(id: $id, input: {name: "Big Shop"}) {
            id name organisation_tags } }""",
        {"id": shop["id"]},
    )
    assert updated["update_organisation"] == {
        "id": shop["id"],
        "name": "Big Shop",
        "organisation_tags": ["x"],
    }
    body = await api.graphql(
        "mutation($id: ID!) { delete_organisation(id: $id) { id } }", {"id": shop["id"]}
    )
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert body["errors"][0]["extensions"]["parameters"] == ["contacts"]


NESTED_NETWORK = """
query ($id: ID!, $size: Int!) {
  organisation_network(id: $id, size: $size, sort: "name", order: ASC) {
    content {
      id organisation_id parent { id name }
      child_organisations { relationship count } users_count
      locations { town_city } contact_info { value } taps { code }
      industry { name } industry_sectors { name } business_activities { name } groups { name }
      service_organisations { name } partners { name } custom_fields { key }
    }
    paging { total }
  }
}
"""


async def test_nested_network_costs_the_same_whatever_the_page_size(
    api: Api, db: Database, tenant: BootstrapResult, gateway: Any
) -> None:
    net = await build_network(api, db, tenant.organisation_id)
    await create_child(api, net["m2"], "VENUE", "Beta Venue", locations=[{"name": "x"}])
    counts = []
    # Sorted by name, both pages start with the merchant that has every relation.
    for size in (1, 4):
        with counting_statements(gateway[0]) as statements:
            data = await api.data(NESTED_NETWORK, {"id": tenant.organisation_id, "size": size})
        assert len(data["organisation_network"]["content"]) == size
        counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1], counts


# --- test mode: organisations are shared by live and test mode, so test keys only read them ------


async def organisations_snapshot(db: Database) -> list[tuple[Any, ...]]:
    """Every organisation with its name and parent, and every membership: what a change would
    touch."""
    async with db.read() as session:
        organisations = (
            await session.execute(
                select(Organisation.id, Organisation.name, Organisation.parent_id).order_by(
                    Organisation.id
                )
            )
        ).all()
        memberships = (
            await session.execute(
                select(Membership.user_id, Membership.organisation_id).order_by(Membership.id)
            )
        ).all()
        users = (await session.execute(select(User.email).order_by(User.email))).all()
    return [tuple(row) for row in (*organisations, *memberships, *users)]


async def sandbox_keys_for(db: Database, organisation_id: str) -> Keys:
    """Test-mode secret and public keys for an existing organisation."""
    async with db.write() as session:
        secret = await issue_api_key(session, organisation_id, is_public=False, is_test=True)
        public = await issue_api_key(session, organisation_id, is_public=True, is_test=True)
    return Keys(organisation_id, secret, public)


async def test_test_mode_reads_the_network_and_changes_nothing_at_both_doors(
    api: Api, db: Database
) -> None:
    cloud, service_owner, business = await network_of_cloud(api, db)
    as_cloud = api.as_key(cloud.secret)
    merchant = await create_child(as_cloud, business, "MERCHANT", "Shop")
    test_cloud = await sandbox_keys_for(db, cloud.id)
    test_owner = await sandbox_keys_for(db, service_owner)
    test_api = api.as_key(test_cloud.secret)

    # Reading: the same network as the live key.
    got = await test_api.rest("GET", f"/organisations/{merchant}")
    assert got.status_code == 200 and got.json()["name"] == "Shop"
    assert await network_ids(test_api, business) == await network_ids(as_cloud, business)

    register_body = {
        "name": "Test Business",
        "owner": {"identity": {"identity_challenge": "t@example.com", "identity_value": "pw"}},
    }
    before = await organisations_snapshot(db)
    calls: list[tuple[str, str, str, dict[str, Any] | None]] = [
        (test_owner.public, "POST", "/organisations/register", register_body),
        (test_owner.secret, "POST", "/organisations/register", register_body),
        (test_cloud.secret, "POST", f"/organisations/{business}/network", {
            "org_type": "MERCHANT", "name": "Test Shop",
            "owner": {"identity": {"identity_challenge": "u@example.com"}},
        }),
        (test_cloud.secret, "PUT", f"/organisations/{merchant}", {"name": "Renamed"}),
        (test_cloud.secret, "DELETE", f"/organisations/{merchant}", None),
    ]  # fmt: skip
    for key, method, path, body in calls:
        response = await api.rest(method, path, body, key=key)
        assert response.status_code == 403, (method, path, response.text)
        error = response.json()
        assert error["error"] == "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
        assert error["parameters"] == ["test_mode"]
        assert "test-mode key" in error["message"]

    mutations: list[tuple[str, str, dict[str, Any]]] = [
        (
            test_owner.public,
            "mutation($input: RegisterOrganisationInput!) { register_organisation(input: $input) "
            "{ id } }",
            {"input": register_body},
        ),
        (
            test_cloud.secret,
            "mutation($id: ID!) { create_network_organisation(id: $id, "
            'input: {org_type: MERCHANT, name: "Test Shop"}) { id } }',
            {"id": business},
        ),
        (
            test_cloud.secret,
            'mutation($id: ID!) { update_organisation(id: $id, input: {name: "Renamed"}) { id } }',
            {"id": merchant},
        ),
        (test_cloud.secret, "mutation($id: ID!) { delete_organisation(id: $id) { id } }",
         {"id": merchant}),
    ]  # fmt: skip
    for key, document, variables in mutations:
        body = await api.graphql(document, variables, key=key)
        assert body["data"] is None, body
        extensions = body["errors"][0]["extensions"]
        assert (extensions["code"], extensions["parameters"]) == ("FORBIDDEN", ["test_mode"])

    assert await organisations_snapshot(db) == before
    live = await as_cloud.rest("GET", f"/organisations/{merchant}")
    assert live.json()["name"] == "Shop"
    # The live key may do what the test key was refused.
    assert (await as_cloud.rest("DELETE", f"/organisations/{merchant}")).status_code == 200


# --- registration never attaches an existing user ---------------------------------------------


async def test_registration_refuses_an_existing_users_email_and_creates_nothing(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    cloud = await cloud_operator(db)
    service_owner = await keys_for(
        db, await create_child(api.as_key(cloud.secret), cloud.id, "SERVICE_OWNER", "SO")
    )
    hijack = "hijacked-password"
    by_identity = {
        "name": "Hijack Ltd",
        "owner": {
            "identity": {
                "identity_challenge": tenant.owner_email.upper(),
                "identity_value": hijack,
            }
        },
    }
    by_contact_info = {
        "name": "Hijack Ltd",
        "owner": {
            "identity": {"identity_value": hijack},
            "contact_info": [{"type": "EMAIL", "value": f" {tenant.owner_email} "}],
        },
    }
    before = await organisations_snapshot(db)
    response = await api.rest(
        "POST", "/organisations/register", by_identity, key=service_owner.public
    )
    assert error_of(response) == (409, ["owner.identity.identity_challenge"])
    assert response.json()["error"] == "CRM.EXCEPTIONS.CONFLICTEXCEPTION"
    response = await api.rest(
        "POST", "/organisations/register", by_contact_info, key=service_owner.public
    )
    assert error_of(response) == (409, ["owner.contact_info[0].value"])
    response = await api.rest(
        "POST",
        f"/organisations/{service_owner.id}/network",
        {"org_type": "BUSINESS", **by_identity},
        key=cloud.secret,
    )
    assert error_of(response) == (409, ["owner.identity.identity_challenge"])
    body = await api.graphql(
        "mutation($input: RegisterOrganisationInput!) { register_organisation(input: $input) "
        "{ id } }",
        {"input": by_identity},
        key=service_owner.public,
    )
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert body["errors"][0]["extensions"]["parameters"] == ["owner.identity.identity_challenge"]

    assert await organisations_snapshot(db) == before
    anonymous = api.as_key("")
    credentials = {"email": tenant.owner_email, "password": hijack}
    assert (await anonymous.rest("POST", "/users/authenticate", credentials)).status_code == 401
    credentials["password"] = tenant.owner_password
    assert (await anonymous.rest("POST", "/users/authenticate", credentials)).status_code == 200

    # A new e-mail still registers, with a new user.
    by_identity["owner"]["identity"]["identity_challenge"] = "new.owner@example.com"
    response = await api.rest(
        "POST", "/organisations/register", by_identity, key=service_owner.public
    )
    assert response.status_code == 200, response.text
