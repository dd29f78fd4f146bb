"""Rules for webhooks and their requests.

- A webhook's credentials follow its ``url_auth`` (see :mod:`app.webhooks.commands`); the
  signing secret is made at creation and replaced by :func:`rotate_signing_secret`.
- :func:`queue_webhook_request` is how work for a webhook is queued (the automation engine's
  POST_WEBHOOK / PUT_WEBHOOK actions): a PENDING request in the caller's transaction, woken
  after the commit; the worker (:mod:`app.webhooks.delivery`) sends it.
- Deleting a webhook deletes its requests and their attempts (nothing is sent to a webhook
  that is gone).
- Only FAILED requests can be resent (409 naming the request otherwise): they become PENDING,
  due now, with the webhook's retries allowed afresh; the earlier attempts stay listed.
"""

import json
from typing import Any

from pydantic_core import PydanticCustomError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.commands import apply
from app.db.base import utcnow
from app.db.models import Webhook, WebhookRequest, WebhookRequestAttempt
from app.errors import Conflict, InvalidInput, NotFound
from app.live import publish_after_commit
from app.webhooks import repository
from app.webhooks.commands import (
    CreateWebhook,
    UpdateWebhook,
    WebhookRequestsActionCommand,
    check_url_endpoint,
)
from app.webhooks.enums import UrlAuth, WebhookRequestState
from app.webhooks.signing import new_signing_secret
from app.worker.wake import wake_after_commit

LIVE_TOPIC = "webhook_requests"
"""The :mod:`app.live` topic of webhook request updates."""

_CREDENTIALS = {
    UrlAuth.NO_AUTH: (),
    UrlAuth.USERNAME_PASSWORD: ("username", "password"),
    UrlAuth.API_KEY: ("api_key",),
}


def _check_credentials(webhook: Webhook) -> None:
    """Keep the credentials ``url_auth`` uses (each must be given) and drop the others."""
    needed = _CREDENTIALS[UrlAuth(webhook.url_auth)]
    for name in ("username", "password", "api_key"):
        value = getattr(webhook, name)
        if name not in needed:
            setattr(webhook, name, None)
        elif value is None or not value.strip():
            raise InvalidInput(name, f"is required when url_auth is {webhook.url_auth}")
    if not webhook.name or not webhook.name.strip():
        raise InvalidInput("name", "may not be blank")


async def create_webhook(
    session: AsyncSession, principal: Principal, command: CreateWebhook
) -> Webhook:
    """Create a webhook of the caller's organisation with a new signing secret."""
    webhook = Webhook(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        method=command.method,
        url_auth=command.url_auth,
        retries=command.retries,
        wait_period=command.wait_period,
        signing_secret=new_signing_secret(),
    )
    apply(command, webhook)
    _check_credentials(webhook)
    session.add(webhook)
    await session.flush()
    return webhook


async def update_webhook(
    session: AsyncSession, principal: Principal, webhook_id: str, command: UpdateWebhook
) -> Webhook:
    """Change the given fields of a webhook (requests already queued keep the URL and method
    they were queued with; the credentials and secret used are the webhook's at each attempt)."""
    webhook = await repository.webhook_for_change(session, principal, webhook_id)
    for name in ("name", "method", "url_endpoint", "url_auth", "retries", "wait_period"):
        if command.given(name) and getattr(command, name) is None:
            raise InvalidInput(name, "may not be null")
    apply(command, webhook)
    _check_credentials(webhook)
    await session.flush()
    return webhook


async def rotate_signing_secret(
    session: AsyncSession, principal: Principal, webhook_id: str
) -> Webhook:
    """Give a webhook a new signing secret; attempts from now on are signed with it."""
    webhook = await repository.webhook_for_change(session, principal, webhook_id)
    webhook.signing_secret = new_signing_secret()
    await session.flush()
    return webhook


async def delete_webhook(session: AsyncSession, principal: Principal, webhook_id: str) -> str:
    """Delete a webhook with its requests and their attempts; returns its id."""
    webhook = await repository.webhook_for_change(session, principal, webhook_id)
    request_ids = select(WebhookRequest.id).where(WebhookRequest.webhook_id == webhook.id)
    await session.execute(
        delete(WebhookRequestAttempt).where(
            WebhookRequestAttempt.webhook_request_id.in_(request_ids)
        )
    )
    await session.execute(delete(WebhookRequest).where(WebhookRequest.webhook_id == webhook.id))
    await session.delete(webhook)
    await session.flush()
    return webhook_id


def request_body(payload: dict[str, Any]) -> str:
    """The JSON text sent for ``payload`` (compact, UTF-8, keys in the payload's order)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def live_payload(request: WebhookRequest) -> dict[str, Any]:
    """What a subscriber is told of a webhook request that changed."""
    return {
        "id": request.id,
        "state": request.state,
        "attempts": request.attempts,
        "response_status": request.response_status,
    }


async def queue_webhook_request(
    session: AsyncSession,
    *,
    organisation_id: str,
    webhook_id: str,
    payload: dict[str, Any],
    event_id: str | None = None,
    automation_id: str | None = None,
    action_id: str | None = None,
    entity_type: str | None = None,
    entity_reference: str | None = None,
) -> WebhookRequest:
    """Queue ``payload`` for the webhook ``webhook_id`` of ``organisation_id``, in the caller's
    transaction: a PENDING request, due now, sent by the worker after the commit.

    The body sent is ``payload`` as compact JSON (:func:`request_body`), with the webhook's
    own method (POST or PUT) to the webhook's URL as it is now. The automation engine sends
    ``{"type": "<entity>.<event>", "timestamp": "<ISO 8601>", "data": {...}}`` (the Standard
    Webhooks payload shape). ``entity_type`` / ``entity_reference`` fill the request's
    ``entity`` (spec: ``{"type": "CONTACT", "reference": "..."}``). The request's mode (live or
    test) is the webhook's. Raises ``NotFound("webhook", id)`` for a webhook that is not the
    organisation's.
    """
    webhook = await repository.webhook_of_organisation_unscoped(
        session, organisation_id, webhook_id
    )
    if webhook is None:
        raise NotFound("webhook", webhook_id)
    request = WebhookRequest(
        organisation_id=webhook.organisation_id,
        is_test=webhook.is_test,
        webhook_id=webhook.id,
        event_id=event_id,
        automation_id=automation_id,
        action_id=action_id,
        entity_type=entity_type,
        entity_reference=entity_reference,
        state=WebhookRequestState.PENDING,
        method=webhook.method,
        url_endpoint=webhook.url_endpoint,
        url_auth=webhook.url_auth,
        payload=payload,
        body=request_body(payload),
        attempts=0,
        attempts_allowed=1 + webhook.retries,
        next_attempt_on=utcnow(),
    )
    session.add(request)
    await session.flush()
    wake_after_commit(session)
    await publish_after_commit(session, LIVE_TOPIC, request.organisation_id, live_payload(request))
    return request


async def act_on_webhook_requests(
    session: AsyncSession, principal: Principal, command: WebhookRequestsActionCommand
) -> list[WebhookRequest]:
    """RESEND the FAILED requests named (409 naming the first that is not FAILED)."""
    requests = await repository.requests_for_change(
        session, principal, list(dict.fromkeys(command.webhook_requests))
    )
    for request in requests:
        if request.state != WebhookRequestState.FAILED:
            raise Conflict(
                f"Only FAILED webhook requests can be resent; {request.id} is {request.state}.",
                ["webhook_request", request.id],
            )
    retries = await repository.webhook_retries_unscoped(
        session, [request.webhook_id for request in requests]
    )
    for request in requests:
        request.state = WebhookRequestState.PENDING
        request.attempts_allowed = request.attempts + 1 + retries[request.webhook_id]
        request.next_attempt_on = utcnow()
        request.locked_until = request.locked_by = None
        await publish_after_commit(
            session, LIVE_TOPIC, request.organisation_id, live_payload(request)
        )
    await session.flush()
    wake_after_commit(session)
    return requests


async def change_request_url(
    session: AsyncSession, principal: Principal, request_id: str, url_endpoint: str
) -> WebhookRequest:
    """Send a request's next attempts to ``url_endpoint`` (400 for a URL that is not http(s),
    409 for a request already delivered)."""
    try:
        url = check_url_endpoint(url_endpoint)
    except PydanticCustomError as refusal:
        raise InvalidInput("value", refusal.message()) from None
    (request,) = await repository.requests_for_change(session, principal, [request_id])
    if request.state == WebhookRequestState.SUCCESS:
        raise Conflict(
            "A delivered webhook request cannot be changed.", ["webhook_request", request.id]
        )
    request.url_endpoint = url
    await session.flush()
    return request
