"""The WEBHOOKS adaptor's actions: POST_WEBHOOK and PUT_WEBHOOK send the event to a webhook.

The action names its webhook with ``{"parameter_key": "WEBHOOK_ID", "parameter_from_value":
"<webhook id>"}`` (issue 11). The handler queues a webhook request in the run's transaction
(:func:`app.webhooks.service.queue_webhook_request`); the delivery job signs and sends it,
with retries. The body is the Standard Webhooks payload::

    {"type": "contacts.register_customer", "timestamp": "2026-11-29T23:00:00Z",
     "data": {"id": event id, "entity": "CONTACTS", "event": "REGISTER_CUSTOMER",
              "entity_id": "...", "organisation_id": "...", "occurred_on": epoch seconds,
              "automation": {"id": "...", "name": "..."}, "data": {...the event's data}}}
"""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.automations.actions import ActionConfig, Outcome, RunContext
from app.automations.codes import AdaptorAction
from app.errors import InvalidInput
from app.events.codes import ENTITY_TYPES, Entity, entity_reference
from app.webhooks.repository import WEBHOOK_ID, webhook_for_change
from app.webhooks.service import queue_webhook_request

ACTION_METHODS = {AdaptorAction.POST_WEBHOOK: "POST", AdaptorAction.PUT_WEBHOOK: "PUT"}
"""The HTTP method each webhook action sends with (the webhook must have it)."""


async def check_webhook(session: AsyncSession, principal: Principal, action: ActionConfig) -> None:
    """A webhook action needs exactly one WEBHOOK_ID naming a webhook of the caller's
    organisation (404 otherwise) whose method is the action's (POST_WEBHOOK: POST)."""
    for index, item in enumerate(action.parameters):
        if item.get("parameter_key") != WEBHOOK_ID:
            key = item.get("parameter_key")
            raise InvalidInput(
                f"adaptor_action_parameters[{index}].parameter_key", f"{key} is not {WEBHOOK_ID}"
            )
    ids = action.values(WEBHOOK_ID)
    if len(ids) != 1:
        raise InvalidInput("adaptor_action_parameters", f"name one webhook with {WEBHOOK_ID}")
    webhook = await webhook_for_change(session, principal, ids[0])
    method = ACTION_METHODS[AdaptorAction(action.adaptor_action)]
    if webhook.method != method:
        raise InvalidInput(
            "adaptor_action",
            f"webhook {webhook.id} is sent with {webhook.method}; use {webhook.method}_WEBHOOK",
        )


def webhook_payload(run: RunContext) -> dict[str, object]:
    """The body a webhook action sends for ``run``'s event (see the module's docstring)."""
    event = run.event
    occurred = datetime.fromtimestamp(event["occurred_on"], UTC)
    return {
        "type": f"{event['entity']}.{event['event']}".lower(),
        "timestamp": occurred.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {
            **event,
            "automation": {"id": run.automation_id, "name": run.automation_name},
        },
    }


async def send_to_webhook(session: AsyncSession, run: RunContext) -> Outcome:
    """Queue the event for the action's webhook and go on (delivery does not hold the run)."""
    event = run.event
    webhook_id = run.action.value(WEBHOOK_ID)
    assert webhook_id is not None, "checked when the sequence was set"
    await queue_webhook_request(
        session,
        organisation_id=run.principal.organisation_id,
        webhook_id=webhook_id,
        payload=webhook_payload(run),
        event_id=event["id"],
        automation_id=run.automation_id,
        action_id=run.action.id,
        entity_type=ENTITY_TYPES[Entity(event["entity"])],
        entity_reference=entity_reference(event["data"], event["entity_id"]),
    )
    return Outcome.CONTINUE
