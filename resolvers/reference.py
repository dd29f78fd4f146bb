"""Resolvers and dataloaders for reference data.

The by-id loaders, one per kind of ``service.KINDS``, apply no tenant filter: they serve
relations of rows the caller already sees (an account's classification, a tier's scheme, ...).
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Organisation
from app.db.models.reference import ReferenceColumns
from app.db.relations import Related
from app.pagination import Page, PageRequest
from app.reference import service
from app.reference.service import ReferenceKind
from resolvers.context import Info
from resolvers.loaders import BatchLoader, rows_by_key
from resolvers.relations import RelationLoader


class ReferenceByIdLoader(RelationLoader):
    """Rows of ``model`` by id, ``None`` where there is none; one subclass per kind."""

    model: ClassVar[type[ReferenceColumns]]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.related = Related(cls.model, "id")


def _by_id_loader(kind: ReferenceKind) -> type[ReferenceByIdLoader]:
    """The by-id loader of one kind, named after its model (``IndustryByIdLoader``)."""
    kind_model = service.KINDS[kind].model

    class ByIdLoader(ReferenceByIdLoader):
        model = kind_model

    ByIdLoader.__name__ = ByIdLoader.__qualname__ = f"{kind_model.__name__}ByIdLoader"
    ByIdLoader.__doc__ = f"Rows of {kind_model.__name__} by id."
    return ByIdLoader


BY_ID_LOADERS: dict[ReferenceKind, type[ReferenceByIdLoader]] = {
    kind: _by_id_loader(kind) for kind in ReferenceKind
}
# The by-id loaders that relations of other types use.
AccountClassificationByIdLoader = BY_ID_LOADERS[ReferenceKind.ACCOUNT_CLASSIFICATION]
PaymentTermsByIdLoader = BY_ID_LOADERS[ReferenceKind.PAYMENT_TERMS]
IndustryByIdLoader = BY_ID_LOADERS[ReferenceKind.INDUSTRY]
RewardSchemeByIdLoader = BY_ID_LOADERS[ReferenceKind.REWARD_SCHEME]
RewardTierByIdLoader = BY_ID_LOADERS[ReferenceKind.REWARD_TIER]


class OrganisationByIdLoader(BatchLoader[str, Organisation | None]):
    """Organisations by id, for the organisations a spend condition names."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = select(Organisation).where(self.key_in(Organisation.id, keys))
        return await rows_by_key(session, stmt, keys, lambda row: row.id)


async def get(info: Info, kind: ReferenceKind, id: str) -> Any:
    """One row of reference data by id."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await service.get(session, principal, kind, id)


async def search(
    info: Info,
    kind: ReferenceKind,
    request: PageRequest,
    search_value: str | None,
    equals: dict[str, Any] | None = None,
) -> Page[Any]:
    """A page of reference data of one kind."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await service.search(
            session, principal, kind, request, search_value=search_value, equals=equals
        )


async def create(info: Info, kind: ReferenceKind, fields: dict[str, Any]) -> Any:
    """Create a row of reference data."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.create(session, principal, kind, fields)


async def update(info: Info, kind: ReferenceKind, id: str, fields: dict[str, Any]) -> Any:
    """Change a row of reference data."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.update(session, principal, kind, id, fields)


async def delete(info: Info, kind: ReferenceKind, id: str) -> str:
    """Delete a row of reference data; returns its id."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.delete(session, principal, kind, id)
