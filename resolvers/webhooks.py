"""Resolvers and dataloaders for webhooks, their requests and the requests' attempts."""

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from app.db.models import Webhook, WebhookRequest, WebhookRequestAttempt
from app.db.relations import Related
from app.errors import NotFound
from app.live import subscribe
from app.organisations.repository import visible_ids as visible_organisation_ids
from app.pagination import Page, PageRequest
from app.webhooks import repository, service
from app.webhooks.commands import CreateWebhook, UpdateWebhook, WebhookRequestsActionCommand
from app.webhooks.repository import RequestCounts, WebhookRequestSearch, WebhookSearch
from resolvers.context import Info
from resolvers.loaders import BatchLoader
from resolvers.relations import RelationLoader

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class WebhookByIdLoader(RelationLoader):
    """The caller's webhooks by id."""

    related = Related(Webhook, "id")


class AttemptsByWebhookRequestIdLoader(RelationLoader):
    """A webhook request's attempts, first attempt first."""

    related = Related(
        WebhookRequestAttempt, "webhook_request_id", repository.attempt_order, many=True
    )


class RequestCountsByWebhookIdLoader(BatchLoader[str, RequestCounts]):
    """How many of each webhook's requests are pending, successful and failed (one grouped
    count per batch)."""

    loads = (WebhookRequest, "webhook_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        found = await repository.request_counts(session, self.reader, keys)
        return [found.get(key, RequestCounts()) for key in keys]


async def webhook(info: Info, id: str) -> Webhook:
    """One webhook."""
    return await info.context.reads(repository.WEBHOOKS.lookup, "webhook", id)


async def webhooks(info: Info, request: PageRequest, search: WebhookSearch) -> Page[Webhook]:
    """A page of webhooks matching the search."""
    return await info.context.reads(repository.search_webhooks, request, search)


async def webhook_request(info: Info, id: str) -> WebhookRequest:
    """One webhook request."""
    return await info.context.reads(repository.REQUESTS.lookup, "webhook_request", id)


async def webhook_requests(
    info: Info, request: PageRequest, search: WebhookRequestSearch
) -> Page[WebhookRequest]:
    """A page of webhook requests matching the search."""
    return await info.context.reads(repository.search_webhook_requests, request, search)


async def create_webhook(info: Info, command: CreateWebhook) -> Webhook:
    """Create a webhook."""
    return await info.context.writes(service.create_webhook, command)


async def update_webhook(info: Info, id: str, command: UpdateWebhook) -> Webhook:
    """Update a webhook."""
    return await info.context.writes(service.update_webhook, id, command)


async def delete_webhook(info: Info, id: str) -> str:
    """Delete a webhook; returns its id."""
    return await info.context.writes(service.delete_webhook, id)


async def rotate_webhook_secret(info: Info, id: str) -> Webhook:
    """Give a webhook a new signing secret."""
    return await info.context.writes(service.rotate_signing_secret, id)


async def act_on_webhook_requests(
    info: Info, command: WebhookRequestsActionCommand
) -> list[WebhookRequest]:
    """Run an action (RESEND) on webhook requests."""
    return await info.context.writes(service.act_on_webhook_requests, command)


async def webhook_request_updates(
    info: Info, webhook_id: str | None
) -> AsyncIterator[WebhookRequest]:
    """The caller's webhook requests (of ``webhook_id`` when given) each time one changes:
    queued, attempted, delivered, dead-lettered or resent (in this process: see
    :mod:`app.live`)."""
    organisation_ids = await info.context.reads(visible_organisation_ids)
    async for update in subscribe(service.LIVE_TOPIC, organisation_ids):
        try:
            row = await info.context.reads(
                repository.REQUESTS.lookup, "webhook_request", update.payload["id"]
            )
        except NotFound:  # deleted since, or of the other mode: not the caller's
            continue
        if webhook_id is None or row.webhook_id == webhook_id:
            info.context.loaders.clear_all()  # each update is read afresh (attempts...)
            await info.context.check_still_authenticated()
            yield row
