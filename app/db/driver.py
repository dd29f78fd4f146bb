"""Statements built once with SQLAlchemy Core and run on the database driver's own connection.

SQLAlchemy's connection, execution context, result and asyncio layer around one small
statement cost several times the driver's own work (on PostgreSQL with asyncpg: a greenlet per
awaited call, the statement's traversal for its cache key, parameter and result processing in
Python). The hottest paths (the compiled reads' one statement, a journal's posting) compile their
statements once (:class:`PreparedStatement`) and run them on the asyncpg connection of a pooled
connection (:meth:`app.db.engine.Database.read_value`, :meth:`~app.db.engine.Database.
driver_statements`), with the same bind and result processing SQLAlchemy would apply.

:class:`Statements` is what such a path needs from wherever it runs: the same code runs its
statements in an ORM session (:class:`SessionStatements`: SQLite, or while statements are
observed) or on the driver, one atomic statement at a time (:class:`DriverStatements`).
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Update
from sqlalchemy.sql.selectable import Select

from app.db.text_limits import storable_values
from app.worker.wake import wake_after_commit

Compilable = Select[Any] | Update
"""What runs here: a SELECT (its data-modifying CTEs included) or an UPDATE ... RETURNING."""


@dataclass(frozen=True)
class PreparedStatement:
    """A statement compiled once to the driver's SQL, with how to fill its parameters and read
    its rows.

    ``names`` are the positional parameters' names in order, ``defaults`` the statement's own
    literal values, ``processors`` the bind processors SQLAlchemy applies to a parameter (the
    dialect's implementation of its type), ``results`` the result processors of the returned
    columns (``None`` where the driver's value is the value; the whole tuple ``None`` until
    :meth:`reading` has seen the columns' types).
    """

    sql: str
    names: tuple[str, ...]
    defaults: Mapping[str, Any]
    processors: Mapping[str, Callable[[Any], Any]]
    results: tuple[Callable[[Any], Any] | None, ...] | None = None

    @classmethod
    def of(cls, stmt: Compilable, dialect: Dialect) -> "PreparedStatement":
        """Compile ``stmt`` for ``dialect`` (a positional parameter style)."""
        compiled = stmt.compile(dialect=dialect)
        assert compiled.positiontup is not None, "a positional parameter style is expected"
        names = tuple(compiled.positiontup)
        processors = {}
        for name in names:
            # The dialect's implementation (SQLite's DATETIME writes its text format), as
            # SQLAlchemy's own execution processes a value: a decorated type alone would not.
            processor = compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        return cls(compiled.string, names, dict(compiled.params), processors)

    def reading(
        self, stmt: Compilable, dialect: Dialect, type_codes: Sequence[Any]
    ) -> "PreparedStatement":
        """The same statement with the result processors of ``stmt``'s returned columns,
        given the driver's type codes of those columns (as SQLAlchemy takes them from the
        cursor's description: asyncpg's type OIDs)."""
        results = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, type_code)
            for column, type_code in zip(stmt.exported_columns, type_codes, strict=True)
        )
        return replace(self, results=results)

    def bound(self, values: Mapping[str, Any]) -> "PreparedStatement":
        """The same statement with ``values`` as its own values of these parameters (the
        arguments below the root passed as :class:`~app.compiled.plan.Parameter`)."""
        return replace(self, defaults={**self.defaults, **values})

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The positional parameters: given values, else the statement's own literals."""
        out = []
        for name in self.names:
            value = values[name] if name in values else self.defaults[name]
            processor = self.processors.get(name)
            out.append(processor(value) if processor else value)
        return tuple(out)

    def row(self, record: Sequence[Any]) -> tuple[Any, ...]:
        """A returned row as SQLAlchemy would give it (result processors applied)."""
        assert self.results is not None, "reading() first"
        return tuple(
            value if process is None or value is None else process(value)
            for process, value in zip(self.results, record, strict=True)
        )


StatementCache = dict[int, tuple[Compilable, PreparedStatement]]
"""Compiled statements by the id of the statement object (kept with it: ids are reused)."""


class Statements(Protocol):
    """Where a path built on Core statements runs them: a session's transaction, committed
    or rolled back by whoever opened it, or the driver's autocommit."""

    dialect: Dialect

    async def first(
        self, stmt: Compilable, parameters: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        """The first row ``stmt`` returns with ``parameters`` (``None`` without one)."""

    def wake_after_commit(self) -> None:
        """Wake the in-process worker once the change is committed."""


class SessionStatements:
    """:class:`Statements` in an ORM session's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        bind = session.bind
        assert bind is not None
        self.dialect = bind.dialect

    async def first(
        self, stmt: Compilable, parameters: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        row = (await self.session.execute(stmt, parameters)).first()
        return tuple(row) if row is not None else None

    def wake_after_commit(self) -> None:
        wake_after_commit(self.session)


class DriverStatements:
    """:class:`Statements` on an asyncpg connection (:meth:`app.db.engine.Database.
    driver_statements`), outside any transaction: each statement commits on its own, so only a
    path whose change is one statement (data-modifying CTEs) may run here.

    Statements are compiled once per statement object (they are built once by their modules;
    at most ``CACHE_SIZE`` are kept).
    """

    CACHE_SIZE = 64

    def __init__(
        self,
        connection: Any,
        dialect: Dialect,
        cache: "StatementCache",
    ) -> None:
        self.connection = connection
        self.dialect = dialect
        self.wakes = False
        self._cache = cache

    async def _prepared(self, stmt: Compilable) -> PreparedStatement:
        """``stmt`` compiled, with its result processors: the first time, the statement is
        prepared on the driver to learn its columns' types (one round trip per statement and
        process; a type's OID is the same on every connection to the database)."""
        cached = self._cache.get(id(stmt))
        if cached is not None and cached[0] is stmt:
            return cached[1]
        prepared = PreparedStatement.of(stmt, self.dialect)
        described = await self.connection.prepare(prepared.sql)
        type_codes = [attribute.type.oid for attribute in described.get_attributes()]
        prepared = prepared.reading(stmt, self.dialect, type_codes)
        if len(self._cache) >= self.CACHE_SIZE:
            self._cache.clear()
        self._cache[id(stmt)] = (stmt, prepared)
        return prepared

    async def first(
        self, stmt: Compilable, parameters: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        prepared = await self._prepared(stmt)
        record = await self.connection.fetchrow(
            prepared.sql, *storable_values(prepared.parameters(parameters))
        )
        return prepared.row(record) if record is not None else None

    def wake_after_commit(self) -> None:
        self.wakes = True
