"""Rules for wallets: one effective wallet per account, settings, termination, balance moves.

Posting journals lives in :mod:`app.wallets.journals`; :func:`post_journal` and
:func:`post_on_driver` are re-exported here because other layers call them through this module.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.enums import AccountLifeCycleState
from app.accounts.repository import get_account
from app.auth.principal import Principal
from app.currencies import check_amounts
from app.db.base import utcnow
from app.db.models import Journal, SpendCondition, Wallet
from app.errors import BusinessRuleViolation, Conflict, InvalidInput
from app.events import described, emit
from app.events.codes import Entity, Event
from app.identifiers import ensure_not_a_primary_id
from app.pagination import PageRequest
from app.wallets import repository
from app.wallets.commands import (
    AutoTopup,
    CreateWallet,
    PaymentMethod,
    TermedTopup,
    UpdateWallet,
    WalletLimitRule,
)
from app.wallets.enums import WalletLifeCycleState
from app.wallets.journals import Posting, apply_posting, post_journal, post_on_driver
from app.wallets.limits import normalise_limit_rules

__all__ = [
    "CommerceBalanceView",
    "commerce_balances",
    "create_wallet",
    "post_journal",
    "post_on_driver",
    "terminate_wallet",
    "transfer_wallet_balance",
    "update_wallet",
]

CODE_DIGITS = 16
EXPIRATION_BUCKETS = ("zero_to_thirty", "thirty_to_sixty", "sixty_to_ninety", "ninety_plus")


async def _new_code(session: AsyncSession, organisation_id: str, is_test: bool) -> str:
    """A random 16-digit wallet code not yet used in the organisation and mode."""
    while True:
        code = str(10 ** (CODE_DIGITS - 1) + secrets.randbelow(9 * 10 ** (CODE_DIGITS - 1)))
        if not await repository.code_taken(session, organisation_id, is_test, code):
            # Never UUID-shaped, so never a wallet id; the shared rule still has the say.
            await ensure_not_a_primary_id(session, Wallet, "code", code)
            return code


async def create_wallet(
    session: AsyncSession, principal: Principal, account_id: str, command: CreateWallet
) -> Wallet:
    """Give an account (id or number) a new EFFECTIVE wallet in the account's currency.

    Allowed only when the account is not TERMINATED and has no EFFECTIVE wallet (409).
    """
    account = await get_account(session, principal, account_id, for_update=True)
    if account.life_cycle_state == AccountLifeCycleState.TERMINATED:
        raise BusinessRuleViolation(
            f"Account {account.number} is terminated; it cannot get a wallet.",
            ["account", account.id],
        )
    check_amounts(command, account.currency_code)
    existing = await repository.effective_wallet_of_account(session, account.id)
    if existing is not None:
        raise Conflict(
            f"Account {account.number} has an effective wallet ({existing.code}) already; "
            "terminate it first.",
            ["wallet", existing.id],
        )
    wallet = Wallet(
        organisation_id=account.organisation_id,
        is_test=account.is_test,
        account_id=account.id,
        code=await _new_code(session, account.organisation_id, account.is_test),
        life_cycle_state=WalletLifeCycleState.EFFECTIVE.value,
        currency_code=account.currency_code,
        open_balance=Decimal(0),
        commerce_balance=Decimal(0),
        minimum_balance=command.minimum_balance,
        limit_rules=_limit_rules(command.limit_rules),
    )
    session.add(wallet)
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.WALLETS,
        event=Event.CREATE_WALLET,
        entity_id=wallet.id,
        data=described(wallet, contact_id=account.contact_id),
    )
    return wallet


def _limit_rules(rules: list[WalletLimitRule] | None) -> list[dict[str, Any]]:
    return normalise_limit_rules([rule.model_dump() for rule in rules or []])


def _payment_method(method: PaymentMethod | None) -> dict[str, str | None]:
    return {
        "payment_method": method.type if method else None,
        "payment_method_id": method.id if method else None,
    }


def _auto_topup(topup: AutoTopup | None) -> dict[str, Any] | None:
    """The stored form: amounts as exact decimal strings."""
    if topup is None:
        return None
    return {
        "threshold": None if topup.threshold is None else str(topup.threshold),
        "amount": str(topup.amount),
        **_payment_method(topup.payment_method),
    }


def _termed_topup(topup: TermedTopup | None) -> dict[str, Any] | None:
    """The stored form: the amount as an exact decimal string, frequency and day if given."""
    if topup is None:
        return None
    stored: dict[str, Any] = {"amount": str(topup.amount)}
    if topup.frequency is not None:
        stored["frequency"] = topup.frequency.model_dump()
    if topup.topup_day is not None:
        stored["topup_day"] = topup.topup_day.model_dump()
    return {**stored, **_payment_method(topup.payment_method)}


async def update_wallet(
    session: AsyncSession, principal: Principal, id_or_code: str, command: UpdateWallet
) -> Wallet:
    """Change a wallet's settings; fields left out stay, ``null`` clears a top-up setting.

    ``limit_rules`` replaces the list. A TERMINATED wallet cannot be changed.
    """
    wallet = await repository.get_wallet(session, principal, id_or_code, for_update=True)
    if wallet.life_cycle_state != WalletLifeCycleState.EFFECTIVE:
        raise BusinessRuleViolation(
            f"Wallet {wallet.code} is {wallet.life_cycle_state}; it cannot be changed.",
            ["wallet", wallet.id],
        )
    check_amounts(command, wallet.currency_code)
    stored = {
        "auto_topup": _auto_topup(command.auto_topup),
        "termed_topup": _termed_topup(command.termed_topup),
        "limit_rules": _limit_rules(command.limit_rules),
        "minimum_balance": command.minimum_balance,
    }
    for name in command.model_fields_set:
        setattr(wallet, name, stored[name])
    await session.flush()
    return wallet


async def terminate_wallet(session: AsyncSession, principal: Principal, id_or_code: str) -> Wallet:
    """Terminate a wallet whose balances are all zero; a terminated wallet stays as it is.

    A wallet holding money (or owing it) is refused: money is never dropped silently, it is
    debited or moved (see :func:`transfer_wallet_balance`) first.
    """
    wallet = await repository.get_wallet(session, principal, id_or_code, for_update=True)
    if wallet.life_cycle_state == WalletLifeCycleState.TERMINATED:
        return wallet
    rows = await repository.commerce_balance_rows(session, wallet.id)
    if wallet.open_balance != 0 or any(row.amount != 0 for row in rows):
        raise BusinessRuleViolation(
            f"Wallet {wallet.code} has a balance of {wallet.balance} (open "
            f"{wallet.open_balance}, commerce {wallet.commerce_balance}); debit or move it "
            "before terminating the wallet.",
            ["wallet", wallet.id],
        )
    wallet.life_cycle_state = WalletLifeCycleState.TERMINATED.value
    wallet.terminated_on = utcnow()
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.WALLETS,
        event=Event.TERMINATE_WALLET,
        entity_id=wallet.id,
        data=described(wallet),
    )
    return wallet


async def transfer_wallet_balance(
    session: AsyncSession,
    principal: Principal,
    from_account_id: str,
    to_account_id: str,
    description: str,
) -> None:
    """Move the whole balance of one account's effective wallet to another's, in the caller's
    transaction.

    The open balance and each commerce balance move separately (a debit of the source and a
    credit of the target with the same spend condition; the other way round for a negative
    balance), so spend conditions keep applying. Nothing happens when the source has no
    effective wallet or a zero balance; a balance with no effective target wallet, or a target
    in another currency, is a BusinessRuleViolation.
    """
    source = await repository.effective_wallet_of_account(session, from_account_id)
    if source is None:
        return
    target = await repository.effective_wallet_of_account(session, to_account_id)
    locked = await repository.lock_wallets(
        session, [source.id] if target is None else sorted({source.id, target.id})
    )
    by_id = {wallet.id: wallet for wallet in locked}
    source = by_id[source.id]
    rows = await repository.commerce_balance_rows(session, source.id)
    parts: list[tuple[str | None, Decimal]] = [(None, source.open_balance)]
    parts += [(row.spend_condition_id, row.amount) for row in rows]
    parts = [(condition, amount) for condition, amount in parts if amount != 0]
    if not parts:
        return
    if target is None:
        raise BusinessRuleViolation(
            f"Wallet {source.code} holds {source.balance}; the account it moves to has no "
            "effective wallet to take it.",
            ["account", to_account_id],
        )
    target = by_id[target.id]
    if target.id == source.id:
        raise BusinessRuleViolation(
            "A wallet's balance cannot be moved to the same wallet.", ["wallet", source.id]
        )
    if target.currency_code != source.currency_code:
        raise BusinessRuleViolation(
            f"Wallet {target.code} is in {target.currency_code}, wallet {source.code} in "
            f"{source.currency_code}; the balance cannot move between currencies.",
            ["wallet", target.id],
        )
    for condition, amount in parts:
        outgoing, incoming = ("DEBIT", "CREDIT") if amount > 0 else ("CREDIT", "DEBIT")
        for wallet, journal_type in ((source, outgoing), (target, incoming)):
            await apply_posting(
                session,
                wallet,
                Posting(
                    journal_type=journal_type,
                    amount=abs(amount),
                    spend_condition_id=condition,
                    description=description,
                    allow_negative_balance=True,
                ),
                enforce_rules=False,
            )


@dataclass(frozen=True, slots=True)
class CommerceBalanceView:
    """A wallet's commerce balance for one spend condition, with the condition's details.

    ``expiration`` (remaining amount by days left until it expires) is filled only on request.
    """

    wallet_id: str
    spend_condition: SpendCondition
    amount: Decimal
    currency_code: str
    expiration: dict[str, Decimal] | None = None


def expiration_buckets(
    remaining: Decimal, credits: list[Journal], now: datetime
) -> dict[str, Decimal]:
    """The remaining amount split by how soon the credits that make it up expire.

    Debits spend the earliest-expiring credits first, so what remains is made of the latest
    expiring ones: walk the credits from the latest ``valid_to`` (none = never expires) back.
    Credits already past their ``valid_to`` count in ``zero_to_thirty``.
    """
    buckets = {name: Decimal(0) for name in EXPIRATION_BUCKETS}
    never = datetime.max.replace(tzinfo=now.tzinfo)
    ordered = sorted(credits, key=lambda journal: journal.valid_to or never, reverse=True)
    left = remaining
    for credit in ordered:
        if left <= 0:
            break
        part = min(credit.amount, left)
        left -= part
        if credit.valid_to is None:
            bucket = "ninety_plus"
        else:
            days = credit.valid_to - now
            if days < timedelta(days=30):
                bucket = "zero_to_thirty"
            elif days < timedelta(days=60):
                bucket = "thirty_to_sixty"
            elif days < timedelta(days=90):
                bucket = "sixty_to_ninety"
            else:
                bucket = "ninety_plus"
        buckets[bucket] += part
    if left > 0:  # more balance than recorded credits (e.g. rows arranged directly)
        buckets["ninety_plus"] += left
    return buckets


async def commerce_balances(
    session: AsyncSession,
    principal: Principal,
    wallet_id: str,
    request: PageRequest,
    *,
    spend_condition_id: str | None = None,
    currency_code: str | None = None,
    include_expiration: bool = False,
) -> list[CommerceBalanceView]:
    """A page of a wallet's commerce balances, one per spend condition that credited it."""
    wallet = await repository.get_wallet(session, principal, wallet_id)
    if currency_code is not None and currency_code.upper() != wallet.currency_code:
        raise InvalidInput(
            "currency_code", f"must be the wallet's currency ({wallet.currency_code})"
        )
    rows = await repository.page_commerce_balances(session, wallet.id, request, spend_condition_id)
    expirations: dict[str, dict[str, Decimal]] = {}
    if include_expiration and rows:
        credits: dict[str, list[Journal]] = defaultdict(list)
        pairs = [(wallet.id, row.spend_condition_id) for row, _ in rows]
        for journal in await repository.commerce_credits(session, pairs):
            credits[journal.spend_condition_id or ""].append(journal)
        now = utcnow()
        for row, _ in rows:
            expirations[row.spend_condition_id] = expiration_buckets(
                row.amount, credits[row.spend_condition_id], now
            )
    return [
        CommerceBalanceView(
            wallet_id=wallet.id,
            spend_condition=condition,
            amount=row.amount,
            currency_code=wallet.currency_code,
            expiration=expirations.get(row.spend_condition_id),
        )
        for row, condition in rows
    ]
