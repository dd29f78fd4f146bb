"""The activity feed of an organisation (spec: GET /organisations/{id}/activity_feed).

An organisation's feed holds its own events (not those of the organisations below it), of the
caller's mode: the activities created in it, the journals posted to its wallets, the contacts
registered with it. Each kind appears only to callers allowed to read its domain
(ACTIVITIES_READ, JOURNALS_READ, CONTACTS_READ). An organisation outside the caller's network
is a 404.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.feed.enums import FeedActivityType
from app.feed.repository import FeedEntry, FeedSearch, organisation_feed
from app.organisations.repository import ORGANISATIONS
from app.pagination import Page, PageRequest

READ_PERMISSION = {
    FeedActivityType.ACTIVITY: Permission.ACTIVITIES_READ,
    FeedActivityType.JOURNAL: Permission.JOURNALS_READ,
    FeedActivityType.CONTACT_REGISTRATION: Permission.CONTACTS_READ,
}
"""The permission that lets a caller see each kind of feed entry."""


async def activity_feed(
    session: AsyncSession,
    principal: Principal,
    organisation_id: str,
    request: PageRequest,
    search: FeedSearch,
) -> Page[FeedEntry]:
    """A page of the organisation's feed as the caller may see it."""
    organisation = await ORGANISATIONS.lookup(session, principal, "organisation", organisation_id)
    sources = [kind for kind, needed in READ_PERMISSION.items() if principal.has_permission(needed)]
    return await organisation_feed(session, principal, organisation.id, request, search, sources)
