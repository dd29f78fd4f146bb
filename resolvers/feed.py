"""Resolvers of the activity feed of an organisation."""

from app.feed import service
from app.feed.repository import FeedEntry, FeedSearch
from app.pagination import Page, PageRequest
from resolvers.context import Info


async def activity_feed(
    info: Info, organisation_id: str, request: PageRequest, search: FeedSearch
) -> Page[FeedEntry]:
    """A page of an organisation's activity feed."""
    return await info.context.reads(service.activity_feed, organisation_id, request, search)
