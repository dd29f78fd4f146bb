"""Resolvers and dataloaders for automations and their actions."""

from app.automations import repository, service
from app.automations.commands import CreateAutomation, SetAutomationActions, UpdateAutomation
from app.automations.repository import AutomationSearch
from app.db.models import Automation, AutomationAction
from app.db.relations import Related
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.relations import RelationLoader


class ActionsByAutomationIdLoader(RelationLoader):
    """An automation's actions, in the order they run."""

    related = Related(AutomationAction, "automation_id", repository.action_order, many=True)


class AutomationByIdLoader(RelationLoader):
    """Automations of the caller's network and mode by id."""

    related = Related(Automation, "id")


async def automation(info: Info, id: str) -> Automation:
    """One automation."""
    return await info.context.reads(repository.get_automation, id)


async def automations(
    info: Info, request: PageRequest, search: AutomationSearch
) -> Page[Automation]:
    """A page of automations matching the search."""
    return await info.context.reads(repository.search_automations, request, search)


async def create_automation(info: Info, command: CreateAutomation) -> Automation:
    """Create an automation."""
    return await info.context.writes(service.create_automation, command)


async def update_automation(info: Info, id: str, command: UpdateAutomation) -> Automation:
    """Update an automation."""
    return await info.context.writes(service.update_automation, id, command)


async def delete_automation(info: Info, id: str) -> str:
    """Delete an automation; returns its id."""
    return await info.context.writes(service.delete_automation, id)


async def set_automation_actions(info: Info, id: str, command: SetAutomationActions) -> Automation:
    """Replace an automation's sequence of actions."""
    return await info.context.writes(service.set_actions, id, command)
