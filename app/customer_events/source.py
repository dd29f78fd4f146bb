"""Every customer event as one selectable: the recorded events, wallet journals and sign-ups.

Journals and contacts are not copied into ``customer_events``: they are read at query time
through a ``UNION ALL`` of only the branches the asked-for types need, each narrowed to the
caller's network and mode by its repository:

- recorded events (``customer_events``) as they are, ``source`` CUSTOMER_EVENT;
- wallet journals: a DEBIT is a SPEND and a CREDIT an AWARD of the wallet's account's contact,
  on the journal's business date (``created_on``), in the journal's amount and currency, with
  the properties ``{"wallet_id", "journal_id", "description"}``, ``source`` JOURNAL;
- contacts: a SIGN_UP on the contact's creation date, without amount, with the properties
  ``{"contact_type"}``, ``source`` CONTACT.

The columns: ``id, organisation_id, type, contact_id, amount, currency_code, occurred_on,
properties, source``; ``properties`` is JSON (JSONB on PostgreSQL) whichever branch it comes
from, so property paths read the same way on every row.
"""

from collections.abc import Collection
from typing import Any

from sqlalchemy import String, Subquery, case, cast, literal, null, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from app.auth.principal import Principal
from app.contacts.repository import CONTACTS
from app.customer_events.enums import CustomerEventType, EventSource
from app.customer_events.repository import CUSTOMER_EVENTS
from app.db.base import Money
from app.db.models import Account, Contact, CustomerEvent, Journal, Wallet
from app.db.models.insights import PROPERTIES_TYPE
from app.wallets.enums import JournalType
from app.wallets.repository import JOURNALS

JOURNAL_EVENT_TYPES = {
    JournalType.DEBIT: CustomerEventType.SPEND,
    JournalType.CREDIT: CustomerEventType.AWARD,
}
"""The event type a journal shows up as, by journal type."""


class json_object(GenericFunction[Any]):
    """``json_object(key, value, ...)`` on SQLite, ``jsonb_build_object`` on PostgreSQL."""

    type = PROPERTIES_TYPE
    inherit_cache = True
    name = "json_object"


@compiles(json_object, "postgresql")
def _jsonb_build_object(element: json_object, compiler: Any, **kw: Any) -> str:
    return f"jsonb_build_object({compiler.process(element.clauses, **kw)})"


def _recorded(principal: Principal, types: Collection[str] | None) -> Any:
    stmt = select(
        CustomerEvent.id,
        CustomerEvent.organisation_id,
        CustomerEvent.type,
        CustomerEvent.contact_id,
        CustomerEvent.amount,
        CustomerEvent.currency_code,
        CustomerEvent.occurred_on,
        CustomerEvent.properties,
        literal(EventSource.CUSTOMER_EVENT.value, String).label("source"),
    ).where(CUSTOMER_EVENTS.visible(principal))
    if types is not None:
        stmt = stmt.where(CustomerEvent.type.in_(sorted(types)))
    return stmt


def _journals(principal: Principal, journal_types: list[str]) -> Any:
    event_type = case(
        *((Journal.type == kind.value, shown.value) for kind, shown in JOURNAL_EVENT_TYPES.items()),
        else_=null(),
    )
    return (
        select(
            Journal.id,
            Journal.organisation_id,
            event_type.label("type"),
            Account.contact_id,
            Journal.amount,
            Journal.currency_code,
            Journal.created_on.label("occurred_on"),
            json_object(
                "wallet_id",
                Journal.wallet_id,
                "journal_id",
                Journal.id,
                "description",
                Journal.description,
            ).label("properties"),
            literal(EventSource.JOURNAL.value, String).label("source"),
        )
        .join(Wallet, Wallet.id == Journal.wallet_id)
        .join(Account, Account.id == Wallet.account_id)
        .where(JOURNALS.visible(principal), Journal.type.in_(journal_types))
    )


def _sign_ups(principal: Principal) -> Any:
    return select(
        Contact.id,
        Contact.organisation_id,
        literal(CustomerEventType.SIGN_UP.value, String).label("type"),
        Contact.id.label("contact_id"),
        cast(null(), Money()).label("amount"),
        cast(null(), String(3)).label("currency_code"),
        Contact.created_on.label("occurred_on"),
        json_object("contact_type", Contact.contact_type).label("properties"),
        literal(EventSource.CONTACT.value, String).label("source"),
    ).where(CONTACTS.visible(principal))


def event_source(principal: Principal, types: Collection[str] | None = None) -> Subquery:
    """The caller's events of ``types`` (every type when ``None``) as a sub-query named
    ``events``, reading only the tables those types need."""
    wanted = None if types is None else set(types)
    branches = [_recorded(principal, wanted)]
    journal_types = [
        kind.value
        for kind, shown in JOURNAL_EVENT_TYPES.items()
        if wanted is None or shown.value in wanted
    ]
    if journal_types:
        branches.append(_journals(principal, journal_types))
    if wanted is None or CustomerEventType.SIGN_UP.value in wanted:
        branches.append(_sign_ups(principal))
    if len(branches) == 1:
        return branches[0].subquery("events")
    return union_all(*branches).subquery("events")
