"""What a row of an imported file becomes: a contact or an organisation, written through the
same commands and services as the API's own create and update (one place for each rule).

Each target names the attributes a column may fill and imports a batch of rows' values with
the outcome of importing them one after the other (contacts: the new ones created together by
``contacts.create_contacts``, see :meth:`ContactsTarget.import_rows`; organisations: row by
row, each in a savepoint):

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

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Protocol

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts import service as contacts
from app.contacts.commands import CreateContact, UpdateContact
from app.db.bulk import probe_by_key
from app.db.models import Contact, Organisation
from app.errors import GatewayError, InvalidInput
from app.imports import repository
from app.imports.enums import ImportType
from app.organisations import service as organisations
from app.organisations.commands import CreateNetworkOrganisation, UpdateOrganisation

log = structlog.get_logger("crm_gateway.imports")


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

    async def import_rows(
        self,
        session: AsyncSession,
        principal: Principal,
        rows: Sequence[RowValues],
        update_data: bool,
    ) -> list[Outcome | str]:
        """Create or update a record from each of ``rows``, as :meth:`import_row` one after
        the other would: each row's outcome, or the reason it was refused (a refused row
        writes nothing, the others are kept)."""
        ...

    async def import_row(
        self, session: AsyncSession, principal: Principal, row: RowValues, update_data: bool
    ) -> Outcome:
        """Create or update one record from ``row``; raises a ``GatewayError`` naming the
        field for a row that breaks a rule."""
        ...


RowImport = Callable[[AsyncSession, Principal, RowValues, bool], Awaitable[Outcome]]


async def import_in_savepoint(
    import_row: RowImport,
    session: AsyncSession,
    principal: Principal,
    row: RowValues,
    update_data: bool,
) -> Outcome | str:
    """Import one row in a savepoint: its outcome, or the reason it was refused (then the
    savepoint is rolled back: nothing of the row is written)."""
    try:
        async with session.begin_nested():
            return await import_row(session, principal, row, update_data)
    except GatewayError as error:
        return error.message
    except SQLAlchemyError as error:
        log.warning("import row not stored", error=type(error).__name__)
        return STORE_REFUSED


STORE_REFUSED = "the record could not be stored (it breaks a database constraint)"
"""The reason given for a row the database refused."""


async def one_by_one(
    import_row: RowImport,
    session: AsyncSession,
    principal: Principal,
    rows: Sequence[RowValues],
    update_data: bool,
) -> list[Outcome | str]:
    """Import ``rows`` one after the other, each in its own savepoint."""
    return [
        await import_in_savepoint(import_row, session, principal, row, update_data) for row in rows
    ]


def _check_lengths(model: Any, values: Mapping[str, Any]) -> None:
    lengths = _lengths(model)
    for name, value in values.items():
        length = lengths.get(name)
        if length is not None and isinstance(value, str) and len(value) > length:
            raise InvalidInput(name, f"at most {length} characters")


@cache
def _lengths(model: Any) -> dict[str, int]:
    """The longest text of each ``String(n)`` column of ``model``, by name."""
    return {
        column.key: column.type.length
        for column in model.__table__.columns
        if getattr(column.type, "length", None) is not None
    }


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
        fields, phone = _contact_fields(row)
        existing = await repository.existing_contact(
            session, principal, fields.get("code"), fields.get("email_address")
        )
        if existing is None:
            command = _create_command(fields, phone, row.custom_fields)
            await contacts.create_contact(session, principal, command)
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

    async def import_rows(
        self,
        session: AsyncSession,
        principal: Principal,
        rows: Sequence[RowValues],
        update_data: bool,
    ) -> list[Outcome | str]:
        """The rows' outcomes as :meth:`import_row` one after the other would give them, with
        the new contacts created together (``contacts.create_contacts``).

        One query looks up the contacts the rows name by code, one by e-mail address (index
        probes: ``app.db.bulk.probe_by_key``). A row naming the same code or e-mail
        address as an earlier row of ``rows``, and a row that updates a contact, go after the
        others through :meth:`import_row` (each in a savepoint), so that they see what the
        earlier rows did. When the database refuses the new contacts together (a code taken
        meanwhile by another writer), they go one by one too: nothing good is lost.
        """
        await probe_by_key(session)
        results: list[Outcome | str | None] = [None] * len(rows)
        prepared: list[tuple[int, dict[str, Any], str | None]] = []
        for position, row in enumerate(rows):
            try:
                fields, phone = _contact_fields(row)
            except GatewayError as error:
                results[position] = error.message
                continue
            prepared.append((position, fields, phone))
        by_code, by_email = await repository.existing_contacts(
            session,
            principal,
            (fields["code"] for _, fields, _ in prepared if fields.get("code")),
            (
                fields["email_address"]
                for _, fields, _ in prepared
                if fields.get("email_address") and not fields.get("code")
            ),
        )
        later: list[int] = []
        new: list[tuple[int, CreateContact]] = []
        codes_seen: set[str] = set()
        emails_seen: set[str] = set()
        for position, fields, phone in prepared:
            code = fields.get("code")
            email = _as_stored("email_address", fields.get("email_address") or "") or None
            seen = code in codes_seen if code else email in emails_seen
            if code:
                codes_seen.add(code)
            if email:
                emails_seen.add(email)
            existing = by_code.get(code) if code else by_email.get(email) if email else None
            if seen or (existing is not None and update_data):
                later.append(position)
            elif existing is not None:
                results[position] = Outcome.UNCHANGED
            else:
                try:
                    command = _create_command(fields, phone, rows[position].custom_fields)
                except GatewayError as error:
                    results[position] = error.message
                    continue
                new.append((position, command))
        try:
            async with session.begin_nested():
                created = await contacts.create_contacts(
                    session, principal, [command for _, command in new]
                )
        except SQLAlchemyError as error:
            log.warning("import rows not stored together", error=type(error).__name__)
            later.extend(position for position, _ in new)
        else:
            for (position, _), result in zip(new, created, strict=True):
                results[position] = (
                    result.message if isinstance(result, GatewayError) else (Outcome.NEW)
                )
        for position in sorted(later):
            results[position] = await import_in_savepoint(
                self.import_row, session, principal, rows[position], update_data
            )
        return [result if result is not None else STORE_REFUSED for result in results]


def _contact_fields(row: RowValues) -> tuple[dict[str, Any], str | None]:
    """A row's contact columns (400 for text longer than its column) and its phone number."""
    fields: dict[str, Any] = dict(row.attributes)
    phone = fields.pop("phone_number", None)
    _check_lengths(Contact, fields)
    return fields, phone


def _create_command(
    fields: Mapping[str, Any], phone: str | None, custom_fields: Mapping[str, str]
) -> CreateContact:
    """The create command of a row naming no contact: PERSON unless only a company name is
    given, its phone as the primary MOBILE one, its custom fields (400 naming a bad field)."""
    values = dict(fields)
    if "contact_type" not in values:
        only_company = values.get("company_name") and not (
            values.get("first_name") or values.get("last_name")
        )
        values["contact_type"] = "COMPANY" if only_company else "PERSON"
    if phone:
        values["phones"] = [{"number": phone, "is_primary": True}]
    if custom_fields:
        values["custom_fields"] = _merged_custom_fields([], custom_fields)
    return CreateContact.parse(values)


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

    async def import_rows(
        self,
        session: AsyncSession,
        principal: Principal,
        rows: Sequence[RowValues],
        update_data: bool,
    ) -> list[Outcome | str]:
        """Organisations are imported one row after the other (each in a savepoint)."""
        return await one_by_one(self.import_row, session, principal, rows, update_data)


TARGETS: dict[str, Target] = {
    ImportType.CONTACTS.value: ContactsTarget(),
    ImportType.ORGANISATIONS.value: OrganisationsTarget(),
}
"""The target of each import type."""
