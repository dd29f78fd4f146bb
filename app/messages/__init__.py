"""Outbound e-mail messages: written in the caller's transaction (:func:`queue_message`), sent
by SMTP by the outbox job when ``CRM_GATEWAY_SMTP_HOST`` is set, otherwise kept in the outbox
that both doors list and download."""

from app.messages.outbox import Attachment, MessageState, queue_message

__all__ = ["Attachment", "MessageState", "queue_message"]
