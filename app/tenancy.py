"""The rule of what a caller may see, in SQL and in Python, defined once.

A caller sees rows of its own organisation and of the organisations below it in the network,
and only rows of its own mode (test keys see test data, everything else live data). The
repositories apply it through :class:`app.db.repository.Repository`, never by hand.
"""

from typing import Any

from sqlalchemy import Boolean, ColumnElement, Select, String, and_, bindparam, select

from app.auth.principal import CredentialKind, Principal
from app.db.models import Organisation

CALLER_AS_PARAMETERS = Principal(
    CredentialKind.SECRET_KEY,
    organisation_id=bindparam("caller_organisation_id", type_=String()),  # type: ignore[arg-type]
    organisation_path=bindparam("caller_path", type_=String()),  # type: ignore[arg-type]
    is_test=bindparam("caller_is_test", type_=Boolean()),  # type: ignore[arg-type]
)
"""A caller whose values are bound parameters, for statements built once that serve every
caller (compiled reads, the journal fast path): the rules below and the repositories build
their filters from it as from any caller; :func:`caller_values` fills them at execution."""


def caller_values(principal: Principal) -> dict[str, Any]:
    """The execution parameters of :data:`CALLER_AS_PARAMETERS` for one caller."""
    return {
        "caller_organisation_id": principal.organisation_id,
        "caller_path": principal.organisation_path,
        "caller_is_test": principal.is_test,
    }


def in_network(principal: Principal) -> ColumnElement[bool]:
    """Organisations in the caller's network: its own and those below it."""
    return Organisation.path.startswith(principal.organisation_path)


def sees_organisation(principal: Principal, organisation: Organisation) -> bool:
    """Whether an organisation already loaded is in the caller's network (as :func:`in_network`)."""
    return organisation.path.startswith(principal.organisation_path)


def visible_organisation_ids(principal: Principal) -> Select[Any]:
    """A sub-query of the ids of the organisations the caller may see."""
    return select(Organisation.id).where(in_network(principal))


def in_network_and_mode(model: Any, principal: Principal) -> ColumnElement[bool]:
    """Rows of a tenant-owned ``model`` in the caller's network and mode."""
    return and_(
        model.organisation_id.in_(visible_organisation_ids(principal)),
        model.is_test == principal.is_test,
    )


def network_path_ids(network_path: str) -> list[str]:
    """The ids of the organisations on a network path (``/root/.../own/``), root first: the
    organisation itself and those above it."""
    return [part for part in network_path.split("/") if part]


def at_or_below(organisation_id: str) -> ColumnElement[bool]:
    """Organisations at or below the organisation ``organisation_id`` in the network."""
    return Organisation.path.contains(f"/{organisation_id}/", autoescape=True)


def at_or_below_path(organisation: Any, ancestor_path: Any) -> ColumnElement[bool]:
    """``organisation`` (the model or an alias) is at or below the organisation whose network
    path is ``ancestor_path`` (a column: per-row comparisons, e.g. analytics' subtrees)."""
    return organisation.path.startswith(ancestor_path)


def organisation_principal(organisation: Organisation, is_test: bool) -> Principal:
    """The caller background work acts as for ``organisation`` (e.g. a scheduled report's
    rows): that organisation's network in one mode, with a secret key's permissions."""
    return Principal(
        kind=CredentialKind.SECRET_KEY,
        organisation_id=organisation.id,
        organisation_path=organisation.path,
        is_test=is_test,
    )
