"""SQL for wallets, their commerce balances, journals and idempotency records.

Every lookup a caller starts is narrowed to the caller's network and mode; rows reached from a
row already visible (a wallet's journals, its commerce balances) need no second filter.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    Text,
    Update,
    all_,
    and_,
    bindparam,
    cast,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.currencies import currencies_refusing
from app.db.base import Base, Money
from app.db.driver import Statements
from app.db.models import (
    IdempotencyRecord,
    Journal,
    SpendCondition,
    Wallet,
    WalletCommerceBalance,
)
from app.db.relations import RelatedPages
from app.db.repository import ChildRepository, TenantRepository
from app.errors import InvalidInput, NotFound
from app.events.emit import KNOWN_DATA, event_insert_from
from app.money import MAX_MONEY
from app.pagination import PageRequest, SortOrder
from app.tenancy import CALLER_AS_PARAMETERS, caller_values, in_network_and_mode

WALLETS = TenantRepository(Wallet)
JOURNALS = TenantRepository(Journal)
COMMERCE_BALANCES = ChildRepository(WalletCommerceBalance, WALLETS, "wallet_id")


class IdempotencyRecords(TenantRepository[IdempotencyRecord]):
    """Records of earlier requests: only the caller's own organisation's, in its mode (a key
    names a request of one organisation, not of its network)."""

    def visible(self, principal: Principal) -> ColumnElement[bool]:
        return and_(
            IdempotencyRecord.organisation_id == principal.organisation_id,
            IdempotencyRecord.is_test == principal.is_test,
        )


IDEMPOTENCY_RECORDS = IdempotencyRecords(IdempotencyRecord)

EFFECTIVE = "EFFECTIVE"

COMMERCE_DEFAULT_SORT = "name"
COMMERCE_SORT_COLUMNS: dict[str, Any] = {
    "name": SpendCondition.name,
    "amount": WalletCommerceBalance.amount,
    "created_on": SpendCondition.created_on,
}


def current_wallet_order(wallet: Any = Wallet) -> list[Any]:
    """Which of an account's wallets is its wallet: the EFFECTIVE one, else the newest."""
    return [
        (wallet.life_cycle_state == EFFECTIVE).desc(),
        wallet.created_on.desc(),
        wallet.id.desc(),
    ]


def wallet_by_id_or_code(
    principal: Principal, id_or_code: Any, *, for_update: bool = False
) -> Select[Any]:
    """The one wallet an id or code names for the caller (:meth:`TenantRepository.named`)."""
    return WALLETS.named(principal, "code", id_or_code, for_update=for_update)


async def get_wallet(
    session: AsyncSession, principal: Principal, id_or_code: str, *, for_update: bool = False
) -> Wallet:
    """The wallet with this id or code (404 if the caller cannot see one).

    ``for_update`` locks the row until the transaction ends (PostgreSQL; SQLite writers are
    serialised by ``BEGIN IMMEDIATE`` already) and reloads it, so that balances read after the
    lock are the committed ones.
    """
    stmt = wallet_by_id_or_code(principal, id_or_code, for_update=for_update)
    wallet = (await session.execute(stmt)).scalars().first()
    if wallet is None:
        raise NotFound("wallet", id_or_code)
    return wallet


@dataclass(frozen=True, slots=True)
class MovedWallet:
    """A wallet as a move of its open balance left it (the row the UPDATE returned)."""

    id: str
    code: str
    organisation_id: str
    is_test: bool
    currency_code: str
    open_balance: Decimal
    commerce_balance: Decimal
    limit_rules: list[dict[str, Any]]

    @property
    def balance(self) -> Decimal:
        """The whole balance: open plus commerce."""
        return self.open_balance + self.commerce_balance


async def move_open_balance(
    statements: Statements,
    principal: Principal,
    wallet_id: str,
    change: Decimal,
    *,
    currency_code: str | None,
    floors: bool,
) -> MovedWallet | None:
    """Add ``change`` (major units) to the open balance of the wallet with id ``wallet_id`` in
    ``statements``' transaction (a session's or a driver's, :mod:`app.db.driver`) in one
    statement (``UPDATE ... RETURNING``: the row is locked, checked and changed in one
    round trip), if the caller may change it, it is EFFECTIVE, in ``currency_code`` (when
    given), its open and whole balances stay within the money rule and, with ``floors``, the
    open balance stays at least 0 and the whole balance at least the wallet's
    ``minimum_balance``.

    ``None`` when no row passes (nothing changed): the caller then finds out why the slow way.
    The checks are the database's, on the latest committed row (PostgreSQL re-evaluates them
    after waiting for a concurrent posting's lock), so no other posting comes between them and
    the change. The statement is built once per shape (:func:`_move_open_balance_statement`):
    a call builds no SQL.
    """
    stmt = _move_open_balance_statement(with_currency=currency_code is not None, floors=floors)
    parameters = _move_parameters(principal, wallet_id, change, currency_code)
    row = await statements.first(stmt, parameters)
    return MovedWallet(*row) if row is not None else None


def _move_parameters(
    principal: Principal, wallet_id: str, change: Decimal, currency_code: str | None
) -> dict[str, Any]:
    """The parameters of :func:`_move_open_balance_statement` (no parameter may be named as a
    column of the table: an UPDATE takes those as values to set)."""
    return {
        **caller_values(principal),
        "wallet_id": wallet_id,
        "change": change,
        "required_currency_code": currency_code,
    }


_WALLETS_TABLE = Base.metadata.tables[Wallet.__tablename__]


@cache
def _move_open_balance_statement(*, with_currency: bool, floors: bool) -> Update:
    """The UPDATE of :func:`move_open_balance` (Core, on the table) for one shape of request;
    its parameters: :func:`_move_parameters`."""
    wallets = _WALLETS_TABLE.c
    new_open = wallets.open_balance + bindparam("change", type_=Money())
    new_whole = new_open + wallets.commerce_balance
    conditions: list[ColumnElement[bool]] = [
        wallets.id == bindparam("wallet_id", type_=String()),
        in_network_and_mode(wallets, CALLER_AS_PARAMETERS),
        wallets.life_cycle_state == EFFECTIVE,
        new_open.between(_money(-MAX_MONEY), _money(MAX_MONEY)),
        new_whole.between(_money(-MAX_MONEY), _money(MAX_MONEY)),
    ]
    if with_currency:
        required_currency = bindparam("required_currency_code", type_=String())
        conditions.append(wallets.currency_code == required_currency)
    if floors:
        conditions.append(new_open >= _money(Decimal(0)))
        conditions.append(
            or_(wallets.minimum_balance.is_(None), new_whole >= wallets.minimum_balance)
        )
    moved_columns = [wallets[field.name] for field in fields(MovedWallet)]
    return (
        update(_WALLETS_TABLE)
        .where(*conditions)
        .values(open_balance=new_open)
        .returning(*moved_columns)
    )


async def post_to_open_balance(
    statements: Statements,
    principal: Principal,
    wallet_id: str,
    change: Decimal,
    *,
    currency_code: str | None,
    floors: bool,
    decimals: int,
    journal: Mapping[str, Any],
    event: Mapping[str, Any],
) -> MovedWallet | None:
    """PostgreSQL: :func:`move_open_balance` and, in the same statement, the journal's INSERT
    and its event's (data-modifying CTEs: one round trip, no transaction around it), for a
    wallet without limit rules (they are checked in Python: such a wallet takes the general
    way) in which an amount with ``decimals`` decimals is accepted
    (:func:`app.currencies.currencies_refusing`; the caller checked a given
    ``currency_code``).

    ``journal`` holds the journal's values except those of its wallet (``organisation_id``,
    ``is_test``, ``wallet_id``, ``currency_code`` and ``balance_after`` come from the moved
    row); ``event`` is :func:`app.events.emit.event_parameters` for its event, whose data the
    statement completes with the same wallet values and ``wallet_code`` (decimals as their
    text, as :func:`app.events.emit.described` writes them). ``None`` when no row passes
    (nothing changed).
    """
    refusing = currencies_refusing(decimals) if currency_code is None else ()
    stmt = _posting_statement(
        with_currency=currency_code is not None, floors=floors, refusing=bool(refusing)
    )
    parameters = {
        **_move_parameters(principal, wallet_id, change, currency_code),
        "refusing_currency_codes": list(refusing),
        **{_JOURNAL_PREFIX + key: value for key, value in journal.items()},
        **event,
    }
    row = await statements.first(stmt, parameters)
    return MovedWallet(*row) if row is not None else None


_JOURNALS_TABLE = Base.metadata.tables[Journal.__tablename__]
_JOURNAL_PREFIX = "journal_"


@cache
def _posting_statement(*, with_currency: bool, floors: bool, refusing: bool) -> Select[Any]:
    """The statement of :func:`post_to_open_balance` for one shape of request (built once):
    ``WITH moved AS (UPDATE wallets ... RETURNING ...), journal AS (INSERT INTO journals
    SELECT ... FROM moved), event AS (INSERT INTO domain_events SELECT ... FROM moved)
    SELECT * FROM moved``."""
    wallets = _WALLETS_TABLE.c
    no_limit_rules = cast(wallets.limit_rules, JSONB).in_(
        [literal_column("'[]'::jsonb"), literal_column("'null'::jsonb")]
    )
    move = _move_open_balance_statement(with_currency=with_currency, floors=floors).where(
        no_limit_rules
    )
    if refusing:
        codes = bindparam("refusing_currency_codes", type_=ARRAY(String()))
        move = move.where(wallets.currency_code != all_(codes))
    moved = move.cte("moved")
    balance_after = moved.c.open_balance + moved.c.commerce_balance
    of_wallet: dict[str, ColumnElement[Any]] = {
        "organisation_id": moved.c.organisation_id,
        "is_test": moved.c.is_test,
        "wallet_id": moved.c.id,
        "currency_code": moved.c.currency_code,
        "balance_after": balance_after,
    }
    journal_values = [
        of_wallet.get(column.name, bindparam(_JOURNAL_PREFIX + column.name, type_=column.type))
        for column in _JOURNALS_TABLE.c
    ]
    journal = insert(_JOURNALS_TABLE).from_select(
        [column.name for column in _JOURNALS_TABLE.c], select(*journal_values).select_from(moved)
    )
    wallet_data = {
        **{key: value for key, value in of_wallet.items() if key != "is_test"},
        "balance_after": cast(balance_after, Text),
        "wallet_code": moved.c.code,
    }
    pairs = [part for key, value in wallet_data.items() for part in (_json_key(key), value)]
    data = cast(KNOWN_DATA.op("||", return_type=JSONB)(func.jsonb_build_object(*pairs)), JSON)
    event = event_insert_from(moved, data)
    return select(*moved.c).add_cte(journal.cte("journal"), event.cte("event"))


def _json_key(name: str) -> ColumnElement[str]:
    """A constant key of ``jsonb_build_object`` (its arguments are untyped: a parameter would
    have no type PostgreSQL could infer)."""
    assert name.isidentifier(), name
    return literal_column(f"'{name}'", type_=Text)


def _money(value: Decimal) -> Any:
    return literal(value, Money())


async def lock_wallets(session: AsyncSession, wallet_ids: Sequence[str]) -> list[Wallet]:
    """Lock and reload wallets already known to be visible, in id order (no deadlocks)."""
    stmt = (
        select(Wallet)
        .where(Wallet.id.in_(wallet_ids))
        .order_by(Wallet.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


async def effective_wallet_of_account(session: AsyncSession, account_id: str) -> Wallet | None:
    """The account's EFFECTIVE wallet, if it has one."""
    stmt = (
        select(Wallet)
        .where(Wallet.account_id == account_id, Wallet.life_cycle_state == EFFECTIVE)
        .order_by(Wallet.created_on.desc(), Wallet.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalars().first()


async def code_taken(session: AsyncSession, organisation_id: str, is_test: bool, code: str) -> bool:
    """Whether a wallet of this organisation and mode already has ``code``."""
    stmt = select(Wallet.id).where(
        Wallet.organisation_id == organisation_id, Wallet.is_test.is_(is_test), Wallet.code == code
    )
    return (await session.execute(stmt.limit(1))).first() is not None


async def commerce_balance_rows(
    session: AsyncSession, wallet_id: str
) -> list[WalletCommerceBalance]:
    """Every commerce balance of a wallet, one per spend condition that credited it."""
    stmt = select(WalletCommerceBalance).where(WalletCommerceBalance.wallet_id == wallet_id)
    return list((await session.execute(stmt)).scalars())


async def get_commerce_balance(
    session: AsyncSession, wallet_id: str, spend_condition_id: str
) -> WalletCommerceBalance | None:
    """The wallet's commerce balance for one spend condition, if it was ever credited."""
    return await session.get(
        WalletCommerceBalance,
        (wallet_id, spend_condition_id),
        populate_existing=True,
    )


async def period_totals(
    session: AsyncSession,
    wallet_id: str,
    journal_type: str,
    start: datetime,
    end: datetime,
    *,
    open_balance_only: bool = False,
) -> tuple[Decimal, int]:
    """The sum and number of the wallet's journals of one type posted in ``[start, end)``.

    Counted by ``posted_on`` (the server's clock), never by the caller's ``created_on``.

    ``open_balance_only`` counts only journals without a spend condition (top-ups).
    """
    stmt = select(func.coalesce(func.sum(Journal.amount), 0), func.count(Journal.id)).where(
        Journal.wallet_id == wallet_id,
        Journal.type == journal_type,
        Journal.posted_on >= start,
        Journal.posted_on < end,
    )
    if open_balance_only:
        stmt = stmt.where(Journal.spend_condition_id.is_(None))
    total, count = (await session.execute(stmt)).one()
    # SUM and COALESCE keep the Money type, so ``total`` is an exact Decimal on both backends.
    return Decimal(total), int(count)


async def page_commerce_balances(
    session: AsyncSession,
    wallet_id: str,
    request: PageRequest,
    spend_condition_id: str | None = None,
) -> list[tuple[WalletCommerceBalance, SpendCondition]]:
    """One page of a wallet's commerce balances with their spend conditions."""
    sort = request.sort or COMMERCE_DEFAULT_SORT
    if sort not in COMMERCE_SORT_COLUMNS:
        allowed = ", ".join(sorted(COMMERCE_SORT_COLUMNS))
        raise InvalidInput("sort", f"unknown sort attribute {sort!r}; use one of {allowed}")
    column = COMMERCE_SORT_COLUMNS[sort]
    ascending = request.order is SortOrder.ASC
    stmt = (
        select(WalletCommerceBalance, SpendCondition)
        .join(SpendCondition, SpendCondition.id == WalletCommerceBalance.spend_condition_id)
        .where(WalletCommerceBalance.wallet_id == wallet_id)
        .order_by(
            column.asc() if ascending else column.desc(),
            SpendCondition.id.asc() if ascending else SpendCondition.id.desc(),
        )
        .limit(request.size)
        .offset(request.offset)
    )
    if spend_condition_id is not None:
        stmt = stmt.where(WalletCommerceBalance.spend_condition_id == spend_condition_id)
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]


async def commerce_balances_of_wallets(
    session: AsyncSession, principal: Principal, wallet_ids: Sequence[str]
) -> list[tuple[WalletCommerceBalance, SpendCondition]]:
    """The commerce balances of the caller's wallets among ``wallet_ids`` with their spend
    conditions, by name."""
    stmt = (
        select(WalletCommerceBalance, SpendCondition)
        .join(SpendCondition, SpendCondition.id == WalletCommerceBalance.spend_condition_id)
        .where(
            COMMERCE_BALANCES.visible(principal), WalletCommerceBalance.wallet_id.in_(wallet_ids)
        )
        .order_by(SpendCondition.name, SpendCondition.id)
    )
    return [(row[0], row[1]) for row in (await session.execute(stmt)).all()]


async def commerce_credits(
    session: AsyncSession, pairs: Sequence[tuple[str, str]]
) -> list[Journal]:
    """The credit journals of these (wallet id, spend condition id) pairs."""
    if not pairs:
        return []
    wallet_ids = {wallet_id for wallet_id, _ in pairs}
    condition_ids = {condition_id for _, condition_id in pairs}
    stmt = select(Journal).where(
        Journal.type == "CREDIT",
        Journal.wallet_id.in_(wallet_ids),
        Journal.spend_condition_id.in_(condition_ids),
    )
    wanted = set(pairs)
    return [
        journal
        for journal in (await session.execute(stmt)).scalars()
        if (journal.wallet_id, journal.spend_condition_id) in wanted
    ]


async def get_journal(session: AsyncSession, principal: Principal, journal_id: str) -> Journal:
    """The journal with this id (404 if the caller cannot see it)."""
    return await JOURNALS.lookup(session, principal, "journal", journal_id)


async def get_idempotency_record(
    session: AsyncSession, principal: Principal, operation: str, key: str
) -> IdempotencyRecord | None:
    """The record of an earlier request with this key, in the caller's organisation and mode."""
    stmt = IDEMPOTENCY_RECORDS.readable(principal).where(
        IdempotencyRecord.operation == operation, IdempotencyRecord.key == key
    )
    return (await session.execute(stmt)).scalars().first()


JOURNAL_DEFAULT_SORT = "created_on"
JOURNAL_SORT_COLUMNS: dict[str, Any] = {
    "created_on": Journal.created_on,
    "posted_on": Journal.posted_on,
    "amount": Journal.amount,
    "type": Journal.type,
}


@dataclass(frozen=True, slots=True)
class JournalFilter:
    """Which of a wallet's journals a list holds: one type, and a range of ``created_on`` (the
    business date; the spec's ``created_on[gte]`` / ``[gt]`` / ``[lt]`` / ``[lte]``), each bound
    optional. Hashable: it is part of a dataloader key."""

    type: str | None = None
    created_on_gte: datetime | None = None
    created_on_gt: datetime | None = None
    created_on_lt: datetime | None = None
    created_on_lte: datetime | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this filter."""
        return journal_conditions({f.name: getattr(self, f.name) for f in fields(self)})


def journal_conditions(values: Mapping[str, Any]) -> list[Any]:
    """The WHERE conditions of a journal filter's fields (:class:`JournalFilter`'s names; each
    a value or a bound parameter, absent or ``None`` for no condition); the one definition of
    the filter, for the general path's pages and compiled reads (:data:`JOURNAL_PAGES`)."""
    bounds = {
        "type": lambda value: Journal.type == value,
        "created_on_gte": lambda value: Journal.created_on >= value,
        "created_on_gt": lambda value: Journal.created_on > value,
        "created_on_lt": lambda value: Journal.created_on < value,
        "created_on_lte": lambda value: Journal.created_on <= value,
    }
    return [
        condition(values[name])
        for name, condition in bounds.items()
        if values.get(name) is not None
    ]


JOURNAL_PAGES = RelatedPages(
    JOURNALS.readable,
    Journal.wallet_id,
    JOURNAL_SORT_COLUMNS,
    JOURNAL_DEFAULT_SORT,
    filters=journal_conditions,
)
"""A wallet's journals as pages (``Wallet.journals``): the caller's journals, their sorts and
filter, as compiled reads answer them (the general path's :func:`journal_pages` reads the same
rows, conditions and order, for many wallets at once)."""


async def journal_pages(
    session: AsyncSession,
    principal: Principal,
    wallet_ids: Sequence[str],
    request: PageRequest,
    filters: JournalFilter | None = None,
) -> dict[str, tuple[list[Journal], int]]:
    """The same page of journals for each of several wallets, with each wallet's total, the
    journals narrowed by ``filters``.

    Two statements whatever the number of wallets: a window function numbers each wallet's
    journals in the requested order and the page is cut from every wallet's numbering at once.
    """
    sort = request.sort or JOURNAL_DEFAULT_SORT
    if sort not in JOURNAL_SORT_COLUMNS:
        allowed = ", ".join(sorted(JOURNAL_SORT_COLUMNS))
        raise InvalidInput("sort", f"unknown sort attribute {sort!r}; use one of {allowed}")
    column = JOURNAL_SORT_COLUMNS[sort]
    ascending = request.order is SortOrder.ASC
    conditions: list[Any] = [
        JOURNALS.visible(principal),
        Journal.wallet_id.in_(wallet_ids),
        *(filters or JournalFilter()).conditions(),
    ]
    totals = {
        wallet_id: int(count)
        for wallet_id, count in (
            await session.execute(
                select(Journal.wallet_id, func.count(Journal.id))
                .where(*conditions)
                .group_by(Journal.wallet_id)
            )
        ).all()
    }
    position = (
        func.row_number()
        .over(
            partition_by=Journal.wallet_id,
            order_by=(
                column.asc() if ascending else column.desc(),
                Journal.id.asc() if ascending else Journal.id.desc(),
            ),
        )
        .label("position")
    )
    numbered = select(Journal.id.label("journal_id"), position).where(*conditions).subquery()
    stmt = (
        select(Journal)
        .join(numbered, numbered.c.journal_id == Journal.id)
        .where(
            numbered.c.position > request.offset,
            numbered.c.position <= request.offset + request.size,
        )
        .order_by(Journal.wallet_id, numbered.c.position)
    )
    pages: dict[str, tuple[list[Journal], int]] = {
        wallet_id: ([], totals.get(wallet_id, 0)) for wallet_id in wallet_ids
    }
    for journal in (await session.execute(stmt)).scalars():
        pages[journal.wallet_id][0].append(journal)
    return pages
