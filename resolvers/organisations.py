"""Resolvers and dataloaders for the organisations network."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from app.db.models import (
    BusinessActivity,
    IndustrySector,
    Membership,
    Organisation,
    OrganisationContactInfo,
    OrganisationGroup,
    OrganisationLocation,
    OrganisationTap,
)
from app.db.relations import Related, RelatedPages
from app.organisations import repository, service
from app.organisations.actions import PerformOrganisationAction, perform_action
from app.organisations.commands import (
    CreateNetworkOrganisation,
    RegisterOrganisation,
    UpdateOrganisation,
)
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest, PageSlice
from resolvers.contacts import ContactPagesByOrganisationIdLoader
from resolvers.context import Info
from resolvers.loaders import BatchLoader, PageLoader
from resolvers.relations import RelationLoader

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


def _order_of_addition(row: Any) -> list[Any]:
    """Rows of an organisation in the order they were added (their ids are time-ordered)."""
    return [row.id]


class OrganisationByIdLoader(RelationLoader):
    """Organisations of the caller's network by id."""

    related = Related(Organisation, "id")


class ChildPagesByParentIdLoader(PageLoader):
    """A page of an organisation's direct children, for many organisations in one statement."""

    related = RelatedPages(
        repository.visible, Organisation.parent_id, repository.SORT_COLUMNS, repository.DEFAULT_SORT
    )


class LocationsByOrganisationIdLoader(RelationLoader):
    """An organisation's locations, in the order they were added."""

    related = Related(OrganisationLocation, "organisation_id", _order_of_addition, many=True)


class ContactInfoByOrganisationIdLoader(RelationLoader):
    """An organisation's contact details, in the order they were added."""

    related = Related(OrganisationContactInfo, "organisation_id", _order_of_addition, many=True)


class TapsByOrganisationIdLoader(RelationLoader):
    """An organisation's transaction acquiring points, in the order they were added."""

    related = Related(OrganisationTap, "organisation_id", _order_of_addition, many=True)


class LinkedByOrganisationIdLoader(BatchLoader[str, list[Any]]):
    """The rows of ``model`` an organisation points at through the link table ``link``, by
    name; the key is the link table's ``organisation_id``."""

    model: ClassVar[type[Any]]
    link: ClassVar[tuple[Any, str]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.loads = (cls.model, f"{cls.link[0].name}.organisation_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        return await repository.rows_linked_to(session, self.reader, self.model, self.link, keys)


class IndustrySectorsByOrganisationIdLoader(LinkedByOrganisationIdLoader):
    """An organisation's industry sectors, by name."""

    model = IndustrySector
    link = repository.INDUSTRY_SECTORS


class BusinessActivitiesByOrganisationIdLoader(LinkedByOrganisationIdLoader):
    """An organisation's business activities, by name."""

    model = BusinessActivity
    link = repository.BUSINESS_ACTIVITIES


class GroupsByOrganisationIdLoader(LinkedByOrganisationIdLoader):
    """The groups an organisation belongs to, by name."""

    model = OrganisationGroup
    link = repository.GROUPS


class ServiceOrganisationsByOrganisationIdLoader(LinkedByOrganisationIdLoader):
    """The service owners a transaction processor serves, by name."""

    model = Organisation
    link = repository.SERVICE_ORGANISATIONS


class PartnersByOrganisationIdLoader(LinkedByOrganisationIdLoader):
    """A business's partners, by name."""

    model = Organisation
    link = repository.PARTNERS


class ChildCountsByOrganisationIdLoader(BatchLoader[str, list[tuple[str, int]]]):
    """How many direct children of each relationship an organisation has."""

    loads = (Organisation, "parent_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        by_parent = await repository.child_type_counts(session, self.reader, keys)
        return [service.child_counts(by_parent.get(key, {})) for key in keys]


class UsersCountByOrganisationIdLoader(BatchLoader[str, int]):
    """How many users are members of an organisation."""

    loads = (Membership, "organisation_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        counts = await repository.member_counts(session, self.reader, keys)
        return [counts.get(key, 0) for key in keys]


async def organisation(info: Info, id: str) -> Organisation:
    """One organisation of the caller's network."""
    return await info.context.reads(service.get_organisation, id)


async def organisation_network(
    info: Info, id: str, request: PageRequest, filters: dict[str, Any]
) -> Page[Organisation]:
    """A page of the direct children of an organisation, filtered."""
    return await info.context.reads(service.network, id, request, filters)


async def children(info: Info, organisation_id: str, request: PageRequest) -> PageSlice[Any]:
    """A page of the direct children of an organisation already shown to the caller (the
    pages of every organisation of a list in one statement; the total only if selected)."""
    info.context.backoffice()
    loader = info.context.loaders.get(ChildPagesByParentIdLoader)
    return await loader.load((organisation_id, request))


async def contacts(info: Info, organisation_id: str, request: PageRequest) -> PageSlice[Any]:
    """A page of an organisation's own contacts (the pages of every organisation of a list in
    one statement; the total only if selected)."""
    info.context.backoffice()
    loader = info.context.loaders.get(ContactPagesByOrganisationIdLoader)
    return await loader.load((organisation_id, request))


def parent_if_visible(info: Info, parent: Organisation | None) -> Organisation | None:
    """``parent`` if the caller may see it (it is not above the caller), else ``None``."""
    principal = info.context.backoffice()
    if parent is None or not ORGANISATIONS.sees(principal, parent):
        return None
    return parent


async def register_organisation(info: Info, command: RegisterOrganisation) -> service.Registration:
    """Register a business below the organisation of the caller's key (public keys may), with
    its owner's invitation token when the owner gave no password."""
    principal = info.context.any_key()
    async with info.context.write() as session:
        return await service.register_organisation(session, principal, command)


async def create_network_organisation(
    info: Info, id: str, command: CreateNetworkOrganisation
) -> Organisation:
    """Create an organisation below another."""
    return await info.context.writes(service.create_network_organisation, id, command)


async def update_organisation(info: Info, id: str, command: UpdateOrganisation) -> Organisation:
    """Update an organisation."""
    return await info.context.writes(service.update_organisation, id, command)


async def delete_organisation(info: Info, id: str) -> str:
    """Remove an organisation; returns its id."""
    return await info.context.writes(service.delete_organisation, id)


async def organisation_action(
    info: Info, id: str, command: PerformOrganisationAction
) -> Organisation:
    """Perform MODE or COPY on an organisation; the organisation it leaves."""
    return await info.context.writes(perform_action, id, command)
