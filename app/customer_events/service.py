"""Rules for recording customer events.

- The organisation (the venue or merchant the event happened at) is the caller's or one
  below it (404 naming the organisation otherwise); left out, the caller's own.
- The contact must be one the caller may see (404 naming the contact, or the wallet when named
  by ``wallet_code``).
- An amount has at most its currency's minor units (400 naming ``amount``).
- ``occurred_on`` defaults to now and may not be more than :data:`FUTURE_TOLERANCE` ahead of
  the server's clock (400): events record what happened.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.contacts.repository import get_contact
from app.currencies import check_minor_units
from app.customer_events.commands import RecordCustomerEvent
from app.db.models import Account, CustomerEvent
from app.errors import InvalidInput
from app.organisations.repository import ORGANISATIONS
from app.wallets.repository import get_wallet

FUTURE_TOLERANCE = timedelta(minutes=5)


async def _contact_id(
    session: AsyncSession, principal: Principal, command: RecordCustomerEvent
) -> str:
    if command.wallet_code:
        wallet = await get_wallet(session, principal, command.wallet_code)
        stmt = select(Account.contact_id).where(Account.id == wallet.account_id)
        return str((await session.execute(stmt)).scalar_one())
    named = command.contact_id or command.contact_code
    assert named is not None  # the command names exactly one
    return (await get_contact(session, principal, named)).id


async def record_event(
    session: AsyncSession, principal: Principal, command: RecordCustomerEvent
) -> CustomerEvent:
    """Record a customer event (the rules are in this module's docstring)."""
    organisation_id = principal.organisation_id
    if command.organisation_id is not None:
        organisation = await ORGANISATIONS.lookup(
            session, principal, "organisation", command.organisation_id
        )
        organisation_id = organisation.id
    if command.amount is not None and command.currency_code is not None:
        check_minor_units(command.amount, command.currency_code, "amount")
    now = datetime.now(UTC)
    occurred_on = command.occurred_on or now
    if occurred_on > now + FUTURE_TOLERANCE:
        raise InvalidInput("occurred_on", "may not be in the future")
    event = CustomerEvent(
        organisation_id=organisation_id,
        is_test=principal.is_test,
        type=command.type,
        contact_id=await _contact_id(session, principal, command),
        amount=command.amount,
        currency_code=command.currency_code,
        occurred_on=occurred_on,
        properties=dict(command.properties),
    )
    session.add(event)
    await session.flush()
    return event
