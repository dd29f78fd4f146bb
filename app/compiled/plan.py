"""What a compiled read selects and how it writes values, independent of GraphQL and of SQL."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
class Field:
    """One key of an answer object: a column, ``__typename``, or a relation with its selection;
    a paged relation also has its arguments (``page``, ``size``, ``sort``, ``order``: plain
    values, which shape the statement)."""

    key: str
    name: str
    selection: "Selection | None" = None
    arguments: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Selection:
    """The keys selected on an object of one type, in answer order.

    Selections key the cache of prepared statements on every compiled read, so the hash of the
    whole tree is computed once, when the selection is made.
    """

    type_name: str
    fields: tuple[Field, ...]
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.type_name, self.fields)))

    def __hash__(self) -> int:
        return self._hash
