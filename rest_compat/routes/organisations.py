"""Organisation routes (spec routes 79-84): registration, the network, reads, updates, removal."""

from typing import Any

from app.organisations.enums import NETWORK_FILTERS
from rest_compat.json_schema import JsonSchema, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier


def _registration(data: Any) -> dict[str, Any]:
    """The spec's ``{"id"}``, with ``owner_invitation_token`` when the owner was invited."""
    answer = {"id": data["id"]}
    if data["owner_invitation_token"] is not None:
        answer["owner_invitation_token"] = data["owner_invitation_token"]
    return answer


def _registration_schema(selected: JsonSchema) -> JsonSchema:
    properties = selected["properties"]
    token = {"type": "string", "description": "Present when the owner was invited; shown once."}
    return object_schema({"id": properties["id"], "owner_invitation_token": token}, ["id"])


registration = Shape(_registration, _registration_schema)

SECTION = "Organisations"
# Organisations carry no mode: one network serves live and test mode.
TEST_MODE_READS = (
    "Test-mode keys (sk_test_) read the same network as live keys: organisations carry no "
    "mode, they are the tenant structure live and test data share."
)
TEST_MODE_REFUSED = (
    "Test-mode keys (sk_test_, pk_test_) may read the organisations network but never change "
    'it: this route answers them 403 (FORBIDDENEXCEPTION, parameters ["test_mode"]) and '
    "changes nothing, because organisations are shared by live and test mode."
)
NAMED = "{ id name }"
LOCATION_FIELDS = """
    id name address_line_1 address_line_2 state_province_county town_city postal_code
    country_code care_of lat lon google_place_id
"""
CREATIVE_FIELDS = "id usage_type width height format url public_id media { width height url }"
ORGANISATION_FIELDS = f"""
    id name description org_type test_mode is_sandbox_on is_business
    groups {NAMED}
    contact_info {{ id name type value country_code }}
    locations {{ {LOCATION_FIELDS} }}
    taps {{
        id name code is_active description external_ip external_port tap_type external_type
    }}
    industry {NAMED}
    industry_sectors {NAMED}
    business_activities {NAMED}
    inherit_from_parent
    organisation_profile {{
        registration_number tax_reference_number vat_reference_number registration_country
    }}
    organisation_id cloud_name organisation_tags
    service_organisations {NAMED}
    creatives {{ {CREATIVE_FIELDS} }}
    contact_registry
    custom_fields {{ key value }}
    status
    partners {NAMED}
    vat_number country_agreement base_currency timezone
    wifi_platform {{ integration_id site_id }}
    created_on
"""
# The list example spells the place id "googleplaceid", the single-organisation one
# "google_place_id": list items carry both.
NETWORK_ITEM_FIELDS = f"""
    id name description org_type status
    child_organisations @include(if: $child_organisations_count) {{ relationship count }}
    groups @include(if: $include_groups) {NAMED}
    locations {{ {LOCATION_FIELDS} googleplaceid: google_place_id }}
    creatives {{ {CREATIVE_FIELDS} }}
    industry {NAMED}
    industry_sectors {NAMED}
    business_activities {NAMED}
    users_count @include(if: $include_total_users)
    contact_registry
    custom_fields @include(if: $include_custom_fields) {{ key value }}
    created_on
"""
NETWORK_QUERY = {
    name: name
    for name in (
        *NETWORK_FILTERS,
        "child_organisations_count",
        "include_groups",
        "include_total_users",
        "include_custom_fields",
        "page",
        "size",
        "sort",
        "order",
    )
}
LOCATION_EXAMPLE = {
    "name": "Head Office",
    "address_line_1": "Elia Papakyriakou 21",
    "address_line_2": "7 Tower Stars",
    "state_province_county": "Egkomi",
    "town_city": "Nicosia",
    "postal_code": "2415",
    "country_code": "CY",
    "care_of": "c/o Company",
    "lat": 35.157115,
    "lon": 33.313719,
    "google_place_id": "ChIJrTLr-GyuEmsRBfy61i59si0",
}
PROFILE_EXAMPLE = {
    "registration_number": "1234",
    "tax_reference_number": "TAX1234",
    "vat_reference_number": "VAT1234",
    "registration_country": "CYP",
}
REGISTER_EXAMPLE = {
    "name": "Delicious Food Group",
    "description": "Lorem Ipsum",
    "vat_number": "VAT123456789",
    "org_type": "BUSINESS",
    "is_business": "true",
    "organisation_id": "11",
    "test_mode": "false",
    "is_sandbox_on": "true",
    "owner": {
        "first_name": "John",
        "last_name": "Doe",
        "contact_info": [{"name": "", "type": "EMAIL", "value": "4499885544"}],
    },
    "location": [
        {
            "name": "Head Office",
            "address_line_1": "Elia Papakyriakou 21",
            "address_line_2": "7 Tower Stars",
            "state_province_county": "Egkomi",
            "town_city": "Nicosia",
            "postal_code": "2415",
            "country_code": "CY",
            "care_of": "",
            "lat": "35.157115",
            "lon": "33.313719",
            "googleplaceid": "ChIJrTLr-GyuEmsRBfy61i59si0",
        }
    ],
}
NETWORK_EXAMPLE = {
    "org_type": "VENUE",
    "name": "Delicious Food Group",
    "description": "Lorem Ipsum",
    "is_business": "true",
    "country_agreement": "CYP",
    "industry_id": "CAD1E31269B76D7A65ACCE45B2E68DFD",
    "industry_sectors": ["CAD1E31269B76D7A65ACCE45B2E68DFD"],
    "groups": ["CAD1E31269B76D7A65ACCE45B2E68DFD"],
    "owner": {
        "first_name": "John",
        "last_name": "Doe",
        "identity": {
            "provider": "EMAIL",
            "identity_challenge": "jd@crm.com",
            "identity_value": "12345",
        },
        "contact_info": [
            {"name": "", "type": "EXTENSION", "value": "4499885544", "country_code": "CYP"}
        ],
    },
    "contact_info": [
        {
            "name": "Main Office",
            "type": "EMAIL",
            "value": "johndoe@deliciousfood.com",
            "country_code": "CYP",
        }
    ],
    "locations": [LOCATION_EXAMPLE],
    "taps": [
        {
            "name": "POS",
            "code": "02451",
            "is_active": "true",
            "description": "pos system",
            "external_ip": "82.102.93.164",
            "external_port": "9100",
            "tap_type": "CARD_TERMINAL",
            "external_type": "ALOHA",
        }
    ],
    "business_activities": ["CAD1E31269B76D7A65ACCE45B2E68DFD"],
    "inherit_from_parent": "false",
    "organisation_profile": PROFILE_EXAMPLE,
    "organisation_id": "e7251be4-89f2-8cea-7a4a-65b679cf6131",
    "cloud_name": "crmdotcom",
    "organisation_tags": ["Accounting"],
    "service_organisations": ["7c56cc02-48cf-9832-e412-a4ae022cd547"],
    "contact_registry": "true",
    "custom_fields": [{"key": "back_office", "value": "0001-12345"}],
    "wifi_platform": {
        "integration_id": "88165da9-58a9-74cd-3da5-593b901fc0ec",
        "site_id": "88quh2m6",
    },
}
UPDATE_EXAMPLE = {
    "name": "Delicious Food Group",
    "description": "Lorem Ipsum",
    "contact_info": [
        {
            "id": "CK1234567890123456789012345678",
            "type": "PHONE",
            "value": "info@crm.com",
            "name": "Head Office",
        }
    ],
    "industry_id": "CAD1E31269B76D7A65ACCE45B2E68DFD",
    "industry_sectors": ["CAD1E31269B76D7A65ACCE45B2E68DFD"],
    "business_activities": ["CAD1E31269B76D7A65ACCE45B2E68DFD"],
    "groups": ["CAD1E31269B76D7A65ACCE45B2E68DFD"],
    "inherit_from_parent": "false",
    "organisation_profile": PROFILE_EXAMPLE,
    "cloud_name": "crmdotcom",
    "organisation_tags": ["Accounting"],
    "service_organisations": ["1daf80b1-134b-36eb-7146-76dec04e6c5d"],
    "contact_registry": "true",
    "locations": {
        **LOCATION_EXAMPLE,
        "id": "a6cc4f88-cab1-4ab2-98d3-4655789277e2",
        "care_of": "",
    },
    "custom_fields": [{"key": "back_office", "value": "0001-12345"}],
    "partners": [{"id": "43f394c0-ece1-43a5-ab7d-b54ce9065fe7"}],
}

ROUTES = [
    RestRoute(
        method="POST",
        path="/organisations/register",
        section=SECTION,
        summary="Creates a business semantic parent as the primary business.",
        document="""mutation ($body: RegisterOrganisationInput!) {
            register_organisation(input: $body) { id owner_invitation_token }
        }""",
        body="body",
        shape=registration,
        public_key_allowed=True,
        example_body=REGISTER_EXAMPLE,
        notes=(
            "A public (or secret) api_key names the organisation the business registers below; "
            "`organisation_id` may name another organisation of that key's network instead. "
            "The parent must be a SERVICE_OWNER (businesses sit below service owners).",
            "`org_type` may be left out; only BUSINESS is accepted. `is_business` defaults to "
            "true.",
            "The locations may be sent as `location` (the example's singular key) or "
            "`locations`; the place id as `googleplaceid` (as in the example) or "
            "`google_place_id`.",
            "With a password (`owner.identity.identity_value`) the owner is created as a new "
            "user whose e-mail address (and username) is `owner.identity.identity_challenge` "
            "(provider EMAIL) or else an `owner.contact_info` entry of type EMAIL; it must be an "
            "e-mail address (400 otherwise), and one that an existing user has is refused with a "
            "409 (CONFLICTEXCEPTION) naming the e-mail field, creating nothing. The owner then "
            "signs in with POST /users/authenticate.",
            "Without a password (as in the spec's example) the owner is invited with the role "
            "OWNER: the answer adds `owner_invitation_token`, shown only once, which the owner "
            "accepts with POST /users/invitations/accept (choosing a password, or giving an "
            "existing user's). The invitation carries the e-mail address given (identity "
            "challenge, else an EMAIL contact entry that is an e-mail address: the example's "
            "4499885544 is not, so the owner gives one on acceptance). Other owner contact "
            "details are accepted but not stored (users have no phone fields).",
            TEST_MODE_REFUSED,
        ),
    ),
    RestRoute(
        method="POST",
        path="/organisations/{id}/network",
        section=SECTION,
        summary=(
            "Expand the business network with new organisations such as transaction processor, "
            "service owners and business"
        ),
        document="""mutation ($id: ID!, $body: CreateNetworkOrganisationInput!) {
            create_network_organisation(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body=NETWORK_EXAMPLE,
        notes=(
            "The new organisation is created directly below {id}. Allowed org_type by parent "
            "type: CLOUD_OPERATOR -> SERVICE_OWNER, TRANSACTION_PROCESSOR; SERVICE_OWNER -> "
            "BUSINESS; BUSINESS -> MERCHANT, SUBSIDIARY, DEPARTMENT, VENUE, SERVICE_POINT; "
            "SUBSIDIARY -> MERCHANT, DEPARTMENT, VENUE, SERVICE_POINT; MERCHANT -> VENUE, "
            "SERVICE_POINT; anything else is a 400 naming org_type.",
            "`organisation_id` in the body may be left out; if given it must equal {id}.",
            "Only MERCHANT, VENUE and SERVICE_POINT organisations may have `groups` (else 400). "
            "`cloud_name` may hold letters and digits only. `cloud_name`, `country_agreement` "
            "and `contact_registry` are stored for any type (the spec's example sends them for "
            "a VENUE).",
            "`inherit_from_parent`=true copies the parent's industry, sectors and business "
            "activities; giving them as well is a 400.",
            "`service_organisations` must be SERVICE_OWNER organisations the caller sees. "
            "Industry, sectors, activities and groups must be reference data the caller sees "
            "(404 naming the entity).",
            "The owner is optional here; when given, it is a new user whose e-mail and password "
            "follow the rules of POST /organisations/register (409 for a taken e-mail).",
            TEST_MODE_REFUSED,
        ),
    ),
    RestRoute(
        method="PUT",
        path="/organisations/{id}",
        section=SECTION,
        summary="Update a single organisation",
        document="""mutation ($id: ID!, $body: UpdateOrganisationInput!) {
            update_organisation(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body=UPDATE_EXAMPLE,
        notes=(
            "Answers 200 with the organisation identifier (the spec documents the body but "
            "shows no response).",
            "`contact_info` and `locations` entries with an `id` change that entry (404 if it "
            "is not the organisation's), entries without one are added; none is removed. "
            "`locations` may be one object (as in the example) or a list. Contact details need "
            "`type` and `value`.",
            "The lists `industry_sectors`, `business_activities`, `groups`, "
            "`service_organisations`, `organisation_tags`, `custom_fields` and `partners` "
            "replace the stored ones.",
            "`partners` apply to BUSINESS organisations only and are assigned from above the "
            "business (its own credentials get a 403). `groups` apply to MERCHANT, VENUE and "
            "SERVICE_POINT organisations only, so the spec's example (which sends both) cannot "
            "succeed as a whole on any one organisation.",
            "`billing_business` and `default_service` are documented but not supported here "
            "(400 as unknown fields).",
            TEST_MODE_REFUSED,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/organisations/{id}",
        section=SECTION,
        summary="Removes an organisation",
        document="""mutation ($id: ID!) { delete_organisation(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "Answers 200 with the identifier. Refused with a 409 naming the reason for the "
            "caller's own organisation (own_organisation), an organisation with child "
            "organisations (child_organisations) or one holding data (the tables, e.g. contacts, "
            "accounts). Its locations, contact details, TAPs, memberships, API keys, custom "
            "roles and teams go with it.",
            TEST_MODE_REFUSED,
        ),
    ),
    RestRoute(
        method="GET",
        path="/organisations/{id}/network",
        section=SECTION,
        summary="Retrieve all organisations",
        document=f"""query ($id: ID!, $name: String, $relationship: String, $group_id: ID,
                $industry_id: ID, $industry_sector_id: ID, $business_activity_id: ID,
                $tags: [String!], $country: String, $town_city: String, $status: String,
                $tap_code: String, $search_value: String, $custom_fields: [String!],
                $child_organisations_count: Boolean = true, $include_groups: Boolean = false,
                $include_total_users: Boolean = false, $include_custom_fields: Boolean = false,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            organisation_network(id: $id, filter: {{name: $name, relationship: $relationship,
                    group_id: $group_id, industry_id: $industry_id,
                    industry_sector_id: $industry_sector_id,
                    business_activity_id: $business_activity_id, tags: $tags,
                    country: $country, town_city: $town_city, status: $status,
                    tap_code: $tap_code, search_value: $search_value,
                    custom_fields: $custom_fields}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {NETWORK_ITEM_FIELDS} }} {PAGING}
            }}
        }}""",
        query=NETWORK_QUERY,
        notes=(
            "Lists the DIRECT children of {id} (which the caller must see; 404 otherwise).",
            "`relationship` takes MERCHANTS, VENUES, BUSINESSES, SERVICE_OWNERS, "
            "TRANSACTION_PROCESSORS, SUBSIDIARIES, DEPARTMENTS or an organisation type (VENUE, "
            "as in the spec's example, reads as VENUES); VENUES include service points. Each "
            "item's `child_organisations` counts ITS direct children by relationship "
            "(`child_organisations_count`=false leaves it out).",
            "`name` and `search_value` (name, description, cloud name) match parts of the text "
            "without regard to case; `country` and `town_city` match a location of the "
            "organisation; `tags` (comma separated) match any tag; `custom_fields` is `key;value` "
            "(several separated by commas, all must match).",
            "`include_groups`, `include_total_users` (users_count) and `include_custom_fields` "
            "add those fields; they are left out by default. `area`, `media_type`, "
            "`search_type` and `operation_details` are not supported (400 as unknown "
            "parameters): the gateway keeps no areas, media or operation details.",
            "Locations carry the place id both as `google_place_id` and as `googleplaceid` (the "
            "spelling of this example). `creatives` lists the media of the organisation's "
            "media groups (PUT /organisations/{id}/media_groups), for callers with MEDIA_READ.",
            "Sort by created_on (default), name, org_type or status.",
            TEST_MODE_READS,
        ),
    ),
    RestRoute(
        method="GET",
        path="/organisations/{id}",
        section=SECTION,
        summary="Get details of a single Organisation",
        document=f"""query ($id: ID!) {{ organisation(id: $id) {{ {ORGANISATION_FIELDS} }} }}""",
        notes=(
            "`organisation_id` is the parent organisation (null for the caller's own "
            "organisation, whose parent it may not see).",
            "`taps[].external_type` is the text given when the TAP was created (e.g. ALOHA); "
            "the spec's response shows an {id, code} object for which it defines no source.",
            "`creatives` lists the media of the organisation's media groups (PUT "
            "/organisations/{id}/media_groups; id, usage_type, url, public_id: width, height "
            "and format are not known to the gateway), for callers with MEDIA_READ.",
            "Also returns vat_number, country_agreement, base_currency, timezone, "
            "wifi_platform and created_on, which the create routes accept.",
            TEST_MODE_READS,
        ),
    ),
    RestRoute(
        method="POST",
        path="/organisations/{id}/actions",
        section=SECTION,
        summary="Perform an action on a single organisation",
        document="""mutation ($id: ID!, $body: OrganisationActionInput!) {
            organisation_action(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"action": "MODE"},
        notes=(
            "`action` MODE turns live mode on for an organisation that used test mode only "
            "(`test_mode`): until then its live API keys are refused (403, parameters "
            '["test_mode"]) while its test keys and its users work; test keys keep working '
            "afterwards. MODE on a live organisation changes nothing (200).",
            "`action` COPY needs `name` (400 naming it otherwise): it creates a new organisation "
            "beside the given one (below the same parent) with its settings (type, currency, "
            "industry, sectors, activities, groups, locations, contact details, custom fields, "
            "custom roles) and its reference data (classifications, payment terms, industries, "
            "sectors, activities, groups, reward schemes and tiers, spend conditions) in both "
            "modes; never its contacts, accounts, wallets, journals, users, teams, API keys or "
            "TAPs. It answers the new organisation's id. Copying the caller's own organisation "
            'is a 400 (["id"]): the copy would sit outside the caller\'s network.',
            "Any other action is a 400 naming `action` and listing MODE and COPY.",
            TEST_MODE_REFUSED,
        ),
    ),
]
