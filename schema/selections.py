"""Selections written from the types themselves, so that a new column reaches a document
without being typed into it a second time."""

from typing import Any

from strawberry.types.base import StrawberryContainer, get_object_definition
from strawberry.types.lazy_type import LazyType


def _is_object(type_: Any) -> bool:
    while isinstance(type_, StrawberryContainer):  # Optional, List
        type_ = type_.of_type
    if isinstance(type_, LazyType):
        type_ = type_.resolve_type()
    return get_object_definition(type_) is not None


def leaf_fields(strawberry_type: type) -> str:
    """The GraphQL names of ``strawberry_type``'s fields that need no sub-selection and take no
    arguments (scalars, enums and lists of them), in declaration order, separated by spaces.

    Raises ``TypeError`` when ``strawberry_type`` is not a Strawberry object type.
    """
    definition = get_object_definition(strawberry_type, strict=True)
    return " ".join(
        field.graphql_name or field.python_name
        for field in definition.fields
        if not field.arguments and not _is_object(field.type)
    )
