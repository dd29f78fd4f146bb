"""Rules for automations and their sequences of actions.

- An automation names an entity and one of that entity's events (``app.events.codes``);
  another pair is a 400 naming ``event``.
- A sequence's actions each name an adaptor and one of its actions
  (``app.automations.codes.ADAPTOR_ACTIONS``; another pair is a 400 naming
  ``content[i].adaptor_action``) that has a registered handler (400 naming it otherwise), whose
  parameters its handler's check accepts. Actions run in ``order`` (then as listed); without
  ``order`` their place in the list is their order. Setting a sequence replaces the whole one;
  the ids of actions and parameters are the gateway's (ids sent are not kept).
- Deleting an automation deletes its actions and runs; approval requests it made stay.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.automations import repository
from app.automations.actions import ActionConfig
from app.automations.codes import ADAPTOR_ACTIONS, Adaptor, AdaptorAction, AutomationState
from app.automations.commands import (
    AutomationActionInput,
    CreateAutomation,
    SetAutomationActions,
    UpdateAutomation,
)
from app.automations.handlers import REGISTRY
from app.db.base import new_id
from app.db.models import Automation, AutomationAction
from app.errors import InvalidInput
from app.events import triggers
from app.events.codes import EVENTS, Entity, Event


def _check_trigger(entity: str, event: str) -> None:
    if Event(event) not in EVENTS[Entity(entity)]:
        allowed = ", ".join(EVENTS[Entity(entity)])
        raise InvalidInput("event", f"{event} is not an event of {entity} (one of {allowed})")


async def create_automation(
    session: AsyncSession, principal: Principal, command: CreateAutomation
) -> Automation:
    """Create an automation of the caller's organisation (INACTIVE unless told otherwise)."""
    _check_trigger(command.entity, command.event)
    automation = Automation(
        organisation_id=principal.organisation_id,
        is_test=principal.is_test,
        name=command.name,
        description=command.description,
        life_cycle_state=command.new_state or AutomationState.INACTIVE,
        entity=command.entity,
        event=command.event,
    )
    session.add(automation)
    await session.flush()
    triggers.forget()
    return automation


async def update_automation(
    session: AsyncSession, principal: Principal, automation_id: str, command: UpdateAutomation
) -> Automation:
    """Change the given fields of an automation (its state in either spelling)."""
    automation = await repository.automation_for_change(session, principal, automation_id)
    for name in ("name", "description", "entity", "event"):
        if command.given(name):
            value = getattr(command, name)
            if value is None and name != "description":
                raise InvalidInput(name, "may not be null")
            setattr(automation, name, value)
    if command.new_state is not None:
        automation.life_cycle_state = command.new_state
    elif command.given("state") or command.given("life_cycle_state"):
        raise InvalidInput("life_cycle_state", "may not be null")
    _check_trigger(automation.entity, automation.event)
    await session.flush()
    triggers.forget()
    return automation


async def delete_automation(session: AsyncSession, principal: Principal, automation_id: str) -> str:
    """Delete an automation with its actions and runs; returns its id."""
    automation = await repository.automation_for_change(session, principal, automation_id)
    await repository.delete_automation_rows(session, automation)
    return automation_id


def action_config(action: AutomationAction) -> ActionConfig:
    """The handler's view of a stored action."""
    return ActionConfig(
        id=action.id,
        order=action.order,
        adaptor=action.adaptor,
        adaptor_action=action.adaptor_action,
        parameters=list(action.parameters or []),
        filters=list(action.filters or []),
    )


def _action_row(automation_id: str, index: int, item: AutomationActionInput) -> AutomationAction:
    parameters = [
        {**parameter.model_dump(), "id": new_id()} for parameter in item.adaptor_action_parameters
    ]
    filters = [
        {"filters": [{**one.model_dump(), "id": new_id()} for one in group.filters]}
        for group in item.action_filters
    ]
    return AutomationAction(
        id=new_id(),
        automation_id=automation_id,
        order=item.order if item.order is not None else index + 1,
        path=item.path,
        adaptor=item.adaptor,
        adaptor_action=item.adaptor_action,
        parameters=parameters,
        filters=filters,
    )


async def _check_action(
    session: AsyncSession, principal: Principal, index: int, row: AutomationAction
) -> None:
    field = f"content[{index}].adaptor_action"
    if AdaptorAction(row.adaptor_action) not in ADAPTOR_ACTIONS[Adaptor(row.adaptor)]:
        raise InvalidInput(field, f"{row.adaptor_action} is not an action of {row.adaptor}")
    registered = REGISTRY.get(row.adaptor, row.adaptor_action)
    if registered is None:
        raise InvalidInput(
            field, f"{row.adaptor} {row.adaptor_action} cannot run in this gateway yet"
        )
    if registered.check is not None:
        try:
            await registered.check(session, principal, action_config(row))
        except InvalidInput as error:
            message = error.message.removeprefix(f"{error.field}: ")
            raise InvalidInput(f"content[{index}].{error.field}", message) from None


async def set_actions(
    session: AsyncSession, principal: Principal, automation_id: str, command: SetAutomationActions
) -> Automation:
    """Make the given actions the automation's complete sequence (see the module's rules)."""
    automation = await repository.automation_for_change(session, principal, automation_id)
    rows = [_action_row(automation.id, index, item) for index, item in enumerate(command.content)]
    for index, row in enumerate(rows):
        await _check_action(session, principal, index, row)
    await repository.replace_actions(session, automation.id, rows)
    return automation


async def automation_actions(
    session: AsyncSession, principal: Principal, automation_id: str
) -> list[AutomationAction]:
    """An automation's sequence of actions, in order (404 naming the automation)."""
    automation = await repository.get_automation(session, principal, automation_id)
    return await repository.actions_of(session, automation.id)
