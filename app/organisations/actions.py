"""Actions on one organisation (``POST /organisations/{id}/actions``): MODE and COPY.

``MODE`` turns live mode on for an organisation that so far used test mode only
(``test_mode``): until then its live API keys are refused (403, parameters ``["test_mode"]``)
while its test keys and its users work; afterwards both modes work. Turning it on again
changes nothing. ``COPY`` creates a new organisation with the given name beside the source
(below the same parent) with its settings and reference data (``app.organisations.copying``);
the copy of the caller's own organisation would sit outside the caller's network, so the
caller copies organisations below its own.
"""

from enum import StrEnum

from pydantic import model_validator
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal, require_live_mode
from app.commands import Command, refuse
from app.db.models import Organisation
from app.errors import BusinessRuleViolation
from app.organisations.copying import copy_organisation
from app.organisations.repository import ORGANISATIONS, parent_of

CHANGE_NETWORK = "change the organisations network"


class OrganisationAction(StrEnum):
    """What ``POST /organisations/{id}/actions`` does."""

    MODE = "MODE"
    COPY = "COPY"


class PerformOrganisationAction(Command):
    """An action on an organisation; COPY needs the copy's ``name``."""

    action: OrganisationAction
    name: str | None = None

    @model_validator(mode="after")
    def _name_for_copy(self) -> "PerformOrganisationAction":
        if self.action == OrganisationAction.COPY and not (self.name or "").strip():
            raise refuse("is needed to COPY an organisation", field="name")
        return self


async def perform_action(
    session: AsyncSession,
    principal: Principal,
    organisation_id: str,
    command: PerformOrganisationAction,
) -> Organisation:
    """Perform the action; the organisation it leaves (for COPY, the new one)."""
    require_live_mode(principal, CHANGE_NETWORK)
    organisation = await ORGANISATIONS.lookup(session, principal, "organisation", organisation_id)
    if command.action == OrganisationAction.MODE:
        organisation.test_mode = False
        await session.flush()
        return organisation
    if organisation.id == principal.organisation_id:
        raise BusinessRuleViolation(
            "Copy an organisation below yours: a copy of your own organisation would sit "
            "outside your network.",
            ["id"],
        )
    assert command.name is not None
    parent = await parent_of(session, organisation)
    return await copy_organisation(session, organisation, parent, command.name.strip())
