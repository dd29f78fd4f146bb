"""SQL of analytics: one grouped statement per kind of metric, over the organisations a row
reports on (each with everything below it) and the caller's network and mode.

Event totals read :func:`app.customer_events.source.event_source` (recorded events, journals,
sign-ups), so that journals and sign-ups count as they happen.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.accounts.repository import ACCOUNTS
from app.analytics.periods import Periods
from app.auth.principal import Principal
from app.customer_events.source import event_source
from app.db.models import Account, AccountRewardScheme, Organisation, Wallet
from app.organisations.enums import OrganisationType
from app.organisations.repository import ORGANISATIONS
from app.tenancy import at_or_below_path
from app.wallets.repository import WALLETS

CURRENT = "current"
PREVIOUS = "previous"


@dataclass
class Totals:
    """How many events and their total amount, in one period."""

    count: int = 0
    amount: Decimal = Decimal(0)


def _row_organisations(principal: Principal, ids: Sequence[str]) -> Any:
    """The organisations rows report on (id, path), as a sub-query."""
    return (
        ORGANISATIONS.scoped(
            select(Organisation.id.label("row_id"), Organisation.path.label("row_path")), principal
        )
        .where(Organisation.id.in_(list(ids)))
        .subquery("row_organisations")
    )


def _period(column: Any, periods: Periods) -> Any:
    if periods.current_start is None:
        return literal_column(f"'{CURRENT}'")
    return case((column >= periods.current_start, CURRENT), else_=PREVIOUS)


def _grouped(period: Any, periods: Periods) -> list[Any]:
    """The period among the GROUP BY keys, unless there is one period only (a constant)."""
    return [] if periods.current_start is None else [period]


async def event_totals(
    session: AsyncSession,
    principal: Principal,
    ids: Sequence[str],
    types: Sequence[str],
    periods: Periods,
    currency_code: str | None,
) -> dict[tuple[str, str, str], Totals]:
    """Count and amount of the events of ``types`` at each organisation of ``ids`` (and below
    it), by (organisation id, type, period)."""
    rows = _row_organisations(principal, ids)
    events = event_source(principal, types)
    at = aliased(Organisation)
    period = _period(events.c.occurred_on, periods)
    stmt = (
        select(
            rows.c.row_id,
            events.c.type,
            period.label("period"),
            func.count().label("n"),
            func.sum(events.c.amount).label("amount"),
        )
        .select_from(events)
        .join(at, at.id == events.c.organisation_id)
        .join(rows, at_or_below_path(at, rows.c.row_path))
        .group_by(rows.c.row_id, events.c.type, *_grouped(period, periods))
    )
    start = periods.previous_start or periods.current_start
    if start is not None:
        stmt = stmt.where(events.c.occurred_on >= start)
    if currency_code is not None:
        stmt = stmt.where(events.c.currency_code == currency_code)
    found: dict[tuple[str, str, str], Totals] = {}
    for row_id, kind, row_period, count, amount in (await session.execute(stmt)).all():
        found[(row_id, kind, row_period)] = Totals(int(count), amount or Decimal(0))
    return found


async def sign_ups(
    session: AsyncSession, principal: Principal, ids: Sequence[str], periods: Periods
) -> dict[tuple[str, str], int]:
    """New contacts at each organisation of ``ids`` (and below it), by (id, period)."""
    totals = await event_totals(session, principal, ids, ["SIGN_UP"], periods, None)
    return {(row_id, period): found.count for (row_id, _, period), found in totals.items()}


async def network_counts(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> dict[tuple[str, str], int]:
    """Merchants and venues below each organisation of ``ids``, by (id, org_type)."""
    rows = _row_organisations(principal, ids)
    below = aliased(Organisation)
    kinds = [OrganisationType.MERCHANT.value, OrganisationType.VENUE.value]
    stmt = (
        select(rows.c.row_id, below.org_type, func.count())
        .select_from(rows)
        .join(below, at_or_below_path(below, rows.c.row_path))
        .where(below.id != rows.c.row_id, below.org_type.in_(kinds))
        .group_by(rows.c.row_id, below.org_type)
    )
    return {(row_id, kind): int(n) for row_id, kind, n in (await session.execute(stmt)).all()}


async def wallet_balances(
    session: AsyncSession,
    principal: Principal,
    ids: Sequence[str],
    currency_code: str | None,
) -> dict[str, tuple[Decimal, Decimal]]:
    """The open and commerce balances of the wallets at each organisation of ``ids`` (and
    below it), now."""
    rows = _row_organisations(principal, ids)
    at = aliased(Organisation)
    stmt = (
        WALLETS.scoped(
            select(
                rows.c.row_id,
                func.sum(Wallet.open_balance),
                func.sum(Wallet.commerce_balance),
            ),
            principal,
        )
        .select_from(Wallet)
        .join(at, at.id == Wallet.organisation_id)
        .join(rows, at_or_below_path(at, rows.c.row_path))
        .group_by(rows.c.row_id)
    )
    if currency_code is not None:
        stmt = stmt.where(Wallet.currency_code == currency_code)
    return {
        row_id: (open_balance or Decimal(0), commerce or Decimal(0))
        for row_id, open_balance, commerce in (await session.execute(stmt)).all()
    }


async def reward_participants(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> dict[str, int]:
    """Contacts with an account signed up to a reward scheme, at each organisation of ``ids``
    (and below it), now."""
    rows = _row_organisations(principal, ids)
    at = aliased(Organisation)
    stmt = (
        ACCOUNTS.scoped(select(rows.c.row_id, func.count(Account.contact_id.distinct())), principal)
        .select_from(Account)
        .join(AccountRewardScheme, AccountRewardScheme.account_id == Account.id)
        .join(at, at.id == Account.organisation_id)
        .join(rows, at_or_below_path(at, rows.c.row_path))
        .group_by(rows.c.row_id)
    )
    return {row_id: int(n) for row_id, n in (await session.execute(stmt)).all()}


async def contact_totals(
    session: AsyncSession,
    principal: Principal,
    contact_id: str,
    types: Sequence[str],
    periods: Periods,
) -> dict[tuple[str, str], Totals]:
    """Count and amount of a contact's events of ``types``, by (type, period)."""
    events = event_source(principal, types)
    period = _period(events.c.occurred_on, periods)
    stmt = (
        select(
            events.c.type,
            period.label("period"),
            func.count(),
            func.sum(events.c.amount),
        )
        .where(events.c.contact_id == contact_id)
        .group_by(events.c.type, *_grouped(period, periods))
    )
    start = periods.previous_start or periods.current_start
    if start is not None:
        stmt = stmt.where(events.c.occurred_on >= start)
    return {
        (kind, row_period): Totals(int(n), amount or Decimal(0))
        for kind, row_period, n, amount in (await session.execute(stmt)).all()
    }


async def contact_wallet_balance(
    session: AsyncSession, principal: Principal, contact_id: str
) -> Decimal:
    """The sum of the balances (open and commerce) of a contact's wallets, now."""
    stmt = (
        WALLETS.scoped(
            select(func.sum(Wallet.open_balance), func.sum(Wallet.commerce_balance)), principal
        )
        .select_from(Wallet)
        .join(Account, Account.id == Wallet.account_id)
        .where(Account.contact_id == contact_id)
    )
    open_balance, commerce = (await session.execute(stmt)).one()
    return (open_balance or Decimal(0)) + (commerce or Decimal(0))
