"""Commands of approval requests (spec: Approval requests).

The spec changes a request's state with ``life_cycle_state`` (its example) and describes the
field as "state": both spellings are accepted. The reason is sent as ``response`` (the name
the search answers show it under) or ``reason``.
"""

from enum import StrEnum
from typing import Self

from pydantic import model_validator

from app.commands import Command, refuse


class Decision(StrEnum):
    """The states a decision may move an approval request to."""

    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class DecideApproval(Command):
    """Approve or reject an approval request, with an optional reason."""

    life_cycle_state: Decision | None = None
    state: Decision | None = None
    response: str | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _one_of_each(self) -> Self:
        if self.life_cycle_state is None and self.state is None:
            raise refuse("is required (APPROVED or REJECTED)", field="life_cycle_state")
        if self.life_cycle_state and self.state and self.life_cycle_state != self.state:
            raise refuse("state and life_cycle_state differ", field="life_cycle_state")
        if self.response is not None and self.reason is not None:
            raise refuse("give the reason as response or as reason, not both", field="reason")
        return self

    @property
    def decision(self) -> str:
        """The new state, whichever spelling carried it."""
        chosen = self.life_cycle_state or self.state
        assert chosen is not None  # the validator requires one
        return chosen

    @property
    def message(self) -> str | None:
        """The reason, whichever name carried it."""
        return self.response if self.response is not None else self.reason
