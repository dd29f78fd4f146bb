"""Commands of the automations domain (spec: Automations).

The spec sends an automation's state as ``state`` when creating it and ``life_cycle_state``
when updating it: both are accepted everywhere (giving both with different values is a 400).
"""

from typing import Self

from pydantic import field_validator, model_validator

from app.automations.codes import (
    Adaptor,
    AdaptorAction,
    AutomationState,
    FilterOperator,
    FilterType,
)
from app.commands import Command, refuse
from app.events.codes import Entity, Event


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise refuse("may not be blank")
    return value


class _StateFields(Command):
    state: AutomationState | None = None
    life_cycle_state: AutomationState | None = None

    @model_validator(mode="after")
    def _one_state(self) -> Self:
        if self.state and self.life_cycle_state and self.state != self.life_cycle_state:
            raise refuse(
                "state and life_cycle_state are two spellings of one field; they differ",
                field="life_cycle_state",
            )
        return self

    @property
    def new_state(self) -> str | None:
        """The state given in either spelling, or ``None``."""
        return self.life_cycle_state or self.state


class CreateAutomation(_StateFields):
    """A new automation; it starts INACTIVE unless a state is given."""

    name: str
    description: str | None = None
    entity: Entity
    event: Event

    _name = field_validator("name")(_not_blank)


class UpdateAutomation(_StateFields):
    """Changes to an automation: fields left out stay. ``entity`` and ``event`` change
    together or alone, but the pair must stay valid."""

    name: str | None = None
    description: str | None = None
    entity: Entity | None = None
    event: Event | None = None

    _name = field_validator("name")(_not_blank)


class ActionParameter(Command):
    """A parameter of an adaptor's action (spec: ``adaptor_action_parameters[]``)."""

    id: str | None = None
    parameter_group: str | None = None
    parameter_key: str
    parameter_from_value: str | None = None
    parameter_to_value: str | None = None
    parameter_type: str | None = None

    _key = field_validator("parameter_key")(_not_blank)


class ActionFilter(Command):
    """One filter condition (spec: ``action_filters[].filters[]``): ``value`` or a
    non-blank ``value_list`` is required."""

    id: str | None = None
    attribute: str
    custom_field: str | None = None
    type: FilterType = FilterType.STRING
    operator: FilterOperator
    value: str | None = None
    value_list: list[str] | None = None

    _attribute = field_validator("attribute")(_not_blank)

    @model_validator(mode="after")
    def _compared_with(self) -> Self:
        listed = [item for item in self.value_list or [] if item != ""]
        if (self.value is None or self.value == "") and not listed:
            raise refuse("either value or value_list must be given", field="value")
        return self


class ActionFilterGroup(Command):
    """Filters that must all hold."""

    filters: list[ActionFilter] = []


class AutomationActionInput(Command):
    """One action of a sequence."""

    id: str | None = None
    adaptor: Adaptor
    adaptor_action: AdaptorAction
    order: int | None = None
    path: str | None = None
    adaptor_action_parameters: list[ActionParameter] = []
    action_filters: list[ActionFilterGroup] = []


class SetAutomationActions(Command):
    """An automation's complete new sequence of actions (spec: body ``content``)."""

    content: list[AutomationActionInput]
