"""Commands of users' memberships, custom roles and teams."""

import re

from pydantic import field_validator

from app.auth.permissions import Permission
from app.commands import Command, refuse

_ROLE_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")


def _role_code(value: str) -> str:
    code = value.strip().upper()
    if not _ROLE_CODE.match(code):
        raise refuse("must be 2 to 32 letters, digits or _, starting with a letter")
    return code


class ChangeMembership(Command):
    """A member's new role in the organisation: a built-in or custom role code."""

    role: str

    _code = field_validator("role")(_role_code)


class CreateRole(Command):
    """A custom role of an organisation; its code may not be a built-in role's."""

    code: str
    name: str
    description: str | None = None
    permissions: list[Permission]

    _code = field_validator("code")(_role_code)


class UpdateRole(Command):
    """Changes to a custom role; ``permissions`` replaces the list. Its code never changes."""

    name: str | None = None
    description: str | None = None
    permissions: list[Permission] | None = None


class CreateTeam(Command):
    """A new team of an organisation; names are unique per organisation."""

    name: str
    description: str | None = None


class UpdateTeam(Command):
    """Changes to a team; fields left out stay as they are."""

    name: str | None = None
    description: str | None = None


class AddTeamMember(Command):
    """A user (a member of the team's organisation) joining a team."""

    user_id: str
