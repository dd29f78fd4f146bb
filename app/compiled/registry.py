"""The types compiled reads can answer: GraphQL object types mapped to models.

The schema layer derives a :class:`Registry` from its types (``schema.mapping.maps``) and their
relation fields (built from the dataloaders' :class:`~app.db.relations.Related` declarations);
the checks against the SQLAlchemy mappers live here, next to the SQL that relies on them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ColumnElement, Float, Numeric, TypeDecorator, inspect
from sqlalchemy.ext.hybrid import hybrid_property

from app.compiled.plan import Selection
from app.db.relations import Related, RelatedPages


@dataclass(frozen=True)
class Relation:
    """A relation field: the GraphQL type of its objects, the rows it declares, and the parent's
    attribute their key column matches."""

    target: str
    related: Related
    parent_key: str

    def link(self, child: Any, parent: Any) -> ColumnElement[bool]:
        """The condition joining a ``child`` row (an alias of the related model) to ``parent``."""
        condition: ColumnElement[bool] = getattr(child, self.related.key) == getattr(
            parent, self.parent_key
        )
        return condition


@dataclass(frozen=True)
class PagedRelation:
    """A paged list field (``children(page, size, sort, order)``): its page type, the type of
    the page's items, the rows it declares and the parent's attribute their key matches."""

    page_type: str
    item_type: str
    related: RelatedPages
    parent_key: str = "id"


@dataclass(frozen=True)
class JsonList:
    """A JSON ``column`` holding a list of objects of the GraphQL type ``target``."""

    target: str
    column: str


class JsonValue(StrEnum):
    """How a leaf of an object stored in JSON is written: text (strings, ids, enums: the
    stored string), a number as stored (integers), or money (a decimal string, written as the
    general path writes money)."""

    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"


@dataclass(frozen=True)
class JsonObjectType:
    """A GraphQL object type read from objects stored in JSON: the stored key of each field
    (``keys``), how each leaf is written (``values``), and the type of each field holding a
    nested object (``objects``)."""

    name: str
    keys: Mapping[str, str]
    values: Mapping[str, JsonValue] = field(default_factory=dict)
    objects: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class JsonDocument:
    """A field holding the object (a list of them when ``many``) of the
    :class:`JsonObjectType` ``target`` stored in the JSON ``column`` (a wallet's limit rules
    and top-ups): null for a null or empty object, ``[]`` for a null list."""

    target: str
    column: str
    many: bool


@dataclass(frozen=True)
class MappedType:
    """A GraphQL object type whose leaf fields are attributes of ``model``.

    ``leaves`` maps GraphQL field names to the model's attributes (columns or SQL-expressible
    hybrids); ``json_values`` maps fields holding a list of strings to their JSON column;
    ``relations``, ``pages``, ``json_lists`` and ``json_documents`` are the fields that hold
    objects, ``nulls`` fields that are always null (``Account.accounting_period``).
    """

    name: str
    model: Any
    leaves: Mapping[str, str] = field(default_factory=dict)
    relations: Mapping[str, Relation] = field(default_factory=dict)
    json_lists: Mapping[str, JsonList] = field(default_factory=dict)
    json_values: Mapping[str, str] = field(default_factory=dict)
    pages: Mapping[str, PagedRelation] = field(default_factory=dict)
    json_documents: Mapping[str, JsonDocument] = field(default_factory=dict)
    nulls: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Registry:
    """Every mapped type by GraphQL name, the keys of the object types held in JSON lists,
    the item type of each page type of a paged relation (``OrganisationPage``:
    ``Organisation``), the fields of mapped types that look compilable but are not
    (``Type.field: why``), and the object types of JSON documents by name."""

    types: Mapping[str, MappedType]
    json_objects: Mapping[str, frozenset[str]]
    problems: tuple[str, ...] = ()
    page_items: Mapping[str, str] = field(default_factory=dict)
    json_types: Mapping[str, JsonObjectType] = field(default_factory=dict)


def leaf_problem(model: Any, attribute: str) -> str | None:
    """Why ``attribute`` of ``model`` cannot be a compiled leaf, or ``None`` if it can.

    A leaf is a mapped column (not JSON) or a hybrid property with a SQL expression.
    """
    mapper = inspect(model)
    if attribute in mapper.column_attrs:
        if isinstance(mapper.column_attrs[attribute].expression.type, JSON):
            return f"{model.__name__}.{attribute} is a JSON column"
        return None
    descriptor = mapper.all_orm_descriptors.get(attribute)
    if isinstance(descriptor, hybrid_property):
        return None
    return f"{model.__name__}.{attribute} is neither a column nor a hybrid property"


def is_json_column(model: Any, attribute: str) -> bool:
    """Whether ``attribute`` of ``model`` is a JSON column."""
    attrs = inspect(model).column_attrs
    return attribute in attrs and isinstance(attrs[attribute].expression.type, JSON)


def holds_floats(registry: Registry, selection: Selection) -> bool:
    """Whether ``selection`` (or a selection below it) writes a float column.

    The databases write some floats otherwise than the general path's encoder (``1e-05`` for
    ``0.00001``, ``100`` for ``100.0``, 15 digits on SQLite): such an answer is re-encoded.
    """
    return _selects_type(registry, selection, Float)


def holds_numerics(registry: Registry, selection: Selection) -> bool:
    """Whether ``selection`` (or a selection below it) writes a decimal column (money).

    An answer without one may be decoded as plain JSON: no number in it needs its digits kept.
    """
    return _selects_type(registry, selection, Numeric)


def _selects_type(registry: Registry, selection: Selection, column_type: type[Any]) -> bool:
    mapped = registry.types.get(selection.type_name)
    json_type = registry.json_types.get(selection.type_name)
    for item in selection.fields:
        if json_type is not None and json_type.values.get(item.name) is JsonValue.MONEY:
            if column_type is Numeric:
                return True
        elif item.selection is not None:
            if _selects_type(registry, item.selection, column_type):
                return True
        elif mapped is not None and item.name in mapped.leaves:
            attribute = getattr(mapped.model, mapped.leaves[item.name])
            attribute_type = attribute.type
            if isinstance(attribute_type, TypeDecorator):
                attribute_type = attribute_type.impl_instance
            if isinstance(attribute_type, column_type):
                return True
    return False
