"""Declarative base, naming convention and the column types every model shares."""

import os
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import BigInteger, DateTime, Dialect, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.money import MONEY_SCALE, check_money

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_MONEY_FACTOR = Decimal(10) ** MONEY_SCALE
M = TypeVar("M", bound="Base")


def new_id() -> str:
    """A time-ordered UUIDv7 as its canonical string."""
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    digits = f"{value:032x}"  # uuid.UUID's canonical text, without making one (bulk inserts)
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def as_model(model: type[M], values: dict[str, Any]) -> M:
    """A transient instance of ``model`` holding ``values`` (attribute names to values), made
    without the ORM's per-attribute set events: the row a Core statement wrote, handed to code
    that reads it (GraphQL's fields). Not for adding to a session."""
    instance: M = model.__mapper__.class_manager.new_instance()
    instance.__dict__.update(values)
    return instance


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class Money(TypeDecorator[Decimal]):
    """An exact amount: ``NUMERIC(20, 4)`` on PostgreSQL, scaled integer minor units on SQLite.

    SQLite has no decimal type (its NUMERIC is a float), so there the value is kept as an
    integer count of 1/10,000 units, which stays exact in sums and comparisons. Both hold
    :data:`app.money.MONEY_RULE` exactly; a value outside it (which the edge refuses first)
    raises ``ValueError`` here rather than being rounded or overflowing differently per backend.
    """

    impl = Numeric(20, MONEY_SCALE)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(20, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = check_money(Decimal(value))
        if dialect.name == "sqlite":
            return int(amount * _MONEY_FACTOR)
        return amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            # At money's scale, as PostgreSQL's NUMERIC(20, 4) reads: the same text whichever
            # database (an event's data keeps a balance as its text).
            return Decimal(int(value)).scaleb(-MONEY_SCALE)
        return Decimal(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every mapped model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def id_column() -> Mapped[str]:
    """The primary key column: a UUIDv7 string."""
    return mapped_column(String(36), primary_key=True, default=new_id)


def created_on_column() -> Mapped[datetime]:
    """The creation time column."""
    return mapped_column(UtcDateTime(), default=utcnow, nullable=False)
