"""How Strawberry types declare what compiled reads derive from them.

``@maps(models.Contact)`` says that the type's fields without resolvers are attributes of that
model; :func:`relation` builds a relation field from a dataloader's
:class:`~app.db.relations.Related` declaration, so that the general resolver and the compiled
join come from the same declaration; :func:`paged` marks a paged list field resolved through a
page loader's :class:`~app.db.relations.RelatedPages`. Nothing here touches SQL.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from types import UnionType
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Protocol,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

import strawberry
from strawberry.types.base import get_object_definition

from app.auth.permissions import Permission
from resolvers.context import Info
from resolvers.loaders import PageLoader
from resolvers.relations import RelationLoader
from schema.permissions import needs as needs_permission

if TYPE_CHECKING:
    from app.db.relations import RelatedPages

T = TypeVar("T", bound=type)
ObjectT = TypeVar("ObjectT")

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


JSON_DOCUMENT = "json_document"


@dataclass(frozen=True)
class JsonDocumentField:
    """A field read from a JSON column: the column, and whether it holds a list of objects."""

    column: str
    many: bool


def _json_reader(annotation: Any) -> Callable[[Any], Any]:
    """How a stored JSON value becomes the value of a field annotated ``annotation``: money as
    an exact ``Decimal`` (stored as a decimal string), enums as their members, objects of a
    Strawberry type through :func:`json_converter`; ``None`` stays ``None``."""
    arguments = [item for item in get_args(annotation) if item is not type(None)]
    inner = arguments[0] if get_origin(annotation) in (Union, UnionType) else annotation
    convert: Callable[[Any], Any]
    if inner is Decimal:
        convert = Decimal
    elif isinstance(inner, type) and issubclass(inner, Enum):
        convert = inner
    elif get_object_definition(inner) is not None:
        convert = json_converter(inner)
    else:
        return lambda value: value
    return lambda value: None if value is None else convert(value)


def json_converter(target: type[ObjectT]) -> Callable[[dict[str, Any]], ObjectT]:
    """The object of the Strawberry type ``target`` held in a stored JSON object: each field
    is the value under its Python name (see :func:`_json_reader`; absent keys are ``None``)."""
    definition = get_object_definition(target, strict=True)
    hints = get_type_hints(target)
    readers = {
        field.python_name: _json_reader(hints[field.python_name]) for field in definition.fields
    }

    def convert(value: dict[str, Any]) -> ObjectT:
        return target(**{name: read(value.get(name)) for name, read in readers.items()})

    return convert


def json_document(
    column: str, target: type, *, description: str, many: bool = False, name: str | None = None
) -> Any:
    """A field holding the object of the Strawberry type ``target`` stored in the JSON
    ``column`` of the parent (a list of them when ``many``): the general path converts it with
    :func:`json_converter`, compiled reads write it from the column (``schema.compiled``); the
    two read the same declaration. A null or empty object is ``null``; a null list ``[]``.

    The field's GraphQL type is the class annotation it is assigned to; ``target``'s fields
    may be strings, ids, integers, money, enums and such objects, under their Python names.
    """
    convert: Callable[[dict[str, Any]], Any] = json_converter(target)

    def resolve(root: Any) -> Any:
        value = getattr(root, column)
        if many:
            return [convert(item) for item in value or []]
        return convert(value) if value else None

    return strawberry.field(
        resolver=resolve,
        name=name,
        description=description,
        metadata={JSON_DOCUMENT: JsonDocumentField(column, many)},
    )


ALWAYS_NULL = "always_null"


def always_null(*, description: str) -> Any:
    """A field that is always null on both paths (``Account.accounting_period``: this gateway
    keeps no accounting periods); its GraphQL type is the class annotation it is assigned to."""

    def resolve() -> None:
        return None

    return strawberry.field(resolver=resolve, description=description, metadata={ALWAYS_NULL: True})
