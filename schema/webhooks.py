"""GraphQL types, inputs and root fields of webhooks and their requests (spec: Webhooks).

Field names are the spec's, so the REST door shows them as they are. Credentials are not shown
back: ``password`` is ``********`` when set and ``api_key`` shows its last four characters
(the spec's example echoes both; a read-only user or a leaked token should not reveal the
receiver's credentials). The signing secret is shown once, by the mutation that makes it.
"""

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from app.auth.permissions import Permission
from app.db.models import Webhook as WebhookRow
from app.db.models import WebhookRequest as WebhookRequestRow
from app.db.models import WebhookRequestAttempt as AttemptRow
from app.events.codes import Entity, Event
from app.pagination import DEFAULT_PAGE_SIZE
from app.webhooks.commands import CreateWebhook, UpdateWebhook, WebhookRequestsActionCommand
from app.webhooks.enums import (
    UrlAuth,
    WebhookMethod,
    WebhookRequestsAction,
    WebhookRequestState,
)
from app.webhooks.repository import (
    DEFAULT_SORT,
    REQUEST_SORT_COLUMNS,
    SORT_COLUMNS,
    WebhookRequestSearch,
    WebhookSearch,
)
from resolvers import webhooks as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    Identifier,
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

WebhookSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
RequestSortArgument = Annotated[str | None, sort_argument(REQUEST_SORT_COLUMNS, DEFAULT_SORT)]
IdArgument = Annotated[strawberry.ID, strawberry.argument(description="The webhook identifier.")]
MASKED_PASSWORD = "********"

strawberry.enum(WebhookMethod, description="The HTTP method of a webhook's requests.")
strawberry.enum(
    UrlAuth,
    description="How a webhook's requests authenticate: NO_AUTH, USERNAME_PASSWORD (HTTP basic "
    "authentication) or API_KEY (an api_key header).",
)
strawberry.enum(
    WebhookRequestState,
    description="A webhook request's state: PENDING (waiting for an attempt or a retry), "
    "SUCCESS (answered with a 2xx status), FAILED (every attempt allowed failed; can be resent).",
)
strawberry.enum(WebhookRequestsAction, description="An action on webhook requests: RESEND.")


def masked_api_key(value: str | None) -> str | None:
    """An API key as shown back: its last four characters after ``****``."""
    if not value:
        return None
    return "****" + value[-4:] if len(value) > 8 else "****"


@strawberry.type(description="A receiver of the organisation's signed webhook requests.")
class Webhook:
    id: strawberry.ID = strawberry.field(description="The webhook identifier.")
    name: str = strawberry.field(description="The webhook name.")
    method: WebhookMethod = strawberry.field(description="The webhook method type.")
    url_endpoint: str = strawberry.field(description="The webhook url endpoint.")
    url_auth: UrlAuth = strawberry.field(description="Defines how the webhook is protected.")
    username: str | None = strawberry.field(
        description="The auth username (only with url_auth USERNAME_PASSWORD)."
    )
    password: str | None = strawberry.field(
        description=f"{MASKED_PASSWORD} when a password is set (it is never shown back)."
    )
    api_key: str | None = strawberry.field(
        description="The api key's last four characters after ****, when set (only with "
        "url_auth API_KEY; never shown whole)."
    )
    retries: int = strawberry.field(description="Number of times to retry a failed request.")
    wait_period: int = strawberry.field(
        description="Seconds to wait before the first retry (each later one waits twice as long)."
    )
    created_on: datetime = strawberry.field(description="When the webhook was created.")
    updated_on: datetime = strawberry.field(description="When the webhook was last changed.")

    @strawberry.field(description="The number of pending requests.")
    async def pending_requests(self, info: Info) -> int:
        loader = info.context.loaders.get(resolve.RequestCountsByWebhookIdLoader)
        return (await loader.load(self.id)).pending

    @strawberry.field(description="The number of successful requests.")
    async def successful_requests(self, info: Info) -> int:
        loader = info.context.loaders.get(resolve.RequestCountsByWebhookIdLoader)
        return (await loader.load(self.id)).successful

    @strawberry.field(description="The number of failed (dead-lettered) requests.")
    async def failed_requests(self, info: Info) -> int:
        loader = info.context.loaders.get(resolve.RequestCountsByWebhookIdLoader)
        return (await loader.load(self.id)).failed

    @classmethod
    def of(cls, row: WebhookRow) -> "Webhook":
        """The GraphQL webhook for a webhook row."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            method=WebhookMethod(row.method),
            url_endpoint=row.url_endpoint,
            url_auth=UrlAuth(row.url_auth),
            username=row.username,
            password=MASKED_PASSWORD if row.password else None,
            api_key=masked_api_key(row.api_key),
            retries=row.retries,
            wait_period=row.wait_period,
            created_on=row.created_on,
            updated_on=row.updated_on,
        )


@strawberry.type(description="A webhook with its signing secret, shown only here.")
class WebhookSigningSecret:
    id: strawberry.ID = strawberry.field(description="The webhook identifier.")
    signing_secret: str = strawberry.field(
        description="The Standard Webhooks secret (whsec_ + base64) that signs the webhook's "
        "requests; shown once, when made (create, rotate): keep it."
    )
    webhook: Webhook = strawberry.field(description="The webhook.")

    @classmethod
    def of(cls, row: WebhookRow) -> "WebhookSigningSecret":
        """The webhook and its secret."""
        return cls(
            id=strawberry.ID(row.id), signing_secret=row.signing_secret, webhook=Webhook.of(row)
        )


@strawberry.type(description="The webhook of a request.")
class WebhookReference:
    id: strawberry.ID = strawberry.field(description="The webhook identifier.")
    name: str = strawberry.field(description="The webhook name.")


@strawberry.type(description="The automation that queued a request.")
class AutomationReference:
    id: strawberry.ID = strawberry.field(description="The automation identifier.")


@strawberry.type(description="The entity a request was created for.")
class WebhookRequestEntity:
    type: str = strawberry.field(description="The entity type (e.g. CONTACT).")
    reference: str | None = strawberry.field(description="The entity's reference name/code/number.")


@strawberry.type(description="One attempt to deliver a webhook request.")
class WebhookRequestAttempt:
    attempt: int = strawberry.field(description="The attempt number, from 1.")
    state: WebhookRequestState = strawberry.field(
        description="SUCCESS (a 2xx answer) or FAILED (another status, or no answer)."
    )
    url_endpoint: str = strawberry.field(description="Where it was sent.")
    response_status: int | None = strawberry.field(
        description="The HTTP status answered (null when nothing answered)."
    )
    response: str | None = strawberry.field(
        description="The answer's body (its first 2,000 characters)."
    )
    error: str | None = strawberry.field(
        description="Why nothing answered (timeout, refused connection...)."
    )
    started_on: datetime = strawberry.field(description="When the attempt started.")
    finished_on: datetime = strawberry.field(description="When it ended.")

    @classmethod
    def of(cls, row: AttemptRow) -> "WebhookRequestAttempt":
        """The GraphQL attempt for an attempt row."""
        return cls(
            attempt=row.attempt,
            state=WebhookRequestState(row.state),
            url_endpoint=row.url_endpoint,
            response_status=row.response_status,
            response=row.response,
            error=row.error,
            started_on=row.started_on,
            finished_on=row.finished_on,
        )


@strawberry.type(description="A message for a webhook, with every attempt to deliver it.")
class WebhookRequest:
    id: strawberry.ID = strawberry.field(
        description="The webhook request identifier (the webhook-id header of every attempt)."
    )
    state: WebhookRequestState = strawberry.field(description="The state of the request.")
    method: WebhookMethod = strawberry.field(description="The HTTP method it is sent with.")
    url_endpoint: str = strawberry.field(description="The url endpoint it is sent to.")
    url_auth: UrlAuth = strawberry.field(description="Defines how the webhook is protected.")
    body: str = strawberry.field(description="The request body that is sent (JSON).")
    response: str | None = strawberry.field(
        description="The last response (its first 2,000 characters) or why none came."
    )
    response_status: int | None = strawberry.field(description="The last HTTP status answered.")
    retries: int = strawberry.field(description="The total number of request retries.")
    next_attempt_on: datetime | None = strawberry.field(
        description="When the next attempt is due (PENDING requests only)."
    )
    delivered_on: datetime | None = strawberry.field(description="When it was delivered.")
    created_on: datetime = strawberry.field(description="The date that the request was made.")
    event_id: strawberry.ID | None = strawberry.field(
        description="The event the request was queued for."
    )
    automation: AutomationReference | None = strawberry.field(
        description="The automation that triggered the webhook."
    )
    entity: WebhookRequestEntity | None = strawberry.field(
        description="The entity the request was created for."
    )
    row: strawberry.Private[WebhookRequestRow]

    @strawberry.field(description="The webhook of the request.")
    async def webhook(self, info: Info) -> WebhookReference | None:
        row = await info.context.loaders.get(resolve.WebhookByIdLoader).load(self.row.webhook_id)
        return None if row is None else WebhookReference(id=strawberry.ID(row.id), name=row.name)

    @strawberry.field(description="Every attempt to deliver it, first first.")
    async def attempts(self, info: Info) -> list[WebhookRequestAttempt]:
        loader = info.context.loaders.get(resolve.AttemptsByWebhookRequestIdLoader)
        return [WebhookRequestAttempt.of(row) for row in await loader.load(self.id)]

    @classmethod
    def of(cls, row: WebhookRequestRow) -> "WebhookRequest":
        """The GraphQL webhook request for a request row."""
        pending = row.state == WebhookRequestState.PENDING
        return cls(
            id=strawberry.ID(row.id),
            state=WebhookRequestState(row.state),
            method=WebhookMethod(row.method),
            url_endpoint=row.url_endpoint,
            url_auth=UrlAuth(row.url_auth),
            body=row.body,
            response=row.response,
            response_status=row.response_status,
            retries=max(row.attempts - 1, 0),
            next_attempt_on=row.next_attempt_on if pending else None,
            delivered_on=row.delivered_on,
            created_on=row.created_on,
            event_id=strawberry.ID(row.event_id) if row.event_id else None,
            automation=AutomationReference(id=strawberry.ID(row.automation_id))
            if row.automation_id
            else None,
            entity=WebhookRequestEntity(type=row.entity_type, reference=row.entity_reference)
            if row.entity_type
            else None,
            row=row,
        )


@strawberry.input(description="A new webhook.")
class CreateWebhookInput:
    name: str = strawberry.field(description="The webhook name.")
    method: WebhookMethod = strawberry.field(
        default=WebhookMethod.POST, description="The webhook method type (POST or PUT)."
    )
    url_endpoint: str = strawberry.field(description="The webhook url endpoint (http or https).")
    url_auth: UrlAuth = strawberry.field(
        default=UrlAuth.NO_AUTH, description="Defines how the webhook will be protected."
    )
    username: str | None = strawberry.field(
        default=None, description="The username (needed with url_auth USERNAME_PASSWORD)."
    )
    password: str | None = strawberry.field(
        default=None, description="The password (needed with url_auth USERNAME_PASSWORD)."
    )
    api_key: str | None = strawberry.field(
        default=None, description="The api key (needed with url_auth API_KEY)."
    )
    retries: int = strawberry.field(
        default=3, description="Number of times to retry (0 to 10; default 3)."
    )
    wait_period: int = strawberry.field(
        default=60,
        description="Seconds to wait before the first retry (0 to 86400; default 60); each "
        "later retry waits twice as long as the one before.",
    )


@strawberry.input(description="Changes to a webhook; fields left out stay as they are.")
class UpdateWebhookInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    method: WebhookMethod | None = strawberry.field(
        default=strawberry.UNSET, description="The method type (POST or PUT)."
    )
    url_endpoint: str | None = strawberry.field(
        default=strawberry.UNSET, description="The url endpoint (http or https)."
    )
    url_auth: UrlAuth | None = strawberry.field(
        default=strawberry.UNSET, description="Defines how the webhook will be protected."
    )
    username: str | None = strawberry.field(default=strawberry.UNSET, description="Username.")
    password: str | None = strawberry.field(default=strawberry.UNSET, description="Password.")
    api_key: str | None = strawberry.field(default=strawberry.UNSET, description="Api key.")
    retries: int | None = strawberry.field(
        default=strawberry.UNSET, description="Number of times to retry (0 to 10)."
    )
    wait_period: int | None = strawberry.field(
        default=strawberry.UNSET, description="Seconds before the first retry (0 to 86400)."
    )


@strawberry.input(description="An action on webhook requests.")
class WebhookRequestsActionInput:
    action: WebhookRequestsAction = strawberry.field(
        description="RESEND: queue FAILED requests again with their webhook's retries."
    )
    webhook_requests: list[strawberry.ID] = strawberry.field(
        description="The webhook requests (1 to 100 ids)."
    )


@strawberry.input(description="Which webhooks to return: those matching every field given.")
class WebhookFilter:
    search_value: str | None = strawberry.field(
        default=None, description="Text the name or url endpoint contains (ignoring case)."
    )
    name: str | None = strawberry.field(
        default=None, description="Text the name contains (ignoring case)."
    )
    url_endpoint: str | None = strawberry.field(
        default=None, description="Text the url endpoint contains (ignoring case)."
    )
    has_failed_requests: bool | None = strawberry.field(
        default=None, description="Whether the webhook has at least one failed request."
    )
    entity: Entity | None = strawberry.field(
        default=None,
        description="Only webhooks named by a webhook action (POST_WEBHOOK, PUT_WEBHOOK) of an"
        " automation of this entity (the related automation's).",
    )
    event: Event | None = strawberry.field(
        default=None,
        description="Only webhooks named by a webhook action of an automation of this event.",
    )

    def search(self) -> WebhookSearch:
        """The repository search this filter asks for."""
        return WebhookSearch(
            search_value=self.search_value,
            name=self.name,
            url_endpoint=self.url_endpoint,
            has_failed_requests=self.has_failed_requests,
            entity=self.entity.value if self.entity is not None else None,
            event=self.event.value if self.event is not None else None,
        )


@strawberry.input(description="Which webhook requests to return: those matching every field.")
class WebhookRequestFilter:
    search_value: str | None = strawberry.field(
        default=None,
        description="Text the webhook name or the url endpoint contains (ignoring case).",
    )
    webhook_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the requests of this webhook."
    )
    url_endpoint: str | None = strawberry.field(
        default=None, description="Text the url endpoint contains (ignoring case)."
    )
    state: list[WebhookRequestState] | None = strawberry.field(
        default=None, description="Only requests in one of these states."
    )
    automation_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only the requests queued by this automation."
    )

    def search(self) -> WebhookRequestSearch:
        """The repository search this filter asks for."""
        return WebhookRequestSearch(
            search_value=self.search_value,
            webhook_id=self.webhook_id,
            url_endpoint=self.url_endpoint,
            states=[state.value for state in self.state or []],
            automation_id=self.automation_id,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Get details of a single webhook.",
        extensions=needs(Permission.WEBHOOKS_READ),
    )
    async def webhook(self, info: Info, id: IdArgument) -> Webhook:
        return Webhook.of(await resolve.webhook(info, id))

    @strawberry.field(
        description="Retrieve the webhooks of the caller's network.",
        extensions=needs(Permission.WEBHOOKS_READ),
    )
    async def webhooks(
        self,
        info: Info,
        filter_by: Annotated[
            WebhookFilter | None,
            strawberry.argument(name="filter", description="Only webhooks matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: WebhookSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Webhook]:
        search = (filter_by or WebhookFilter()).search()
        result = await resolve.webhooks(info, page_request(page, size, sort, order), search)
        return to_page(result, Webhook.of)

    @strawberry.field(
        description="Get one webhook request with its attempts.",
        extensions=needs(Permission.WEBHOOKS_READ),
    )
    async def webhook_request(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID, strawberry.argument(description="The webhook request identifier.")
        ],
    ) -> WebhookRequest:
        return WebhookRequest.of(await resolve.webhook_request(info, id))

    @strawberry.field(
        description="Retrieve webhook requests (every attempt of each is listed with it).",
        extensions=needs(Permission.WEBHOOKS_READ),
    )
    async def webhook_requests(
        self,
        info: Info,
        filter_by: Annotated[
            WebhookRequestFilter | None,
            strawberry.argument(name="filter", description="Only requests matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: RequestSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[WebhookRequest]:
        search = (filter_by or WebhookRequestFilter()).search()
        result = await resolve.webhook_requests(info, page_request(page, size, sort, order), search)
        return to_page(result, WebhookRequest.of)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a new webhook; its signing secret is shown here only.",
        extensions=needs(Permission.WEBHOOKS_WRITE),
    )
    async def create_webhook(self, info: Info, input: CreateWebhookInput) -> WebhookSigningSecret:
        command = to_command(input, CreateWebhook)
        return WebhookSigningSecret.of(await resolve.create_webhook(info, command))

    @strawberry.mutation(
        description="Update an existing webhook; fields left out stay as they are.",
        extensions=needs(Permission.WEBHOOKS_WRITE),
    )
    async def update_webhook(
        self, info: Info, id: IdArgument, input: UpdateWebhookInput
    ) -> Webhook:
        command = to_command(input, UpdateWebhook)
        return Webhook.of(await resolve.update_webhook(info, id, command))

    @strawberry.mutation(
        description="Delete an existing webhook with its requests and their attempts.",
        extensions=needs(Permission.WEBHOOKS_WRITE),
    )
    async def delete_webhook(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_webhook(info, id)))

    @strawberry.mutation(
        description="Replace a webhook's signing secret; the new one is shown here only and "
        "signs every attempt from now on.",
        extensions=needs(Permission.WEBHOOKS_WRITE),
    )
    async def rotate_webhook_secret(self, info: Info, id: IdArgument) -> WebhookSigningSecret:
        return WebhookSigningSecret.of(await resolve.rotate_webhook_secret(info, id))

    @strawberry.mutation(
        description="Run an action on webhook requests: RESEND queues FAILED ones again.",
        extensions=needs(Permission.WEBHOOKS_WRITE),
    )
    async def webhook_requests_action(
        self, info: Info, input: WebhookRequestsActionInput
    ) -> list[WebhookRequest]:
        command = to_command(input, WebhookRequestsActionCommand)
        return [
            WebhookRequest.of(row) for row in await resolve.act_on_webhook_requests(info, command)
        ]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The caller's webhook requests as they change (queued, attempted, "
        "delivered, dead-lettered, resent), over graphql-transport-ws. Updates come from the "
        "gateway process the websocket is connected to.",
        extensions=needs(Permission.WEBHOOKS_READ),
    )
    async def webhook_request_updates(
        self,
        info: Info,
        webhook_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the requests of this webhook."),
        ] = None,
    ) -> AsyncGenerator[WebhookRequest, None]:
        async for row in resolve.webhook_request_updates(info, webhook_id):
            yield WebhookRequest.of(row)
