"""Per-request dataloaders: one class per (entity, key), created on first use in a request."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from aiodataloader import DataLoader

from app.auth.principal import Principal, require_any_key
from app.db.engine import Database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

K = TypeVar("K")
V = TypeVar("V")
LoaderT = TypeVar("LoaderT", bound="BatchLoader[Any, Any]")


class BatchLoader(DataLoader, Generic[K, V]):
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
