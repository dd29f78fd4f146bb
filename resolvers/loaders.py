"""Per-request dataloaders: one class per (entity, key), created on first use in a request."""

import asyncio
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from aiodataloader import DataLoader, Loader, dispatch_queue

from app.auth.principal import Principal, require_any_key
from app.db.engine import Database
from app.db.relations import RelatedPages
from app.errors import GatewayError
from app.pagination import PageRequest, PageSlice, count_by, fetch_pages

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.ext.asyncio import AsyncSession

K = TypeVar("K")
V = TypeVar("V")
LoaderT = TypeVar("LoaderT", bound="BatchLoader[Any, Any]")


# A batch is dispatched once the keys stop coming: after QUIET_TURNS turns of the event loop
# without a new key (at most MAX_WAIT_TURNS turns). aiodataloader's own dispatch waits about
# two turns, so the fields of sibling objects whose resolvers resume a turn or two apart (the
# contacts of twenty pages loaded by one statement) were loaded in several batches.
QUIET_TURNS = 3
MAX_WAIT_TURNS = 50


class SettledDispatch(DataLoader):
    """A dataloader whose batch waits until the resolvers of this turn have all asked."""

    _dispatches: set["asyncio.Task[None]"] = set()

    def do_resolve_reject(self, key: Any, future: "asyncio.Future[Any]") -> None:
        self._queue.append(Loader(key=key, future=future))
        if len(self._queue) == 1:
            task = self.loop.create_task(self._dispatch_when_settled())
            self._dispatches.add(task)  # a reference until it is done
            task.add_done_callback(self._dispatches.discard)

    async def _dispatch_when_settled(self) -> None:
        size, quiet = len(self._queue), 0
        for _ in range(MAX_WAIT_TURNS):
            await asyncio.sleep(0)
            if len(self._queue) == size:
                quiet += 1
                if quiet == QUIET_TURNS:
                    break
            else:
                size, quiet = len(self._queue), 0
        dispatch_queue(self)


class BatchLoader(SettledDispatch, Generic[K, V]):
    """A dataloader that runs one query per batch in its own short session.

    Subclasses implement :meth:`load_batch`; sibling resolvers run concurrently, so a batch
    never shares a session with another. ``loads`` names the model and key column a loader
    reads by: one loader class per (model, key), checked by ``tests/test_tenancy_structure.py``.
    A batch reads through the repositories with :attr:`reader`, so it sees only what the caller
    may see.
    """

    loads: ClassVar[tuple[type[Any], str]]

    def __init__(self, db: Database, principal: Principal | None) -> None:
        super().__init__()
        self.db = db
        self.principal = principal

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self.db.read() as session:
            return await self.load_batch(session, keys)

    async def load_batch(self, session: "AsyncSession", keys: Sequence[K]) -> list[V]:
        raise NotImplementedError

    @property
    def reader(self) -> Principal:
        """The caller whose rows this loader reads (401 without one)."""
        return require_any_key(self.principal)


def first_by_key(
    rows: Iterable[Any], keys: Sequence[Any], key_of: Callable[[Any], Any]
) -> list[Any]:
    """The first of ``rows`` for each key, or ``None`` where there is none, in the order of
    ``keys``."""
    first: dict[Any, Any] = {}
    for row in rows:
        first.setdefault(key_of(row), row)
    return [first.get(key) for key in keys]


def grouped_by_key(
    rows: Iterable[Any], keys: Sequence[Any], key_of: Callable[[Any], Any]
) -> list[list[Any]]:
    """All ``rows`` for each key (possibly none), in the order of ``keys``."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[key_of(row)].append(row)
    return [grouped.get(key, []) for key in keys]


class PageLoader(BatchLoader[tuple[Any, PageRequest], PageSlice[Any]]):
    """One page of a list under each of many parents (the contacts of each organisation of a
    page), keyed by ``(parent key, page request)``.

    All the parents asking for the same page (number, size, sort, order) in a batch are served
    by one statement (:func:`app.pagination.fetch_pages`: ranks per parent), whatever their
    number. Totals are counted only for pages whose ``paging.total`` is selected, for all of
    them in one ``GROUP BY`` statement (:func:`app.pagination.count_by`). Subclasses declare
    the rows the caller may see, the column holding the parent's key and the list's sorts in
    ``related`` (:class:`~app.db.relations.RelatedPages`), which compiled reads use too.
    """

    related: ClassVar[RelatedPages]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        related = cls.__dict__.get("related")
        if related is not None:  # pages by a key: one loader class per (model, key) still
            column = related.parent_column
            cls.loads = (column.class_, f"{column.key} (pages)")

    def __init__(self, db: Database, principal: Principal | None) -> None:
        super().__init__(db, principal)
        self._totals = _TotalsLoader(self)

    def column(self) -> Any:
        """The column holding the parent's key."""
        return self.related.parent_column

    def statement(self, parents: Sequence[Any]) -> "Select[Any]":
        """The rows of these parents' lists that the caller may see (one entity, unordered)."""
        return self.related.of_parents(self.reader, parents)

    async def load_batch(
        self, session: "AsyncSession", keys: Sequence[tuple[Any, PageRequest]]
    ) -> list[PageSlice[Any]]:
        parents_by_request: dict[PageRequest, list[Any]] = defaultdict(list)
        for parent, request in keys:
            parents_by_request[request].append(parent)
        found: dict[tuple[Any, PageRequest], PageSlice[Any] | GatewayError] = {}
        for request, parents in parents_by_request.items():
            stmt = self.statement(unique(parents))
            try:
                pages = await fetch_pages(
                    session,
                    stmt,
                    self.related.parent_column,
                    request,
                    self.related.sort_columns,
                    self.related.default_sort,
                )
            except GatewayError as refusal:  # e.g. an unknown sort: those pages' error only
                for parent in parents:
                    found[(parent, request)] = refusal
                continue
            for parent in parents:
                found[(parent, request)] = self._slice(
                    parent, request, *pages.get(parent, ([], False))
                )
        # aiodataloader fails the keys whose value is an exception.
        return [found[key] for key in keys]  # type: ignore[misc]

    def _slice(
        self, parent: Any, request: PageRequest, items: list[Any], more: bool
    ) -> PageSlice[Any]:
        async def count() -> int:
            # Counted even when the page shows the whole list, so that the statements a
            # query costs depend on its shape only.
            total: int = await self._totals.load(parent)
            return total

        return PageSlice(items, request.page, request.size, more, count)

    def clear_all(self) -> "PageLoader":
        """Forget the pages and totals loaded so far."""
        self._totals.clear_all()
        super().clear_all()
        return self


class _TotalsLoader(SettledDispatch):
    """The totals of a :class:`PageLoader`'s lists, by parent, counted in one statement."""

    def __init__(self, pages: PageLoader) -> None:
        super().__init__()
        self._pages = pages

    async def batch_load_fn(self, parents: Sequence[Any]) -> list[int]:
        pages = self._pages
        async with pages.db.read() as session:
            counts = await count_by(session, pages.statement(parents), pages.column())
        return [counts.get(parent, 0) for parent in parents]


class Loaders:
    """The dataloaders of one request, each created the first time a resolver asks for it."""

    def __init__(self, db: Database, principal: Principal | None) -> None:
        self._db = db
        self._principal = principal
        self._loaders: dict[type[Any], Any] = {}

    def get(self, loader_class: type[LoaderT]) -> LoaderT:
        """This request's instance of ``loader_class``."""
        loader = self._loaders.get(loader_class)
        if loader is None:
            loader = self._loaders[loader_class] = loader_class(self._db, self._principal)
        return loader

    def clear_all(self) -> None:
        """Forget every row loaded so far in this request.

        Called by :meth:`resolvers.context.Context.write` after each write, so that the fields
        and mutations that follow in the same document load the state the write left.
        """
        for loader in self._loaders.values():
            loader.clear_all()


def unique(keys: Iterable[K]) -> list[K]:
    """``keys`` without repeats, in first-seen order."""
    return list(dict.fromkeys(keys))
