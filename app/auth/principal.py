"""The identity a request runs as, and the checks every operation makes on it."""

from dataclasses import dataclass
from enum import StrEnum

from app.auth.permissions import role_permissions
from app.errors import Forbidden, Unauthenticated


class CredentialKind(StrEnum):
    """How the caller proved who it is."""

    SECRET_KEY = "SECRET_KEY"
    PUBLIC_KEY = "PUBLIC_KEY"
    USER = "USER"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: its organisation (and that organisation's network path) and mode.

    ``organisation_path`` is the ``/root/.../own/`` path of the organisation; the caller may see
    exactly the organisations whose path starts with it.

    For a signed-in user (``user_id`` set), ``role`` is the role code of the user's membership
    the token was issued for (``OWNER``, ``ADMIN``, ``READ_ONLY`` or a custom role's),
    ``custom_permissions`` the codes of that role when it is a custom one (loaded with the
    principal, see :mod:`app.auth.permissions`), and ``home_organisation_id`` the organisation
    the user signed in or switched to: the same as ``organisation_id``, except after a
    masquerade into an organisation below it. All three are ``None`` for API keys.
    """

    kind: CredentialKind
    organisation_id: str
    organisation_path: str
    is_test: bool
    user_id: str | None = None
    role: str | None = None
    home_organisation_id: str | None = None
    custom_permissions: frozenset[str] | None = None

    def has_permission(self, permission: str) -> bool:
        """Whether the caller holds ``permission``: secret keys hold every one, public keys
        none, users those of their role."""
        if self.kind is CredentialKind.SECRET_KEY:
            return True
        if self.kind is CredentialKind.PUBLIC_KEY:
            return False
        return permission in role_permissions(self.role, self.custom_permissions)

    @property
    def may_use_backoffice(self) -> bool:
        """Secret keys and signed-in users have full Back-Office access; public keys do not."""
        return self.kind is not CredentialKind.PUBLIC_KEY


def require_backoffice(principal: Principal | None) -> Principal:
    """The principal, if it may use the Back-Office API (401 without one, 403 for public keys)."""
    if principal is None:
        raise Unauthenticated()
    if not principal.may_use_backoffice:
        raise Forbidden("A public API key may not perform this operation; use a secret key.")
    return principal


def require_permission(
    principal: Principal | None, permission: str | None, *, public_keys: bool = False
) -> Principal:
    """The principal, if it may run an operation that needs ``permission`` (``None``: any
    Back-Office caller): 401 without credentials; 403 for a public key unless ``public_keys``;
    403 ``FORBIDDENEXCEPTION`` with parameters ``[permission]`` for a user whose role lacks it.
    Secret keys hold every permission.
    """
    if principal is None:
        raise Unauthenticated()
    if principal.kind is CredentialKind.PUBLIC_KEY:
        if public_keys:
            return principal
        return require_backoffice(principal)
    if permission is None or principal.has_permission(permission):
        return principal
    raise Forbidden(
        f"The role {principal.role} does not have the permission {permission} that this "
        "operation needs.",
        [permission],
    )


def require_any_key(principal: Principal | None) -> Principal:
    """The principal, for the few operations that public keys may perform too."""
    if principal is None:
        raise Unauthenticated()
    return principal


def require_live_mode(principal: Principal, action: str) -> Principal:
    """The principal, if it is not in test mode (403 otherwise).

    For changes to what live and test mode share (the organisations network and its users):
    a test-mode key may read them but never change them, so that test mode changes nothing
    live. ``action`` completes the message ("change the organisations network").
    """
    if principal.is_test:
        raise Forbidden(
            f"A test-mode key may not {action}: it is shared with live mode. Use a live key.",
            ["test_mode"],
        )
    return principal
