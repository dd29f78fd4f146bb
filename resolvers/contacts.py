"""Resolvers and dataloaders for contacts."""

from typing import Any

from app.contacts import repository, service
from app.contacts.commands import CreateContact, UpdateContact
from app.db.models import Contact, ContactAddress, ContactPhone
from app.db.relations import Related, RelatedPages
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.loaders import PageLoader
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


class ContactPagesByOrganisationIdLoader(PageLoader):
    """A page of an organisation's own contacts, for many organisations in one statement."""

    related = RelatedPages(
        repository.visible_contacts,
        Contact.organisation_id,
        repository.SORT_COLUMNS,
        repository.DEFAULT_SORT,
    )


async def contact(info: Info, id: str) -> Contact:
    """One contact by id or code."""
    return await info.context.reads(repository.get_contact, id)


async def contacts(info: Info, request: PageRequest, filters: dict[str, Any]) -> Page[Contact]:
    """A page of contacts matching the filters."""
    return await info.context.reads(repository.search_contacts, request, **filters)


async def create_contact(info: Info, command: CreateContact) -> Contact:
    """Create a contact."""
    return await info.context.writes(service.create_contact, command)


async def update_contact(info: Info, id: str, command: UpdateContact) -> Contact:
    """Update a contact."""
    return await info.context.writes(service.update_contact, id, command)


async def delete_contact(info: Info, id: str) -> str:
    """Delete a contact; returns its id."""
    return await info.context.writes(service.delete_contact, id)
