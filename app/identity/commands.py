"""Commands of the identity domain: inviting a user, accepting an invitation, creating a key.

The commands check what a field holds on its own (a role code's letters, an e-mail's ``@``, a
password's length); who may do what and what the ids name stay in the services.
"""

import re
from enum import StrEnum

from pydantic import field_validator

from app.commands import Command, refuse

ROLE_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
MIN_PASSWORD_LENGTH = 8


def _email(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if "@" not in value or len(value) > 320:
        raise refuse("is not an e-mail address")
    return value.lower()


class CreateUserInvitation(Command):
    """Invite someone to join ``organisation_id`` (the caller's own when left out) with the role
    ``role`` (a role code: ``OWNER``, ``ADMIN``, ``READ_ONLY`` or a custom role's)."""

    organisation_id: str | None = None
    email: str | None = None
    role: str
    first_name: str | None = None
    last_name: str | None = None

    _check_email = field_validator("email")(_email)

    @field_validator("role")
    @classmethod
    def _role_code(cls, role: str) -> str:
        role = role.strip().upper()
        if not ROLE_CODE.match(role):
            raise refuse("a role code: capital letters, digits and _, at most 32 characters")
        return role


class AcceptUserInvitation(Command):
    """Accept an invitation with its ``token``: a new user gives a ``password`` (and may choose a
    ``username``, else the e-mail address is the username); an existing user with the invitation's
    e-mail address proves it with that user's ``password``. ``email`` is needed only when the
    invitation names none."""

    token: str
    password: str
    username: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    _check_email = field_validator("email")(_email)

    @field_validator("username")
    @classmethod
    def _username(cls, username: str | None) -> str | None:
        if username is None:
            return None
        username = username.strip().lower()
        if not username or len(username) > 320 or any(c.isspace() for c in username):
            raise refuse("1 to 320 characters without spaces")
        return username


class ApiKeyType(StrEnum):
    """Whether a key is secret (the Back-Office API) or public (identifies the organisation)."""

    SECRET = "SECRET"
    PUBLIC = "PUBLIC"


class ApiKeyMode(StrEnum):
    """The mode a key works in: live data or test data."""

    LIVE = "LIVE"
    TEST = "TEST"


class CreateApiKey(Command):
    """A new API key of ``type`` and ``mode`` (a live secret key when left out)."""

    type: ApiKeyType = ApiKeyType.SECRET
    mode: ApiKeyMode = ApiKeyMode.LIVE
