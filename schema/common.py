"""Types shared by every domain: paging, sort order, custom fields, identifiers of changes."""

from collections.abc import Awaitable, Callable, Mapping
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry.types.arguments import StrawberryArgumentAnnotation

from app.pagination import MAX_PAGE_SIZE, PageRequest, PageSlice, sortable_names
from app.pagination import Page as AppPage
from app.pagination import SortOrder as AppSortOrder

T = TypeVar("T")


@strawberry.enum(description="Direction of a sort.")
class SortOrder(StrEnum):
    ASC = "ASC"
    DESC = "DESC"


async def _total(root: "Paging") -> int:
    """The list's total: known when the page was read, else counted now that it is selected
    (a :class:`~app.pagination.PageSlice`)."""
    if root.known_total is not None:
        return root.known_total
    assert root.count is not None
    return await root.count()


@strawberry.type(description="Where a page stands in its list.")
class Paging:
    page: int = strawberry.field(description="The page number, from 1.")
    size: int = strawberry.field(
        description=(
            f"The most items a page holds: the size asked for, at most {MAX_PAGE_SIZE} (a larger "
            "size is served at the maximum)."
        )
    )
    total: int = strawberry.field(
        resolver=_total, description="The number of items in the whole list."
    )
    has_more: bool = strawberry.field(
        description="Whether pages follow this one (page * size < total)."
    )
    known_total: strawberry.Private[int | None] = None
    count: strawberry.Private[Callable[[], Awaitable[int]] | None] = None


@strawberry.type(description="One page of a list with its paging information.")
class Page(Generic[T]):
    content: list[T] = strawberry.field(description="The items of this page.")
    paging: Paging = strawberry.field(
        description="Page number, page size, list total and whether more pages follow."
    )


def to_page(
    page: AppPage[Any] | PageSlice[Any], shown_as: Callable[[Any], Any] | None = None
) -> Page[Any]:
    """The GraphQL page for a page of rows, each passed through ``shown_as`` when given (for
    types built from a row, e.g. ``User.of``). A :class:`~app.pagination.PageSlice` is counted
    only if ``paging.total`` is selected."""
    content = list(page.items) if shown_as is None else [shown_as(row) for row in page.items]
    if isinstance(page, PageSlice):
        paging = Paging(
            page=page.page, size=page.size, known_total=None, count=page.count, has_more=page.more
        )
    else:
        paging = Paging(
            page=page.page,
            size=page.size,
            known_total=page.total,
            count=None,
            has_more=page.has_more,
        )
    return Page(content=content, paging=paging)


def page_request(page: int, size: int, sort: str | None, order: SortOrder) -> PageRequest:
    """The page request for the common list arguments (400 when they are out of range)."""
    return PageRequest(page=page, size=size, sort=sort, order=AppSortOrder(order.value))


PAGE_DESCRIPTION = "The page number, from 1."
SIZE_DESCRIPTION = (
    f"Items per page, 1 or more; a size above {MAX_PAGE_SIZE} is served at {MAX_PAGE_SIZE} "
    "(paging.size says so)."
)
SORT_DESCRIPTION = "The attribute to sort by."
ORDER_DESCRIPTION = "ASC or DESC."

# The paging arguments every list takes; its `sort` argument comes from `sort_argument`.
IdArgument = Annotated[strawberry.ID, strawberry.argument(description="The identifier.")]
PageArgument = Annotated[int, strawberry.argument(description=PAGE_DESCRIPTION)]
SizeArgument = Annotated[int, strawberry.argument(description=SIZE_DESCRIPTION)]
OrderArgument = Annotated[SortOrder, strawberry.argument(description=ORDER_DESCRIPTION)]


def sort_argument(
    sort_columns: Mapping[str, Any], default_sort: str
) -> StrawberryArgumentAnnotation:
    """The `sort` argument of a list sorted by `sort_columns`, described by their names:
    `Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]`."""
    default, *others = sortable_names(sort_columns, default_sort)
    names = ", ".join([f"{default} (default)", *others])
    return strawberry.argument(description=f"{SORT_DESCRIPTION} {names}.")


@strawberry.type(description="A custom field: a key and its value.")
class CustomField:
    key: str = strawberry.field(description="The custom field's unique key.")
    value: str | None = strawberry.field(description="The custom field's value.")


@strawberry.input(description="A custom field: a key and its value.")
class CustomFieldInput:
    key: str = strawberry.field(description="The custom field's unique key.")
    value: str | None = strawberry.field(default=None, description="The custom field's value.")


def custom_fields(values: list[dict[str, Any]] | None) -> list[CustomField]:
    """The GraphQL custom fields for a stored JSON list."""
    return [CustomField(key=item["key"], value=item.get("value")) for item in values or []]


@strawberry.type(description="The identifier of the resource a change created or touched.")
class Identifier:
    id: strawberry.ID = strawberry.field(description="The resource's identifier.")
