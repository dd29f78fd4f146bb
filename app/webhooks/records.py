"""The WEBHOOKS adaptor's records (spec: Adaptors): the webhook requests its actions queued.

Actions: ``POST_WEBHOOK`` (requests sent with POST) and ``PUT_WEBHOOK`` (with PUT). Each
request is shown with the attributes of :data:`ATTRIBUTES`; ``search_type`` may be
``url-endpoint``, ``state``, ``webhook-name`` or ``response``. Only ``url-endpoint`` can be
changed (an absolute http(s) URL; not on a delivered request, 409): the request's next attempts
go there (a FAILED one still needs a resend).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from app.adaptors.records import AdaptorRecord, RecordSearch, attribute
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db.models import WebhookRequest
from app.errors import InvalidInput, NotFound
from app.pagination import Page, PageRequest
from app.webhooks import repository, service

ACTION_METHODS = {"POST_WEBHOOK": "POST", "PUT_WEBHOOK": "PUT"}
URL_ENDPOINT = "url-endpoint"
EDITABLE = frozenset({URL_ENDPOINT})


def _epoch(request: WebhookRequest) -> int:
    return int(request.created_on.timestamp())


def record_of(request: WebhookRequest) -> AdaptorRecord:
    """A webhook request as an adaptor record."""
    rid = request.id
    return AdaptorRecord(
        id=rid,
        record_attributes=[
            attribute(rid, URL_ENDPOINT, "URL Endpoint", "string", request.url_endpoint),
            attribute(rid, "method", "Method", "string", request.method),
            attribute(rid, "url-auth", "URL Auth", "string", request.url_auth),
            attribute(rid, "state", "State", "string", request.state),
            attribute(rid, "webhook-id", "Webhook", "string", request.webhook_id),
            attribute(rid, "body", "Body", "string", request.body),
            attribute(
                rid, "response-status", "Response Status", "integer", request.response_status
            ),
            attribute(rid, "response", "Response", "string", request.response),
            attribute(rid, "retries", "Retries", "integer", max(request.attempts - 1, 0)),
            attribute(rid, "automation-id", "Automation", "string", request.automation_id),
            attribute(rid, "created-on", "Created On", "date", _epoch(request)),
        ],
    )


class WebhookRequestRecords:
    """The record source of the WEBHOOKS adaptor (see the module's docstring)."""

    actions = frozenset(ACTION_METHODS)
    search_types = frozenset({URL_ENDPOINT, "state", "webhook-name", "response"})
    read_permission = Permission.WEBHOOKS_READ
    write_permission = Permission.WEBHOOKS_WRITE

    async def search(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        request: PageRequest,
        search: RecordSearch,
    ) -> Page[AdaptorRecord]:
        """A page of the caller's requests of ``action``'s method matching ``search``."""
        text = search.search_value
        by_type = search.search_type
        found = await repository.search_webhook_requests(
            session,
            principal,
            request,
            repository.WebhookRequestSearch(
                method=ACTION_METHODS[action],
                automation_id=search.automation_id,
                action_id=search.adaptor_action_id,
                url_endpoint=text if by_type == URL_ENDPOINT else None,
                states=[text.upper()] if by_type == "state" and text else [],
                webhook_name=text if by_type == "webhook-name" else None,
                response=text if by_type == "response" else None,
            ),
        )
        return found.map(record_of)

    async def _request(
        self, session: AsyncSession, principal: Principal, action: str, record_id: str
    ) -> WebhookRequest:
        row = await repository.REQUESTS.get_by_id(session, principal, record_id)
        if row is None or row.method != ACTION_METHODS[action]:
            raise NotFound("record", record_id)
        return row

    async def get(
        self, session: AsyncSession, principal: Principal, action: str, record_id: str
    ) -> AdaptorRecord:
        """One of the caller's requests of ``action``'s method (404 naming the record)."""
        return record_of(await self._request(session, principal, action, record_id))

    async def change(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        record_id: str,
        key: str,
        value: str | None,
    ) -> str:
        """Change ``url-endpoint`` (400 naming ``key`` for another attribute)."""
        await self._request(session, principal, action, record_id)
        if key not in EDITABLE:
            raise InvalidInput("key", f"{key!r} cannot be changed; editable: {URL_ENDPOINT}")
        if value is None:
            raise InvalidInput("value", "is required")
        changed = await service.change_request_url(session, principal, record_id, value)
        return changed.id
