"""Permission codes per domain and verb, and the built-in roles that hold them.

A user acts with the permissions of the role its membership gives it in the organisation the
token acts in: a built-in role (:data:`BUILT_IN_ROLES`) or a custom role of that organisation
(or of one above it) with its own list of codes. API keys hold every permission (secret keys)
or none but the few public operations (public keys); see :mod:`app.auth.principal`.
"""

from dataclasses import dataclass
from enum import StrEnum


class Permission(StrEnum):
    """What a role may do: ``<DOMAIN>_READ`` reads a domain, ``<DOMAIN>_WRITE`` changes it."""

    CONTACTS_READ = "CONTACTS_READ"
    CONTACTS_WRITE = "CONTACTS_WRITE"
    ACCOUNTS_READ = "ACCOUNTS_READ"
    ACCOUNTS_WRITE = "ACCOUNTS_WRITE"
    WALLETS_READ = "WALLETS_READ"
    WALLETS_WRITE = "WALLETS_WRITE"
    JOURNALS_READ = "JOURNALS_READ"
    JOURNALS_WRITE = "JOURNALS_WRITE"
    REFERENCE_READ = "REFERENCE_READ"
    REFERENCE_WRITE = "REFERENCE_WRITE"
    ORGANISATIONS_READ = "ORGANISATIONS_READ"
    ORGANISATIONS_WRITE = "ORGANISATIONS_WRITE"
    USERS_READ = "USERS_READ"
    USERS_WRITE = "USERS_WRITE"
    ROLES_READ = "ROLES_READ"
    ROLES_WRITE = "ROLES_WRITE"
    TEAMS_READ = "TEAMS_READ"
    TEAMS_WRITE = "TEAMS_WRITE"
    ACTIVITIES_READ = "ACTIVITIES_READ"
    ACTIVITIES_WRITE = "ACTIVITIES_WRITE"
    FILES_READ = "FILES_READ"
    FILES_WRITE = "FILES_WRITE"
    IMPORTS_READ = "IMPORTS_READ"
    IMPORTS_WRITE = "IMPORTS_WRITE"
    API_KEYS_READ = "API_KEYS_READ"
    API_KEYS_WRITE = "API_KEYS_WRITE"
    MEDIA_READ = "MEDIA_READ"
    MEDIA_WRITE = "MEDIA_WRITE"
    AUTOMATIONS_READ = "AUTOMATIONS_READ"
    AUTOMATIONS_WRITE = "AUTOMATIONS_WRITE"
    APPROVALS_READ = "APPROVALS_READ"
    WEBHOOKS_READ = "WEBHOOKS_READ"
    WEBHOOKS_WRITE = "WEBHOOKS_WRITE"
    CUSTOMER_EVENTS_READ = "CUSTOMER_EVENTS_READ"
    CUSTOMER_EVENTS_WRITE = "CUSTOMER_EVENTS_WRITE"
    INSIGHTS_READ = "INSIGHTS_READ"
    INSIGHTS_WRITE = "INSIGHTS_WRITE"
    ANALYTICS_READ = "ANALYTICS_READ"
    REPORTS_READ = "REPORTS_READ"
    REPORTS_WRITE = "REPORTS_WRITE"
    OUTBOX_READ = "OUTBOX_READ"
    OUTBOX_WRITE = "OUTBOX_WRITE"


ALL_PERMISSIONS: frozenset[Permission] = frozenset(Permission)
READ_PERMISSIONS: frozenset[Permission] = frozenset(p for p in Permission if p.endswith("_READ"))


@dataclass(frozen=True)
class BuiltInRole:
    """A role every organisation has, defined here rather than in the ``roles`` table."""

    code: str
    name: str
    description: str
    permissions: frozenset[Permission]


OWNER = "OWNER"
ADMIN = "ADMIN"
READ_ONLY = "READ_ONLY"

BUILT_IN_ROLES: dict[str, BuiltInRole] = {
    role.code: role
    for role in (
        BuiltInRole(
            OWNER,
            "Owner",
            "Every permission; only owners may make or unmake owners, and an organisation "
            "always keeps one.",
            ALL_PERMISSIONS,
        ),
        BuiltInRole(ADMIN, "Administrator", "Every permission.", ALL_PERMISSIONS),
        BuiltInRole(READ_ONLY, "Read only", "Every *_READ permission.", READ_PERMISSIONS),
    )
}


def role_permissions(role: str | None, custom: frozenset[str] | None = None) -> frozenset[str]:
    """The permission codes of a role: a built-in role's own, else ``custom`` (the codes of
    the custom role of that code, as loaded at authentication), else none."""
    if role is None:
        return frozenset()
    built_in = BUILT_IN_ROLES.get(role)
    if built_in is not None:
        return built_in.permissions
    return custom or frozenset()
