"""Analytics of an organisation (and its children) and of a contact, from the gateway's data.

Organisation metrics (``metrics``, comma-separated; the spec asks for at least one, but its
example request sends none: then every metric is computed), each row covering the organisation
and everything below it:

- NETWORK: ``merchants``, ``venues`` (organisations of those types below it, now);
- SIGN_UPS: ``new_sign_ups`` (contacts created in the period);
- REWARD_PARTICIPANTS: ``reward_participants`` (contacts whose account is signed up to a reward
  scheme, now);
- AWARDS: ``total_awards`` (the awarded amount) and ``given_awards`` (the number of awards):
  AWARD events, wallet credits included;
- SPENDS: ``total_spends`` (the spent amount) and ``number_of_spends``: SPEND events, wallet
  debits included;
- PURCHASES: ``total_purchase_amount``, ``total_visits`` (purchases) and
  ``average_spend_per_visit``;
- WALLETS: ``wallets_open_balance`` and ``wallets_commerse_balance`` (the spec's spelling), now.

The period-bound values also come for the previous period (``previous_period``; none for
OVERALL). Every other field of the spec's example (trials, offers, subscriptions, services,
WiFi...) has no data in this gateway and is null, as are the fields of metrics not asked for.
Amounts add up every currency unless ``currency_code`` picks one.

Contact metrics: USAGE (``consumed_usage``: the amount spent in the period; ``remaining_usage``:
the balance of the contact's wallets now; ``usage_percentage``: consumed / (consumed +
remaining) x 100, null when both are 0), AWARDS, SPENDS and PURCHASES (count and amount, with
the previous period's).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.service import contact_display_name
from app.analytics import repository
from app.analytics.periods import Frequency, periods
from app.analytics.repository import CURRENT, PREVIOUS, Totals
from app.auth.principal import Principal
from app.contacts.repository import get_contact
from app.db.models import Contact, Organisation
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest


class OrganisationMetric(StrEnum):
    """A group of organisation metrics (see the module's docstring)."""

    NETWORK = "NETWORK"
    SIGN_UPS = "SIGN_UPS"
    REWARD_PARTICIPANTS = "REWARD_PARTICIPANTS"
    AWARDS = "AWARDS"
    SPENDS = "SPENDS"
    PURCHASES = "PURCHASES"
    WALLETS = "WALLETS"


class ContactMetric(StrEnum):
    """A group of contact metrics (see the module's docstring)."""

    USAGE = "USAGE"
    AWARDS = "AWARDS"
    SPENDS = "SPENDS"
    PURCHASES = "PURCHASES"


@dataclass
class PeriodValues:
    """The period-bound values of one period (``None``: not asked for)."""

    new_sign_ups: int | None = None
    total_awards: Decimal | None = None
    given_awards: int | None = None
    total_spends: Decimal | None = None
    number_of_spends: int | None = None
    total_purchase_amount: Decimal | None = None
    total_visits: int | None = None
    average_spend_per_visit: Decimal | None = None


@dataclass
class OrganisationAnalytics:
    """One row of an organisation's analytics (``None``: not asked for, or no data here)."""

    organisation_id: str
    organisation_name: str
    current: PeriodValues = field(default_factory=PeriodValues)
    previous: PeriodValues | None = None
    merchants: int | None = None
    venues: int | None = None
    reward_participants: int | None = None
    wallets_open_balance: Decimal | None = None
    wallets_commerse_balance: Decimal | None = None


def _wanted(metrics: Sequence[str] | None, every: type[StrEnum]) -> set[str]:
    """The metrics asked for; none given means all of them (the spec's examples send none)."""
    return set(metrics) if metrics else {metric.value for metric in every}


def _average(amount: Decimal | None, visits: int | None) -> Decimal | None:
    if amount is None or not visits:
        return None
    return (amount / visits).quantize(Decimal("0.0001"))


def _fill(
    values: PeriodValues,
    row_id: str,
    period: str,
    metrics: set[str],
    events: dict[tuple[str, str, str], Totals],
    signed_up: dict[tuple[str, str], int],
) -> None:
    def totals(kind: str) -> Totals:
        return events.get((row_id, kind, period), Totals())

    if OrganisationMetric.SIGN_UPS in metrics:
        values.new_sign_ups = signed_up.get((row_id, period), 0)
    if OrganisationMetric.AWARDS in metrics:
        values.total_awards, values.given_awards = totals("AWARD").amount, totals("AWARD").count
    if OrganisationMetric.SPENDS in metrics:
        spent = totals("SPEND")
        values.total_spends, values.number_of_spends = spent.amount, spent.count
    if OrganisationMetric.PURCHASES in metrics:
        bought = totals("PURCHASE")
        values.total_purchase_amount, values.total_visits = bought.amount, bought.count
        values.average_spend_per_visit = _average(bought.amount, bought.count)


async def organisation_analytics(
    session: AsyncSession,
    principal: Principal,
    organisation_id: str,
    metrics: Sequence[str] | None,
    frequency: Frequency,
    include_children: bool,
    currency_code: str | None,
    request: PageRequest,
) -> Page[OrganisationAnalytics]:
    """The analytics of an organisation (404 outside the caller's network) and, with
    ``include_children``, of each organisation directly below it (by name), one page."""
    wanted = _wanted(metrics, OrganisationMetric)
    organisation = await ORGANISATIONS.lookup(session, principal, "organisation", organisation_id)
    listed: list[Organisation] = [organisation]
    if include_children:
        stmt = (
            ORGANISATIONS.readable(principal)
            .where(Organisation.parent_id == organisation.id)
            .order_by(Organisation.name, Organisation.id)
        )
        listed += list((await session.execute(stmt)).scalars())
    page = listed[request.offset : request.offset + request.size]
    ids = [row.id for row in page]
    window = periods(frequency)
    types = [
        kind
        for metric, kind in (
            (OrganisationMetric.AWARDS, "AWARD"),
            (OrganisationMetric.SPENDS, "SPEND"),
            (OrganisationMetric.PURCHASES, "PURCHASE"),
        )
        if metric in wanted
    ]
    events = (
        await repository.event_totals(session, principal, ids, types, window, currency_code)
        if types and ids
        else {}
    )
    signed_up = (
        await repository.sign_ups(session, principal, ids, window)
        if OrganisationMetric.SIGN_UPS in wanted and ids
        else {}
    )
    network = (
        await repository.network_counts(session, principal, ids)
        if OrganisationMetric.NETWORK in wanted
        else {}
    )
    balances = (
        await repository.wallet_balances(session, principal, ids, currency_code)
        if OrganisationMetric.WALLETS in wanted
        else {}
    )
    participants = (
        await repository.reward_participants(session, principal, ids)
        if OrganisationMetric.REWARD_PARTICIPANTS in wanted
        else {}
    )
    rows = []
    for row in page:
        analytics = OrganisationAnalytics(organisation_id=row.id, organisation_name=row.name)
        _fill(analytics.current, row.id, CURRENT, wanted, events, signed_up)
        if window.previous_start is not None:
            analytics.previous = PeriodValues()
            _fill(analytics.previous, row.id, PREVIOUS, wanted, events, signed_up)
        if OrganisationMetric.NETWORK in wanted:
            analytics.merchants = network.get((row.id, "MERCHANT"), 0)
            analytics.venues = network.get((row.id, "VENUE"), 0)
        if OrganisationMetric.WALLETS in wanted:
            open_balance, commerce = balances.get(row.id, (Decimal(0), Decimal(0)))
            analytics.wallets_open_balance = open_balance
            analytics.wallets_commerse_balance = commerce
        if OrganisationMetric.REWARD_PARTICIPANTS in wanted:
            analytics.reward_participants = participants.get(row.id, 0)
        rows.append(analytics)
    return Page(items=rows, page=request.page, size=request.size, total=len(listed))


@dataclass
class EventMetric:
    """A contact's count and amount of one kind of event, with the previous period's."""

    count: int
    amount: Decimal
    previous_count: int | None
    previous_amount: Decimal | None


@dataclass
class Usage:
    """A contact's usage (see the module's docstring)."""

    consumed_usage: Decimal
    remaining_usage: Decimal
    usage_percentage: Decimal | None


@dataclass
class ContactAnalytics:
    """A contact's analytics (``None``: not asked for)."""

    contact: Contact
    name: str
    usage: Usage | None = None
    awards: EventMetric | None = None
    spends: EventMetric | None = None
    purchases: EventMetric | None = None


async def contact_analytics(
    session: AsyncSession,
    principal: Principal,
    contact_id: str,
    metrics: Sequence[str] | None,
    frequency: Frequency,
) -> ContactAnalytics:
    """The analytics of a contact (its id or code; 404 outside the caller's network)."""
    wanted = _wanted(metrics, ContactMetric)
    contact = await get_contact(session, principal, contact_id)
    window = periods(frequency)
    totals = await repository.contact_totals(
        session, principal, contact.id, ["AWARD", "SPEND", "PURCHASE"], window
    )

    def metric(kind: str) -> EventMetric:
        current = totals.get((kind, CURRENT), Totals())
        previous = totals.get((kind, PREVIOUS), Totals()) if window.previous_start else None
        return EventMetric(
            count=current.count,
            amount=current.amount,
            previous_count=previous.count if previous else None,
            previous_amount=previous.amount if previous else None,
        )

    result = ContactAnalytics(contact=contact, name=contact_display_name(contact))
    if ContactMetric.USAGE in wanted:
        consumed = totals.get(("SPEND", CURRENT), Totals()).amount
        remaining = await repository.contact_wallet_balance(session, principal, contact.id)
        whole = consumed + remaining
        percentage = (consumed * 100 / whole).quantize(Decimal("0.01")) if whole else None
        result.usage = Usage(consumed, remaining, percentage)
    if ContactMetric.AWARDS in wanted:
        result.awards = metric("AWARD")
    if ContactMetric.SPENDS in wanted:
        result.spends = metric("SPEND")
    if ContactMetric.PURCHASES in wanted:
        result.purchases = metric("PURCHASE")
    return result
