"""GraphQL types and the filter of an organisation's activity feed (spec: GET
/organisations/{id}/activity_feed)."""

from datetime import datetime
from decimal import Decimal

import strawberry

from app.feed.enums import FeedActivityType, FeedDirection
from app.feed.repository import DEFAULT_SORT, SORT_NAMES, FeedEntry, FeedSearch
from schema.common import sort_argument

FEED_SORT = sort_argument({name: name for name in SORT_NAMES}, DEFAULT_SORT)

strawberry.enum(
    FeedActivityType,
    description="The kind of a feed entry: ACTIVITY (an activity created), JOURNAL (a credit or "
    "debit posted to a wallet), CONTACT_REGISTRATION (a contact registered).",
)
strawberry.enum(
    FeedDirection, description="Which way money moved: INCOMING (credit), OUTGOING (debit)."
)


@strawberry.type(description="The entity a top up (a journal) was performed for.")
class TopupEntity:
    id: strawberry.ID = strawberry.field(description="The top up entity identifier.")
    number: str | None = strawberry.field(description="The number or code of the entity.")
    type: str = strawberry.field(description="The type of the entity (ACCOUNT).")


@strawberry.type(description="One dated event of an organisation.")
class ActivityFeedEntry:
    id: strawberry.ID = strawberry.field(description="The entity's identifier.")
    activity_type: FeedActivityType = strawberry.field(description="The kind of event.")
    number: str | None = strawberry.field(
        description="The entity's number (an activity's number, a journal's wallet code)."
    )
    reference_number: str | None = strawberry.field(
        description="The entity's reference number (none of the feed's entities has one yet)."
    )
    code: str | None = strawberry.field(description="The entity's code (a contact's code).")
    state: str | None = strawberry.field(
        description="The entity's life cycle state (an activity's status; POSTED for journals)."
    )
    created_date: datetime = strawberry.field(description="The entity's created date.")
    direction: FeedDirection | None = strawberry.field(
        description="Which way money moved (journals)."
    )
    notes: str | None = strawberry.field(
        description="Notes: an activity's description (else its name), a journal's "
        "description, a contact's name."
    )
    type: str | None = strawberry.field(
        description="The entity's type name (ACTIVITY; CREDIT or DEBIT; PERSON or COMPANY)."
    )
    total_amount: Decimal | None = strawberry.field(description="The entity's total amount.")
    currency: str | None = strawberry.field(description="The entity's currency.")
    due_date: datetime | None = strawberry.field(
        description="The due date of invoices (no invoices in this gateway: always null)."
    )
    topup_entity: TopupEntity | None = strawberry.field(
        description="The entity a journal was posted for (its wallet's account)."
    )

    @classmethod
    def of(cls, entry: FeedEntry) -> "ActivityFeedEntry":
        """The GraphQL feed entry for a feed row."""
        topup = None
        if entry.topup_entity_id is not None:
            topup = TopupEntity(
                id=strawberry.ID(entry.topup_entity_id),
                number=entry.topup_entity_number,
                type=entry.topup_entity_type or "ACCOUNT",
            )
        return cls(
            id=strawberry.ID(entry.id),
            activity_type=FeedActivityType(entry.activity_type),
            number=entry.number,
            reference_number=None,
            code=entry.code,
            state=entry.state,
            created_date=entry.created_date,
            direction=FeedDirection(entry.direction) if entry.direction else None,
            notes=entry.notes,
            type=entry.type,
            total_amount=entry.total_amount,
            currency=entry.currency,
            due_date=None,
            topup_entity=topup,
        )


def _bound(relation: str) -> datetime | None:
    return strawberry.field(default=None, description=f"Only entries created {relation} it.")


@strawberry.input(description="Which feed entries to return: those matching every field given.")
class ActivityFeedFilter:
    activity_type: list[FeedActivityType] | None = strawberry.field(
        default=None, description="Only entries of these kinds."
    )
    created_date: datetime | None = strawberry.field(
        default=None,
        description="Only entries created on this day (UTC; any time of the day, or a date).",
    )
    created_date_gte: datetime | None = _bound("at or after")
    created_date_gt: datetime | None = _bound("after")
    created_date_lt: datetime | None = _bound("before")
    created_date_lte: datetime | None = _bound("at or before")

    def search(self) -> FeedSearch:
        """The repository search this filter asks for."""
        return FeedSearch(
            activity_types=[kind.value for kind in self.activity_type or []],
            created_date=self.created_date,
            created_date_gte=self.created_date_gte,
            created_date_gt=self.created_date_gt,
            created_date_lt=self.created_date_lt,
            created_date_lte=self.created_date_lte,
        )
