"""Rules for contacts: who a contact is, unique codes, one primary phone and address."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.commands import apply
from app.contacts import repository
from app.contacts.commands import ContactAddress, ContactPhone, CreateContact, UpdateContact
from app.contacts.enums import ContactType
from app.db.models import Contact
from app.errors import Conflict, InvalidInput
from app.events import described, emit
from app.events.codes import Entity, Event
from app.identifiers import ensure_not_a_primary_id


def _check_identity(contact: Contact) -> None:
    if contact.contact_type is None:
        raise InvalidInput("contact_type", f"must be one of {', '.join(ContactType)}")
    if contact.contact_type == ContactType.PERSON and not (contact.first_name or contact.last_name):
        raise InvalidInput("first_name", "a PERSON needs a first_name or a last_name")
    if contact.contact_type == ContactType.COMPANY and not contact.company_name:
        raise InvalidInput("company_name", "a COMPANY needs a company_name")


RELATED_LISTS = ("phones", "addresses")
"""Fields of a contact command stored as rows of their own, not as the contact's columns."""


def _phone_rows(phones: Sequence[ContactPhone]) -> list[dict[str, Any]]:
    """The fields of the contact's complete new list of phones."""
    return [phone.model_dump() for phone in phones]


def _address_rows(addresses: Sequence[ContactAddress]) -> list[dict[str, Any]]:
    """New addresses with all their fields; changed ones (with ``id``) with the given fields."""
    return [address.model_dump(exclude_unset=address.id is not None) for address in addresses]


async def _check_code(session: AsyncSession, contact: Contact, exclude_id: str | None) -> None:
    """Codes are unique per organisation and mode and never a contact's id (409 naming code)."""
    await ensure_not_a_primary_id(session, Contact, "code", contact.code)
    if contact.code and await repository.code_taken(session, contact, contact.code, exclude_id):
        raise Conflict(f"A contact with code {contact.code!r} exists already.", ["code"])


async def create_contact(
    session: AsyncSession, principal: Principal, command: CreateContact
) -> Contact:
    """Create a contact of the caller's organisation with its phones and addresses."""
    contact = Contact(organisation_id=principal.organisation_id, is_test=principal.is_test)
    apply(command, contact, exclude=RELATED_LISTS)
    contact.custom_fields = contact.custom_fields or []
    _check_identity(contact)
    await _check_code(session, contact, exclude_id=None)
    session.add(contact)
    await session.flush()
    await repository.replace_phones(session, contact.id, _phone_rows(command.phones or []))
    await repository.upsert_addresses(session, contact.id, _address_rows(command.addresses or []))
    await emit(
        session,
        principal,
        entity=Entity.CONTACTS,
        event=Event.REGISTER_CUSTOMER,
        entity_id=contact.id,
        data=described(contact),
    )
    return contact


async def update_contact(
    session: AsyncSession, principal: Principal, id_or_code: str, command: UpdateContact
) -> Contact:
    """Change the given fields of a contact; ``phones`` replaces the list, ``addresses`` merge."""
    contact = await repository.get_contact(session, principal, id_or_code)
    apply(command, contact, exclude=RELATED_LISTS)
    _check_identity(contact)
    await _check_code(session, contact, exclude_id=contact.id)
    if command.phones is not None:
        await repository.replace_phones(session, contact.id, _phone_rows(command.phones))
    if command.addresses is not None:
        await repository.upsert_addresses(session, contact.id, _address_rows(command.addresses))
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.CONTACTS,
        event=Event.UPDATE_CUSTOMER,
        entity_id=contact.id,
        data=described(contact),
    )
    return contact


async def delete_contact(session: AsyncSession, principal: Principal, id_or_code: str) -> str:
    """Remove a contact that has no accounts; returns its id."""
    contact = await repository.get_contact(session, principal, id_or_code)
    if await repository.has_accounts(session, contact.id):
        raise Conflict("A contact with accounts cannot be deleted.", ["contact", contact.id])
    await emit(
        session,
        principal,
        entity=Entity.CONTACTS,
        event=Event.DELETE_CUSTOMER,
        entity_id=contact.id,
        data=described(contact),
    )
    await repository.delete_contact_rows(session, contact)
    return contact.id
