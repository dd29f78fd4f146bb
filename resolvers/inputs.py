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
