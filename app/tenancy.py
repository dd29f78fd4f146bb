"""The one place where a query is narrowed to what the caller may see.

A caller sees rows of its own organisation and of the organisations below it in the network,
and only rows of its own mode (test keys see test data, everything else live data).
"""

from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute

from app.auth.principal import Principal
from app.db.models import Organisation

SelectT = TypeVar("SelectT", bound=Select[Any])


def visible_organisation_ids(principal: Principal) -> Select[Any]:
    """A sub-query of the ids of the organisations the caller may see."""
    return select(Organisation.id).where(Organisation.path.startswith(principal.organisation_path))


def visible_organisations(stmt: SelectT, principal: Principal) -> SelectT:
    """``stmt`` (a select over organisations) narrowed to the caller's network."""
    return stmt.where(Organisation.path.startswith(principal.organisation_path))


def tenant_scoped(stmt: SelectT, model: Any, principal: Principal) -> SelectT:
    """``stmt`` narrowed to rows of ``model`` in the caller's network and mode."""
    organisation_id: InstrumentedAttribute[str] = model.organisation_id
    is_test: InstrumentedAttribute[bool] = model.is_test
    return stmt.where(
        organisation_id.in_(visible_organisation_ids(principal)),
        is_test == principal.is_test,
    )
