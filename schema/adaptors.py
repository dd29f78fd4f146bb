"""GraphQL types and root fields of adaptor records (spec: Adaptors).

``adaptor`` is the adaptor's code (``WEBHOOKS``; ``APPROVAL_REQUESTS`` and others as they are
registered in :mod:`app.adaptors.sources`), ``action`` one of its action codes
(``POST_WEBHOOK``, ``PUT_WEBHOOK``). The root fields are open to any Back-Office caller; the
records' own permission (WEBHOOKS_READ / WEBHOOKS_WRITE for webhook requests) is checked once
the adaptor is known.
"""

from typing import Annotated

import strawberry

from app.adaptors.records import AdaptorRecord as AdaptorRecordRow
from app.adaptors.records import RecordSearch
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import adaptors as resolve
from resolvers.context import Info
from schema.common import (
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    to_page,
)
from schema.permissions import any_caller

AdaptorArgument = Annotated[
    strawberry.ID,
    strawberry.argument(description="The adaptor's code (e.g. WEBHOOKS)."),
]
ActionArgument = Annotated[
    strawberry.ID,
    strawberry.argument(description="The adaptor action's code (e.g. POST_WEBHOOK)."),
]
RecordIdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The record identifier.")
]
SortArgument = Annotated[
    str | None,
    strawberry.argument(
        description="The attribute to sort by (webhook requests: created_on, state or "
        "next_attempt_on; default created_on)."
    ),
]


@strawberry.type(description="One attribute of an adaptor record.")
class RecordAttribute:
    id: strawberry.ID = strawberry.field(description="The attribute identifier.")
    key: str = strawberry.field(description="The record's attribute key (e.g. url-endpoint).")
    label: str = strawberry.field(description="The record's attribute label.")
    type: str = strawberry.field(
        description="The record's attribute type: string, integer or date (epoch seconds)."
    )
    value: str | None = strawberry.field(description="The record's attribute value.")


@strawberry.type(description="A record an adaptor action keeps (e.g. a webhook request).")
class AdaptorRecord:
    id: strawberry.ID = strawberry.field(description="The record identifier.")
    record_attributes: list[RecordAttribute] = strawberry.field(
        description="Details about the record's attributes."
    )

    @classmethod
    def of(cls, row: AdaptorRecordRow) -> "AdaptorRecord":
        """The GraphQL record for a record of the registry."""
        return cls(
            id=strawberry.ID(row.id),
            record_attributes=[
                RecordAttribute(
                    id=strawberry.ID(a.id), key=a.key, label=a.label, type=a.type, value=a.value
                )
                for a in row.record_attributes
            ],
        )


@strawberry.input(description="Which records to return.")
class AdaptorRecordFilter:
    search_type: str | None = strawberry.field(
        default=None,
        description="The attribute key the search applies to (required with search_value; "
        "webhook requests: url-endpoint, state, webhook-name, response).",
    )
    search_value: str | None = strawberry.field(
        default=None,
        description="Text the attribute contains, ignoring case (required with search_type).",
    )
    automation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only records of this automation."
    )
    adaptor_action_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only records created by this automation action."
    )

    def search(self) -> RecordSearch:
        """The registry's search (400 when search_type or search_value comes alone)."""
        return RecordSearch(
            search_type=self.search_type,
            search_value=self.search_value,
            automation_id=self.automation_id,
            adaptor_action_id=self.adaptor_action_id,
        )


@strawberry.input(description="The new value of one attribute of a record.")
class RecordAttributeInput:
    key: str = strawberry.field(description="The record's key (webhook requests: url-endpoint).")
    value: str | None = strawberry.field(description="The record's value.")


@strawberry.type
class Query:
    @strawberry.field(
        description="Search for an adaptor action's records (e.g. webhook requests).",
        extensions=any_caller(),
    )
    async def adaptor_records(
        self,
        info: Info,
        adaptor: AdaptorArgument,
        action: ActionArgument,
        filter_by: Annotated[
            AdaptorRecordFilter | None,
            strawberry.argument(name="filter", description="Only records matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[AdaptorRecord]:
        search = (filter_by or AdaptorRecordFilter()).search()
        request = page_request(page, size, sort, order)
        result = await resolve.adaptor_records(info, adaptor, action, request, search)
        return to_page(result, AdaptorRecord.of)

    @strawberry.field(
        description="Retrieve details for a specific adaptor action's record.",
        extensions=any_caller(),
    )
    async def adaptor_record(
        self, info: Info, adaptor: AdaptorArgument, action: ActionArgument, id: RecordIdArgument
    ) -> AdaptorRecord:
        return AdaptorRecord.of(await resolve.adaptor_record(info, adaptor, action, id))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change the value of a specific adaptor action record attribute.",
        extensions=any_caller(),
    )
    async def change_adaptor_record(
        self,
        info: Info,
        adaptor: AdaptorArgument,
        action: ActionArgument,
        id: RecordIdArgument,
        input: RecordAttributeInput,
    ) -> AdaptorRecord:
        row = await resolve.change_adaptor_record(info, adaptor, action, id, input.key, input.value)
        return AdaptorRecord.of(row)
