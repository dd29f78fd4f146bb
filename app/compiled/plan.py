"""What a compiled read selects and how it writes values, independent of GraphQL and of SQL."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

_NO_PARAMETERS: Mapping[str, Any] = MappingProxyType({})


class MoneyFormat(StrEnum):
    """How money is written: an exact decimal string (``"9.99"``) or a JSON number."""

    TEXT = "text"
    NUMBER = "number"


class TimeFormat(StrEnum):
    """How times are written: ISO 8601 text, or whole epoch seconds."""

    ISO = "iso"
    EPOCH = "epoch"


@dataclass(frozen=True, slots=True)
class ValueFormat:
    """How a compiled read writes money and times; each door passes the one it answers in."""

    money: MoneyFormat
    times: TimeFormat


@dataclass(frozen=True, slots=True)
class Parameter:
    """An argument below the root whose value is passed to the statement as the parameter
    ``name`` (a wallet's journals filtered by a ``created_on`` bound): whether it is given
    shapes the statement, its value does not, so one statement serves every value."""

    name: str


@dataclass(frozen=True, slots=True)
class Field:
    """One key of an answer object: a column, ``__typename``, or a relation with its selection;
    a paged relation also has its arguments (``page``, ``size``, ``sort``, ``order`` and its
    filters: plain values, which shape the statement, or :class:`Parameter` markers), and
    ``values``, the values of those parameters for this request (not part of the shape)."""

    key: str
    name: str
    selection: "Selection | None" = None
    arguments: tuple[tuple[str, Any], ...] = ()
    values: tuple[tuple[str, Any], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Selection:
    """The keys selected on an object of one type, in answer order.

    Selections key the cache of prepared statements on every compiled read, so the hash of the
    whole tree is computed once, when the selection is made. ``parameters`` are the values of
    the :class:`Parameter` arguments anywhere below (by parameter name), not part of the shape.
    """

    type_name: str
    fields: tuple[Field, ...]
    _hash: int = field(init=False, repr=False, compare=False)
    parameters: Mapping[str, Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.type_name, self.fields)))
        parameters: dict[str, Any] = {}
        for item in self.fields:
            parameters.update(item.values)
            if item.selection is not None:
                parameters.update(item.selection.parameters)
        object.__setattr__(self, "parameters", parameters or _NO_PARAMETERS)

    def __hash__(self) -> int:
        return self._hash
