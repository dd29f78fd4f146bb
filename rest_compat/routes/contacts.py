"""Contact routes: not in the spec, designed in its style (DESIGN §3)."""

from rest_compat.route import PAGING, RestRoute, identifier
from schema.common import CustomField
from schema.contacts import Contact, ContactAddress, ContactPhone
from schema.selections import leaf_fields

SECTION = "Contacts"
# A contact as these routes show it: every column of the contact, its phones and addresses
# (a column added to the GraphQL types is shown without being named here again).
CONTACT_FIELDS = f"""
    {leaf_fields(Contact)}
    phones {{ {leaf_fields(ContactPhone)} }}
    addresses {{ {leaf_fields(ContactAddress)} }}
    custom_fields {{ {leaf_fields(CustomField)} }}
"""
LIST_QUERY = {
    name: name
    for name in (
        "search_value",
        "contact_type",
        "email_address",
        "code",
        "organisation_id",
        "page",
        "size",
        "sort",
        "order",
    )
}

CODE_NOTES = (
    "`{id}` accepts the contact's id or its code; an id match wins.",
    'code is unique per organisation and mode (409, parameters ["code"]) and may never be a'
    " contact id: a code equal to an existing contact's id is refused with 409"
    ' CRM.EXCEPTIONS.CONFLICTEXCEPTION, parameters ["code", <value>], so a lookup by id or'
    " code is never ambiguous. Other values shaped like UUIDs are accepted.",
)

ROUTES = [
    RestRoute(
        method="POST",
        path="/contacts",
        section=SECTION,
        summary="Create a new contact (person or company) with its phones and addresses",
        document="""mutation ($body: CreateContactInput!) {
            create_contact(input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "contact_type": "PERSON",
            "first_name": "John",
            "last_name": "Doe",
            "email_address": "johndoe@example.com",
            "code": "C-0001",
            "phones": [{"phone_type": "MOBILE", "number": "99123456", "is_primary": "true"}],
            "addresses": [
                {
                    "address_line_1": "Elia Papakyriakou 21",
                    "town_city": "Nicosia",
                    "postal_code": "2415",
                    "country_code": "CY",
                    "is_primary": "true",
                }
            ],
        },
        notes=CODE_NOTES[1:],
    ),
    RestRoute(
        method="GET",
        path="/contacts",
        section=SECTION,
        summary="Search for contacts",
        document=f"""query ($search_value: String, $contact_type: ContactType,
                $email_address: String, $code: String, $organisation_id: ID,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            contacts(filter: {{search_value: $search_value, contact_type: $contact_type,
                    email_address: $email_address, code: $code,
                    organisation_id: $organisation_id}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {CONTACT_FIELDS} }} {PAGING}
            }}
        }}""",
        query=LIST_QUERY,
        notes=(
            "search_value matches contacts whose first_name, last_name, company_name,"
            " email_address or code contains it, ignoring case; it is plain text: % and _"
            " match themselves, not any characters.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/contacts/{id}",
        section=SECTION,
        summary="Get a single contact by id or code",
        document=f"""query ($id: ID!) {{ contact(id: $id) {{ {CONTACT_FIELDS} }} }}""",
    ),
    RestRoute(
        method="PUT",
        path="/contacts/{id}",
        section=SECTION,
        summary="Update a contact; fields left out stay as they are",
        document="""mutation ($id: ID!, $body: UpdateContactInput!) {
            update_contact(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={"email_address": "john.doe@example.com"},
        notes=CODE_NOTES,
    ),
    RestRoute(
        method="DELETE",
        path="/contacts/{id}",
        section=SECTION,
        summary="Delete a contact that has no accounts",
        document="""mutation ($id: ID!) { delete_contact(id: $id) { id } }""",
        shape=identifier,
    ),
]
