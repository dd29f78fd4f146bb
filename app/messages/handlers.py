"""The COMMUNICATIONS adaptor's actions: COMMUNICATE_CUSTOMER and COMMUNICATE_USER write an
e-mail to the outbox (:func:`app.messages.queue_message`, origin ``AUTOMATION``), sent by SMTP
when configured and kept otherwise.

Parameters (``parameter_key`` / ``parameter_from_value``): ``SUBJECT`` (default: the
automation's name), ``CONTENT`` or the spec example's ``RICH_CONTENT`` (the message text;
default: the automation's description); COMMUNICATE_CUSTOMER writes to ``CONTACT_ID`` (default:
the event's contact), COMMUNICATE_USER to every ``USER_ID`` and the members of every
``TEAM_ID`` (at least one). The event is described below the text (entity, event, reference,
time). A recipient without an e-mail address fails the run with that reason.
"""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from app.access import repository as access
from app.access.repository import TEAMS, member
from app.auth.principal import Principal
from app.automations.actions import ActionConfig, Outcome, RunContext
from app.contacts.repository import CONTACTS
from app.errors import InvalidInput, NotFound
from app.events.codes import Entity, entity_reference
from app.messages.outbox import queue_message

AUTOMATION_ORIGIN = "AUTOMATION"


class CommunicationParameter(StrEnum):
    """``parameter_key`` values of the COMMUNICATIONS actions."""

    SUBJECT = "SUBJECT"
    CONTENT = "CONTENT"
    RICH_CONTENT = "RICH_CONTENT"
    CONTACT_ID = "CONTACT_ID"
    USER_ID = "USER_ID"
    TEAM_ID = "TEAM_ID"


_TEXT_KEYS = (
    CommunicationParameter.SUBJECT,
    CommunicationParameter.CONTENT,
    CommunicationParameter.RICH_CONTENT,
)


def _check_keys(action: ActionConfig, allowed: tuple[CommunicationParameter, ...]) -> None:
    for index, item in enumerate(action.parameters):
        key = item.get("parameter_key")
        if key not in allowed:
            names = ", ".join(allowed)
            raise InvalidInput(
                f"adaptor_action_parameters[{index}].parameter_key", f"{key} is not one of {names}"
            )


async def check_customer_communication(
    session: AsyncSession, principal: Principal, action: ActionConfig
) -> None:
    """COMMUNICATE_CUSTOMER takes SUBJECT, CONTENT and an optional CONTACT_ID (a contact of
    the caller's network, 404 otherwise)."""
    _check_keys(action, (*_TEXT_KEYS, CommunicationParameter.CONTACT_ID))
    for contact_id in action.values(CommunicationParameter.CONTACT_ID):
        await CONTACTS.lookup(session, principal, "contact", contact_id)


async def check_user_communication(
    session: AsyncSession, principal: Principal, action: ActionConfig
) -> None:
    """COMMUNICATE_USER needs at least one USER_ID or TEAM_ID of the caller's organisation."""
    _check_keys(
        action, (*_TEXT_KEYS, CommunicationParameter.USER_ID, CommunicationParameter.TEAM_ID)
    )
    users = action.values(CommunicationParameter.USER_ID)
    teams = action.values(CommunicationParameter.TEAM_ID)
    if not users and not teams:
        raise InvalidInput("adaptor_action_parameters", "name a USER_ID or a TEAM_ID to write to")
    for user_id in users:
        if await member(session, principal, principal.organisation_id, user_id) is None:
            raise NotFound("user", user_id)
    for team_id in teams:
        await TEAMS.lookup(session, principal, "team", team_id)


def _message_text(run: RunContext) -> tuple[str, str]:
    """The subject and body of ``run``'s message."""
    action, event = run.action, run.event
    subject = action.value(CommunicationParameter.SUBJECT) or run.automation_name
    content = (
        action.value(CommunicationParameter.CONTENT)
        or action.value(CommunicationParameter.RICH_CONTENT)
        or run.automation_description
        or ""
    )
    occurred = datetime.fromtimestamp(event["occurred_on"], UTC).strftime("%Y-%m-%d %H:%M UTC")
    reference = entity_reference(event["data"], event["entity_id"])
    about = f"{event['entity']} {event['event']}: {reference} ({occurred})"
    return subject, f"{content}\n\n{about}\n" if content else f"{about}\n"


async def _send(session: AsyncSession, run: RunContext, addresses: list[str]) -> Outcome:
    subject, body = _message_text(run)
    await queue_message(
        session,
        organisation_id=run.principal.organisation_id,
        to=addresses,
        subject=subject,
        body_text=body,
        origin=AUTOMATION_ORIGIN,
        is_test=run.principal.is_test,
    )
    return Outcome.CONTINUE


async def communicate_customer(session: AsyncSession, run: RunContext) -> Outcome:
    """Write to the named contact, or to the event's contact (the event's entity when it is
    a contact, else its data's ``contact_id``)."""
    event = run.event
    contact_id = run.action.value(CommunicationParameter.CONTACT_ID)
    if contact_id is None:
        contact_id = (
            event["entity_id"]
            if event["entity"] == Entity.CONTACTS
            else event["data"].get("contact_id")
        )
    if not contact_id:
        raise ValueError("the event names no contact to write to")
    contact = await CONTACTS.lookup(session, run.principal, "contact", str(contact_id))
    if not contact.email_address:
        raise ValueError(f"contact {contact.id} has no e-mail address")
    return await _send(session, run, [contact.email_address])


async def communicate_user(session: AsyncSession, run: RunContext) -> Outcome:
    """Write to the named users and the members of the named teams."""
    action, principal = run.action, run.principal
    users = action.values(CommunicationParameter.USER_ID)
    found = await access.visible_users(session, principal, users)
    addresses = [found[user_id].email for user_id in users if user_id in found]
    for team_id in action.values(CommunicationParameter.TEAM_ID):
        addresses.extend(await access.team_member_emails(session, principal, team_id) or [])
    if not addresses:
        raise ValueError("none of the named users and teams has an e-mail address any more")
    return await _send(session, run, addresses)
