"""SQL for imports (narrowed to the caller's network and mode), the records an import row
matches, and the worker's claim of due imports."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts.repository import CONTACTS
from app.db.base import utcnow
from app.db.bulk import one_of
from app.db.models import Contact, ContactPhone, DataImport, ImportFailure, Organisation
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.imports.enums import ImportStatus
from app.organisations.repository import visible as visible_organisations
from app.pagination import Page, PageRequest, fetch_page

IMPORTS = TenantRepository(DataImport)
FAILURES = ChildRepository(ImportFailure, IMPORTS, "import_id")

DEFAULT_SORT = "imported_on"
SORT_COLUMNS = {
    "imported_on": DataImport.imported_on,
    "status": DataImport.status,
    "type": DataImport.type,
}


async def get_import(session: AsyncSession, principal: Principal, import_id: str) -> DataImport:
    """The caller's import with this id (404 naming the import otherwise)."""
    return await IMPORTS.lookup(session, principal, "import", import_id)


async def import_for_change(
    session: AsyncSession, principal: Principal, import_id: str
) -> DataImport:
    """The caller's import, locked for a change (404 naming the import otherwise)."""
    stmt = IMPORTS.writable(principal).where(DataImport.id == import_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("import", import_id)
    return found


@dataclass(frozen=True)
class ImportSearch:
    """The spec's import search filters; each given field narrows the result."""

    status: str | None = None
    type: str | None = None
    imported_on_gte: datetime | None = None
    imported_on_gt: datetime | None = None
    imported_on_lt: datetime | None = None
    imported_on_lte: datetime | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search."""
        conditions: list[Any] = []
        if self.status:
            conditions.append(DataImport.status == self.status)
        if self.type:
            conditions.append(DataImport.type == self.type)
        column = DataImport.imported_on
        for bound, compare in (
            (self.imported_on_gte, column.__ge__),
            (self.imported_on_gt, column.__gt__),
            (self.imported_on_lt, column.__lt__),
            (self.imported_on_lte, column.__le__),
        ):
            if bound is not None:
                conditions.append(compare(bound))
        return conditions


async def search_imports(
    session: AsyncSession, principal: Principal, request: PageRequest, search: ImportSearch
) -> Page[DataImport]:
    """A page of the caller's imports matching ``search``."""
    stmt = IMPORTS.readable(principal).where(*search.conditions())
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def existing_contact(
    session: AsyncSession, principal: Principal, code: str | None, email: str | None
) -> Contact | None:
    """The contact of the caller's own organisation (and mode) an imported row names: by
    ``code``, else by e-mail address (the oldest such contact); ``None`` when none."""
    if code:
        match = Contact.code == code
    elif email:
        match = Contact.email_address == email.strip().lower()
    else:
        return None
    stmt = (
        CONTACTS.readable(principal)
        .where(Contact.organisation_id == principal.organisation_id, match)
        .order_by(Contact.created_on, Contact.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def existing_contacts(
    session: AsyncSession, principal: Principal, codes: Iterable[str], emails: Iterable[str]
) -> tuple[dict[str, Contact], dict[str, Contact]]:
    """:func:`existing_contact` for many rows at once (a query for the codes, one for the
    e-mail addresses, each through its index): the contacts of the caller's own organisation
    and mode by code and by e-mail address (as stored: trimmed, lower case), the oldest for
    each."""
    found: list[dict[str, Contact]] = []
    for column, wanted in (
        (Contact.code, set(codes)),
        (Contact.email_address, {email.strip().lower() for email in emails}),
    ):
        by_key: dict[str, Contact] = {}
        if wanted:
            stmt = (
                CONTACTS.readable(principal)
                .where(
                    Contact.organisation_id == principal.organisation_id,
                    one_of(session, column, wanted),
                )
                .order_by(Contact.created_on, Contact.id)
            )
            for contact in (await session.execute(stmt)).scalars():
                by_key.setdefault(getattr(contact, column.key), contact)
        found.append(by_key)
    return found[0], found[1]


async def phone_numbers(session: AsyncSession, contact_id: str) -> list[str]:
    """The numbers of a contact's phones (the contact was read as the caller already)."""
    stmt = select(ContactPhone.number).where(ContactPhone.contact_id == contact_id)
    return list((await session.execute(stmt)).scalars())


async def existing_child_organisation(
    session: AsyncSession, principal: Principal, name: str
) -> Organisation | None:
    """The organisation directly below the caller's with this name (the oldest), if any."""
    stmt = (
        visible_organisations(principal)
        .where(Organisation.parent_id == principal.organisation_id, Organisation.name == name)
        .order_by(Organisation.created_on, Organisation.id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


def _due(now: datetime) -> Any:
    """An import is due when PENDING, or IN_PROGRESS with its lease run out (its process
    stopped)."""
    return or_(
        DataImport.status == ImportStatus.PENDING,
        (DataImport.status == ImportStatus.IN_PROGRESS) & (DataImport.locked_until < now),
    )


def due_imports_select_unscoped(now: datetime) -> Any:
    """The SELECT of the imports due at ``now`` (for the worker's look before it claims)."""
    return select(DataImport.id).where(_due(now))


async def claim_due_import_unscoped(session: AsyncSession, lease_seconds: int) -> DataImport | None:
    """Take the oldest import that is due, of any organisation (the worker acts for each in
    turn): PENDING, or IN_PROGRESS whose lease ran out (its process stopped). Locked with
    ``FOR UPDATE SKIP LOCKED`` on PostgreSQL; the lease is taken in the same transaction."""
    now = utcnow()
    stmt = (
        select(DataImport)
        .where(_due(now))
        .order_by(DataImport.imported_on, DataImport.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is not None:
        found.status = ImportStatus.IN_PROGRESS
        found.locked_until = now + timedelta(seconds=lease_seconds)
        found.attempts += 1
        await session.flush()
    return found


async def claimed_import_unscoped(
    session: AsyncSession, import_id: str
) -> tuple[DataImport, Organisation] | None:
    """An import the worker claimed, with its organisation (which the worker then acts as)."""
    stmt = (
        select(DataImport, Organisation)
        .join(Organisation, Organisation.id == DataImport.organisation_id)
        .where(DataImport.id == import_id)
    )
    found = (await session.execute(stmt)).one_or_none()
    return None if found is None else (found[0], found[1])


async def pending_imports_unscoped(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many imports wait or run, and since when the oldest (for ``/ready``)."""
    stmt = select(func.count(), func.min(DataImport.imported_on)).where(
        DataImport.status.in_([ImportStatus.PENDING, ImportStatus.IN_PROGRESS])
    )
    count, oldest = (await session.execute(stmt)).one()
    return int(count), oldest


async def operator_organisation_unscoped(
    session: AsyncSession, organisation_id: str | None
) -> Organisation:
    """The organisation the operator's ``crm-gateway import`` acts as: the one named, else the
    first BUSINESS of the network (404 naming the organisation when there is none)."""
    stmt = select(Organisation)
    if organisation_id is not None:
        stmt = stmt.where(Organisation.id == organisation_id)
    else:
        stmt = stmt.where(Organisation.org_type == "BUSINESS").order_by(Organisation.path)
    found = (await session.execute(stmt.limit(1))).scalar_one_or_none()
    if found is None:
        raise NotFound("organisation", organisation_id or "BUSINESS")
    return found


async def failures_of(session: AsyncSession, data_import: DataImport) -> list[ImportFailure]:
    """The rows an import (read as the caller already) refused, by row number."""
    stmt = (
        select(ImportFailure)
        .where(ImportFailure.import_id == data_import.id)
        .order_by(ImportFailure.row, ImportFailure.id)
    )
    return list((await session.execute(stmt)).scalars())


async def forget_failures(session: AsyncSession, data_import: DataImport) -> None:
    """Drop the refused rows of an import's last run (a replay counts them afresh)."""
    await session.execute(delete(ImportFailure).where(ImportFailure.import_id == data_import.id))
