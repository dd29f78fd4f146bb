"""Declarations of related rows, shared by the dataloaders and by compiled reads."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
