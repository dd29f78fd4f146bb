"""The worker's job that delivers webhook requests (DESIGN.md §7).

One round (:func:`deliver_due_requests`):

1. **Claim**, in a short transaction: up to :data:`BATCH_SIZE` PENDING requests that are due
   and not leased are selected (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and leased to this
   round (``locked_until`` = now + :func:`lease_seconds`, ``locked_by`` = a token) by a
   compare-and-set update, so two workers never hold one request. No lock is held afterwards.
2. **Send** each with httpx, the webhook's method, credentials (basic auth for
   USERNAME_PASSWORD, an ``api_key`` header for API_KEY) and the Standard Webhooks headers
   (:mod:`app.webhooks.signing`; ``webhook-id`` is the request's id on every attempt), within
   ``timeout`` seconds.
3. **Record**, in a short transaction, the attempt (status, response truncated, or the error)
   and the request's new state: SUCCESS on a 2xx answer; else PENDING again, due after
   ``wait_period * 2 ** (attempt - 1)`` seconds (at most :data:`MAX_BACKOFF_SECONDS`), or FAILED
   once the attempts allowed (1 + the webhook's ``retries``) are used up. A worker whose lease
   ran out meanwhile records nothing (the request went back to the queue).

A process that dies between 1 and 3 leaves the lease behind; the request is claimed again
when it runs out, and sent again with the same ``webhook-id``.
"""

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog

from app import metrics
from app.db.base import new_id, utcnow
from app.db.engine import Database
from app.db.models import Webhook, WebhookRequest, WebhookRequestAttempt
from app.live import publish_after_commit
from app.settings import get_settings
from app.webhooks import repository
from app.webhooks.enums import UrlAuth, WebhookRequestState
from app.webhooks.service import LIVE_TOPIC, live_payload
from app.webhooks.signing import MAX_RESPONSE_CHARS, signed_headers
from app.worker.job import Job, has_due_rows

log = structlog.get_logger("crm_gateway.webhooks")

BATCH_SIZE = 20
MAX_BACKOFF_SECONDS = 86_400
DEFAULT_TIMEOUT_SECONDS = 10.0
USER_AGENT = "crm-gateway-webhooks/1"


def lease_seconds(timeout: float) -> float:
    """How long a claim holds a request: the send's timeout and a margin for the bookkeeping."""
    return timeout + 30.0


@dataclass
class _Outcome:
    started_on: datetime
    finished_on: datetime
    status: int | None = None
    response: str | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class _DeliveryHealth:
    last_claim_on: float | None = None


_health = _DeliveryHealth()


def backoff_seconds(wait_period: int, attempt: int) -> int:
    """Seconds to wait after failed attempt number ``attempt`` (1 for the first)."""
    return int(min(wait_period * 2 ** (attempt - 1), MAX_BACKOFF_SECONDS))


async def _claim(db: Database, token: str, send_seconds: float) -> list[str]:
    now = utcnow()
    until = now + timedelta(seconds=lease_seconds(send_seconds))
    claimed: list[str] = []
    if not await has_due_rows(db, repository.due_requests_unscoped(now)):
        return []  # nothing due: no write transaction
    async with db.write() as session:
        for request_id in await repository.due_request_ids_unscoped(session, now, BATCH_SIZE):
            if await repository.lease_unscoped(session, request_id, now, until, token):
                claimed.append(request_id)
    return claimed


async def _load(db: Database, request_id: str) -> tuple[WebhookRequest, Webhook] | None:
    async with db.read() as session:
        request = await repository.REQUESTS.get_by_id_unscoped(session, request_id)
        if request is None:
            return None
        webhook = await repository.WEBHOOKS.get_by_id_unscoped(session, request.webhook_id)
        return None if webhook is None else (request, webhook)


def _auth(webhook: Webhook) -> tuple[httpx.BasicAuth | None, dict[str, str]]:
    if webhook.url_auth == UrlAuth.USERNAME_PASSWORD:
        return httpx.BasicAuth(webhook.username or "", webhook.password or ""), {}
    if webhook.url_auth == UrlAuth.API_KEY:
        return None, {"api_key": webhook.api_key or ""}
    return None, {}


async def _read_answer(response: httpx.Response) -> str:
    """The first :data:`MAX_RESPONSE_CHARS` characters of an answer, read without holding more
    than a few times that many bytes (a receiver may answer with a large body)."""
    limit = MAX_RESPONSE_CHARS * 4
    kept = bytearray()
    async for chunk in response.aiter_bytes():
        kept.extend(chunk[: limit - len(kept)])
        if len(kept) >= limit:
            break
    return kept.decode(response.encoding or "utf-8", errors="replace")[:MAX_RESPONSE_CHARS]


async def _send(
    client: httpx.AsyncClient, request: WebhookRequest, webhook: Webhook, send_seconds: float
) -> _Outcome:
    """One attempt, at most ``send_seconds`` in all (httpx's timeout bounds each phase only)."""
    started = utcnow()
    auth, auth_headers = _auth(webhook)
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **auth_headers,
        **signed_headers(webhook.signing_secret, request.id, int(time.time()), request.body),
    }
    try:
        async with asyncio.timeout(send_seconds):
            async with client.stream(
                request.method,
                request.url_endpoint,
                content=request.body.encode(),
                headers=headers,
                auth=auth,
            ) as response:
                text = await _read_answer(response)
    except TimeoutError:
        return _Outcome(started, utcnow(), error=f"no answer within {send_seconds:g} s")
    except httpx.HTTPError as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return _Outcome(started, utcnow(), error=reason[:500])
    return _Outcome(started, utcnow(), status=response.status_code, response=text)


async def _record(db: Database, request_id: str, token: str, outcome: _Outcome) -> str | None:
    """Store the attempt and the request's new state; the state, or None if the lease was lost."""
    async with db.write() as session:
        request = await repository.leased_request_unscoped(session, request_id, token)
        if request is None:
            log.warning("webhook request lease lost; attempt not recorded", request_id=request_id)
            return None
        webhook = await repository.WEBHOOKS.get_by_id_unscoped(session, request.webhook_id)
        request.attempts += 1
        state = WebhookRequestState.SUCCESS if outcome.succeeded else WebhookRequestState.FAILED
        session.add(
            WebhookRequestAttempt(
                id=new_id(),
                webhook_request_id=request.id,
                attempt=request.attempts,
                state=state,
                url_endpoint=request.url_endpoint,
                response_status=outcome.status,
                response=outcome.response,
                error=outcome.error,
                started_on=outcome.started_on,
                finished_on=outcome.finished_on,
            )
        )
        request.response_status = outcome.status
        request.response = outcome.response if outcome.error is None else outcome.error
        request.locked_until = request.locked_by = None
        if outcome.succeeded:
            request.state = WebhookRequestState.SUCCESS
            request.delivered_on = outcome.finished_on
        elif request.attempts >= request.attempts_allowed:
            request.state = WebhookRequestState.FAILED
        else:
            wait = backoff_seconds(webhook.wait_period if webhook else 0, request.attempts)
            request.next_attempt_on = utcnow() + timedelta(seconds=wait)
        await publish_after_commit(
            session, LIVE_TOPIC, request.organisation_id, live_payload(request)
        )
        final_state = request.state
    return final_state


def _outcome_label(outcome: _Outcome, state: str) -> str:
    if outcome.succeeded:
        return "success"
    return "dead_lettered" if state == WebhookRequestState.FAILED else "retry"


async def _deliver(
    db: Database, client: httpx.AsyncClient, request_id: str, token: str, send_seconds: float
) -> bool:
    loaded = await _load(db, request_id)
    if loaded is None:  # deleted with its webhook since the claim
        return False
    request, webhook = loaded
    outcome = await _send(client, request, webhook, send_seconds)
    state = await _record(db, request_id, token, outcome)
    if state is None:
        metrics.webhook_delivered("lease_lost")
        return False
    metrics.webhook_delivered(_outcome_label(outcome, state))
    return True


async def deliver_due_requests(
    db: Database, *, send_seconds: float = DEFAULT_TIMEOUT_SECONDS
) -> int:
    """Claim, send and record one batch of due webhook requests; how many attempts were made."""
    token = new_id()
    claimed = await _claim(db, token, send_seconds)
    _health.last_claim_on = time.time()
    if not claimed:
        return 0
    async with httpx.AsyncClient(timeout=send_seconds, follow_redirects=False) as client:
        done = await asyncio.gather(
            *(_deliver(db, client, request_id, token, send_seconds) for request_id in claimed)
        )
    async with db.read() as session:
        depth, _oldest = await repository.queue_health_unscoped(session)
    metrics.webhook_queue_depth(depth)
    return sum(done)


async def delivery_health(db: Database) -> dict[str, Any]:
    """The delivery queue for ``/ready``: ``queue_depth`` (PENDING requests of every
    organisation), ``oldest_pending_on`` (when the oldest was queued, epoch seconds, or None)
    and ``last_claim_on`` (this process's last successful claim, epoch seconds, or None)."""
    async with db.read() as session:
        depth, oldest = await repository.queue_health_unscoped(session)
    metrics.webhook_queue_depth(depth)
    return {
        "queue_depth": depth,
        "oldest_pending_on": None if oldest is None else int(oldest.timestamp()),
        "last_claim_on": None if _health.last_claim_on is None else int(_health.last_claim_on),
    }


def delivery_job(timeout: float | None = None) -> Job:
    """The worker's job of webhook deliveries, sending with ``timeout`` seconds per attempt
    (default: the ``webhook_timeout_seconds`` setting, ``CRM_GATEWAY_WEBHOOK_TIMEOUT_SECONDS``)."""

    async def run_once(db: Database) -> int:
        seconds = get_settings().webhook_timeout_seconds if timeout is None else timeout
        return await deliver_due_requests(db, send_seconds=seconds)

    return Job("webhook_deliveries", run_once, delivery_health)
