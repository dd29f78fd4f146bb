"""Per-request dataloaders: one class per (entity, key), created on first use in a request."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Select, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.engine import Database

K = TypeVar("K")
V = TypeVar("V")
LoaderT = TypeVar("LoaderT", bound="BatchLoader[Any, Any]")


class BatchLoader(DataLoader, Generic[K, V]):
    """A dataloader that runs one query per batch in its own short session.

    Subclasses implement :meth:`load_batch`; sibling resolvers run concurrently, so a batch
    never shares a session with another.
    """

    def __init__(self, db: Database, principal: Principal | None) -> None:
        super().__init__()
        self.db = db
        self.principal = principal

    async def batch_load_fn(self, keys: Sequence[K]) -> list[V]:
        async with self.db.read() as session:
            return await self.load_batch(session, keys)

    async def load_batch(self, session: AsyncSession, keys: Sequence[K]) -> list[V]:
        raise NotImplementedError

    def key_in(self, column: Any, keys: Sequence[Any]) -> ColumnElement[bool]:
        """``column`` among this batch's ``keys`` (see :func:`key_in`)."""
        return key_in(column, keys, self.db.engine.dialect.name)


def key_in(column: Any, keys: Sequence[Any], dialect: str) -> ColumnElement[bool]:
    """``column IN keys``; on PostgreSQL one array parameter (``= ANY($1)``), so that a batch
    of any size is the same prepared statement instead of one per number of keys."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(keys), type_=ARRAY(column.type)))
    return column.in_(keys)


async def rows_by_key(
    session: AsyncSession, stmt: Select[Any], keys: Sequence[Any], key_of: Callable[[Any], Any]
) -> list[Any]:
    """The single row for each key, or ``None`` where there is none, in the order of ``keys``."""
    found = {key_of(row): row for row in (await session.execute(stmt)).scalars()}
    return [found.get(key) for key in keys]


async def row_lists_by_key(
    session: AsyncSession, stmt: Select[Any], keys: Sequence[Any], key_of: Callable[[Any], Any]
) -> list[list[Any]]:
    """All rows for each key (possibly none), in the order of ``keys``."""
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in (await session.execute(stmt)).scalars():
        grouped[key_of(row)].append(row)
    return [grouped.get(key, []) for key in keys]


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
