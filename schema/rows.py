"""Model rows shown as the Strawberry types that map them (see :func:`schema.mapping.maps`)."""

from typing import Any, TypeVar

from schema.mapping import mapped_model

T = TypeVar("T")


def shown_as(schema_type: type[T], row: Any) -> T:
    """``row`` as ``schema_type``: Strawberry reads the type's plain fields as the row's attributes.

    Raises ``TypeError`` when ``schema_type`` maps another model than the row's.
    """
    model = mapped_model(schema_type)
    if model is not None and not isinstance(row, model):
        raise TypeError(f"{schema_type.__name__} does not map {type(row).__name__}")
    result: T = row
    return result
