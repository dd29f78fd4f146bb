"""Commands of the contacts domain: creating and changing a contact with its phones and addresses.

E-mail addresses are normalised (trimmed, lower case) and must hold an ``@``; a list of phones or
of addresses has at most one primary entry. Source: ``DESIGN.md`` §3 (contact fields).
"""

from collections.abc import Sequence
from typing import Protocol, TypeVar

from pydantic import field_validator

from app.commands import Command, CustomField, PostalAddress, refuse
from app.contacts.enums import AddressType, ContactType, PhoneType


class _MaybePrimary(Protocol):
    is_primary: bool


_Item = TypeVar("_Item", bound=_MaybePrimary)


def _normalise_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip().lower()
    if "@" not in email:
        raise refuse("is not an e-mail address")
    return email


def _single_primary(items: Sequence[_Item] | None) -> Sequence[_Item] | None:
    if items is not None and sum(1 for item in items if item.is_primary) > 1:
        raise refuse("at most one entry may be primary")
    return items


class ContactPhone(Command):
    """A phone number of a contact."""

    number: str
    phone_type: PhoneType = PhoneType.MOBILE
    country_code: str | None = None
    is_primary: bool = False


class ContactAddress(PostalAddress):
    """A postal address; with ``id`` it changes that address of the contact, else adds one."""

    address_type: AddressType = AddressType.HOME
    is_primary: bool = False


class _ContactFields(Command):
    """The fields a contact's create and update share, with their validation."""

    code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    email_address: str | None = None
    phones: list[ContactPhone] | None = None
    addresses: list[ContactAddress] | None = None
    custom_fields: list[CustomField] | None = None

    _email = field_validator("email_address")(_normalise_email)
    _primaries = field_validator("phones", "addresses")(_single_primary)


class CreateContact(_ContactFields):
    """A new contact of the caller's organisation (a PERSON needs a name, a COMPANY its name)."""

    contact_type: ContactType


class UpdateContact(_ContactFields):
    """Changes to a contact: fields left out stay; ``phones`` replaces the list, ``addresses``
    change (with ``id``) or add entries."""

    contact_type: ContactType | None = None
