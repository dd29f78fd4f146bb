"""The contacts domain's enumerations (registered with GraphQL in ``schema/contacts.py``)."""

from enum import StrEnum


class ContactType(StrEnum):
    """Whether a contact is a person or a company."""

    PERSON = "PERSON"
    COMPANY = "COMPANY"


class PhoneType(StrEnum):
    """The kind of a phone number."""

    MOBILE = "MOBILE"
    LANDLINE = "LANDLINE"
    FAX = "FAX"


class AddressType(StrEnum):
    """The kind of a postal address."""

    HOME = "HOME"
    BUSINESS = "BUSINESS"
