"""SQL for contacts, always narrowed to the caller's network and mode."""

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, Table, delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.bulk import insert_rows, one_of
from app.db.models import Account, Contact, ContactAddress, ContactPhone
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

CONTACTS = TenantRepository(Contact)
PHONES = ChildRepository(ContactPhone, CONTACTS, "contact_id")
ADDRESSES = ChildRepository(ContactAddress, CONTACTS, "contact_id")
CONTACT_TABLE: Table = Contact.__table__  # type: ignore[assignment]
PHONE_TABLE: Table = ContactPhone.__table__  # type: ignore[assignment]
ADDRESS_TABLE: Table = ContactAddress.__table__  # type: ignore[assignment]

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": Contact.created_on,
    "first_name": Contact.first_name,
    "last_name": Contact.last_name,
    "company_name": Contact.company_name,
    "email_address": Contact.email_address,
    "code": Contact.code,
}


def phone_order(phone: Any = ContactPhone) -> list[Any]:
    """How a contact's phones are listed: primary first, then by id."""
    return [phone.is_primary.desc(), phone.id]


def address_order(address: Any = ContactAddress) -> list[Any]:
    """How a contact's addresses are listed: primary first, then by id."""
    return [address.is_primary.desc(), address.id]


def visible_contacts(principal: Principal) -> Select[Any]:
    """All contacts the caller may see."""
    return CONTACTS.readable(principal)


async def get_contact(session: AsyncSession, principal: Principal, id_or_code: str) -> Contact:
    """The contact with this id or code (404 if the caller cannot see one)."""
    contact = (await session.execute(contact_by_id_or_code(principal, id_or_code))).scalar()
    if contact is None:
        raise NotFound("contact", id_or_code)
    return contact


def contact_by_id_or_code(principal: Principal, id_or_code: str) -> Select[Any]:
    """The one contact an id or code names for the caller (:meth:`TenantRepository.named`)."""
    return CONTACTS.named(principal, "code", id_or_code)


async def code_taken(
    session: AsyncSession, contact: Contact, code: str, exclude_id: str | None
) -> bool:
    """Whether another contact of the same organisation and mode already has ``code``."""
    taken = await codes_taken(
        session, contact.organisation_id, contact.is_test, [code], exclude_id=exclude_id
    )
    return bool(taken)


async def codes_taken(
    session: AsyncSession,
    organisation_id: str,
    is_test: bool,
    codes: Iterable[str],
    exclude_id: str | None = None,
) -> set[str]:
    """Which of ``codes`` a contact of the organisation and mode (other than ``exclude_id``)
    already has: one query for them all."""
    wanted = set(codes)
    if not wanted:
        return set()
    stmt = select(Contact.code).where(
        Contact.organisation_id == organisation_id,
        Contact.is_test.is_(is_test),
        one_of(session, Contact.code, wanted),
    )
    if exclude_id:
        stmt = stmt.where(Contact.id != exclude_id)
    return {code for code in (await session.execute(stmt)).scalars() if code is not None}


async def insert_contacts(
    session: AsyncSession,
    contacts: Sequence[dict[str, Any]],
    phones: Sequence[dict[str, Any]],
    addresses: Sequence[dict[str, Any]],
) -> None:
    """Insert new contacts (every column's value), then their phones and addresses (with
    their ``contact_id``), many rows a statement (``app.db.bulk``)."""
    await insert_rows(session, CONTACT_TABLE, contacts)
    if phones:
        await insert_rows(session, PHONE_TABLE, phones)
    if addresses:
        await insert_rows(session, ADDRESS_TABLE, addresses)


async def search_contacts(
    session: AsyncSession, principal: Principal, request: PageRequest, **filters: str | None
) -> Page[Contact]:
    """A page of the caller's contacts matching every given filter."""
    stmt = matching_contacts(principal, **filters)
    return await fetch_page(session, stmt, request, SORT_COLUMNS, default_sort=DEFAULT_SORT)


def matching_contacts(
    principal: Principal,
    *,
    search_value: str | None = None,
    contact_type: str | None = None,
    email_address: str | None = None,
    code: str | None = None,
    organisation_id: str | None = None,
) -> Select[Any]:
    """The caller's contacts matching every given filter (unordered)."""
    stmt = visible_contacts(principal)
    if search_value:
        stmt = stmt.where(
            or_(
                *(
                    contains_literal(column, search_value)
                    for column in (
                        Contact.first_name,
                        Contact.last_name,
                        Contact.company_name,
                        Contact.email_address,
                        Contact.code,
                    )
                )
            )
        )
    if contact_type:
        stmt = stmt.where(Contact.contact_type == contact_type)
    if email_address:
        stmt = stmt.where(Contact.email_address == email_address.strip().lower())
    if code:
        stmt = stmt.where(Contact.code == code)
    if organisation_id:
        stmt = stmt.where(Contact.organisation_id == organisation_id)
    return stmt


async def replace_phones(
    session: AsyncSession, contact_id: str, phones: Sequence[dict[str, Any]]
) -> None:
    """Make ``phones`` the contact's complete list of phones."""
    await session.execute(delete(ContactPhone).where(ContactPhone.contact_id == contact_id))
    session.add_all(ContactPhone(contact_id=contact_id, **phone) for phone in phones)


async def upsert_addresses(
    session: AsyncSession, contact_id: str, addresses: Sequence[dict[str, Any]]
) -> None:
    """Update the addresses that name their id and add the others; none is removed.

    Addresses stay because accounts may use them as billing addresses.
    """
    for fields in addresses:
        address_id = fields.pop("id", None)
        if address_id is None:
            session.add(ContactAddress(contact_id=contact_id, **fields))
            continue
        address = await session.get(ContactAddress, address_id)
        if address is None or address.contact_id != contact_id:
            raise NotFound("address", address_id)
        for name, value in fields.items():
            setattr(address, name, value)


async def has_accounts(session: AsyncSession, contact_id: str) -> bool:
    """Whether any account belongs to the contact."""
    return bool(
        (await session.execute(select(exists().where(Account.contact_id == contact_id)))).scalar()
    )


async def delete_contact_rows(session: AsyncSession, contact: Contact) -> None:
    """Remove a contact with its phones and addresses."""
    await session.execute(delete(ContactPhone).where(ContactPhone.contact_id == contact.id))
    await session.execute(delete(ContactAddress).where(ContactAddress.contact_id == contact.id))
    await session.delete(contact)
