"""Declarations of related rows, shared by the dataloaders and by compiled reads."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from app.auth.principal import Principal


def unordered(_entity: Any) -> list[Any]:
    """No order: the rows are found by a unique key."""
    return []


@dataclass(frozen=True)
class Related:
    """The rows of ``model`` whose ``key`` column equals a parent's value, in ``order``.

    ``many`` relations are all such rows; the others are the first one (or none). ``order``
    takes the model or an alias of it and returns the ORDER BY expressions, as the
    repositories' ordering functions (``phone_order``, ``current_wallet_order``...) do.
    """

    model: Any
    key: str
    order: Callable[[Any], list[Any]] = unordered
    many: bool = False


@dataclass(frozen=True)
class RelatedPages:
    """Pages of a list under each parent (an organisation's children, its contacts).

    ``rows(principal)`` selects every row of such lists the caller may see (one entity,
    unordered); ``parent_column`` holds a row's parent key; pages sort by ``sort_columns``
    (``default_sort`` when none is asked), then by id. The page loader narrows the rows to a
    batch of parents, compiled reads to one correlated parent row. A list with a ``filter``
    argument declares ``filters``: the WHERE conditions of the filter's fields by name (each a
    value, a bound parameter, or absent/``None`` for no condition).
    """

    rows: Callable[[Principal], Select[Any]]
    parent_column: Any
    sort_columns: Mapping[str, Any]
    default_sort: str
    filters: Callable[[Mapping[str, Any]], list[Any]] | None = None

    def of_parent(self, principal: Principal, parent_key: Any) -> Select[Any]:
        """The rows of one parent's list the caller may see (``parent_key``: a value or a
        column of a correlated parent row)."""
        return self.rows(principal).where(self.parent_column == parent_key)

    def of_parents(self, principal: Principal, parent_keys: Sequence[Any]) -> Select[Any]:
        """The rows of these parents' lists the caller may see."""
        return self.rows(principal).where(self.parent_column.in_(parent_keys))
