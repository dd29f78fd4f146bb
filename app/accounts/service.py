"""Rules for accounts: one primary account per contact, the life cycle and termination transfer,
reward attributes on primary accounts only, reward scheme sign-up rules and merchants."""

import secrets
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import repository
from app.accounts.commands import (
    AddAccountMerchants,
    AutomaticSpendSettings,
    ChangeLifeCycleState,
    CreateAccount,
    SignUpToRewardScheme,
    UpdateAccount,
    UpdateAccountRewards,
)
from app.accounts.enums import AccountLifeCycleState, AutomaticSpendPreference
from app.auth.principal import Principal
from app.commands import apply
from app.contacts import repository as contacts
from app.currencies import check_amounts
from app.db.base import utcnow
from app.db.models import (
    Account,
    AccountClassification,
    AccountMerchant,
    AccountRewardScheme,
    Contact,
    PaymentTerms,
    RewardScheme,
    RewardTier,
)
from app.errors import BusinessRuleViolation, Conflict, InvalidInput, NotFound
from app.events import described, emit
from app.events.codes import Entity, Event
from app.identifiers import ensure_not_a_primary_id
from app.money import MONEY_RULE, money_in_range
from app.pagination import Page, PageRequest
from app.reference.lookup import get_visible
from app.wallets import repository as wallet_rows
from app.wallets import service as wallets

NUMBER_PREFIX = "AC"
NUMBER_DIGITS = 8
_NUMBER_ATTEMPTS = 20


def contact_display_name(contact: Contact) -> str:
    """The name a contact goes by: a person's first and last name, or the company name."""
    if contact.contact_type == "COMPANY" and contact.company_name:
        return contact.company_name
    parts = [contact.first_name, contact.last_name]
    return " ".join(part for part in parts if part) or contact.company_name or ""


async def _new_number(session: AsyncSession, organisation_id: str, is_test: bool) -> str:
    # Random digits rather than a counter: no shared sequence row for concurrent creates to
    # fight over; the unique constraint still guards against the rare clash.
    for _ in range(_NUMBER_ATTEMPTS):
        number = f"{NUMBER_PREFIX}{secrets.randbelow(10**NUMBER_DIGITS):0{NUMBER_DIGITS}d}"
        if not await repository.number_taken(session, organisation_id, is_test, number):
            # Never UUID-shaped, so never an account id; the shared rule still has the say.
            await ensure_not_a_primary_id(session, Account, "number", number)
            return number
    raise Conflict("Could not find a free account number; try again.", ["number"])


async def _billing_address_id(
    session: AsyncSession, contact_id: str, address_id: str | None
) -> str | None:
    if address_id is None:
        return None
    if await repository.address_of_contact(session, contact_id, address_id) is None:
        raise NotFound("address", address_id)
    return address_id


async def _reference_id(
    session: AsyncSession,
    principal: Principal,
    model: type[AccountClassification] | type[PaymentTerms],
    entity: str,
    row_id: str | None,
) -> str | None:
    if row_id is None:
        return None
    return (await get_visible(session, principal, model, entity, row_id)).id


def _check_not_terminated(account: Account) -> None:
    if account.life_cycle_state == AccountLifeCycleState.TERMINATED:
        raise BusinessRuleViolation(
            f"Account {account.number} is TERMINATED and can no longer change.",
            ["account", account.id],
        )


def _check_primary(account: Account) -> None:
    if not account.is_primary:
        raise BusinessRuleViolation(
            f"Account {account.number} is not its contact's primary account; only the primary"
            " account holds reward information.",
            ["account", account.id],
        )


async def _locked_with_contact(
    session: AsyncSession, principal: Principal, id_or_number: str
) -> Account:
    """The account, locked after its contact: changes that may move a contact's primary flag
    lock the contact first and its accounts second, so concurrent requests never deadlock."""
    account = await repository.get_account(session, principal, id_or_number)
    await repository.lock_contact(session, account.contact_id)
    (locked,) = await repository.lock_accounts(session, [account.id])
    return locked


async def _make_primary(session: AsyncSession, account: Account) -> None:
    await repository.unset_other_primaries(session, account.contact_id, account.id)
    account.is_primary = True


async def contact_accounts(
    session: AsyncSession,
    principal: Principal,
    contact_id_or_code: str,
    request: PageRequest,
    filters: dict[str, Any],
) -> Page[Account]:
    """A page of a contact's accounts (404 if the caller cannot see the contact)."""
    contact = await contacts.get_contact(session, principal, contact_id_or_code)
    return await repository.search_contact_accounts(
        session, principal, contact.id, request, **filters
    )


async def create_account(
    session: AsyncSession, principal: Principal, contact_id_or_code: str, command: CreateAccount
) -> Account:
    """Add an account to a contact; it is primary if asked or if the contact has no live primary.

    The account belongs to the contact's organisation and mode, is named
    ``"<contact name> <number>"`` and bills the given address or else the contact's primary one.
    """
    check_amounts(command, command.currency_code)
    contact = await contacts.get_contact(session, principal, contact_id_or_code)
    await repository.lock_contact(session, contact.id)
    classification_id = await _reference_id(
        session, principal, AccountClassification, "classification", command.classification_id
    )
    if command.billing_address_id is not None:
        billing_address_id = await _billing_address_id(
            session, contact.id, command.billing_address_id
        )
    else:
        primary_address = await repository.primary_address_of_contact(session, contact.id)
        billing_address_id = primary_address.id if primary_address else None
    existing = await repository.accounts_of_contact(session, contact.id)
    has_live_primary = any(
        a.is_primary and a.life_cycle_state != AccountLifeCycleState.TERMINATED for a in existing
    )
    number = await _new_number(session, contact.organisation_id, contact.is_test)
    account = Account(
        organisation_id=contact.organisation_id,
        is_test=contact.is_test,
        contact_id=contact.id,
        number=number,
        name=f"{contact_display_name(contact)} {number}".strip(),
        is_primary=False,
        life_cycle_state=AccountLifeCycleState.ACTIVE.value,
        currency_code=command.currency_code,
        classification_id=classification_id,
        billing_address_id=billing_address_id,
        balance=Decimal(0),
        credit_limit=Decimal(0),
        overdue_amount=Decimal(0),
        opening_balance=Decimal(0),
    )
    session.add(account)
    await session.flush()
    if command.is_primary or not has_live_primary:
        await _make_primary(session, account)
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.ACCOUNTS,
        event=Event.CREATE_ACCOUNT,
        entity_id=account.id,
        data=described(account),
    )
    return account


async def update_account(
    session: AsyncSession, principal: Principal, id_or_number: str, command: UpdateAccount
) -> Account:
    """Change the given fields of an account (404 for references the caller cannot see).

    ``is_primary: true`` moves the contact's primary flag here; ``false`` on the primary account
    is refused, since a contact always keeps one primary account.
    """
    account = await _locked_with_contact(session, principal, id_or_number)
    _check_not_terminated(account)
    check_amounts(command, account.currency_code)
    await _reference_id(
        session, principal, AccountClassification, "classification", command.classification_id
    )
    await _reference_id(session, principal, PaymentTerms, "payment_terms", command.payment_terms_id)
    await _billing_address_id(session, account.contact_id, command.billing_address_id)
    apply(command, account, exclude={"is_primary"})
    if command.is_primary:
        await _make_primary(session, account)
    elif command.given("is_primary") and account.is_primary:
        raise InvalidInput(
            "is_primary",
            "the primary account cannot be unset; make another account primary instead",
        )
    await session.flush()
    return account


async def change_life_cycle_state(
    session: AsyncSession,
    principal: Principal,
    id_or_number: str,
    command: ChangeLifeCycleState,
) -> Account:
    """Move an account to ACTIVE, SUSPENDED or TERMINATED (final).

    Terminating needs ``transfer_to_account_id``: another visible, non-terminated account of
    the same currency, which receives the account's balance (and its wallet's balance) in the
    same transaction. A primary account whose contact keeps other non-terminated accounts may
    only transfer to one of those, which then becomes the primary account.
    """
    transfer_to_account_id = command.transfer_to_account_id
    if command.life_cycle_state != AccountLifeCycleState.TERMINATED:
        account = await repository.get_account(session, principal, id_or_number, for_update=True)
        _check_not_terminated(account)
        account.life_cycle_state = command.life_cycle_state
        await session.flush()
        await emit(
            session,
            principal,
            entity=Entity.ACCOUNTS,
            event=Event.CHANGE_ACCOUNT_LIFE_CYCLE_STATE,
            entity_id=account.id,
            data=described(account),
        )
        return account
    account = await _locked_with_contact(session, principal, id_or_number)
    _check_not_terminated(account)
    if not transfer_to_account_id:
        raise InvalidInput("transfer_to_account_id", "is required when terminating an account")
    target = await repository.get_account(session, principal, transfer_to_account_id)
    if target.id == account.id:
        raise InvalidInput("transfer_to_account_id", "must be another account")
    # Both accounts locked in id order: opposite transfers never wait on each other.
    await repository.lock_accounts(session, [account.id, target.id])
    _check_not_terminated(account)
    if target.life_cycle_state == AccountLifeCycleState.TERMINATED:
        raise InvalidInput("transfer_to_account_id", "must not be a TERMINATED account")
    if target.currency_code != account.currency_code:
        raise InvalidInput(
            "transfer_to_account_id",
            f"must be an account in {account.currency_code}, not {target.currency_code}",
        )
    if account.is_primary:
        others = [
            a
            for a in await repository.accounts_of_contact(session, account.contact_id)
            if a.id != account.id and a.life_cycle_state != AccountLifeCycleState.TERMINATED
        ]
        if others and target.id not in {a.id for a in others}:
            raise InvalidInput(
                "transfer_to_account_id",
                "a primary account whose contact has other accounts must transfer to one of"
                " them; that account becomes the primary account",
            )
        if others:
            await _make_primary(session, target)
    await _transfer_wallet_balance(session, principal, account, target)
    if not money_in_range(target.balance + account.balance):
        raise InvalidInput(
            "transfer_to_account_id", f"cannot take this balance: balances have {MONEY_RULE}"
        )
    target.balance = target.balance + account.balance
    account.balance = Decimal(0)
    account.life_cycle_state = AccountLifeCycleState.TERMINATED.value
    account.terminated_on = utcnow()
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.ACCOUNTS,
        event=Event.CHANGE_ACCOUNT_LIFE_CYCLE_STATE,
        entity_id=account.id,
        data=described(account),
    )
    return account


async def _transfer_wallet_balance(
    session: AsyncSession, principal: Principal, account: Account, target: Account
) -> None:
    """Move the account's wallet balance to the target's wallet through journals, then
    terminate the account's wallet (the wallets domain refuses a balance with nowhere to go)."""
    await wallets.transfer_wallet_balance(
        session,
        principal,
        account.id,
        target.id,
        f"Balance moved from terminated account {account.number} to account {target.number}",
    )
    wallet = await wallet_rows.effective_wallet_of_account(session, account.id)
    if wallet is not None:
        await wallets.terminate_wallet(session, principal, wallet.id)


async def update_rewards(
    session: AsyncSession, principal: Principal, id_or_number: str, command: UpdateAccountRewards
) -> Account:
    """Change the reward attributes of a contact's primary account (400 for other accounts).

    ``minimum_wallet_balance`` and ``from_purchase_amount`` apply only to the
    ALL_MERCHANT_PURCHASE preference; switching to NEXT_MERCHANT_PURCHASE clears them.
    """
    account = await repository.get_account(session, principal, id_or_number, for_update=True)
    _check_primary(account)
    _check_not_terminated(account)
    check_amounts(command, account.currency_code)
    if command.signed_up_organisation_id is not None:
        await repository.get_visible_organisation(
            session, principal, command.signed_up_organisation_id
        )
    apply(command, account, exclude={"automatic_spend_settings"})
    if command.automatic_spend_settings is not None:
        _apply_automatic_spend_settings(account, command.automatic_spend_settings)
    await session.flush()
    return account


_PREFERENCE_AMOUNTS = ("minimum_wallet_balance", "from_purchase_amount")
"""Automatic spend amounts that apply only to the ALL_MERCHANT_PURCHASE preference."""


def _apply_automatic_spend_settings(account: Account, settings: AutomaticSpendSettings) -> None:
    apply(settings, account, exclude=_PREFERENCE_AMOUNTS)
    applies = account.automatic_spend_preference == AutomaticSpendPreference.ALL_MERCHANT_PURCHASE
    for name in _PREFERENCE_AMOUNTS:
        if not settings.given(name):
            continue
        if getattr(settings, name) is not None and not applies:
            raise InvalidInput(
                f"automatic_spend_settings.{name}",
                "applies only when automatic_spend_preference is ALL_MERCHANT_PURCHASE",
            )
        setattr(account, name, getattr(settings, name))
    if not applies:
        account.minimum_wallet_balance = None
        account.from_purchase_amount = None


def _check_may_sign_up(scheme: RewardScheme, command: SignUpToRewardScheme) -> None:
    """400 if the scheme's sign-up rule refuses the sign-up."""
    email = command.email_address
    if scheme.sign_up_method == "EMAIL_DOMAIN":
        if email is None or "@" not in email:
            raise InvalidInput(
                "email_address", "an e-mail address is required to join this reward scheme"
            )
        domain = email.rsplit("@", 1)[1]
        allowed = {d.strip().lower().lstrip("@") for d in scheme.email_domains or []}
        if domain not in allowed:
            raise InvalidInput(
                "email_address", f"the domain {domain!r} may not join this reward scheme"
            )
    elif scheme.sign_up_method == "SIGN_UP_CODE":
        code = command.sign_up_code
        if not code or not scheme.sign_up_code or code != scheme.sign_up_code:
            raise InvalidInput("sign_up_code", "does not match the reward scheme's sign-up code")


async def sign_up_to_reward_scheme(
    session: AsyncSession, principal: Principal, id_or_number: str, command: SignUpToRewardScheme
) -> AccountRewardScheme:
    """Sign a primary account up to a reward scheme, under the scheme's sign-up rule.

    OPEN schemes take anyone; EMAIL_DOMAIN schemes need an ``email_address`` of one of their
    domains; SIGN_UP_CODE schemes need their ``sign_up_code``. Signing up twice is a 409.
    """
    account = await repository.get_account(session, principal, id_or_number, for_update=True)
    _check_primary(account)
    _check_not_terminated(account)
    scheme = await get_visible(
        session, principal, RewardScheme, "reward_scheme", command.reward_scheme_id
    )
    _check_may_sign_up(scheme, command)
    if await repository.get_sign_up(session, account.id, scheme.id) is not None:
        raise Conflict(
            f"Account {account.number} has already signed up to this reward scheme.",
            ["reward_scheme", scheme.id],
        )
    sign_up = AccountRewardScheme(
        account_id=account.id,
        reward_scheme_id=scheme.id,
        signed_up_on=command.signed_up_on or utcnow(),
        email_address=command.email_address,
    )
    session.add(sign_up)
    await session.flush()
    return sign_up


async def sign_out_of_reward_scheme(
    session: AsyncSession, principal: Principal, id_or_number: str, reward_scheme_id: str
) -> Account:
    """Remove an account's sign-up to a reward scheme (404 if it has not signed up)."""
    account = await repository.get_account(session, principal, id_or_number, for_update=True)
    sign_up = await repository.get_sign_up(session, account.id, reward_scheme_id)
    if sign_up is None:
        raise NotFound("reward_scheme", reward_scheme_id)
    await repository.delete_sign_up(session, sign_up)
    await session.flush()
    return account


async def add_merchants(
    session: AsyncSession,
    principal: Principal,
    id_or_number: str,
    command: AddAccountMerchants,
) -> Account:
    """Allow organisations of the caller's network to perform automatic spends for a primary
    account; naming a merchant again updates its ``is_next_visit``.
    """
    account = await repository.get_account(session, principal, id_or_number, for_update=True)
    _check_primary(account)
    _check_not_terminated(account)
    if not command.merchants:
        raise InvalidInput("merchants", "must name at least one merchant")
    wanted: dict[str, bool] = {}
    for merchant in command.merchants:
        await repository.get_visible_organisation(session, principal, merchant.organisation_id)
        wanted[merchant.organisation_id] = merchant.is_next_visit
    existing = await repository.merchants_by_id(session, account.id, list(wanted))
    for organisation_id, is_next_visit in wanted.items():
        row = existing.get(organisation_id)
        if row is None:
            session.add(
                AccountMerchant(
                    account_id=account.id,
                    merchant_id=organisation_id,
                    is_next_visit=is_next_visit,
                    created_on=utcnow(),
                )
            )
        else:
            row.is_next_visit = is_next_visit
    await session.flush()
    return account


async def remove_merchant(
    session: AsyncSession, principal: Principal, id_or_number: str, merchant_id: str
) -> Account:
    """Remove one merchant from an account's automatic spends (404 if it is not one of them)."""
    account = await repository.get_account(session, principal, id_or_number, for_update=True)
    if not await repository.delete_merchant(session, account.id, merchant_id):
        raise NotFound("merchant", merchant_id)
    await session.flush()
    return account


def next_tier_progression(
    period_value_units: Decimal, tier: RewardTier, tiers_of_scheme: Sequence[RewardTier]
) -> Decimal | None:
    """How far (percent, 0-100) the account's period value units reach towards the next tier.

    ``None`` when the account's tier is already the highest of its scheme.
    """
    higher = [t for t in tiers_of_scheme if t.threshold_value_units > tier.threshold_value_units]
    if not higher:
        return None
    threshold = min(t.threshold_value_units for t in higher)
    if threshold <= 0:
        return Decimal(100)
    progress = min(Decimal(100), period_value_units * 100 / threshold)
    return progress.quantize(Decimal("0.01"))
