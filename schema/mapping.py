"""How Strawberry types declare what compiled reads derive from them.

``@maps(models.Contact)`` says that the type's fields without resolvers are attributes of that
model; :func:`relation` builds a relation field from a dataloader's
:class:`~app.db.relations.Related` declaration, so that the general resolver and the compiled
join come from the same declaration; :func:`paged` marks a paged list field resolved through a
page loader's :class:`~app.db.relations.RelatedPages`. Nothing here touches SQL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

import strawberry

from app.auth.permissions import Permission
from resolvers.context import Info
from resolvers.loaders import PageLoader
from resolvers.relations import RelationLoader
from schema.permissions import needs as needs_permission

if TYPE_CHECKING:
    from app.db.relations import RelatedPages

T = TypeVar("T", bound=type)

MAPPED_MODEL = "__mapped_model__"
RELATION = "relation"
PAGED_RELATION = "paged_relation"


def maps(model: Any) -> Callable[[T], T]:
    """Class decorator: the Strawberry type's plain fields are attributes of ``model``."""

    def mark(cls: T) -> T:
        setattr(cls, MAPPED_MODEL, model)
        return cls

    return mark


def mapped_model(cls: Any) -> Any | None:
    """The model a type ``maps`` (set on the type itself, not inherited), or ``None``."""
    return vars(cls).get(MAPPED_MODEL)


@dataclass(frozen=True)
class RelationField:
    """A relation field's declaration: the loader and the parent attribute giving its key."""

    loader: type[RelationLoader]
    parent_key: str


def relation(
    loader: type[RelationLoader],
    *,
    description: str,
    parent_key: str = "id",
    needs: Permission | None = None,
) -> Any:
    """A field resolved by ``loader`` with the parent's ``parent_key`` attribute.

    The field's GraphQL type is the class annotation it is assigned to (a list for a ``many``
    loader). A parent whose key is null has no related rows. ``needs`` is the permission a
    relation into another domain needs (``Contact.accounts``: ACCOUNTS_READ), checked like a
    root field's on both paths (``schema.permissions``).
    """
    many = loader.related.many

    async def resolve(root: Any, info: Info) -> Any:
        key = getattr(root, parent_key)
        if key is None:
            return [] if many else None
        return await info.context.loaders.get(loader).load(key)

    return strawberry.field(
        resolver=resolve,
        description=description,
        metadata={RELATION: RelationField(loader, parent_key)},
        extensions=needs_permission(needs) if needs is not None else None,
    )


class PagesLoader(Protocol):
    """A loader of pages of a list under each parent that declares the list's rows: a
    :class:`~resolvers.loaders.PageLoader`, or a loader of filtered pages keyed otherwise
    (a wallet's journals) that reads the same rows."""

    related: ClassVar["RelatedPages"]


@dataclass(frozen=True)
class PagedRelationField:
    """A paged list field's declaration: the page loader and the parent attribute giving its
    key."""

    loader: type[PageLoader] | type[PagesLoader]
    parent_key: str


def paged(
    loader: type[PageLoader] | type[PagesLoader], *, parent_key: str = "id"
) -> dict[str, Any]:
    """The metadata of a field answering a page (``page``, ``size``, ``sort``, ``order``
    arguments) of the list ``loader`` declares under the parent's ``parent_key`` attribute.

    The field's resolver must read the page through ``loader`` with exactly these arguments
    (and the fields of a ``filter`` argument, when ``loader.related`` declares ``filters``):
    compiled reads then answer it from the same declaration.
    """
    return {PAGED_RELATION: PagedRelationField(loader, parent_key)}
