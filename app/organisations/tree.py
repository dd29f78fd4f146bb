"""Placing organisations in the network tree."""

from app.db.base import new_id
from app.db.models import Organisation


def new_organisation(parent: Organisation | None, **fields: object) -> Organisation:
    """A new organisation below ``parent`` (or a root), with its id and network path set."""
    organisation_id = new_id()
    path = f"{parent.path if parent else '/'}{organisation_id}/"
    return Organisation(
        id=organisation_id, parent_id=parent.id if parent else None, path=path, **fields
    )
