"""The route table's rows, one module per domain."""

from rest_compat.route import RestRoute
from rest_compat.routes import (
    access,
    accounts,
    activities,
    adaptors,
    approvals,
    automations,
    contacts,
    feed,
    files,
    identity,
    imports,
    media,
    organisations,
    users,
    wallets,
    webhooks,
)

ROUTES: list[RestRoute] = [
    *contacts.ROUTES,
    *users.ROUTES,
    *access.ROUTES,
    *accounts.ROUTES,
    *wallets.ROUTES,
    *organisations.ROUTES,
    *identity.ROUTES,
    *activities.ROUTES,
    *files.ROUTES,
    *imports.ROUTES,
    *media.ROUTES,
    *feed.ROUTES,
    *automations.ROUTES,
    *approvals.ROUTES,
    *webhooks.ROUTES,
    *adaptors.ROUTES,
]
