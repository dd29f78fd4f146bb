"""Paging and ordering of lists, applied by the database.

Page sizes: 1 or more (0 and negative sizes are a 400 naming ``size``); a size above
:data:`MAX_PAGE_SIZE` is served at the maximum, and the page's ``size`` says so (clients of the
Back-Office API ask for ``size=250`` and walk the pages by ``total`` or ``has_more``).
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


class SortOrder(StrEnum):
    """Direction of a sort."""

    ASC = "ASC"
    DESC = "DESC"


def served_page_size(size: int) -> int:
    """The page size served for the ``size`` a caller asks for: ``size``, at most
    :data:`MAX_PAGE_SIZE`. Raises ``InvalidInput("size")`` (400) below 1."""
    if size < 1:
        raise InvalidInput("size", "must be 1 or more")
    return min(size, MAX_PAGE_SIZE)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which page of a list to return and how to order it (``size`` as served: see
    :func:`served_page_size`)."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE
    sort: str | None = None
    order: SortOrder = SortOrder.DESC

    def __post_init__(self) -> None:
        if self.page < 1:
            raise InvalidInput("page", "must be 1 or more")
        object.__setattr__(self, "size", served_page_size(self.size))

    @property
    def offset(self) -> int:
        """Rows skipped before this page."""
        return (self.page - 1) * self.size


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list and the total number of items in the list."""

    items: Sequence[T]
    page: int
    size: int
    total: int

    @property
    def has_more(self) -> bool:
        """Whether pages follow this one (items beyond this page's end)."""
        return self.page * self.size < self.total

    def map(self, convert: Callable[[T], U]) -> "Page[U]":
        """The same page with each item converted (rows to the records an API shows)."""
        return Page([convert(item) for item in self.items], self.page, self.size, self.total)


@dataclass(frozen=True, slots=True)
class PageSlice(Generic[T]):
    """One page of a list whose total is counted only when a caller asks for it (``count``),
    with whether items follow this page (``more``, known without counting)."""

    items: Sequence[T]
    page: int
    size: int
    more: bool
    count: Callable[[], Awaitable[int]]


async def fetch_page(
    session: AsyncSession,
    stmt: Select[Any],
    request: PageRequest,
    sort_columns: Mapping[str, Any],
    default_sort: str,
) -> Page[Any]:
    """Run ``stmt`` for one page, ordered as :func:`page_order` says, with the list's total."""
    total = (await session.execute(count_of(stmt))).scalar_one()
    ordered = stmt.order_by(*page_order(stmt, request, sort_columns, default_sort))
    rows = (await session.execute(ordered.limit(request.size).offset(request.offset))).scalars()
    return Page(items=list(rows), page=request.page, size=request.size, total=total)


async def fetch_pages(
    session: AsyncSession,
    stmt: Select[Any],
    parent_column: Any,
    request: PageRequest,
    sort_columns: Mapping[str, Any],
    default_sort: str,
) -> dict[Any, tuple[list[Any], bool]]:
    """The same page of ``stmt``'s rows under each parent (``parent_column``'s value) in one
    statement: the rows are ranked per parent (``row_number() OVER (PARTITION BY parent ORDER
    BY ...)``, SQLite 3.25+ and PostgreSQL) in :func:`page_order`, and the page's ranks kept,
    with one more to tell whether items follow.

    ``stmt`` selects one entity, narrowed to the caller and to the parents wanted. Returns, per
    parent that has rows, its page's rows in order and whether more follow; no count is made
    (:func:`count_by`).
    """
    entity = stmt.column_descriptions[0]["entity"]
    order = page_order(stmt, request, sort_columns, default_sort)
    rank = func.row_number().over(partition_by=parent_column, order_by=order).label("page_rank")
    ranked = stmt.add_columns(rank).subquery()
    row = aliased(entity, ranked)
    first = request.offset
    query = (
        select(row, ranked.c.page_rank)
        .where(ranked.c.page_rank > first, ranked.c.page_rank <= first + request.size + 1)
        .order_by(ranked.c.page_rank)
    )
    key = parent_column.key
    pages: dict[Any, tuple[list[Any], bool]] = {}
    last = first + request.size
    for item, position in (await session.execute(query)).all():
        parent = getattr(item, key)
        items, _ = pages.setdefault(parent, ([], False))
        if position > last:  # the one row past the page: more follow
            pages[parent] = (items, True)
        else:
            items.append(item)
    return pages


async def count_by(session: AsyncSession, stmt: Select[Any], parent_column: Any) -> dict[Any, int]:
    """How many of ``stmt``'s rows each parent (``parent_column``'s value) has, in one
    ``GROUP BY`` statement; parents without rows are absent."""
    rows = stmt.order_by(None).subquery()
    parent = rows.c[parent_column.key]
    counted = select(parent, func.count()).group_by(parent)
    return {key: count for key, count in (await session.execute(counted)).all()}


def sortable_names(sort_columns: Mapping[str, Any], default_sort: str) -> list[str]:
    """The sort names a list accepts, its default first, then the others in declaration order."""
    return [default_sort, *(name for name in sort_columns if name != default_sort)]


def count_of(stmt: Select[Any]) -> Select[Any]:
    """How many rows ``stmt`` selects."""
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def page_order(
    stmt: Select[Any], request: PageRequest, sort_columns: Mapping[str, Any], default_sort: str
) -> list[Any]:
    """The ORDER BY of a page: an allowed sort key, then the primary key to break ties.

    ``sort_columns`` maps the sort names a caller may use to columns; any other name is a 400.
    """
    sort = request.sort or default_sort
    if sort not in sort_columns:
        allowed = ", ".join(sorted(sort_columns))
        raise InvalidInput("sort", f"unknown sort attribute {sort!r}; use one of {allowed}")
    column = sort_columns[sort]
    entity = stmt.column_descriptions[0]["entity"]
    if request.order is SortOrder.ASC:
        return [column.asc(), entity.id.asc()]
    return [column.desc(), entity.id.desc()]
