"""Resolvers and dataloaders for the organisations network."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.contacts.repository import search_contacts
from app.db.models import (
    BusinessActivity,
    Contact,
    Industry,
    IndustrySector,
    Membership,
    Organisation,
    OrganisationContactInfo,
    OrganisationGroup,
    OrganisationLocation,
    OrganisationTap,
)
from app.organisations import repository, service
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.loaders import BatchLoader, key_in, row_lists_by_key, rows_by_key


async def _rows_by_link(
    session: AsyncSession, model: Any, link: tuple[Table, str], keys: Sequence[str]
) -> list[list[Any]]:
    """For each organisation id, the rows of ``model`` it points at through a link table, by
    name."""
    table, column = link
    stmt: Select[Any] = (
        select(model, table.c.organisation_id)
        .join(table, table.c[column] == model.id)
        .where(key_in(table.c.organisation_id, keys, session.get_bind().dialect.name))
        .order_by(model.name, model.id)
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row, organisation_id in (await session.execute(stmt)).all():
        grouped[organisation_id].append(row)
    return [grouped.get(key, []) for key in keys]


class OrganisationByIdLoader(BatchLoader[str, Organisation | None]):
    """Organisations by id (no tenant filter: callers check what they show)."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = select(Organisation).where(self.key_in(Organisation.id, keys))
        return await rows_by_key(session, stmt, keys, lambda row: row.id)


class LocationsByOrganisationIdLoader(BatchLoader[str, list[OrganisationLocation]]):
    """An organisation's locations, in the order they were added."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = (
            select(OrganisationLocation)
            .where(self.key_in(OrganisationLocation.organisation_id, keys))
            .order_by(OrganisationLocation.id)
        )
        return await row_lists_by_key(session, stmt, keys, lambda row: row.organisation_id)


class ContactInfoByOrganisationIdLoader(BatchLoader[str, list[OrganisationContactInfo]]):
    """An organisation's contact details, in the order they were added."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = (
            select(OrganisationContactInfo)
            .where(self.key_in(OrganisationContactInfo.organisation_id, keys))
            .order_by(OrganisationContactInfo.id)
        )
        return await row_lists_by_key(session, stmt, keys, lambda row: row.organisation_id)


class TapsByOrganisationIdLoader(BatchLoader[str, list[OrganisationTap]]):
    """An organisation's transaction acquiring points, in the order they were added."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = (
            select(OrganisationTap)
            .where(self.key_in(OrganisationTap.organisation_id, keys))
            .order_by(OrganisationTap.id)
        )
        return await row_lists_by_key(session, stmt, keys, lambda row: row.organisation_id)


class IndustryByIdLoader(BatchLoader[str, Industry | None]):
    """Industries by id (the ones organisations already point at)."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = select(Industry).where(self.key_in(Industry.id, keys))
        return await rows_by_key(session, stmt, keys, lambda row: row.id)


class IndustrySectorsByOrganisationIdLoader(BatchLoader[str, list[IndustrySector]]):
    """An organisation's industry sectors, by name."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        return await _rows_by_link(session, IndustrySector, repository.INDUSTRY_SECTORS, keys)


class BusinessActivitiesByOrganisationIdLoader(BatchLoader[str, list[BusinessActivity]]):
    """An organisation's business activities, by name."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        return await _rows_by_link(session, BusinessActivity, repository.BUSINESS_ACTIVITIES, keys)


class GroupsByOrganisationIdLoader(BatchLoader[str, list[OrganisationGroup]]):
    """The groups an organisation belongs to, by name."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        return await _rows_by_link(session, OrganisationGroup, repository.GROUPS, keys)


class ServiceOrganisationsByOrganisationIdLoader(BatchLoader[str, list[Organisation]]):
    """The service owners a transaction processor serves, by name."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        return await _rows_by_link(session, Organisation, repository.SERVICE_ORGANISATIONS, keys)


class PartnersByOrganisationIdLoader(BatchLoader[str, list[Organisation]]):
    """A business's partners, by name."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        return await _rows_by_link(session, Organisation, repository.PARTNERS, keys)


class ChildCountsByOrganisationIdLoader(BatchLoader[str, list[tuple[str, int]]]):
    """How many direct children of each relationship an organisation has."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = (
            select(Organisation.parent_id, Organisation.org_type, func.count(Organisation.id))
            .where(self.key_in(Organisation.parent_id, keys))
            .group_by(Organisation.parent_id, Organisation.org_type)
        )
        by_parent: dict[str | None, dict[str, int]] = defaultdict(dict)
        for parent_id, org_type, count in (await session.execute(stmt)).all():
            by_parent[parent_id][org_type] = count
        return [service.child_counts(by_parent.get(key, {})) for key in keys]


class UsersCountByOrganisationIdLoader(BatchLoader[str, int]):
    """How many users are members of an organisation."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = (
            select(Membership.organisation_id, func.count(Membership.id))
            .where(self.key_in(Membership.organisation_id, keys))
            .group_by(Membership.organisation_id)
        )
        counts = {key: count for key, count in (await session.execute(stmt)).all()}
        return [counts.get(key, 0) for key in keys]


async def organisation(info: Info, id: str) -> Organisation:
    """One organisation of the caller's network."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await service.get_organisation(session, principal, id)


async def organisation_network(
    info: Info, id: str, request: PageRequest, filters: dict[str, Any]
) -> Page[Organisation]:
    """A page of the direct children of an organisation, filtered."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await service.network(session, principal, id, request, filters)


async def children(info: Info, organisation_id: str, request: PageRequest) -> Page[Organisation]:
    """A page of the direct children of an organisation already shown to the caller."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await service.children(session, principal, organisation_id, request)


async def contacts(info: Info, organisation_id: str, request: PageRequest) -> Page[Contact]:
    """A page of an organisation's own contacts (one query for the page, one for the total)."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await search_contacts(session, principal, request, organisation_id=organisation_id)


def parent_if_visible(info: Info, parent: Organisation | None) -> Organisation | None:
    """``parent`` if the caller may see it (it is not above the caller), else ``None``."""
    principal = info.context.backoffice()
    if parent is None or not parent.path.startswith(principal.organisation_path):
        return None
    return parent


async def register_organisation(info: Info, fields: dict[str, Any]) -> Organisation:
    """Register a business below the organisation of the caller's key (public keys may)."""
    principal = info.context.any_key()
    async with info.context.write() as session:
        return await service.register_organisation(session, principal, fields)


async def create_network_organisation(info: Info, id: str, fields: dict[str, Any]) -> Organisation:
    """Create an organisation below another."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.create_network_organisation(session, principal, id, fields)


async def update_organisation(info: Info, id: str, fields: dict[str, Any]) -> Organisation:
    """Update an organisation."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.update_organisation(session, principal, id, fields)


async def delete_organisation(info: Info, id: str) -> str:
    """Remove an organisation; returns its id."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.delete_organisation(session, principal, id)
