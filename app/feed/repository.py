"""The activity feed in SQL: one UNION ALL of the organisation's dated events, ordered, counted
and paged by the database (the same statement on SQLite and PostgreSQL).

Each source is a SELECT of the same labelled columns over one model, narrowed by that model's
repository (the caller's network and mode) and to the organisation's own rows; the filters are
applied inside each branch, so each uses its ``(organisation_id, is_test, created_on)`` index.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.activities.repository import ACTIVITIES
from app.auth.principal import Principal
from app.contacts.repository import CONTACTS
from app.db.base import Money
from app.db.models import Account, Activity, Contact, Journal, Wallet
from app.errors import InvalidInput
from app.feed.enums import FeedActivityType, FeedDirection
from app.pagination import Page, PageRequest, SortOrder
from app.wallets.repository import JOURNALS

DEFAULT_SORT = "created_date"
SORT_NAMES = ("created_date", "activity_type")


@dataclass(frozen=True)
class FeedEntry:
    """One event of an organisation's feed, with the spec's fields (``None`` where the
    source has no such value)."""

    id: str
    activity_type: str
    number: str | None
    code: str | None
    state: str | None
    created_date: datetime
    direction: str | None
    notes: str | None
    type: str | None
    total_amount: Decimal | None
    currency: str | None
    topup_entity_id: str | None
    topup_entity_number: str | None
    topup_entity_type: str | None


@dataclass(frozen=True)
class FeedSearch:
    """The feed's filters: the kinds of event (any of them; empty: all), the day of creation
    (UTC) and bounds on the creation time."""

    activity_types: Collection[str] = ()
    created_date: datetime | None = None
    created_date_gte: datetime | None = None
    created_date_gt: datetime | None = None
    created_date_lt: datetime | None = None
    created_date_lte: datetime | None = None

    def conditions(self, created_on: Any) -> list[ColumnElement[bool]]:
        """The conditions on a source's creation column."""
        conditions: list[ColumnElement[bool]] = []
        if self.created_date is not None:
            day = self.created_date.astimezone(UTC).replace(
                hour=0, minute=0, second=0, microsecond=0
            )
            conditions += [created_on >= day, created_on < day + timedelta(days=1)]
        bounds = (
            (self.created_date_gte, created_on.__ge__),
            (self.created_date_gt, created_on.__gt__),
            (self.created_date_lt, created_on.__lt__),
            (self.created_date_lte, created_on.__le__),
        )
        conditions += [compare(bound) for bound, compare in bounds if bound is not None]
        return conditions


def _text(value: str) -> Any:
    """A constant string written into the statement (not a parameter: PostgreSQL must know the
    type of every UNION column)."""
    return literal_column(f"'{value}'", String)


def _none() -> Any:
    return null()


def _no_amount() -> Any:
    """A typed NULL amount (when no branch has amounts, PostgreSQL would type it as text)."""
    return cast(null(), Money())


def _activities(principal: Principal, organisation_id: str, search: FeedSearch) -> Select[Any]:
    return ACTIVITIES.scoped(
        select(
            Activity.id.label("id"),
            _text(FeedActivityType.ACTIVITY).label("activity_type"),
            Activity.number.label("number"),
            _none().label("code"),
            Activity.status.label("state"),
            Activity.created_on.label("created_date"),
            _none().label("direction"),
            func.coalesce(Activity.description, Activity.name).label("notes"),
            _text(FeedActivityType.ACTIVITY).label("type"),
            _no_amount().label("total_amount"),
            _none().label("currency"),
            _none().label("topup_entity_id"),
            _none().label("topup_entity_number"),
            _none().label("topup_entity_type"),
        ),
        principal,
    ).where(Activity.organisation_id == organisation_id, *search.conditions(Activity.created_on))


def _journals(principal: Principal, organisation_id: str, search: FeedSearch) -> Select[Any]:
    direction = case(
        (Journal.type == "CREDIT", _text(FeedDirection.INCOMING)),
        else_=_text(FeedDirection.OUTGOING),
    )
    return (
        JOURNALS.scoped(
            select(
                Journal.id.label("id"),
                _text(FeedActivityType.JOURNAL).label("activity_type"),
                Wallet.code.label("number"),
                _none().label("code"),
                _text("POSTED").label("state"),
                Journal.created_on.label("created_date"),
                direction.label("direction"),
                Journal.description.label("notes"),
                Journal.type.label("type"),
                Journal.amount.label("total_amount"),
                Journal.currency_code.label("currency"),
                Account.id.label("topup_entity_id"),
                Account.number.label("topup_entity_number"),
                _text("ACCOUNT").label("topup_entity_type"),
            ),
            principal,
        )
        .join(Wallet, Wallet.id == Journal.wallet_id)
        .join(Account, Account.id == Wallet.account_id)
        .where(Journal.organisation_id == organisation_id, *search.conditions(Journal.created_on))
    )


def _contacts(principal: Principal, organisation_id: str, search: FeedSearch) -> Select[Any]:
    person = func.trim(
        func.coalesce(Contact.first_name, "") + " " + func.coalesce(Contact.last_name, "")
    )
    return CONTACTS.scoped(
        select(
            Contact.id.label("id"),
            _text(FeedActivityType.CONTACT_REGISTRATION).label("activity_type"),
            _none().label("number"),
            Contact.code.label("code"),
            _none().label("state"),
            Contact.created_on.label("created_date"),
            _none().label("direction"),
            func.coalesce(Contact.company_name, person).label("notes"),
            Contact.contact_type.label("type"),
            _no_amount().label("total_amount"),
            _none().label("currency"),
            _none().label("topup_entity_id"),
            _none().label("topup_entity_number"),
            _none().label("topup_entity_type"),
        ),
        principal,
    ).where(Contact.organisation_id == organisation_id, *search.conditions(Contact.created_on))


SOURCES: dict[str, Callable[[Principal, str, FeedSearch], Select[Any]]] = {
    FeedActivityType.ACTIVITY: _activities,
    FeedActivityType.JOURNAL: _journals,
    FeedActivityType.CONTACT_REGISTRATION: _contacts,
}
"""The feed's sources by the kind of event they give, in the order of the UNION."""


def _union(selects: list[Select[Any]]) -> Any:
    """The UNION ALL of ``selects`` (the select itself when there is one)."""
    return union_all(*selects) if len(selects) > 1 else selects[0]


async def organisation_feed(
    session: AsyncSession,
    principal: Principal,
    organisation_id: str,
    request: PageRequest,
    search: FeedSearch,
    sources: Collection[str],
) -> Page[FeedEntry]:
    """A page of the organisation's events from ``sources`` (kinds of event the caller may
    read) that match ``search``, newest first by default; one statement counts them, one
    reads the page. A sort other than :data:`SORT_NAMES` is a 400 naming ``sort``."""
    sort = request.sort or DEFAULT_SORT
    if sort not in SORT_NAMES:
        raise InvalidInput(
            "sort", f"unknown sort attribute {sort!r}; use one of {', '.join(SORT_NAMES)}"
        )
    wanted = [kind for kind in SOURCES if kind in sources]
    if search.activity_types:
        wanted = [kind for kind in wanted if kind in search.activity_types]
    if not wanted:
        return Page(items=[], page=request.page, size=request.size, total=0)
    branches = [SOURCES[kind](principal, organisation_id, search) for kind in wanted]
    everything = _union(branches).subquery("feed")
    total = (await session.execute(select(func.count()).select_from(everything))).scalar_one()
    ascending = request.order is SortOrder.ASC

    def in_order(*keys: Any) -> list[Any]:
        return [key.asc() if ascending else key.desc() for key in keys]

    # A page needs at most its end's number of rows from each source, in the feed's order (in
    # one source the sort key `activity_type` is constant): each source's index gives them,
    # rather than the whole union being sorted.
    needed = request.offset + request.size
    heads = [
        select(
            branch.order_by(
                *in_order(branch.selected_columns.created_date, branch.selected_columns.id)
            )
            .limit(needed)
            .subquery()
        )
        for branch in branches
    ]
    feed = _union(heads).subquery("feed")
    ordered = select(feed).order_by(*in_order(feed.c[sort], feed.c.created_date, feed.c.id))
    rows = await session.execute(ordered.limit(request.size).offset(request.offset))
    items = [FeedEntry(**row._mapping) for row in rows]
    return Page(items=items, page=request.page, size=request.size, total=total)
