"""GraphQL types, inputs and root fields of customer events (not in the spec; in its style:
``POST /customer_events`` records one, ``GET /customer_events`` searches them)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from app.auth.permissions import Permission
from app.customer_events.commands import RecordCustomerEvent
from app.customer_events.enums import CustomerEventType, EventSource, RecordedEventType
from app.customer_events.search import SORTS, EventRow, EventSearch
from app.db.models import CustomerEvent as CustomerEventRow
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import customer_events as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    to_page,
)
from schema.permissions import needs

strawberry.enum(
    CustomerEventType,
    description="What a contact did: PURCHASE, SPEND, AWARD, REFERRAL, ACHIEVEMENT (recorded); "
    "wallet journals show up as SPEND (debits) and AWARD (credits), a contact's creation as "
    "SIGN_UP.",
)
strawberry.enum(RecordedEventType, description="The customer event types a caller may record.")
strawberry.enum(
    EventSource,
    description="Where an event comes from: CUSTOMER_EVENT (recorded), JOURNAL (a wallet "
    "journal), CONTACT (a contact's sign-up).",
)

EventSortArgument = Annotated[
    str | None,
    strawberry.argument(
        description=f"The attribute to sort by: {', '.join(SORTS)} (default {SORTS[0]})."
    ),
]


@strawberry.type(description="Something a contact did at an organisation of the network.")
class CustomerEvent:
    id: strawberry.ID = strawberry.field(
        description="The event identifier (the journal's or contact's for derived events)."
    )
    type: CustomerEventType = strawberry.field(description="What the contact did.")
    contact_id: strawberry.ID = strawberry.field(description="The contact.")
    organisation_id: strawberry.ID = strawberry.field(
        description="The organisation (venue, merchant...) the event happened at."
    )
    amount: Decimal | None = strawberry.field(
        description="The amount in the currency's major unit, if the event has one."
    )
    currency_code: str | None = strawberry.field(description="The amount's currency.")
    occurred_on: datetime = strawberry.field(description="When the event happened.")
    properties: JSON = strawberry.field(description="The event's free properties (JSON).")
    source: EventSource = strawberry.field(description="Where the event comes from.")

    @classmethod
    def of(cls, row: EventRow | CustomerEventRow) -> "CustomerEvent":
        """The GraphQL event for a source row or a recorded event."""
        source = getattr(row, "source", EventSource.CUSTOMER_EVENT.value)
        properties: Any = row.properties
        return cls(
            id=strawberry.ID(row.id),
            type=CustomerEventType(row.type),
            contact_id=strawberry.ID(row.contact_id),
            organisation_id=strawberry.ID(row.organisation_id),
            amount=row.amount,
            currency_code=row.currency_code,
            occurred_on=row.occurred_on,
            properties=properties if properties is not None else {},
            source=EventSource(source),
        )


@strawberry.input(description="A customer event to record.")
class RecordCustomerEventInput:
    type: RecordedEventType = strawberry.field(description="What the contact did.")
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="The contact's id or code (or give contact_code/wallet_code)."
    )
    contact_code: str | None = strawberry.field(default=None, description="The contact's code.")
    wallet_code: str | None = strawberry.field(
        default=None, description="The code of a wallet of the contact's account."
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The venue or merchant: the caller's organisation (default) or one below it.",
    )
    amount: Decimal | None = strawberry.field(
        default=None,
        description="The amount in the currency's major unit (at most its minor units).",
    )
    currency_code: str | None = strawberry.field(
        default=None, description="The amount's currency (ISO 4217); given with amount."
    )
    occurred_on: datetime | None = strawberry.field(
        default=None, description="When it happened (default now; not in the future)."
    )
    properties: JSON | None = strawberry.field(
        default=None,
        description='Free properties, a JSON object (e.g. {"venue": {"name": "Costa Coffee '
        'Nicosia"}, "products": [...]}).',
    )


def _bound(relation: str) -> datetime | None:
    return strawberry.field(default=None, description=f"Only events that happened {relation} it.")


@strawberry.input(description="Which customer events to return: those matching every field given.")
class CustomerEventFilter:
    types: list[CustomerEventType] | None = strawberry.field(
        default=None, description="Only events of these types."
    )
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events of this contact (id or code)."
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events that happened at this organisation."
    )
    sources: list[EventSource] | None = strawberry.field(
        default=None, description="Only events from these sources."
    )
    occurred_on_gte: datetime | None = _bound("at or after")
    occurred_on_gt: datetime | None = _bound("after")
    occurred_on_lt: datetime | None = _bound("before")
    occurred_on_lte: datetime | None = _bound("at or before")

    def search(self) -> EventSearch:
        """The search this filter asks for."""
        return EventSearch(
            types=[kind.value for kind in self.types or []],
            contact=self.contact_id,
            organisation_id=self.organisation_id,
            sources=[source.value for source in self.sources or []],
            occurred_on_gte=self.occurred_on_gte,
            occurred_on_gt=self.occurred_on_gt,
            occurred_on_lt=self.occurred_on_lt,
            occurred_on_lte=self.occurred_on_lte,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Search the customer events of the caller's network: recorded events, "
        "wallet journals (SPEND, AWARD) and sign-ups (SIGN_UP).",
        extensions=needs(Permission.CUSTOMER_EVENTS_READ),
    )
    async def customer_events(
        self,
        info: Info,
        filter_by: Annotated[
            CustomerEventFilter | None,
            strawberry.argument(name="filter", description="Only events matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: EventSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[CustomerEvent]:
        search = (filter_by or CustomerEventFilter()).search()
        result = await resolve.customer_events(info, page_request(page, size, sort, order), search)
        return to_page(result, CustomerEvent.of)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Record a customer event (purchase, spend, award, referral, achievement).",
        extensions=needs(Permission.CUSTOMER_EVENTS_WRITE),
    )
    async def record_customer_event(
        self, info: Info, input: RecordCustomerEventInput
    ) -> CustomerEvent:
        command = to_command(input, RecordCustomerEvent)
        return CustomerEvent.of(await resolve.record_customer_event(info, command))
