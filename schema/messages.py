"""GraphQL types and root fields of the outbox: outbound e-mail messages (reports, automation
communications) with their attachments. Not in the spec; in its style."""

import base64
from datetime import datetime
from typing import Annotated

import strawberry

from app.auth.permissions import Permission
from app.db.models import OutboxAttachment as AttachmentRow
from app.db.models import OutboxMessage as MessageRow
from app.messages.outbox import DEFAULT_SORT, SORT_COLUMNS, MessageState, OutboxSearch
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import messages as resolve
from resolvers.context import Info
from schema.common import (
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.permissions import needs

OutboxSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
MessageIdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The outbox message identifier.")
]

strawberry.enum(
    MessageState,
    description="Where an outbound message is: QUEUED (to be sent), SENT, FAILED (its "
    "attempts ran out) or KEPT (kept in the outbox: no SMTP server is configured, or test mode).",
)


@strawberry.type(description="A file attached to an outbound message.")
class OutboxAttachment:
    position: int = strawberry.field(description="The attachment's number, from 1.")
    filename: str = strawberry.field(description="The file name.")
    content_type: str = strawberry.field(description="The MIME type (text/csv...).")
    size: int = strawberry.field(description="The file's size in bytes.")
    row: strawberry.Private[AttachmentRow]

    @strawberry.field(description="The file's bytes, base64-encoded.")
    def content(self) -> str:
        return base64.b64encode(self.row.content).decode("ascii")

    @classmethod
    def of(cls, row: AttachmentRow) -> "OutboxAttachment":
        """The GraphQL attachment of an attachment row."""
        return cls(
            position=row.position,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            row=row,
        )


@strawberry.type(description="An outbound e-mail message of the caller's organisation.")
class OutboxMessage:
    id: strawberry.ID = strawberry.field(description="The message identifier.")
    origin: str = strawberry.field(description="What wrote it: REPORT, AUTOMATION...")
    recipients: list[str] = strawberry.field(description="The e-mail addresses it goes to.")
    subject: str = strawberry.field(description="The subject line.")
    body_text: str = strawberry.field(description="The plain-text body.")
    state: MessageState = strawberry.field(description="Where the message is.")
    attempts: int = strawberry.field(description="SMTP attempts made so far.")
    outcome: str | None = strawberry.field(
        description="The SMTP server's reply once sent, or why the message is kept."
    )
    last_error: str | None = strawberry.field(description="The last failed attempt's error.")
    next_attempt_on: datetime | None = strawberry.field(
        description="When a failed attempt is retried."
    )
    sent_on: datetime | None = strawberry.field(description="When it was sent.")
    created_date: datetime = strawberry.field(description="When it was queued.")

    @strawberry.field(description="The attached files, in order.")
    async def attachments(self, info: Info) -> list[OutboxAttachment]:
        loader = info.context.loaders.get(resolve.AttachmentsByMessageIdLoader)
        return [OutboxAttachment.of(row) for row in await loader.load(self.id)]

    @classmethod
    def of(cls, row: MessageRow) -> "OutboxMessage":
        """The GraphQL message of a message row."""
        return cls(
            id=strawberry.ID(row.id),
            origin=row.origin,
            recipients=list(row.recipients),
            subject=row.subject,
            body_text=row.body_text,
            state=MessageState(row.state),
            attempts=row.attempts,
            outcome=row.outcome,
            last_error=row.last_error,
            next_attempt_on=row.next_attempt_on,
            sent_on=row.sent_on,
            created_date=row.created_on,
        )


@strawberry.input(description="Which outbox messages to return: those matching every field given.")
class OutboxMessageFilter:
    states: list[MessageState] | None = strawberry.field(
        default=None, description="Only messages in one of these states."
    )
    origin: str | None = strawberry.field(
        default=None, description="Only messages written by this origin (REPORT...)."
    )

    def search(self) -> OutboxSearch:
        """The repository search this filter asks for."""
        return OutboxSearch(states=[state.value for state in self.states or []], origin=self.origin)


@strawberry.type
class Query:
    @strawberry.field(
        description="The outbox: outbound messages of the caller's network, newest first.",
        extensions=needs(Permission.OUTBOX_READ),
    )
    async def outbox_messages(
        self,
        info: Info,
        filter_by: Annotated[
            OutboxMessageFilter | None,
            strawberry.argument(name="filter", description="Only messages matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: OutboxSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[OutboxMessage]:
        search = (filter_by or OutboxMessageFilter()).search()
        result = await resolve.outbox_messages(info, page_request(page, size, sort, order), search)
        return to_page(result, OutboxMessage.of)

    @strawberry.field(
        description="One outbound message with its attachments.",
        extensions=needs(Permission.OUTBOX_READ),
    )
    async def outbox_message(self, info: Info, id: MessageIdArgument) -> OutboxMessage:
        return OutboxMessage.of(await resolve.outbox_message(info, id))

    @strawberry.field(
        description="One attachment of an outbound message, with its content (base64).",
        extensions=needs(Permission.OUTBOX_READ),
    )
    async def outbox_attachment(
        self,
        info: Info,
        id: MessageIdArgument,
        position: Annotated[
            int, strawberry.argument(description="The attachment's number, from 1.")
        ],
    ) -> OutboxAttachment:
        return OutboxAttachment.of(await resolve.outbox_attachment(info, id, position))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Queue a KEPT or FAILED message to be sent again (409 for another state).",
        extensions=needs(Permission.OUTBOX_WRITE),
    )
    async def send_outbox_message(self, info: Info, id: MessageIdArgument) -> OutboxMessage:
        return OutboxMessage.of(await resolve.send_outbox_message(info, id))
