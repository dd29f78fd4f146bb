"""Rules for activities: who they are assigned to, what they link to, their dated states.

- An assigned user (``assign_to.user_id``) and the responsible user (``user_id``) must be
  members of the activity's organisation, an assigned team one of its teams (404 naming the
  user or team otherwise).
- A CONTACT link must name a contact of the caller's network (404 naming the contact);
  ORDER, LEAD and SERVICE_REQUEST have no domain in this gateway yet and are kept as given.
- ``address_id`` must be an address of a contact of the caller's network (404 naming it).
- Every change of state is kept with its date (``statuses``); the first entry is the state the
  activity was created with. A COMPLETED activity cannot be CANCELLED nor the other way round
  (409); either may be reopened as PENDING. Setting the current state again changes nothing.
"""

import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from app.access.repository import TEAMS, member
from app.activities import repository
from app.activities.commands import (
    ActivityTags,
    AssignTo,
    ChangeActivityStatus,
    CreateActivity,
    LinkedEntity,
    UpdateActivity,
)
from app.activities.enums import ActivityStatus, LinkedEntityType
from app.auth.principal import Principal
from app.commands import apply
from app.contacts.repository import ADDRESSES, CONTACTS
from app.db.models import Activity, ActivityStatusChange, ActivityTag
from app.errors import Conflict, InvalidInput, NotFound
from app.events import described, emit
from app.events.codes import Entity, Event

HANDLED = ("linked_to", "assign_to", "status")
"""Fields of an activity command the service stores itself."""

_CLOSED = {ActivityStatus.COMPLETED, ActivityStatus.CANCELLED}
NUMBER_PREFIX = "ACT"
NUMBER_DIGITS = 8
_NUMBER_ATTEMPTS = 20


async def _new_number(session: AsyncSession, organisation_id: str, is_test: bool) -> str:
    """A free activity number (ACT and 8 random digits, as account numbers are made: no shared
    counter for concurrent creates to fight over; the unique constraint guards the rare clash)."""
    for _ in range(_NUMBER_ATTEMPTS):
        number = f"{NUMBER_PREFIX}{secrets.randbelow(10**NUMBER_DIGITS):0{NUMBER_DIGITS}d}"
        if not await repository.number_taken(session, organisation_id, is_test, number):
            return number
    raise Conflict("Could not find a free activity number; try again.", ["number"])


async def _check_user(
    session: AsyncSession, principal: Principal, activity: Activity, user_id: str
) -> None:
    if await member(session, principal, activity.organisation_id, user_id) is None:
        raise NotFound("user", user_id)


async def _assign(
    session: AsyncSession, principal: Principal, activity: Activity, assign_to: AssignTo
) -> None:
    """Assign the activity to a member and/or a team of its organisation."""
    if assign_to.user_id is not None:
        await _check_user(session, principal, activity, assign_to.user_id)
    if assign_to.team_id is not None:
        team = await TEAMS.get_by_id(session, principal, assign_to.team_id)
        if team is None or team.organisation_id != activity.organisation_id:
            raise NotFound("team", assign_to.team_id)
    activity.assigned_user_id = assign_to.user_id
    activity.assigned_team_id = assign_to.team_id


async def _check_links(
    session: AsyncSession, principal: Principal, links: list[LinkedEntity]
) -> list[tuple[str, str]]:
    """The (type, id) pairs of the links, each CONTACT checked to be visible."""
    checked: list[tuple[str, str]] = []
    for link in links:
        if link.type == LinkedEntityType.CONTACT:
            await CONTACTS.lookup(session, principal, "contact", link.id)
        if (link.type, link.id) not in checked:
            checked.append((link.type, link.id))
    return checked


async def _check_fields(
    session: AsyncSession,
    principal: Principal,
    activity: Activity,
    command: CreateActivity | UpdateActivity,
) -> list[tuple[str, str]] | None:
    """Check the references a command gives; the links to store, if it gives them."""
    if activity.name is None or not activity.name.strip():
        raise InvalidInput("name", "may not be blank")
    if activity.from_time and activity.to_time and activity.to_time < activity.from_time:
        raise InvalidInput("to_time", "may not be before from_time")
    if command.address_id is not None:
        await ADDRESSES.lookup(session, principal, "address", command.address_id)
    if command.user_id is not None:
        await _check_user(session, principal, activity, command.user_id)
    if command.assign_to is not None:
        await _assign(session, principal, activity, command.assign_to)
    elif "assign_to" in command.model_fields_set:  # an explicit null unassigns
        activity.assigned_user_id = activity.assigned_team_id = None
    if command.linked_to is None:
        return None
    return await _check_links(session, principal, command.linked_to)


async def create_activity(
    session: AsyncSession, principal: Principal, command: CreateActivity
) -> Activity:
    """Create an activity of the caller's organisation, with its first dated state."""
    activity = Activity(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        status=command.status,
        custom_fields=[],
    )
    apply(command, activity, exclude=HANDLED)
    activity.custom_fields = activity.custom_fields or []
    links = await _check_fields(session, principal, activity, command)
    activity.number = await _new_number(session, activity.organisation_id, activity.is_test)
    session.add(activity)
    await session.flush()
    session.add(ActivityStatusChange(activity_id=activity.id, status=activity.status))
    await repository.replace_links(session, activity.id, links or [])
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.ACTIVITIES,
        event=Event.CREATE_ACTIVITY,
        entity_id=activity.id,
        data=described(activity),
    )
    return activity


async def update_activity(
    session: AsyncSession, principal: Principal, activity_id: str, command: UpdateActivity
) -> Activity:
    """Change the given fields of an activity (its state changes only through
    :func:`change_status`)."""
    activity = await repository.activity_for_change(session, principal, activity_id)
    apply(command, activity, exclude=HANDLED)
    if command.address_id is not None:
        activity.use_entity_address = False
    links = await _check_fields(session, principal, activity, command)
    if links is not None:
        await repository.replace_links(session, activity.id, links)
    await session.flush()
    return activity


async def change_status(
    session: AsyncSession, principal: Principal, activity_id: str, command: ChangeActivityStatus
) -> Activity:
    """Move an activity to another state and record the change with its date."""
    activity = await repository.activity_for_change(session, principal, activity_id)
    if command.status == activity.status:
        return activity
    if command.status in _CLOSED and activity.status in _CLOSED:
        raise Conflict(
            f"A {activity.status} activity cannot become {command.status}; "
            "reopen it as PENDING first.",
            ["status", command.status],
        )
    activity.status = command.status
    session.add(ActivityStatusChange(activity_id=activity.id, status=command.status))
    await session.flush()
    return activity


async def delete_activity(session: AsyncSession, principal: Principal, activity_id: str) -> str:
    """Delete an activity with its links, states and tags; returns its id."""
    activity = await repository.activity_for_change(session, principal, activity_id)
    await repository.delete_activity_rows(session, activity)
    return activity_id


async def add_tags(
    session: AsyncSession, principal: Principal, activity_id: str, command: ActivityTags
) -> Activity:
    """Add tags to an activity; tags it has already stay once."""
    activity = await repository.activity_for_change(session, principal, activity_id)
    held = set(await repository.tag_ids(session, activity.id))
    for tag in command.tags:
        if tag.id not in held:
            session.add(ActivityTag(activity_id=activity.id, tag_id=tag.id))
            held.add(tag.id)
    await session.flush()
    return activity


async def replace_tags(
    session: AsyncSession, principal: Principal, activity_id: str, command: ActivityTags
) -> Activity:
    """Make the given tags an activity's complete list."""
    activity = await repository.activity_for_change(session, principal, activity_id)
    wanted = list(dict.fromkeys(tag.id for tag in command.tags))
    held = await repository.tag_ids(session, activity.id)
    await repository.remove_tags(session, activity.id, [tag for tag in held if tag not in wanted])
    for tag_id in wanted:
        if tag_id not in held:
            session.add(ActivityTag(activity_id=activity.id, tag_id=tag_id))
    await session.flush()
    return activity


async def remove_tag(
    session: AsyncSession, principal: Principal, activity_id: str, tag_id: str
) -> Activity:
    """Take a tag off an activity (404 naming the tag if the activity does not have it)."""
    activity = await repository.activity_for_change(session, principal, activity_id)
    if tag_id not in await repository.tag_ids(session, activity.id):
        raise NotFound("tag", tag_id)
    await repository.remove_tags(session, activity.id, [tag_id])
    await session.flush()
    return activity
