"""Resolvers and dataloaders of the outbox (outbound messages and their attachments)."""

from app.db.models import OutboxAttachment, OutboxMessage
from app.db.relations import Related
from app.messages import outbox
from app.messages.outbox import OutboxSearch
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.relations import RelationLoader


class AttachmentsByMessageIdLoader(RelationLoader):
    """A message's attachments, in the order they were given."""

    related = Related(OutboxAttachment, "message_id", outbox.attachment_order, many=True)


async def outbox_messages(
    info: Info, request: PageRequest, search: OutboxSearch
) -> Page[OutboxMessage]:
    """A page of the outbox."""
    return await info.context.reads(outbox.search_messages, request, search)


async def outbox_message(info: Info, id: str) -> OutboxMessage:
    """One outbox message."""
    return await info.context.reads(outbox.get_message, id)


async def outbox_attachment(info: Info, id: str, position: int) -> OutboxAttachment:
    """One attachment of an outbox message."""
    return await info.context.reads(outbox.get_attachment, id, position)


async def send_outbox_message(info: Info, id: str) -> OutboxMessage:
    """Queue a kept or failed message to be sent again."""
    return await info.context.writes(outbox.send_again, id)
