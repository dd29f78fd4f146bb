"""Posting journals: the one path by which money enters or leaves a wallet.

Every posting locks the wallet row first (PostgreSQL ``FOR UPDATE``; on SQLite the write
transaction already holds the database lock), so that the balance it checks is the balance it
changes. Amounts are ``Decimal`` throughout.

A journal of the open balance (no spend condition) takes the short way: everything that does
not depend on the wallet row (amount, dates, ids, the journal's values, its event's) is
computed first. On PostgreSQL one statement then locks, checks and moves the balance, writes
the journal and its event (``repository.post_to_open_balance``: an ``UPDATE ... RETURNING``
and two INSERTs as data-modifying CTEs, atomic on its own; the row is locked for that one
statement); wallets with limit rules take the general way. On SQLite one ``UPDATE ...
RETURNING`` (``move_open_balance``) and the INSERTs follow each other in the write
transaction. When the UPDATE changes nothing (a refusal, or a wallet named by its code) the
posting takes the general way, which finds and reports the reason with the same rules.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.currencies import check_amounts, most_decimals
from app.db.base import Base, as_model, new_id, utcnow
from app.db.driver import SessionStatements, Statements
from app.db.engine import Database
from app.db.models import IdempotencyRecord, Journal, SpendCondition, Wallet, WalletCommerceBalance
from app.errors import (
    BusinessRuleViolation,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
    WalletBalanceTooLow,
)
from app.events import described, emit
from app.events.codes import Entity, Event
from app.events.emit import event_parameters
from app.money import MONEY_RULE, check_money, money_in_range
from app.reference.lookup import get_visible
from app.wallets import repository
from app.wallets.commands import PostJournal
from app.wallets.enums import JournalType, WalletLifeCycleState
from app.wallets.limits import check_limits

POST_JOURNAL_OPERATION = "post_journal"
_INSERT_JOURNAL = insert(Base.metadata.tables[Journal.__tablename__])
"""The fast path's journal INSERT (Core, built once: a post builds no SQL)."""
MAX_IDEMPOTENCY_KEY_LENGTH = 200
# A journal's created_on (its business date) may lead the server's clock by a small skew only,
# and may lag it by at most a year and a day: enough for late batches and year-end
# corrections, not enough to rewrite old history. Limits never look at created_on.
CREATED_ON_CLOCK_SKEW = timedelta(minutes=5)
CREATED_ON_MAX_AGE = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class Posting:
    """What one journal does to a wallet, checked and ready to apply."""

    journal_type: str
    amount: Decimal
    spend_condition_id: str | None = None
    description: str | None = None
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    created_on: datetime | None = None
    allow_negative_balance: bool = False


def check_amount(value: Any, field: str = "amount") -> Decimal:
    """A positive amount within the money rule (:mod:`app.money`); 400 naming ``field``."""
    try:
        amount = check_money(Decimal(value))
    except (TypeError, ArithmeticError):
        raise InvalidInput(field, "must be a decimal number") from None
    except ValueError as exc:
        raise InvalidInput(field, str(exc)) from None
    if amount <= 0:
        raise InvalidInput(field, "must be a positive amount")
    return amount


def check_created_on(created_on: datetime | None, now: datetime) -> datetime | None:
    """The caller's ``created_on`` (UTC business date) if it lies in the accepted window.

    The window is ``[now - CREATED_ON_MAX_AGE, now + CREATED_ON_CLOCK_SKEW]`` with ``now`` the
    server's clock; outside it, InvalidInput (400) naming ``created_on``.
    """
    if created_on is None:
        return None
    if created_on > now + CREATED_ON_CLOCK_SKEW:
        raise InvalidInput(
            "created_on",
            f"is in the future; at most {CREATED_ON_CLOCK_SKEW.seconds // 60} minutes ahead of"
            " the server's clock is accepted",
        )
    if created_on < now - CREATED_ON_MAX_AGE:
        raise InvalidInput("created_on", f"is more than {CREATED_ON_MAX_AGE.days} days in the past")
    return created_on


def _check_balances(wallet: Wallet, *balances: Decimal) -> None:
    """Refuse a posting whose balances would leave the money range (400 naming ``amount``)."""
    for balance in balances:
        if not money_in_range(balance):
            raise InvalidInput(
                "amount",
                f"would take wallet {wallet.code}'s balance to {balance}; balances have "
                f"{MONEY_RULE}",
            )


async def apply_posting(
    session: AsyncSession,
    wallet: Wallet,
    posting: Posting,
    *,
    journal_id: str | None = None,
    enforce_rules: bool = True,
) -> Journal:
    """Post one journal to a wallet the caller has locked, keeping the balances in step.

    A credit with a spend condition goes to that condition's commerce balance, a debit with
    one comes from it; without one the open balance moves. Unless the journal allows a
    negative balance, a debit may not take the balance it draws from below zero nor the
    wallet's total below its ``minimum_balance``. ``enforce_rules=False`` (balance moves
    between wallets of the system itself) skips the floors and the limit rules.

    The journal's ``posted_on`` is the server's clock now; limit periods count by it.
    ``created_on`` is the posting's business date (default: ``posted_on``).
    """
    if wallet.life_cycle_state != WalletLifeCycleState.EFFECTIVE:
        raise BusinessRuleViolation(
            f"Wallet {wallet.code} is {wallet.life_cycle_state}; it takes no journals.",
            ["wallet", wallet.id],
        )
    amount = check_amount(posting.amount)
    posted_on = utcnow()
    created_on = posting.created_on or posted_on
    is_debit = posting.journal_type == JournalType.DEBIT
    if enforce_rules:
        await check_limits(
            session,
            wallet,
            posting.journal_type,
            amount,
            posting.spend_condition_id is not None,
            posted_on,
        )
    change = -amount if is_debit else amount
    drawn_after: Decimal
    if posting.spend_condition_id is None:
        wallet.open_balance = wallet.open_balance + change
        drawn_after = wallet.open_balance
        drawn_name = "open balance"
    else:
        commerce = await repository.get_commerce_balance(
            session, wallet.id, posting.spend_condition_id
        )
        if commerce is None:
            commerce = WalletCommerceBalance(
                wallet_id=wallet.id,
                spend_condition_id=posting.spend_condition_id,
                amount=Decimal(0),
            )
            session.add(commerce)
        commerce.amount = commerce.amount + change
        wallet.commerce_balance = wallet.commerce_balance + change
        drawn_after = commerce.amount
        drawn_name = "commerce balance of the spend condition"
    _check_balances(
        wallet, drawn_after, wallet.open_balance, wallet.commerce_balance, wallet.balance
    )
    if is_debit and enforce_rules and not posting.allow_negative_balance:
        if drawn_after < 0:
            raise WalletBalanceTooLow(
                wallet.id,
                f"Wallet {wallet.code}: the {drawn_name} is {drawn_after + amount}, "
                f"less than the debit of {amount}.",
            )
        minimum = wallet.minimum_balance
        if minimum is not None and wallet.balance < minimum:
            raise WalletBalanceTooLow(
                wallet.id,
                f"Wallet {wallet.code}: the debit of {amount} would leave {wallet.balance}, "
                f"below the minimum balance of {minimum}.",
            )
    journal = Journal(
        id=journal_id or new_id(),
        organisation_id=wallet.organisation_id,
        is_test=wallet.is_test,
        wallet_id=wallet.id,
        type=posting.journal_type,
        amount=amount,
        currency_code=wallet.currency_code,
        description=posting.description,
        spend_condition_id=posting.spend_condition_id,
        valid_from=posting.valid_from,
        valid_to=posting.valid_to,
        allow_negative_balance=posting.allow_negative_balance,
        balance_after=wallet.balance,
        created_on=created_on,
        posted_on=posted_on,
    )
    session.add(journal)
    await session.flush()
    return journal


def request_hash(fields: dict[str, Any]) -> str:
    """A digest of a request's fields, the same for the same request however it was spelled."""

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        if isinstance(value, datetime):
            return value.isoformat()
        return value

    canonical = {name: plain(value) for name, value in fields.items() if value is not None}
    encoded = json.dumps(canonical, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


async def _replay(
    session: AsyncSession, record: IdempotencyRecord, digest: str, key: str
) -> Journal:
    if record.request_hash != digest:
        raise IdempotencyKeyReused(parameters=["idempotency_key", key])
    journal = await session.get(Journal, record.resource_id)
    if journal is None:  # pragma: no cover - the record and the journal commit together
        raise NotFound("journal", record.resource_id)
    return journal


async def _claim_key(
    session: AsyncSession, principal: Principal, key: str, digest: str, journal_id: str
) -> Journal | None:
    """Record the key for the journal about to be posted; the earlier answer if it is taken.

    The unique constraint decides between concurrent requests: the loser's insert waits for
    the winner's transaction and then fails, and it answers from the winner's record.
    """
    existing = await repository.get_idempotency_record(
        session, principal, POST_JOURNAL_OPERATION, key
    )
    if existing is not None:
        return await _replay(session, existing, digest, key)
    record = IdempotencyRecord(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        operation=POST_JOURNAL_OPERATION,
        key=key,
        request_hash=digest,
        resource_id=journal_id,
    )
    try:
        async with session.begin_nested():
            session.add(record)
            await session.flush()
    except IntegrityError:
        existing = await repository.get_idempotency_record(
            session, principal, POST_JOURNAL_OPERATION, key
        )
        if existing is None:
            raise
        return await _replay(session, existing, digest, key)
    return None


async def _post_to_open_balance(
    statements: Statements,
    principal: Principal,
    command: PostJournal,
    journal_id: str,
    created_on: datetime | None,
) -> Journal | None:
    """Post a journal of the open balance with its POST_JOURNAL event the short way (see the
    module docstring): the journal, or ``None`` when the general way must decide (nothing
    was changed then)."""
    amount = check_amount(command.amount)
    currency_code = command.currency_code.upper() if command.currency_code is not None else None
    if currency_code is not None:
        try:
            check_amounts(command, currency_code)
        except InvalidInput:
            return None  # the general way names the first fault (the currency, or this one)
    is_debit = command.type == JournalType.DEBIT
    posted_on = utcnow()
    values: dict[str, Any] = {
        "id": journal_id,
        "type": command.type,
        "amount": amount,
        "description": command.description,
        "spend_condition_id": None,
        "valid_from": command.valid_from,
        "valid_to": command.valid_to,
        "allow_negative_balance": command.allow_negative_balance,
        "created_on": created_on or posted_on,
        "posted_on": posted_on,
    }
    change = -amount if is_debit else amount
    floors = is_debit and not command.allow_negative_balance
    if statements.dialect.name == "postgresql":
        event, wakes = event_parameters(principal, **_posted_event(journal_id, described(values)))
        moved = await repository.post_to_open_balance(
            statements,
            principal,
            command.wallet_id,
            change,
            currency_code=currency_code,
            floors=floors,
            decimals=most_decimals(command),
            journal=values,
            event=event,
        )
        if moved is None:
            return None
        if wakes:
            statements.wake_after_commit()
        values.update(_of_wallet(moved))
        return as_model(Journal, values)
    assert isinstance(statements, SessionStatements)  # no data-modifying CTEs: SQLite
    session = statements.session
    moved = await repository.move_open_balance(
        statements, principal, command.wallet_id, change, currency_code=currency_code, floors=floors
    )
    if moved is None:
        return None
    # Refusals from here on roll the move back with the transaction.
    if currency_code is None:
        check_amounts(command, moved.currency_code)
    if moved.limit_rules:
        await check_limits(session, moved, command.type, amount, False, posted_on)
    values.update(_of_wallet(moved))
    await session.execute(_INSERT_JOURNAL, values)
    data = described(values, wallet_code=moved.code)
    await emit(session, principal, **_posted_event(journal_id, data))
    return as_model(Journal, values)


def _of_wallet(moved: repository.MovedWallet) -> dict[str, Any]:
    """A journal's values that come from its wallet, as the move left it."""
    return {
        "organisation_id": moved.organisation_id,
        "is_test": moved.is_test,
        "wallet_id": moved.id,
        "currency_code": moved.currency_code,
        "balance_after": moved.balance,
    }


async def post_journal(
    session: AsyncSession,
    principal: Principal,
    command: PostJournal,
    idempotency_key: str | None = None,
) -> Journal:
    """Credit or debit a wallet with one journal (route POST /journals).

    ``command.currency_code`` must be the wallet's, and the amount may have no more decimals
    than that currency (``app.currencies``: EUR 2; a 400 naming ``amount``); ``created_on`` is
    the business date, UTC (see :func:`check_created_on`). With an ``idempotency_key`` the same
    request sent again answers with the first journal and posts nothing; the same key with
    another request is an IdempotencyKeyReused error.
    """
    journal_id = new_id()
    if idempotency_key is not None:
        key = idempotency_key.strip()
        if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise InvalidInput(
                "idempotency_key", f"must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters"
            )
        digest = request_hash(command.model_dump())
        earlier = await _claim_key(session, principal, key, digest, journal_id)
        if earlier is not None:
            return earlier
    created_on = check_created_on(command.created_on, utcnow())
    posted = None
    if command.spend_condition_id is None:
        posted = await _post_to_open_balance(
            SessionStatements(session), principal, command, journal_id, created_on
        )
    if posted is None:
        posted = await _post_with_wallet_lock(session, principal, command, journal_id, created_on)
    return posted


async def post_on_driver(
    db: Database,
    principal: Principal,
    command: PostJournal,
    idempotency_key: str | None = None,
) -> Journal | None:
    """:func:`post_journal` the shortest way where it applies, else ``None`` (nothing changed:
    then :func:`post_journal` posts it in a session).

    It applies to a journal of the open balance (no spend condition) without an idempotency
    key, on PostgreSQL while statements are not observed (:meth:`~app.db.engine.Database.
    drives_writes`): the short way's one statement (:func:`repository.post_to_open_balance`,
    atomic on its own) runs on the driver (:class:`~app.db.driver.DriverStatements`;
    SQLAlchemy's asyncio layer and ORM session cost several times the driver's work on this
    route). Its errors are :func:`post_journal`'s.
    """
    if (
        idempotency_key is not None
        or command.spend_condition_id is not None
        or not db.drives_writes()
    ):
        return None
    journal_id = new_id()
    created_on = check_created_on(command.created_on, utcnow())
    async with db.driver_statements() as statements:
        return await _post_to_open_balance(statements, principal, command, journal_id, created_on)


def _posted_event(journal_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """The POST_JOURNAL event's arguments of :func:`~app.events.emit` /
    :func:`~app.events.emit.event_parameters`: ``data`` is the journal's values
    (``described``), with its wallet's code where known."""
    return {
        "entity": Entity.JOURNALS,
        "event": Event.POST_JOURNAL,
        "entity_id": journal_id,
        "data": data,
    }


async def _post_with_wallet_lock(
    session: AsyncSession,
    principal: Principal,
    command: PostJournal,
    journal_id: str,
    created_on: datetime | None,
) -> Journal:
    """The general way: lock the wallet, check everything, apply the posting and record its
    POST_JOURNAL event; the journal."""
    wallet = await repository.get_wallet(session, principal, command.wallet_id, for_update=True)
    if command.currency_code is not None and command.currency_code.upper() != wallet.currency_code:
        raise InvalidInput(
            "currency_code", f"must be the wallet's currency ({wallet.currency_code})"
        )
    check_amounts(command, wallet.currency_code)
    spend_condition_id = command.spend_condition_id
    if spend_condition_id is not None:
        condition = await get_visible(
            session, principal, SpendCondition, "spend_condition", spend_condition_id
        )
        spend_condition_id = condition.id
    posting = Posting(
        journal_type=command.type,
        amount=command.amount,
        spend_condition_id=spend_condition_id,
        description=command.description,
        valid_from=command.valid_from,
        valid_to=command.valid_to,
        created_on=created_on,
        allow_negative_balance=command.allow_negative_balance,
    )
    journal = await apply_posting(session, wallet, posting, journal_id=journal_id)
    await emit(
        session,
        principal,
        **_posted_event(journal.id, described(journal, wallet_code=wallet.code)),
    )
    return journal
