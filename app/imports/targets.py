"""What a row of an imported file becomes: a contact or an organisation, written through the
same commands and services as the API's own create and update (one place for each rule).

Each target names the attributes a column may fill and imports one row's values:

- CONTACTS: ``contact_type`` (PERSON when left out, COMPANY when only ``company_name`` is
  given), ``code``, ``first_name``, ``last_name``, ``company_name``, ``email_address``,
  ``phone_number`` (one MOBILE phone). An existing contact is the one with the row's ``code``
  (else with its ``email_address``) in the import's organisation.
- ORGANISATIONS: ``name``, ``org_type`` (MERCHANT when left out), ``description``; created
  directly below the import's organisation; an existing one is its child of that name.

An existing record is left alone unless ``update_data`` (``unchanged``); with it, the row's
values are applied and the record counts as ``updated`` only when something changed. Custom
fields of the row are merged into the record's (a key given replaces that key's value).
Empty cells are values left out. Text longer than its column is refused (400 naming it).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts import service as contacts
from app.contacts.commands import CreateContact, UpdateContact
from app.db.models import Contact, Organisation
from app.errors import InvalidInput
from app.imports import repository
from app.imports.enums import ImportType
from app.organisations import service as organisations
from app.organisations.commands import CreateNetworkOrganisation, UpdateOrganisation


class Outcome(StrEnum):
    """What importing one row did."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowValues:
    """One row's values: by attribute, and its custom fields by key (empty cells left out)."""

    attributes: Mapping[str, str]
    custom_fields: Mapping[str, str]


class Target(Protocol):
    """An entity rows can be imported into."""

    attributes: tuple[str, ...]

    async def import_row(
        self, session: AsyncSession, principal: Principal, row: RowValues, update_data: bool
    ) -> Outcome:
        """Create or update one record from ``row``; raises a ``GatewayError`` naming the
        field for a row that breaks a rule."""
        ...


def _check_lengths(model: Any, values: Mapping[str, Any]) -> None:
    columns = model.__table__.c
    for name, value in values.items():
        length = getattr(columns[name].type, "length", None) if name in columns else None
        if length is not None and isinstance(value, str) and len(value) > length:
            raise InvalidInput(name, f"at most {length} characters")


def _merged_custom_fields(
    held: list[dict[str, Any]] | None, given: Mapping[str, str]
) -> list[dict[str, Any]]:
    merged = {item.get("key"): item.get("value") for item in held or []}
    merged.update(given)
    return [{"key": key, "value": value} for key, value in merged.items()]


def _as_stored(name: str, value: str) -> str:
    """A contact field's value as the contacts commands store it (e-mail addresses trimmed and
    lower case), so that a row holding what is stored counts as unchanged."""
    return value.strip().lower() if name == "email_address" else value


class ContactsTarget:
    """Rows as contacts (``app.contacts.service``)."""

    attributes: tuple[str, ...] = (
        "contact_type",
        "code",
        "first_name",
        "last_name",
        "company_name",
        "email_address",
        "phone_number",
    )

    async def import_row(
        self, session: AsyncSession, principal: Principal, row: RowValues, update_data: bool
    ) -> Outcome:
        fields: dict[str, Any] = dict(row.attributes)
        phone = fields.pop("phone_number", None)
        _check_lengths(Contact, fields)
        existing = await repository.existing_contact(
            session, principal, fields.get("code"), fields.get("email_address")
        )
        if existing is None:
            if "contact_type" not in fields:
                only_company = fields.get("company_name") and not (
                    fields.get("first_name") or fields.get("last_name")
                )
                fields["contact_type"] = "COMPANY" if only_company else "PERSON"
            if phone:
                fields["phones"] = [{"number": phone, "is_primary": True}]
            if row.custom_fields:
                fields["custom_fields"] = _merged_custom_fields([], row.custom_fields)
            await contacts.create_contact(session, principal, CreateContact.parse(fields))
            return Outcome.NEW
        if not update_data:
            return Outcome.UNCHANGED
        changes = {
            name: value
            for name, value in fields.items()
            if getattr(existing, name) != _as_stored(name, value)
        }
        if phone and phone not in await repository.phone_numbers(session, existing.id):
            changes["phones"] = [{"number": phone, "is_primary": True}]
        if row.custom_fields:
            merged = _merged_custom_fields(existing.custom_fields, row.custom_fields)
            if merged != _merged_custom_fields(existing.custom_fields, {}):
                changes["custom_fields"] = merged
        if not changes:
            return Outcome.UNCHANGED
        await contacts.update_contact(session, principal, existing.id, UpdateContact.parse(changes))
        return Outcome.UPDATED


class OrganisationsTarget:
    """Rows as organisations directly below the import's organisation
    (``app.organisations.service``)."""

    attributes: tuple[str, ...] = ("name", "org_type", "description")

    async def import_row(
        self, session: AsyncSession, principal: Principal, row: RowValues, update_data: bool
    ) -> Outcome:
        fields: dict[str, Any] = dict(row.attributes)
        name = fields.get("name")
        if not name:
            raise InvalidInput("name", "is required")
        _check_lengths(Organisation, fields)
        existing = await repository.existing_child_organisation(session, principal, name)
        if existing is None:
            fields.setdefault("org_type", "MERCHANT")
            if row.custom_fields:
                fields["custom_fields"] = _merged_custom_fields([], row.custom_fields)
            command = CreateNetworkOrganisation.parse(fields)
            await organisations.create_network_organisation(
                session, principal, principal.organisation_id, command
            )
            return Outcome.NEW
        if not update_data:
            return Outcome.UNCHANGED
        if fields.get("org_type", existing.org_type) != existing.org_type:
            raise InvalidInput("org_type", "an organisation's type cannot be changed")
        changes: dict[str, Any] = {}
        if "description" in fields and fields["description"] != existing.description:
            changes["description"] = fields["description"]
        if row.custom_fields:
            merged = _merged_custom_fields(existing.custom_fields, row.custom_fields)
            if merged != _merged_custom_fields(existing.custom_fields, {}):
                changes["custom_fields"] = merged
        if not changes:
            return Outcome.UNCHANGED
        command_update = UpdateOrganisation.parse(changes)
        await organisations.update_organisation(session, principal, existing.id, command_update)
        return Outcome.UPDATED


TARGETS: dict[str, Target] = {
    ImportType.CONTACTS.value: ContactsTarget(),
    ImportType.ORGANISATIONS.value: OrganisationsTarget(),
}
"""The target of each import type."""
