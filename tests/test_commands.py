"""Typed commands: validation naming the field path, given vs left-out fields, enums, and the
unchanged 400 bodies of both doors for bad enums, currencies and amounts."""

import pytest

from app.commands import apply
from app.contacts.commands import CreateContact, UpdateContact
from app.contacts.enums import ContactType
from app.db.models import Contact
from app.errors import InvalidInput
from tests.conftest import Api
from tests.test_contacts import NEW_CONTACT


def refusal(command: type, data: dict[str, object]) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as caught:
        command.parse(data)  # type: ignore[attr-defined]
    return caught.value.field, caught.value.message


# Contacts


def test_contact_email_is_normalised_and_checked() -> None:
    command = CreateContact.parse({"contact_type": "PERSON", "email_address": " Jo@Ex.COM "})
    assert command.email_address == "jo@ex.com"
    assert refusal(CreateContact, {"contact_type": "PERSON", "email_address": "jo"}) == (
        "email_address",
        "email_address: is not an e-mail address",
    )


def test_contact_refusals_name_the_field_path() -> None:
    two_primaries = [{"number": "1", "is_primary": True}, {"number": "2", "is_primary": True}]
    assert refusal(UpdateContact, {"phones": two_primaries})[0] == "phones"
    assert refusal(UpdateContact, {"phones": [{"is_primary": True}]}) == (
        "phones[0].number",
        "phones[0].number: is required",
    )
    assert refusal(UpdateContact, {"shoe_size": 44})[0] == "shoe_size"
    assert refusal(CreateContact, {})[0] == "contact_type"


def test_contact_type_is_the_one_enum() -> None:
    assert CreateContact.parse({"contact_type": ContactType.COMPANY}).contact_type == "COMPANY"
    assert refusal(CreateContact, {"contact_type": "ROBOT"}) == (
        "contact_type",
        "contact_type: must be one of PERSON, COMPANY",
    )


def test_update_tells_null_from_left_out() -> None:
    command = UpdateContact.parse({"first_name": None, "last_name": "Smith"})
    assert command.model_fields_set == {"first_name", "last_name"}
    contact = Contact(first_name="John", last_name="Doe", company_name="Acme")
    apply(command, contact)
    assert (contact.first_name, contact.last_name, contact.company_name) == (None, "Smith", "Acme")


def test_commands_are_frozen() -> None:
    command = UpdateContact.parse({"first_name": "Jo"})
    with pytest.raises(ValueError):
        command.first_name = "Joe"  # type: ignore[misc]


async def test_contact_bad_enum_and_email_through_rest_keep_their_400s(api: Api) -> None:
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "contact_type": "ROBOT"})
    assert (response.status_code, response.json()) == (
        400,
        {
            "status": 400,
            "message": "Variable '$body' has invalid value at .contact_type: Value 'ROBOT' does"
            " not exist in 'ContactType' enum.",
            "error": "CRM.EXCEPTIONS.BADREQUESTEXCEPTION",
            "parameters": ["contact_type"],
        },
    )
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "email_address": "nobody"})
    assert (response.status_code, response.json()) == (
        400,
        {
            "status": 400,
            "message": "email_address: is not an e-mail address",
            "error": "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION",
            "parameters": ["email_address"],
        },
    )
