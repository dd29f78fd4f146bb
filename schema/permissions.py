"""Where each GraphQL root field declares the permission it needs, and the one check.

Every root field (query and mutation) carries exactly one :class:`Needs` extension, declared
with the field: ``extensions=[needs(Permission.CONTACTS_WRITE)]``. The extension checks the
caller before the resolver runs (:func:`app.auth.principal.require_permission`); compiled reads
look the same declaration up (:func:`access_of`) before answering from SQL, and the REST
door's OpenAPI document shows it (``x-permission``). A test walks the schema and fails on a
root field without one.
"""

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLField
from strawberry.extensions import FieldExtension
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import Info

from app.auth.permissions import Permission
from app.auth.principal import Principal, require_permission
from app.errors import GatewayError

DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF


@dataclass(frozen=True)
class Access:
    """What a root field needs: a ``permission`` (``None``: any Back-Office caller), whether
    public keys may call it, and whether it needs credentials at all."""

    permission: Permission | None
    public_keys: bool = False
    credentials: bool = True

    def allows(self, principal: Principal | None) -> bool:
        """Whether ``principal`` may call the field (the check without its error)."""
        if not self.credentials:
            return True
        try:
            self.check(principal)
        except GatewayError:
            return False
        return True

    def check(self, principal: Principal | None) -> None:
        """Raise the 401/403 a caller who may not call the field gets."""
        if self.credentials:
            require_permission(principal, self.permission, public_keys=self.public_keys)

    def describe(self) -> str:
        """A sentence for documentation (GraphQL descriptions, OpenAPI operations)."""
        if not self.credentials:
            return "Needs no credentials."
        if self.permission is None:
            return "Any signed-in user or secret API key may call it."
        extra = " Public API keys may call it too." if self.public_keys else ""
        return (
            f"Needs the permission {self.permission.value} (users, by their role; secret API "
            f"keys hold every permission).{extra}"
        )


class Needs(FieldExtension):
    """Checks the caller against the field's :class:`Access` before its resolver runs."""

    def __init__(self, access: Access) -> None:
        self.access = access

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        self.access.check(info.context.principal)
        result = next_(source, info, **kwargs)
        # A subscription's resolver gives an async generator, which is returned as it is.
        return await result if inspect.isawaitable(result) else result


def needs(permission: Permission, *, public_keys: bool = False) -> list[FieldExtension]:
    """The extensions of a root field that needs ``permission``."""
    return [Needs(Access(permission, public_keys=public_keys))]


def any_caller() -> list[FieldExtension]:
    """The extensions of a root field any Back-Office caller may call (``me``)."""
    return [Needs(Access(None))]


def no_credentials() -> list[FieldExtension]:
    """The extensions of a root field that needs no credentials (signing in)."""
    return [Needs(Access(None, credentials=False))]


def access_of(field: GraphQLField) -> Access | None:
    """The declared access of a root field, or ``None`` if it declares none."""
    definition = (field.extensions or {}).get(DEFINITION)
    for extension in getattr(definition, "extensions", ()):
        if isinstance(extension, Needs):
            return extension.access
    return None
