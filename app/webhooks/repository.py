"""SQL for webhooks and their requests: the caller's reads narrowed to its network and mode,
and the worker's claims and outcomes (unscoped: the worker acts for every organisation)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.automations.codes import Adaptor
from app.automations.repository import AUTOMATIONS
from app.db.models import (
    Automation,
    AutomationAction,
    Webhook,
    WebhookRequest,
    WebhookRequestAttempt,
)
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal
from app.webhooks.enums import WebhookRequestState

WEBHOOKS = TenantRepository(Webhook)
WEBHOOK_ID = "WEBHOOK_ID"
"""The parameter key that names the webhook of a webhook action."""
REQUESTS = TenantRepository(WebhookRequest)
ATTEMPTS = ChildRepository(WebhookRequestAttempt, REQUESTS, "webhook_request_id")

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {"created_on": Webhook.created_on, "name": Webhook.name}
REQUEST_SORT_COLUMNS = {
    "created_on": WebhookRequest.created_on,
    "state": WebhookRequest.state,
    "next_attempt_on": WebhookRequest.next_attempt_on,
}


def attempt_order(attempt: Any = WebhookRequestAttempt) -> list[Any]:
    """A request's attempts: first attempt first."""
    return [attempt.attempt, attempt.id]


async def webhook_for_change(
    session: AsyncSession, principal: Principal, webhook_id: str
) -> Webhook:
    """The caller's webhook, locked for a change (404 naming the webhook otherwise)."""
    stmt = WEBHOOKS.writable(principal).where(Webhook.id == webhook_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("webhook", webhook_id)
    return found


@dataclass(frozen=True)
class WebhookSearch:
    """The spec's webhook filters; each given field narrows the result."""

    search_value: str | None = None
    name: str | None = None
    url_endpoint: str | None = None
    has_failed_requests: bool | None = None
    entity: str | None = None
    """Only webhooks a WEBHOOKS action of an automation of this entity names."""
    event: str | None = None
    """Only webhooks a WEBHOOKS action of an automation of this event names."""

    @property
    def by_automation(self) -> bool:
        """Whether the search narrows by the automations that use a webhook."""
        return self.entity is not None or self.event is not None

    def conditions(self, used_by: set[str] | None = None) -> list[Any]:
        """The WHERE conditions of this search; ``used_by``: the ids of the webhooks the
        automations of :attr:`entity` / :attr:`event` name (see
        :func:`webhooks_of_automations`)."""
        conditions: list[Any] = []
        if used_by is not None:
            conditions.append(Webhook.id.in_(sorted(used_by)))
        if self.search_value:
            conditions.append(
                or_(
                    contains_literal(Webhook.name, self.search_value),
                    contains_literal(Webhook.url_endpoint, self.search_value),
                )
            )
        if self.name:
            conditions.append(contains_literal(Webhook.name, self.name))
        if self.url_endpoint:
            conditions.append(contains_literal(Webhook.url_endpoint, self.url_endpoint))
        if self.has_failed_requests is not None:
            failed = exists().where(
                WebhookRequest.webhook_id == Webhook.id,
                WebhookRequest.state == WebhookRequestState.FAILED,
            )
            conditions.append(failed if self.has_failed_requests else ~failed)
        return conditions


async def search_webhooks(
    session: AsyncSession, principal: Principal, request: PageRequest, search: WebhookSearch
) -> Page[Webhook]:
    """A page of the caller's webhooks matching ``search``."""
    used_by = None
    if search.by_automation:
        used_by = await webhooks_of_automations(session, principal, search.entity, search.event)
    stmt = WEBHOOKS.readable(principal).where(*search.conditions(used_by))
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def webhooks_of_automations(
    session: AsyncSession, principal: Principal, entity: str | None, event: str | None
) -> set[str]:
    """The ids of the webhooks named (``WEBHOOK_ID``) by a WEBHOOKS action (POST_WEBHOOK,
    PUT_WEBHOOK) of the caller's automations triggered by ``entity`` / ``event`` (each when
    given; any life cycle state): the spec's "related automation" of a webhook. One read of
    those actions' parameters (a few per automation)."""
    stmt = (
        select(AutomationAction.parameters)
        .join(Automation, Automation.id == AutomationAction.automation_id)
        .where(AUTOMATIONS.visible(principal), AutomationAction.adaptor == Adaptor.WEBHOOKS)
    )
    if entity is not None:
        stmt = stmt.where(Automation.entity == entity)
    if event is not None:
        stmt = stmt.where(Automation.event == event)
    return {
        str(item["parameter_from_value"])
        for (parameters,) in (await session.execute(stmt)).all()
        for item in parameters or []
        if item.get("parameter_key") == WEBHOOK_ID and item.get("parameter_from_value")
    }


@dataclass(frozen=True)
class RequestCounts:
    """How many of a webhook's requests are pending, successful and failed."""

    pending: int = 0
    successful: int = 0
    failed: int = 0


async def request_counts(
    session: AsyncSession, principal: Principal, webhook_ids: Sequence[str]
) -> dict[str, RequestCounts]:
    """The request counts of each of the caller's webhooks among ``webhook_ids`` (one query)."""

    def count(state: str) -> Any:
        return func.sum(case((WebhookRequest.state == state, 1), else_=0))

    stmt = REQUESTS.scoped(
        select(
            WebhookRequest.webhook_id,
            count(WebhookRequestState.PENDING),
            count(WebhookRequestState.SUCCESS),
            count(WebhookRequestState.FAILED),
        ),
        principal,
    ).where(WebhookRequest.webhook_id.in_(list(webhook_ids)))
    rows = (await session.execute(stmt.group_by(WebhookRequest.webhook_id))).all()
    return {
        row[0]: RequestCounts(int(row[1] or 0), int(row[2] or 0), int(row[3] or 0)) for row in rows
    }


@dataclass(frozen=True)
class WebhookRequestSearch:
    """The spec's webhook request filters (and the adaptor records' ones)."""

    search_value: str | None = None
    webhook_id: str | None = None
    url_endpoint: str | None = None
    states: Sequence[str] = ()
    automation_id: str | None = None
    action_id: str | None = None
    method: str | None = None
    webhook_name: str | None = None
    response: str | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search."""
        conditions: list[Any] = []
        if self.search_value:
            by_name = exists().where(
                Webhook.id == WebhookRequest.webhook_id,
                contains_literal(Webhook.name, self.search_value),
            )
            conditions.append(
                or_(by_name, contains_literal(WebhookRequest.url_endpoint, self.search_value))
            )
        if self.webhook_id:
            conditions.append(WebhookRequest.webhook_id == self.webhook_id)
        if self.url_endpoint:
            conditions.append(contains_literal(WebhookRequest.url_endpoint, self.url_endpoint))
        if self.states:
            conditions.append(WebhookRequest.state.in_(list(self.states)))
        if self.automation_id:
            conditions.append(WebhookRequest.automation_id == self.automation_id)
        if self.action_id:
            conditions.append(WebhookRequest.action_id == self.action_id)
        if self.method:
            conditions.append(WebhookRequest.method == self.method)
        if self.webhook_name:
            conditions.append(
                exists().where(
                    Webhook.id == WebhookRequest.webhook_id,
                    contains_literal(Webhook.name, self.webhook_name),
                )
            )
        if self.response:
            conditions.append(contains_literal(WebhookRequest.response, self.response))
        return conditions


async def search_webhook_requests(
    session: AsyncSession,
    principal: Principal,
    request: PageRequest,
    search: WebhookRequestSearch,
) -> Page[WebhookRequest]:
    """A page of the caller's webhook requests matching ``search``."""
    stmt = REQUESTS.readable(principal).where(*search.conditions())
    return await fetch_page(session, stmt, request, REQUEST_SORT_COLUMNS, DEFAULT_SORT)


async def requests_for_change(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> list[WebhookRequest]:
    """The caller's webhook requests ``ids``, locked, in order (404 naming the first unknown)."""
    stmt = REQUESTS.writable(principal).where(WebhookRequest.id.in_(list(ids)))
    found = {row.id: row for row in (await session.execute(stmt)).scalars()}
    for request_id in ids:
        if request_id not in found:
            raise NotFound("webhook_request", request_id)
    return [found[request_id] for request_id in ids]


async def has_requests(session: AsyncSession, webhook_id: str) -> bool:
    """Whether any request was queued for the webhook."""
    stmt = select(exists().where(WebhookRequest.webhook_id == webhook_id))
    return bool((await session.execute(stmt)).scalar())


async def webhook_of_organisation_unscoped(
    session: AsyncSession, organisation_id: str, webhook_id: str
) -> Webhook | None:
    """The webhook ``webhook_id`` if it belongs to ``organisation_id`` (the automation engine
    queues requests for an organisation, not for a caller)."""
    stmt = select(Webhook).where(
        Webhook.id == webhook_id, Webhook.organisation_id == organisation_id
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def webhook_retries_unscoped(
    session: AsyncSession, webhook_ids: Sequence[str]
) -> dict[str, int]:
    """The ``retries`` of the webhooks ``webhook_ids`` (those of requests the caller found)."""
    stmt = select(Webhook.id, Webhook.retries).where(Webhook.id.in_(set(webhook_ids)))
    return {row[0]: row[1] for row in (await session.execute(stmt)).all()}


# The worker's statements: it acts for every organisation, so none of them is scoped.


def _claimable(now: datetime) -> Any:
    return and_(
        WebhookRequest.state == WebhookRequestState.PENDING,
        WebhookRequest.next_attempt_on <= now,
        or_(WebhookRequest.locked_until.is_(None), WebhookRequest.locked_until < now),
    )


def due_requests_unscoped(now: datetime) -> Any:
    """The SELECT of the requests due and unleased at ``now`` (for the worker's look before
    it claims)."""
    return select(WebhookRequest.id).where(_claimable(now))


async def due_request_ids_unscoped(session: AsyncSession, now: datetime, limit: int) -> list[str]:
    """Up to ``limit`` due, unleased requests, oldest due first; on PostgreSQL their rows are
    locked (``FOR UPDATE SKIP LOCKED``) so that another worker's claim skips them."""
    stmt = (
        select(WebhookRequest.id)
        .where(_claimable(now))
        .order_by(WebhookRequest.next_attempt_on, WebhookRequest.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await session.execute(stmt)).scalars())


async def lease_unscoped(
    session: AsyncSession, request_id: str, now: datetime, until: datetime, token: str
) -> bool:
    """Take the lease of one request if it is still claimable (compare-and-set, so two
    workers never both win, SQLite included); whether this worker holds it now."""
    stmt = (
        update(WebhookRequest)
        .where(WebhookRequest.id == request_id, _claimable(now))
        .values(locked_until=until, locked_by=token)
        .execution_options(synchronize_session=False)
    )
    result: Any = await session.execute(stmt)
    return bool(result.rowcount == 1)


async def leased_request_unscoped(
    session: AsyncSession, request_id: str, token: str
) -> WebhookRequest | None:
    """The request if this worker (``token``) still holds its lease, locked for the outcome."""
    stmt = (
        select(WebhookRequest)
        .where(WebhookRequest.id == request_id, WebhookRequest.locked_by == token)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def queue_health_unscoped(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many requests are PENDING (all organisations) and when the oldest was queued."""
    stmt = select(func.count(), func.min(WebhookRequest.created_on)).where(
        WebhookRequest.state == WebhookRequestState.PENDING
    )
    depth, oldest = (await session.execute(stmt)).one()
    return int(depth), oldest
