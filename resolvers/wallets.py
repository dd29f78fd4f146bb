"""Resolvers and dataloaders for wallets, their commerce balances and journals."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import Account, Journal, OrganisationLocation, Wallet
from app.db.relations import Related
from app.pagination import Page, PageRequest
from app.wallets import repository, service
from app.wallets.commands import CreateWallet, PostJournal, UpdateWallet
from app.wallets.service import CommerceBalanceView
from resolvers.context import Info
from resolvers.loaders import BatchLoader, row_lists_by_key, rows_by_key, unique
from resolvers.relations import RelationLoader

JournalPageKey = tuple[str, PageRequest, str | None]


class WalletByIdLoader(BatchLoader[str, Wallet | None]):
    """Wallets by id (no tenant filter: only for relations of rows already visible)."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = select(Wallet).where(self.key_in(Wallet.id, keys))
        return await rows_by_key(session, stmt, keys, lambda row: row.id)


class EffectiveWalletByAccountIdLoader(RelationLoader):
    """An account's EFFECTIVE wallet, else its most recent wallet, else ``None``."""

    related = Related(Wallet, "account_id", repository.current_wallet_order)


class AccountByIdLoader(BatchLoader[str, Account | None]):
    """Accounts by id, for the account a wallet belongs to."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = select(Account).where(self.key_in(Account.id, keys))
        return await rows_by_key(session, stmt, keys, lambda row: row.id)


class JournalPageByWalletIdLoader(BatchLoader[JournalPageKey, Page[Journal]]):
    """One page of a wallet's journals; keys are (wallet id, page request, journal type).

    Wallets asking for the same page share one pair of statements.
    """

    async def load_batch(self, session: AsyncSession, keys: Sequence[Any]) -> list[Any]:
        groups: dict[tuple[PageRequest, str | None], list[str]] = defaultdict(list)
        for wallet_id, request, journal_type in keys:
            groups[(request, journal_type)].append(wallet_id)
        pages: dict[JournalPageKey, Page[Journal]] = {}
        for (request, journal_type), wallet_ids in groups.items():
            found = await repository.journal_pages(
                session, unique(wallet_ids), request, journal_type
            )
            for wallet_id, (items, total) in found.items():
                pages[(wallet_id, request, journal_type)] = Page(
                    items=items, page=request.page, size=request.size, total=total
                )
        return [pages[key] for key in keys]


class CommerceBalancesByWalletIdLoader(BatchLoader[str, list[CommerceBalanceView]]):
    """A wallet's commerce balances with their spend conditions (without expiration)."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        wallets = {
            wallet.id: wallet
            for wallet in (
                await session.execute(select(Wallet).where(self.key_in(Wallet.id, keys)))
            )
            .scalars()
            .all()
        }
        grouped: dict[str, list[CommerceBalanceView]] = defaultdict(list)
        for row, condition in await repository.commerce_balances_of_wallets(session, keys):
            grouped[row.wallet_id].append(
                CommerceBalanceView(
                    wallet_id=row.wallet_id,
                    spend_condition=condition,
                    amount=row.amount,
                    currency_code=wallets[row.wallet_id].currency_code,
                )
            )
        return [grouped.get(key, []) for key in keys]


class LocationsByOrganisationIdLoader(BatchLoader[str, list[OrganisationLocation]]):
    """An organisation's locations."""

    async def load_batch(self, session: AsyncSession, keys: Sequence[str]) -> list[Any]:
        stmt = (
            select(OrganisationLocation)
            .where(self.key_in(OrganisationLocation.organisation_id, keys))
            .order_by(OrganisationLocation.id)
        )
        return await row_lists_by_key(session, stmt, keys, lambda row: row.organisation_id)


async def wallet(info: Info, id: str) -> Wallet:
    """One wallet by id or code."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await repository.get_wallet(session, principal, id)


async def wallet_commerce_balances(
    info: Info, id: str, request: PageRequest, filters: dict[str, Any]
) -> list[CommerceBalanceView]:
    """A page of a wallet's commerce balances."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await service.commerce_balances(session, principal, id, request, **filters)


async def journal(info: Info, id: str) -> Journal:
    """One journal by id."""
    principal = info.context.backoffice()
    async with info.context.db.read() as session:
        return await repository.get_journal(session, principal, id)


async def create_wallet(info: Info, account_id: str, command: CreateWallet) -> Wallet:
    """Add a wallet to an account."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.create_wallet(session, principal, account_id, command)


async def update_wallet(info: Info, id: str, command: UpdateWallet) -> Wallet:
    """Change a wallet's settings."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.update_wallet(session, principal, id, command)


async def terminate_wallet(info: Info, id: str) -> Wallet:
    """Terminate a wallet."""
    principal = info.context.backoffice()
    async with info.context.write() as session:
        return await service.terminate_wallet(session, principal, id)


async def post_journal(info: Info, command: PostJournal, idempotency_key: str | None) -> Journal:
    """Credit or debit a wallet; the key comes from the argument or the Idempotency-Key header."""
    principal = info.context.backoffice()
    if idempotency_key is None:
        idempotency_key = info.context.request_headers.get("idempotency-key")
    async with info.context.write() as session:
        return await service.post_journal(session, principal, command, idempotency_key)
