"""SQL for accounts, their reward scheme sign-ups and merchants, narrowed to the caller."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import (
    Account,
    AccountMerchant,
    AccountRewardScheme,
    Contact,
    ContactAddress,
    Organisation,
)
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest, fetch_page

ACCOUNTS = TenantRepository(Account)
SIGN_UPS = ChildRepository(AccountRewardScheme, ACCOUNTS, "account_id")
MERCHANTS = ChildRepository(AccountMerchant, ACCOUNTS, "account_id")

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": Account.created_on,
    "number": Account.number,
    "name": Account.name,
    "currency_code": Account.currency_code,
    "balance": Account.balance,
    "life_cycle_state": Account.life_cycle_state,
}


def contact_account_order(account: Any = Account) -> list[Any]:
    """How a contact's accounts are listed: the primary first, then oldest first."""
    return [account.is_primary.desc(), account.created_on, account.id]


def sign_up_order(sign_up: Any = AccountRewardScheme) -> list[Any]:
    """How an account's reward scheme sign-ups are listed: oldest first."""
    return [sign_up.signed_up_on, sign_up.reward_scheme_id]


def merchant_order(merchant: Any = AccountMerchant) -> list[Any]:
    """How an account's automatic-spend merchants are listed: in the order they were added."""
    return [merchant.created_on, merchant.merchant_id]


def visible_accounts(principal: Principal) -> Select[Any]:
    """All accounts the caller may see."""
    return ACCOUNTS.readable(principal)


def account_by_id_or_number(
    principal: Principal, id_or_number: Any, *, for_update: bool = False
) -> Select[Any]:
    """The one account an id or number names for the caller (:meth:`TenantRepository.named`)."""
    return ACCOUNTS.named(principal, "number", id_or_number, for_update=for_update)


async def get_account(
    session: AsyncSession, principal: Principal, id_or_number: str, *, for_update: bool = False
) -> Account:
    """The account with this id or number (404 if the caller cannot see one).

    Numbers are unique per organisation, so a network may hold one number twice: an id match
    wins, then the caller's own organisation, then the oldest account. ``for_update`` locks the
    row until the transaction ends (PostgreSQL; SQLite writers are serialised already).
    """
    stmt = account_by_id_or_number(principal, id_or_number, for_update=for_update)
    account = (await session.execute(stmt)).scalars().first()
    if account is None:
        raise NotFound("account", id_or_number)
    return account


async def lock_accounts(session: AsyncSession, account_ids: Sequence[str]) -> list[Account]:
    """Lock accounts in id order (so two requests never wait on each other in a cycle) and
    reload them, since another transaction may have changed them before the lock was taken."""
    stmt = (
        select(Account)
        .where(Account.id.in_(account_ids))
        .order_by(Account.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


async def lock_contact(session: AsyncSession, contact_id: str) -> None:
    """Lock a contact's row so that concurrent changes to its primary account queue up."""
    await session.execute(select(Contact.id).where(Contact.id == contact_id).with_for_update())


async def accounts_of_contact(session: AsyncSession, contact_id: str) -> list[Account]:
    """Every account of a contact, oldest first."""
    stmt = (
        select(Account)
        .where(Account.contact_id == contact_id)
        .order_by(Account.created_on, Account.id)
    )
    return list((await session.execute(stmt)).scalars())


async def search_contact_accounts(
    session: AsyncSession,
    principal: Principal,
    contact_id: str,
    request: PageRequest,
    *,
    is_primary: bool | None = None,
    life_cycle_state: str | None = None,
) -> Page[Account]:
    """A page of a contact's accounts matching every given filter."""
    stmt = matching_contact_accounts(
        principal, contact_id, is_primary=is_primary, life_cycle_state=life_cycle_state
    )
    return await fetch_page(session, stmt, request, SORT_COLUMNS, default_sort=DEFAULT_SORT)


def matching_contact_accounts(
    principal: Principal,
    contact_id: Any,
    *,
    is_primary: bool | None = None,
    life_cycle_state: str | None = None,
) -> Select[Any]:
    """The caller's accounts of one contact (an id or an expression) matching the filters."""
    stmt = visible_accounts(principal).where(Account.contact_id == contact_id)
    if is_primary is not None:
        stmt = stmt.where(Account.is_primary.is_(is_primary))
    if life_cycle_state is not None:
        stmt = stmt.where(Account.life_cycle_state == life_cycle_state)
    return stmt


async def number_taken(
    session: AsyncSession, organisation_id: str, is_test: bool, number: str
) -> bool:
    """Whether an account of this organisation and mode already has ``number``."""
    stmt = select(
        exists().where(
            Account.organisation_id == organisation_id,
            Account.is_test.is_(is_test),
            Account.number == number,
        )
    )
    return bool((await session.execute(stmt)).scalar())


async def unset_other_primaries(session: AsyncSession, contact_id: str, primary_id: str) -> None:
    """Make every account of the contact except ``primary_id`` non-primary."""
    await session.execute(
        update(Account)
        .where(Account.contact_id == contact_id, Account.id != primary_id)
        .values(is_primary=False)
        .execution_options(synchronize_session="fetch")
    )


async def address_of_contact(
    session: AsyncSession, contact_id: str, address_id: str
) -> ContactAddress | None:
    """The contact's address with this id, or ``None`` if it is not one of the contact's."""
    stmt = select(ContactAddress).where(
        ContactAddress.id == address_id, ContactAddress.contact_id == contact_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def primary_address_of_contact(
    session: AsyncSession, contact_id: str
) -> ContactAddress | None:
    """The contact's primary address, if it has one."""
    stmt = select(ContactAddress).where(
        ContactAddress.contact_id == contact_id, ContactAddress.is_primary.is_(True)
    )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def get_visible_organisation(
    session: AsyncSession, principal: Principal, organisation_id: str
) -> Organisation:
    """An organisation of the caller's network (404 naming ``organisation`` otherwise)."""
    return await ORGANISATIONS.lookup(session, principal, "organisation", organisation_id)


async def get_sign_up(
    session: AsyncSession, account_id: str, reward_scheme_id: str
) -> AccountRewardScheme | None:
    """The account's sign-up to a reward scheme, if it has signed up."""
    return await session.get(AccountRewardScheme, (account_id, reward_scheme_id))


async def delete_sign_up(session: AsyncSession, sign_up: AccountRewardScheme) -> None:
    """Remove an account's sign-up to a reward scheme."""
    await session.delete(sign_up)


async def merchants_by_id(
    session: AsyncSession, account_id: str, merchant_ids: Sequence[str]
) -> dict[str, AccountMerchant]:
    """The account's merchant rows for these organisations, by organisation id."""
    stmt = select(AccountMerchant).where(
        AccountMerchant.account_id == account_id, AccountMerchant.merchant_id.in_(merchant_ids)
    )
    return {row.merchant_id: row for row in (await session.execute(stmt)).scalars()}


async def delete_merchant(session: AsyncSession, account_id: str, merchant_id: str) -> bool:
    """Remove one merchant of an account; whether there was one."""
    result = await session.execute(
        delete(AccountMerchant).where(
            AccountMerchant.account_id == account_id, AccountMerchant.merchant_id == merchant_id
        )
    )
    return bool(getattr(result, "rowcount", 0))
