"""The route table's rows, one module per domain."""

from rest_compat.route import RestRoute
from rest_compat.routes import (
    access,
    accounts,
    activities,
    contacts,
    identity,
    messages,
    organisations,
    reports,
    users,
    wallets,
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
    *reports.ROUTES,
    *messages.ROUTES,
]
