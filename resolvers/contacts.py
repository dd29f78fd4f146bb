"""Resolvers and dataloaders for contacts."""

from typing import Any

from app.contacts import repository, service
from app.contacts.commands import CreateContact, UpdateContact
from app.db.models import Contact, ContactAddress, ContactPhone
from app.db.relations import Related
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.relations import RelationLoader


class ContactByIdLoader(RelationLoader):
    """The caller's contacts by id."""

    related = Related(Contact, "id")


class PhonesByContactIdLoader(RelationLoader):
    """A contact's phones, primary first."""

    related = Related(ContactPhone, "contact_id", repository.phone_order, many=True)


class AddressesByContactIdLoader(RelationLoader):
    """A contact's addresses, primary first."""

    related = Related(ContactAddress, "contact_id", repository.address_order, many=True)


class AddressByIdLoader(RelationLoader):
    """Addresses of the caller's contacts by id."""

    related = Related(ContactAddress, "id")


async def contact(info: Info, id: str) -> Contact:
    """One contact by id or code."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await repository.get_contact(session, principal, id)


async def contacts(info: Info, request: PageRequest, filters: dict[str, Any]) -> Page[Contact]:
    """A page of contacts matching the filters."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await repository.search_contacts(session, principal, request, **filters)


async def create_contact(info: Info, command: CreateContact) -> Contact:
    """Create a contact."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.create_contact(session, principal, command)


async def update_contact(info: Info, id: str, command: UpdateContact) -> Contact:
    """Update a contact."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.update_contact(session, principal, id, command)


async def delete_contact(info: Info, id: str) -> str:
    """Delete a contact; returns its id."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.delete_contact(session, principal, id)
