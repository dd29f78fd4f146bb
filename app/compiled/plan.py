"""What a compiled read selects, independent of GraphQL and of SQL."""

from dataclasses import dataclass
from enum import StrEnum


class WireFormat(StrEnum):
    """How values are written: GraphQL (money as strings, ISO times) or REST (numbers, epochs)."""

    GRAPHQL = "graphql"
    REST = "rest"


@dataclass(frozen=True, slots=True)
class Field:
    """One key of an answer object: a column, ``__typename``, or a relation with its selection."""

    key: str
    name: str
    selection: "Selection | None" = None


@dataclass(frozen=True, slots=True)
class Selection:
    """The keys selected on an object of one type, in answer order."""

    type_name: str
    fields: tuple[Field, ...]
