"""Which events can trigger an automation, as this process last saw it: a hint that decides
whether a commit wakes the worker at once, never whether an event is kept.

Every event is written (``app.events.emit``) and dispatched by the automations job in any case;
an event no ACTIVE automation listens to waits for the job's next poll (it is marked
dispatched in bulk), so a POST /journals with no automation on journals costs one INSERT and
no work of the worker per request. The job refreshes the set on each round
(:func:`remember`); a change of automations in this process forgets it (:func:`forget`) until
then, so a new automation is never missed in process; another process's new automation is
seen at this process's next poll (at most the worker's poll delay).
"""

Trigger = tuple[str, bool, str, str]
"""(organisation id, is test, entity, event)."""

_known: frozenset[Trigger] | None = None


def remember(triggers: frozenset[Trigger]) -> None:
    """The triggers of every ACTIVE automation, as the worker just read them."""
    global _known
    _known = triggers


def forget() -> None:
    """Automations changed in this process: wake the worker for every event until the next
    :func:`remember`."""
    global _known
    _known = None


def may_trigger(trigger: Trigger) -> bool:
    """Whether an event with this trigger may start an automation run (``True`` when the set
    is not known)."""
    return _known is None or trigger in _known
