"""Rules for contacts: who a contact is, unique codes, one primary phone and address."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts import repository
from app.db.models import Contact
from app.errors import Conflict, InvalidInput
from app.identifiers import ensure_not_a_primary_id

CONTACT_TYPES = ("PERSON", "COMPANY")


def _check_identity(contact: Contact) -> None:
    if contact.contact_type not in CONTACT_TYPES:
        raise InvalidInput("contact_type", f"must be one of {', '.join(CONTACT_TYPES)}")
    if contact.contact_type == "PERSON" and not (contact.first_name or contact.last_name):
        raise InvalidInput("first_name", "a PERSON needs a first_name or a last_name")
    if contact.contact_type == "COMPANY" and not contact.company_name:
        raise InvalidInput("company_name", "a COMPANY needs a company_name")


def _check_single_primary(items: Sequence[dict[str, Any]], field: str) -> None:
    if sum(1 for item in items if item.get("is_primary")) > 1:
        raise InvalidInput(field, "at most one entry may be primary")


def _normalise_email(fields: dict[str, Any]) -> None:
    email = fields.get("email_address")
    if email is not None:
        email = email.strip().lower()
        if "@" not in email:
            raise InvalidInput("email_address", "is not an e-mail address")
        fields["email_address"] = email


async def _check_code(session: AsyncSession, contact: Contact, exclude_id: str | None) -> None:
    """Codes are unique per organisation and mode and never a contact's id (409 naming code)."""
    await ensure_not_a_primary_id(session, Contact, "code", contact.code)
    if contact.code and await repository.code_taken(session, contact, contact.code, exclude_id):
        raise Conflict(f"A contact with code {contact.code!r} exists already.", ["code"])


async def create_contact(
    session: AsyncSession, principal: Principal, fields: dict[str, Any]
) -> Contact:
    """Create a contact of the caller's organisation with its phones and addresses."""
    phones = fields.pop("phones", None) or []
    addresses = fields.pop("addresses", None) or []
    _check_single_primary(phones, "phones")
    _check_single_primary(addresses, "addresses")
    _normalise_email(fields)
    contact = Contact(organisation_id=principal.organisation_id, is_test=principal.is_test)
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.custom_fields = contact.custom_fields or []
    _check_identity(contact)
    await _check_code(session, contact, exclude_id=None)
    session.add(contact)
    await session.flush()
    await repository.replace_phones(session, contact.id, phones)
    await repository.upsert_addresses(session, contact.id, addresses)
    return contact


async def update_contact(
    session: AsyncSession, principal: Principal, id_or_code: str, fields: dict[str, Any]
) -> Contact:
    """Change the given fields of a contact; ``phones`` replaces the list, ``addresses`` merge."""
    contact = await repository.get_contact(session, principal, id_or_code)
    phones = fields.pop("phones", None)
    addresses = fields.pop("addresses", None)
    _normalise_email(fields)
    for name, value in fields.items():
        setattr(contact, name, value)
    _check_identity(contact)
    await _check_code(session, contact, exclude_id=contact.id)
    if phones is not None:
        _check_single_primary(phones, "phones")
        await repository.replace_phones(session, contact.id, phones)
    if addresses is not None:
        _check_single_primary(addresses, "addresses")
        await repository.upsert_addresses(session, contact.id, addresses)
    await session.flush()
    return contact


async def delete_contact(session: AsyncSession, principal: Principal, id_or_code: str) -> str:
    """Remove a contact that has no accounts; returns its id."""
    contact = await repository.get_contact(session, principal, id_or_code)
    if await repository.has_accounts(session, contact.id):
        raise Conflict("A contact with accounts cannot be deleted.", ["contact", contact.id])
    await repository.delete_contact_rows(session, contact)
    return contact.id
