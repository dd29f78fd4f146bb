"""SQL for automations, their actions and runs, always narrowed to the caller's network and
mode."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import Automation, AutomationAction, AutomationRun
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

AUTOMATIONS = TenantRepository(Automation)
ACTIONS = ChildRepository(AutomationAction, AUTOMATIONS, "automation_id")
RUNS = TenantRepository(AutomationRun)

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": Automation.created_on,
    "name": Automation.name,
    "life_cycle_state": Automation.life_cycle_state,
    "entity": Automation.entity,
    "event": Automation.event,
}


def action_order(action: Any = AutomationAction) -> list[Any]:
    """An automation's actions in the order they run."""
    return [action.order, action.id]


def run_order(run: Any = AutomationRun) -> list[Any]:
    """An automation's runs, newest first."""
    return [run.created_on.desc(), run.id.desc()]


async def get_automation(
    session: AsyncSession, principal: Principal, automation_id: str
) -> Automation:
    """The caller's automation (404 naming the automation otherwise)."""
    return await AUTOMATIONS.lookup(session, principal, "automation", automation_id)


async def automation_for_change(
    session: AsyncSession, principal: Principal, automation_id: str
) -> Automation:
    """The caller's automation, locked for a change (404 naming the automation otherwise)."""
    stmt = AUTOMATIONS.writable(principal).where(Automation.id == automation_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("automation", automation_id)
    return found


@dataclass(frozen=True)
class AutomationSearch:
    """The spec's automation search filters; each given field narrows the result.
    ``search_value`` and ``name`` match names containing them, ignoring case."""

    search_value: str | None = None
    name: str | None = None
    life_cycle_state: str | None = None
    entity: str | None = None
    event: str | None = None

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search."""
        conditions: list[Any] = []
        for text in (self.search_value, self.name):
            if text:
                conditions.append(contains_literal(Automation.name, text))
        for column, value in (
            (Automation.life_cycle_state, self.life_cycle_state),
            (Automation.entity, self.entity),
            (Automation.event, self.event),
        ):
            if value:
                conditions.append(column == value)
        return conditions


async def search_automations(
    session: AsyncSession, principal: Principal, request: PageRequest, search: AutomationSearch
) -> Page[Automation]:
    """A page of the caller's automations matching ``search``."""
    stmt = AUTOMATIONS.readable(principal).where(*search.conditions())
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def actions_of(session: AsyncSession, automation_id: str) -> list[AutomationAction]:
    """An automation's actions in order (the caller has checked the automation is theirs)."""
    stmt = select(AutomationAction).where(AutomationAction.automation_id == automation_id)
    return list((await session.execute(stmt.order_by(*action_order()))).scalars())


async def replace_actions(
    session: AsyncSession, automation_id: str, actions: list[AutomationAction]
) -> None:
    """Make ``actions`` an automation's complete sequence."""
    await session.execute(
        delete(AutomationAction).where(AutomationAction.automation_id == automation_id)
    )
    session.add_all(actions)
    await session.flush()


async def delete_automation_rows(session: AsyncSession, automation: Automation) -> None:
    """Delete an automation with its actions and runs (approval requests it made stay, with
    its id and name)."""
    for model in (AutomationAction, AutomationRun):
        await session.execute(delete(model).where(model.automation_id == automation.id))
    await session.delete(automation)
    await session.flush()
