"""Resolvers and dataloaders for reference data.

The by-id loaders, one per kind of ``service.KINDS``, read through the kinds' repositories, so
they see only the caller's rows; industries are the one exception (see
:class:`IndustryByIdLoader`).
"""

from typing import Any, ClassVar

from app.db.models import Industry
from app.db.models.reference import ReferenceColumns
from app.db.relations import Related
from app.pagination import Page, PageRequest
from app.reference import service
from app.reference.commands import CreateReference, UpdateReference
from app.reference.service import ReferenceKind
from resolvers.context import Info
from resolvers.organisations import OrganisationByIdLoader
from resolvers.relations import RelationLoader, UnscopedRelationLoader

__all__ = ["OrganisationByIdLoader"]  # imported from here by the relations to organisations


class ReferenceByIdLoader(RelationLoader):
    """Rows of ``model`` by id, ``None`` where there is none; one subclass per kind."""

    model: ClassVar[type[ReferenceColumns]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "related" not in cls.__dict__:
            cls.related = Related(cls.model, "id")
        super().__init_subclass__(**kwargs)


class IndustryByIdLoader(ReferenceByIdLoader, UnscopedRelationLoader):
    """Industries by id, whoever may see them.

    Organisations point at industries and live and test mode share them, so an organisation
    the caller sees may name an industry of the other mode or of an organisation above the
    caller; it is shown as it is.
    """

    model = Industry


def _by_id_loader(kind: ReferenceKind) -> type[ReferenceByIdLoader]:
    """The by-id loader of one kind, named after its model (``PaymentTermsByIdLoader``)."""
    kind_model = service.KINDS[kind].model
    if kind_model is Industry:
        return IndustryByIdLoader

    class ByIdLoader(ReferenceByIdLoader):
        model = kind_model

    ByIdLoader.__name__ = ByIdLoader.__qualname__ = f"{kind_model.__name__}ByIdLoader"
    ByIdLoader.__doc__ = f"The caller's rows of {kind_model.__name__} by id."
    return ByIdLoader


BY_ID_LOADERS: dict[ReferenceKind, type[ReferenceByIdLoader]] = {
    kind: _by_id_loader(kind) for kind in ReferenceKind
}
# The by-id loaders that relations of other types use.
AccountClassificationByIdLoader = BY_ID_LOADERS[ReferenceKind.ACCOUNT_CLASSIFICATION]
PaymentTermsByIdLoader = BY_ID_LOADERS[ReferenceKind.PAYMENT_TERMS]
RewardSchemeByIdLoader = BY_ID_LOADERS[ReferenceKind.REWARD_SCHEME]
RewardTierByIdLoader = BY_ID_LOADERS[ReferenceKind.REWARD_TIER]


async def get(info: Info, kind: ReferenceKind, id: str) -> Any:
    """One row of reference data by id."""
    return await info.context.reads(service.get, kind, id)


async def search(
    info: Info,
    kind: ReferenceKind,
    request: PageRequest,
    search_value: str | None,
    equals: dict[str, Any] | None = None,
) -> Page[Any]:
    """A page of reference data of one kind."""
    return await info.context.reads(
        service.search, kind, request, search_value=search_value, equals=equals
    )


async def create(info: Info, kind: ReferenceKind, command: CreateReference) -> Any:
    """Create a row of reference data (``command`` is the kind's create command)."""
    return await info.context.writes(service.create, kind, command)


async def update(info: Info, kind: ReferenceKind, id: str, command: UpdateReference) -> Any:
    """Change a row of reference data (``command`` is the kind's update command)."""
    return await info.context.writes(service.update, kind, id, command)


async def delete(info: Info, kind: ReferenceKind, id: str) -> str:
    """Delete a row of reference data; returns its id."""
    return await info.context.writes(service.delete, kind, id)
