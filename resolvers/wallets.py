"""Resolvers and dataloaders for wallets, their commerce balances and journals."""

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from app.db.models import Journal, Wallet, WalletCommerceBalance
from app.db.relations import Related, RelatedPages
from app.pagination import Page, PageRequest
from app.wallets import repository, service
from app.wallets.commands import CreateWallet, PostJournal, UpdateWallet
from app.wallets.service import CommerceBalanceView
from resolvers.accounts import AccountByIdLoader
from resolvers.context import Info
from resolvers.loaders import BatchLoader, unique
from resolvers.organisations import LocationsByOrganisationIdLoader
from resolvers.relations import RelationLoader

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

# Loaders of other domains that the wallet types use, imported from where they are defined.
__all__ = ["AccountByIdLoader", "LocationsByOrganisationIdLoader"]

JournalPageKey = tuple[str, PageRequest, repository.JournalFilter]


class WalletByIdLoader(RelationLoader):
    """The caller's wallets by id."""

    related = Related(Wallet, "id")


class EffectiveWalletByAccountIdLoader(RelationLoader):
    """An account's EFFECTIVE wallet, else its most recent wallet, else ``None``."""

    related = Related(Wallet, "account_id", repository.current_wallet_order)


class JournalPageByWalletIdLoader(BatchLoader[JournalPageKey, Page[Journal]]):
    """One page of a wallet's journals; keys are (wallet id, page request, journal filter).

    Wallets asking for the same page share one pair of statements.
    """

    loads = (Journal, "wallet_id")
    # The rows, sorts and filter of these pages, as compiled reads answer them.
    related: ClassVar[RelatedPages] = repository.JOURNAL_PAGES

    async def load_batch(self, session: "AsyncSession", keys: Sequence[Any]) -> list[Any]:
        groups: dict[tuple[PageRequest, repository.JournalFilter], list[str]] = defaultdict(list)
        for wallet_id, request, filters in keys:
            groups[(request, filters)].append(wallet_id)
        pages: dict[JournalPageKey, Page[Journal]] = {}
        for (request, filters), wallet_ids in groups.items():
            found = await repository.journal_pages(
                session, self.reader, unique(wallet_ids), request, filters
            )
            for wallet_id, (items, total) in found.items():
                pages[(wallet_id, request, filters)] = Page(
                    items=items, page=request.page, size=request.size, total=total
                )
        return [pages[key] for key in keys]


class CommerceBalancesByWalletIdLoader(BatchLoader[str, list[CommerceBalanceView]]):
    """A wallet's commerce balances with their spend conditions (without expiration)."""

    loads = (WalletCommerceBalance, "wallet_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        wallets = {
            wallet.id: wallet
            for wallet in await repository.WALLETS.rows_by_keys(session, self.reader, "id", keys)
        }
        grouped: dict[str, list[CommerceBalanceView]] = defaultdict(list)
        rows = await repository.commerce_balances_of_wallets(session, self.reader, keys)
        for row, condition in rows:
            grouped[row.wallet_id].append(
                CommerceBalanceView(
                    wallet_id=row.wallet_id,
                    spend_condition=condition,
                    amount=row.amount,
                    currency_code=wallets[row.wallet_id].currency_code,
                )
            )
        return [grouped.get(key, []) for key in keys]


async def wallet(info: Info, id: str) -> Wallet:
    """One wallet by id or code."""
    return await info.context.reads(repository.get_wallet, id)


async def wallet_commerce_balances(
    info: Info, id: str, request: PageRequest, filters: dict[str, Any]
) -> list[CommerceBalanceView]:
    """A page of a wallet's commerce balances."""
    return await info.context.reads(service.commerce_balances, id, request, **filters)


async def journal(info: Info, id: str) -> Journal:
    """One journal by id."""
    return await info.context.reads(repository.get_journal, id)


async def create_wallet(info: Info, account_id: str, command: CreateWallet) -> Wallet:
    """Add a wallet to an account."""
    return await info.context.writes(service.create_wallet, account_id, command)


async def update_wallet(info: Info, id: str, command: UpdateWallet) -> Wallet:
    """Change a wallet's settings."""
    return await info.context.writes(service.update_wallet, id, command)


async def terminate_wallet(info: Info, id: str) -> Wallet:
    """Terminate a wallet."""
    return await info.context.writes(service.terminate_wallet, id)


async def post_journal(info: Info, command: PostJournal, idempotency_key: str | None) -> Journal:
    """Credit or debit a wallet; the key comes from the argument or the Idempotency-Key header.

    The driver's short way first (``service.post_on_driver``), the session's when it does not
    apply."""
    if idempotency_key is None:
        idempotency_key = info.context.request_headers.get("idempotency-key")
    posted = await info.context.writes_on_driver(service.post_on_driver, command, idempotency_key)
    if posted is not None:
        return posted
    return await info.context.writes(service.post_journal, command, idempotency_key)
