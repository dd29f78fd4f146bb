"""Repository bases: every statement over a model starts from what the caller may read.

A repository says once which rows of its model a caller may see (:meth:`Repository.visible`);
:meth:`~Repository.readable`, :meth:`~Repository.writable`, the by-id helpers and the
dataloaders' batch statements (:meth:`~Repository.by_keys`) are all built from it. A read
that deliberately skips the rule is named ``..._unscoped``; ``tests/test_tenancy_structure.py``
lists every such read with its reason.

- :class:`TenantRepository`: tenant-owned rows (organisation and mode), e.g. contacts.
- :class:`NetworkRepository`: organisations (the network rule; live and test share them).
- :class:`ChildRepository`: rows without tenant columns (a contact's phones), visible when
  the row they belong to is.
"""

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, any_, bindparam, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import Organisation
from app.db.relations import unordered
from app.errors import NotFound
from app.tenancy import in_network, in_network_and_mode, sees_organisation

ModelT = TypeVar("ModelT")
SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])

_REPOSITORIES: dict[type[Any], "Repository[Any]"] = {}


def key_in(column: Any, keys: Sequence[Any], dialect: str) -> ColumnElement[bool]:
    """``column IN keys``; on PostgreSQL one array parameter (``= ANY($1)``), so that a batch
    of any size is the same prepared statement instead of one per number of keys."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, list(keys), type_=ARRAY(column.type)))
    return column.in_(keys)


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def repository_of(model: type[ModelT]) -> "Repository[ModelT]":
    """The repository of ``model`` (each model has exactly one)."""
    try:
        return _REPOSITORIES[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no repository") from None


class Repository(Generic[ModelT]):
    """Statements over one model, narrowed to the rows a caller may see.

    Creating one registers it as the repository of its model (:func:`repository_of`).
    """

    def __init__(self, model: type[ModelT]) -> None:
        if model in _REPOSITORIES:
            raise ValueError(f"{model.__name__} has a repository already")
        self.model = model
        _REPOSITORIES[model] = self

    def visible(self, principal: Principal) -> ColumnElement[bool]:
        """The condition a row must meet for the caller to see it."""
        raise NotImplementedError

    def readable(self, principal: Principal) -> Select[ModelT]:
        """All rows the caller may read."""
        return select(self.model).where(self.visible(principal))

    def writable(self, principal: Principal) -> Select[ModelT]:
        """All rows the caller may change, locked until the transaction ends (PostgreSQL;
        SQLite writers are serialised already) and reloaded."""
        return (
            self.readable(principal)
            .with_for_update(of=self.model)
            .execution_options(populate_existing=True)
        )

    def scoped(self, stmt: SelectT, principal: Principal) -> SelectT:
        """``stmt`` (a select of some of this model's columns) narrowed to the caller."""
        return stmt.where(self.visible(principal))

    def visible_ids(self, principal: Principal) -> Select[Any]:
        """A sub-query of the ids of the rows the caller may see."""
        return self.scoped(select(self._column("id")), principal)

    def by_keys(
        self, principal: Principal, key: str, keys: Sequence[Any], dialect: str
    ) -> Select[ModelT]:
        """The caller's rows whose ``key`` column is among ``keys`` (a dataloader's batch)."""
        return self.readable(principal).where(key_in(self._column(key), keys, dialect))

    def by_keys_unscoped(self, key: str, keys: Sequence[Any], dialect: str) -> Select[ModelT]:
        """Every row whose ``key`` column is among ``keys``, whoever may see it."""
        return select(self.model).where(key_in(self._column(key), keys, dialect))

    async def rows_by_keys(
        self,
        session: AsyncSession,
        principal: Principal,
        key: str,
        keys: Sequence[Any],
        order: Callable[[Any], list[Any]] = unordered,
    ) -> list[ModelT]:
        """The caller's rows whose ``key`` column is among ``keys``, in ``order`` (one statement
        for a dataloader's batch)."""
        stmt = self.by_keys(principal, key, keys, _dialect(session)).order_by(*order(self.model))
        return list((await session.execute(stmt)).scalars())

    async def rows_by_keys_unscoped(
        self,
        session: AsyncSession,
        key: str,
        keys: Sequence[Any],
        order: Callable[[Any], list[Any]] = unordered,
    ) -> list[ModelT]:
        """Every row whose ``key`` column is among ``keys``, whoever may see it, in ``order``."""
        stmt = self.by_keys_unscoped(key, keys, _dialect(session)).order_by(*order(self.model))
        return list((await session.execute(stmt)).scalars())

    def with_id(self, principal: Principal, row_id: Any) -> Select[ModelT]:
        """The caller's row with this id (no row when it cannot see one)."""
        return self.readable(principal).where(self._column("id") == row_id)

    async def get_by_id(
        self, session: AsyncSession, principal: Principal, row_id: str
    ) -> ModelT | None:
        """The caller's row with this id, or ``None``."""
        return (await session.execute(self.with_id(principal, row_id))).scalar_one_or_none()

    async def get_by_id_unscoped(self, session: AsyncSession, row_id: str) -> ModelT | None:
        """The row with this id, whoever may see it."""
        return await session.get(self.model, row_id)

    async def lookup(
        self, session: AsyncSession, principal: Principal, entity: str, row_id: str
    ) -> ModelT:
        """The caller's row with this id (404 naming ``entity`` otherwise)."""
        found = await self.get_by_id(session, principal, row_id)
        if found is None:
            raise NotFound(entity, row_id)
        return found

    async def lookup_all(
        self, session: AsyncSession, principal: Principal, entity: str, ids: Sequence[str]
    ) -> list[ModelT]:
        """The caller's rows with these ids, in order (404 naming the first unknown one)."""
        if not ids:
            return []
        stmt = self.readable(principal).where(self._column("id").in_(ids))
        found = {row.id: row for row in (await session.execute(stmt)).scalars()}  # type: ignore[attr-defined]
        for row_id in ids:
            if row_id not in found:
                raise NotFound(entity, row_id)
        return [found[row_id] for row_id in ids]

    def _column(self, name: str) -> Any:
        return getattr(self.model, name)


class TenantRepository(Repository[ModelT]):
    """A repository of tenant-owned rows: those of the caller's network and mode."""

    def visible(self, principal: Principal) -> ColumnElement[bool]:
        return in_network_and_mode(self.model, principal)

    def named(
        self, principal: Principal, key: str, value: Any, *, for_update: bool = False
    ) -> Select[ModelT]:
        """The one row of the caller's that ``value``, an id or a ``key`` (a code, a number),
        names. Keys are unique per organisation, so a network may hold one twice: an id match
        wins, then the caller's own organisation, then the oldest row. ``for_update`` locks and
        reloads it as :meth:`writable`; compiled reads pass a caller of bound parameters."""
        model: Any = self.model
        rows = self.writable(principal) if for_update else self.readable(principal)
        return (
            rows.where(or_(model.id == value, getattr(model, key) == value))
            .order_by(
                (model.id == value).desc(),
                (model.organisation_id == principal.organisation_id).desc(),
                model.created_on,
            )
            .limit(1)
        )


class NetworkRepository(Repository[Organisation]):
    """The organisations repository: the caller's organisation and those below it, in either
    mode (live and test share the network)."""

    def __init__(self) -> None:
        super().__init__(Organisation)

    def visible(self, principal: Principal) -> ColumnElement[bool]:
        return in_network(principal)

    def sees(self, principal: Principal, organisation: Organisation) -> bool:
        """Whether the caller may see an organisation already loaded (the same rule)."""
        return sees_organisation(principal, organisation)


class ChildRepository(Repository[ModelT]):
    """Rows without tenant columns that belong to a row of ``owner`` through ``owner_key``:
    visible when that row is."""

    def __init__(self, model: type[ModelT], owner: Repository[Any], owner_key: str) -> None:
        super().__init__(model)
        self.owner = owner
        self.owner_key = owner_key

    def visible(self, principal: Principal) -> ColumnElement[bool]:
        column: ColumnElement[Any] = self._column(self.owner_key)
        return column.in_(self.owner.visible_ids(principal))
