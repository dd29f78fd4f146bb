"""Rules for contacts: who a contact is, unique codes, one primary phone and address."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from app.auth.principal import Principal
from app.commands import apply, given_fields
from app.contacts import repository
from app.contacts.commands import ContactAddress, ContactPhone, CreateContact, UpdateContact
from app.contacts.enums import ContactType
from app.db.base import new_id, utcnow
from app.db.models import Contact
from app.errors import Conflict, GatewayError, InvalidInput, NotFound
from app.events import described, emit, emit_many
from app.events.codes import Entity, Event
from app.identifiers import ensure_not_a_primary_id, primary_id_taken, primary_ids_among


def _check_identity(contact: Mapping[str, Any]) -> None:
    """A contact's type and the name it needs (400 naming the field); ``contact`` holds its
    column values by name."""
    contact_type = contact.get("contact_type")
    if contact_type is None:
        raise InvalidInput("contact_type", f"must be one of {', '.join(ContactType)}")
    if contact_type == ContactType.PERSON and not (
        contact.get("first_name") or contact.get("last_name")
    ):
        raise InvalidInput("first_name", "a PERSON needs a first_name or a last_name")
    if contact_type == ContactType.COMPANY and not contact.get("company_name"):
        raise InvalidInput("company_name", "a COMPANY needs a company_name")


def _identity(contact: Contact) -> dict[str, Any]:
    return {name: getattr(contact, name) for name in _IDENTITY_FIELDS}


_IDENTITY_FIELDS = ("contact_type", "first_name", "last_name", "company_name")


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
        raise _code_exists(contact.code)


def _code_exists(code: str) -> Conflict:
    return Conflict(f"A contact with code {code!r} exists already.", ["code"])


_NO_VALUES = dict.fromkeys(column.key for column in repository.CONTACT_TABLE.columns)
"""A contact's columns, none given (NULL)."""


def _new_contact_row(principal: Principal, command: CreateContact) -> dict[str, Any]:
    """The columns a new contact of the caller's organisation and mode is given (those left
    out are NULL), as the ORM would hold them after its INSERT; 400 for a contact without the
    name its type needs."""
    now = utcnow()
    row = given_fields(command, exclude=RELATED_LISTS)
    row["id"] = new_id()
    row["organisation_id"] = principal.organisation_id
    row["is_test"] = principal.is_test
    row["custom_fields"] = row.get("custom_fields") or []
    row["created_on"] = row["updated_on"] = now
    _check_identity(row)
    for address in command.addresses or []:
        if address.id is not None:  # a new contact has no address to change
            raise NotFound("address", address.id)
    return row


async def create_contacts(
    session: AsyncSession, principal: Principal, commands: Sequence[CreateContact]
) -> list[dict[str, Any] | GatewayError]:
    """Create contacts of the caller's organisation, with their phones and addresses, each as
    :func:`create_contact` would one after the other; for each command in order, the new
    contact's stored columns, or the error that refused it (then nothing of it is written).

    The rules are checked for all commands at once (one query for the codes that are a
    contact's id, one for the codes taken; a code given twice in ``commands`` is taken by its
    first), the contacts, phones, addresses and ``REGISTER_CUSTOMER`` events are written a
    table at a time (``app.db.bulk``: COPY on PostgreSQL for many rows). A row the database
    refuses (a code taken by a concurrent writer) raises its ``IntegrityError`` for the whole
    list: the caller's savepoint decides what to keep.
    """
    results: list[dict[str, Any] | GatewayError] = []
    for command in commands:
        try:
            results.append(_new_contact_row(principal, command))
        except GatewayError as error:
            results.append(error)
    codes = [row["code"] for row in results if isinstance(row, dict) and row.get("code")]
    ids = await primary_ids_among(session, Contact, codes)
    taken = await repository.codes_taken(
        session, principal.organisation_id, principal.is_test, set(codes) - ids
    )
    contacts: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    addresses: list[dict[str, Any]] = []
    events: list[tuple[str, dict[str, Any]]] = []
    for position, (command, row) in enumerate(zip(commands, results, strict=True)):
        if not isinstance(row, dict):
            continue
        code = row.get("code")
        if code in ids:
            results[position] = primary_id_taken(Contact, "code", code)
            continue
        if code in taken:
            results[position] = _code_exists(code)
            continue
        if code:
            taken.add(code)
        contact_id = row["id"]
        events.append((contact_id, described(row)))
        results[position] = row = {**_NO_VALUES, **row}
        contacts.append(row)
        phones.extend(
            {**phone, "id": new_id(), "contact_id": contact_id}
            for phone in _phone_rows(command.phones or [])
        )
        addresses.extend(
            {**address, "id": new_id(), "contact_id": contact_id}
            for address in _address_rows(command.addresses or [])
        )
    await repository.insert_contacts(session, contacts, phones, addresses)
    await emit_many(
        session,
        principal,
        entity=Entity.CONTACTS,
        event=Event.REGISTER_CUSTOMER,
        changes=events,
    )
    return results


async def create_contact(
    session: AsyncSession, principal: Principal, command: CreateContact
) -> Contact:
    """Create a contact of the caller's organisation with its phones and addresses
    (:func:`create_contacts` with one command; raises the error that refuses it)."""
    (created,) = await create_contacts(session, principal, [command])
    if isinstance(created, GatewayError):
        raise created
    contact = Contact(**created)
    make_transient_to_detached(contact)  # stored already: the session holds it as read
    session.add(contact)
    return contact


async def update_contact(
    session: AsyncSession, principal: Principal, id_or_code: str, command: UpdateContact
) -> Contact:
    """Change the given fields of a contact; ``phones`` replaces the list, ``addresses`` merge."""
    contact = await repository.get_contact(session, principal, id_or_code)
    apply(command, contact, exclude=RELATED_LISTS)
    _check_identity(_identity(contact))
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
