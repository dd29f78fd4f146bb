"""Turning Strawberry input objects into the typed commands services take (in one place)."""

import dataclasses
from enum import Enum
from typing import Any, TypeVar

from strawberry.types.unset import UnsetType

from app.commands import Command

C = TypeVar("C", bound=Command)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _given_fields(value)
    return value


def _given_fields(input_object: Any) -> dict[str, Any]:
    """The fields the caller set on ``input_object`` (left-out ones are absent), recursively."""
    return {
        field.name: _plain(getattr(input_object, field.name))
        for field in dataclasses.fields(input_object)
        if not isinstance(getattr(input_object, field.name), UnsetType)
    }


def to_command(input_object: Any, command: type[C]) -> C:
    """The ``command`` for a Strawberry input: its given fields (nested inputs included), so
    that a field left out stays unset on the command; raises ``InvalidInput`` naming the field."""
    return command.parse(_given_fields(input_object))


def filter_values(filter_input: Any | None, filter_type: type) -> dict[str, Any]:
    """Every field of a Strawberry filter input (``filter_type``) by name, with enums as their
    values; ``None`` for a field left out and for every field when no filter was given. Services
    take these as their search keyword arguments."""
    return {
        field.name: None if filter_input is None else _plain(getattr(filter_input, field.name))
        for field in dataclasses.fields(filter_type)
    }
