"""GraphQL types, inputs and root fields for contacts."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from app.auth.permissions import Permission
from app.contacts.commands import CreateContact, UpdateContact
from app.contacts.enums import AddressType, ContactType, PhoneType
from app.contacts.repository import DEFAULT_SORT, SORT_COLUMNS
from app.db import models
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import contacts as resolve
from resolvers.accounts import AccountsByContactIdLoader
from resolvers.context import Info
from resolvers.inputs import filter_values, to_command
from schema.common import (
    CustomField,
    CustomFieldInput,
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    custom_fields,
    page_request,
    sort_argument,
    to_page,
)
from schema.mapping import maps, relation
from schema.permissions import needs
from schema.rows import shown_as

if TYPE_CHECKING:
    from schema.accounts import Account

ContactSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]


strawberry.enum(ContactType, description="Whether a contact is a person or a company.")
strawberry.enum(PhoneType, description="The kind of a phone number.")
strawberry.enum(AddressType, description="The kind of a postal address.")


@maps(models.ContactPhone)
@strawberry.type(description="A phone number of a contact.")
class ContactPhone:
    id: strawberry.ID = strawberry.field(description="The phone's identifier.")
    phone_type: PhoneType = strawberry.field(description="MOBILE, LANDLINE or FAX.")
    number: str = strawberry.field(description="The phone number.")
    country_code: str | None = strawberry.field(description="The country code (e.g. CYP).")
    is_primary: bool = strawberry.field(description="Whether this is the primary phone.")


@maps(models.ContactAddress)
@strawberry.type(description="A postal address of a contact.")
class ContactAddress:
    id: strawberry.ID = strawberry.field(description="The address identifier.")
    address_type: AddressType = strawberry.field(description="HOME or BUSINESS.")
    is_primary: bool = strawberry.field(description="Whether this is the primary address.")
    address_line_1: str | None = strawberry.field(description="The address.")
    address_line_2: str | None = strawberry.field(description="More address information.")
    state_province_county: str | None = strawberry.field(description="State/province/county.")
    town_city: str | None = strawberry.field(description="Town or city.")
    postal_code: str | None = strawberry.field(description="Postal code.")
    country_code: str | None = strawberry.field(description="Country code.")
    lat: float | None = strawberry.field(description="Latitude.")
    lon: float | None = strawberry.field(description="Longitude.")
    google_place_id: str | None = strawberry.field(description="Google place identifier.")


@maps(models.Contact)
@strawberry.type(description="A customer: a person or a company.")
class Contact:
    id: strawberry.ID = strawberry.field(description="The contact identifier (UUID).")
    code: str | None = strawberry.field(description="The alternative unique identifier.")
    contact_type: ContactType = strawberry.field(description="PERSON or COMPANY.")
    first_name: str | None = strawberry.field(description="First name (persons).")
    last_name: str | None = strawberry.field(description="Last name (persons).")
    company_name: str | None = strawberry.field(description="Company name (companies).")
    email_address: str | None = strawberry.field(description="E-mail address.")
    organisation_id: strawberry.ID = strawberry.field(description="The owning organisation.")
    created_on: datetime = strawberry.field(description="When the contact was created.")
    updated_on: datetime = strawberry.field(description="When the contact last changed.")

    phones: list[ContactPhone] = relation(
        resolve.PhonesByContactIdLoader, description="The contact's phone numbers, primary first."
    )
    addresses: list[ContactAddress] = relation(
        resolve.AddressesByContactIdLoader,
        description="The contact's postal addresses, primary first.",
    )
    accounts: list[Annotated["Account", strawberry.lazy("schema.accounts")]] = relation(
        AccountsByContactIdLoader,
        description="The contact's accounts, primary first (needs ACCOUNTS_READ).",
        needs=Permission.ACCOUNTS_READ,
    )

    @strawberry.field(name="custom_fields", description="The contact's custom fields.")
    def custom_fields_list(self) -> list[CustomField]:
        return custom_fields(getattr(self, "custom_fields", None))


@strawberry.input(description="A phone number of a contact.")
class ContactPhoneInput:
    number: str = strawberry.field(description="The phone number.")
    phone_type: PhoneType = strawberry.field(default=PhoneType.MOBILE, description="The kind.")
    country_code: str | None = strawberry.field(default=None, description="Country code.")
    is_primary: bool = strawberry.field(default=False, description="The primary phone?")


@strawberry.input(description="A postal address; give `id` to change an existing address.")
class ContactAddressInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An existing address to change; leave out to add."
    )
    address_type: AddressType = strawberry.field(default=AddressType.HOME, description="Kind.")
    is_primary: bool = strawberry.field(default=False, description="The primary address?")
    address_line_1: str | None = strawberry.field(default=None, description="The address.")
    address_line_2: str | None = strawberry.field(default=None, description="More address.")
    state_province_county: str | None = strawberry.field(default=None, description="State.")
    town_city: str | None = strawberry.field(default=None, description="Town or city.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")
    country_code: str | None = strawberry.field(default=None, description="Country code.")
    lat: float | None = strawberry.field(default=None, description="Latitude.")
    lon: float | None = strawberry.field(default=None, description="Longitude.")
    google_place_id: str | None = strawberry.field(default=None, description="Google place id.")


@strawberry.input(description="A new contact.")
class CreateContactInput:
    contact_type: ContactType = strawberry.field(description="PERSON or COMPANY.")
    code: str | None = strawberry.field(default=None, description="Alternative unique id.")
    first_name: str | None = strawberry.field(default=None, description="First name.")
    last_name: str | None = strawberry.field(default=None, description="Last name.")
    company_name: str | None = strawberry.field(default=None, description="Company name.")
    email_address: str | None = strawberry.field(default=None, description="E-mail address.")
    phones: list[ContactPhoneInput] | None = strawberry.field(
        default=None, description="Phone numbers."
    )
    addresses: list[ContactAddressInput] | None = strawberry.field(
        default=None, description="Postal addresses."
    )
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=None, description="Custom fields."
    )


@strawberry.input(description="Changes to a contact; fields left out stay as they are.")
class UpdateContactInput:
    contact_type: ContactType | None = strawberry.field(
        default=strawberry.UNSET, description="PERSON or COMPANY."
    )
    code: str | None = strawberry.field(default=strawberry.UNSET, description="Alternative id.")
    first_name: str | None = strawberry.field(default=strawberry.UNSET, description="First name.")
    last_name: str | None = strawberry.field(default=strawberry.UNSET, description="Last name.")
    company_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="Company name."
    )
    email_address: str | None = strawberry.field(
        default=strawberry.UNSET, description="E-mail address."
    )
    phones: list[ContactPhoneInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of phones."
    )
    addresses: list[ContactAddressInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Addresses to change (with `id`) or add (without); none is removed.",
    )
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of custom fields."
    )


@strawberry.input(description="Which contacts to return: those matching every field given.")
class ContactFilter:
    search_value: str | None = strawberry.field(
        default=None, description="Free text matched against names, e-mail and code."
    )
    contact_type: ContactType | None = strawberry.field(
        default=None, description="Only contacts of this type."
    )
    email_address: str | None = strawberry.field(
        default=None, description="Only contacts with this e-mail address."
    )
    code: str | None = strawberry.field(default=None, description="Only this code.")
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only contacts of this organisation."
    )


@strawberry.type
class Query:
    @strawberry.field(
        extensions=needs(Permission.CONTACTS_READ), description="One contact by id or code."
    )
    async def contact(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Id or code.")],
    ) -> Contact:
        return shown_as(Contact, await resolve.contact(info, id))

    @strawberry.field(
        extensions=needs(Permission.CONTACTS_READ),
        description="Search the contacts of the caller's network.",
    )
    async def contacts(
        self,
        info: Info,
        filter_by: Annotated[
            ContactFilter | None,
            strawberry.argument(name="filter", description="Only contacts matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ContactSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Contact]:
        filters = filter_values(filter_by, ContactFilter)
        result = await resolve.contacts(info, page_request(page, size, sort, order), filters)
        return to_page(result)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=needs(Permission.CONTACTS_WRITE),
        description="Create a contact in the caller's organisation.",
    )
    async def create_contact(self, info: Info, input: CreateContactInput) -> Contact:
        command = to_command(input, CreateContact)
        return shown_as(Contact, await resolve.create_contact(info, command))

    @strawberry.mutation(
        extensions=needs(Permission.CONTACTS_WRITE),
        description="Change a contact; fields left out stay as they are.",
    )
    async def update_contact(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Id or code.")],
        input: Annotated[UpdateContactInput, strawberry.argument(description="The changes.")],
    ) -> Contact:
        command = to_command(input, UpdateContact)
        return shown_as(Contact, await resolve.update_contact(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.CONTACTS_WRITE),
        description="Delete a contact that has no accounts.",
    )
    async def delete_contact(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Id or code.")],
    ) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_contact(info, id)))
