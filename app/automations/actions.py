"""The action handler registry: what each adaptor action does when a run reaches it.

A handler is ``async def handler(session, run: RunContext) -> Outcome``. It runs inside the
worker's transaction of that run step (whatever it writes commits with the run's new
position, or not at all) and answers:

- :attr:`Outcome.CONTINUE`: go on with the next action;
- :attr:`Outcome.WAIT`: the run waits (state WAITING_APPROVAL) until something resumes it
  (``app.automations.runs.resume_run``, e.g. an approval decision);
- :attr:`Outcome.STOP`: the sequence ends here (state STOPPED).

An exception fails the run (state FAILED, its message kept in ``error``) and rolls back what
the handler wrote. Handlers write durable rows (a webhook request, an outbound message, an
approval request) rather than doing slow work themselves: that work has its own job.

A handler may come with a ``check``: ``async def check(session, principal, action) -> None``,
called when the sequence is set (``POST /automations/{id}/actions``) to refuse bad parameters
with :class:`~app.errors.InvalidInput`. Registering one is one line in
``app/automations/handlers.py``::

    REGISTRY.register(Adaptor.WEBHOOKS, AdaptorAction.POST_WEBHOOK, post_webhook, check_webhook)

An action without a registered handler is refused when the sequence is set (400).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.automations.codes import Adaptor, AdaptorAction


class Outcome(StrEnum):
    """What a handler tells the run to do next."""

    CONTINUE = "CONTINUE"
    WAIT = "WAIT"
    STOP = "STOP"


@dataclass(frozen=True)
class ActionConfig:
    """One configured action: its codes and its parameters and filters in the spec's shape
    (``parameters``: ``[{"id", "parameter_key", "parameter_from_value", "parameter_to_value",
    "parameter_type", "parameter_group"}]``)."""

    id: str
    order: int
    adaptor: str
    adaptor_action: str
    parameters: list[dict[str, Any]] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)

    def values(self, key: str) -> list[str]:
        """The ``parameter_from_value`` of every parameter with ``parameter_key`` ``key``."""
        return [
            str(item["parameter_from_value"])
            for item in self.parameters
            if item.get("parameter_key") == key and item.get("parameter_from_value") is not None
        ]

    def value(self, key: str) -> str | None:
        """The first value of ``key`` (see :meth:`values`), or ``None``."""
        found = self.values(key)
        return found[0] if found else None


@dataclass(frozen=True)
class RunContext:
    """What a handler knows of the run step it performs.

    ``event`` is the documented event payload::

        {"id": event id, "entity": "CONTACTS", "event": "REGISTER_CUSTOMER",
         "entity_id": "...", "organisation_id": "...", "occurred_on": epoch seconds,
         "data": {...}}

    ``principal`` acts for the automation's organisation in its mode (as a secret key of it
    would), so handlers read and write through the tenant-scoped repositories. ``user_id`` is
    the user whose change raised the event (``None`` for API keys). Events a handler emits
    pass ``depth=run.depth + 1``.
    """

    run_id: str
    automation_id: str
    automation_name: str
    automation_description: str | None
    position: int
    action: ActionConfig
    event: dict[str, Any]
    principal: Principal
    user_id: str | None
    depth: int


Handler = Callable[[AsyncSession, RunContext], Awaitable[Outcome]]
ParameterCheck = Callable[[AsyncSession, Principal, ActionConfig], Awaitable[None]]


@dataclass(frozen=True)
class RegisteredAction:
    """A handler and the optional check of its parameters."""

    handler: Handler
    check: ParameterCheck | None = None


class ActionRegistry:
    """Handlers by (adaptor, adaptor action)."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], RegisteredAction] = {}

    def register(
        self,
        adaptor: Adaptor,
        action: AdaptorAction,
        handler: Handler,
        check: ParameterCheck | None = None,
    ) -> None:
        """Have ``handler`` perform ``action`` of ``adaptor`` (``check`` vets its
        parameters when a sequence is set); registering a pair twice is an error."""
        key = (adaptor.value, action.value)
        if key in self._entries:
            raise ValueError(f"{adaptor.value} {action.value} has a handler already")
        self._entries[key] = RegisteredAction(handler, check)

    def get(self, adaptor: str, action: str) -> RegisteredAction | None:
        """The registered handler of an action, or ``None``."""
        return self._entries.get((adaptor, action))

    def registered(self) -> list[tuple[str, str]]:
        """Every (adaptor, action) pair with a handler."""
        return sorted(self._entries)
