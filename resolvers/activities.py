"""Resolvers and dataloaders for activities and their tags."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from app.activities import repository, service
from app.activities.commands import (
    ActivityTags,
    ChangeActivityStatus,
    CreateActivity,
    UpdateActivity,
)
from app.activities.repository import ActivitySearch
from app.db.models import (
    Activity,
    ActivityLink,
    ActivityStatusChange,
    ActivityTag,
    Membership,
    Team,
    User,
)
from app.db.relations import Related
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.loaders import BatchLoader
from resolvers.relations import RelationLoader

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class LinksByActivityIdLoader(RelationLoader):
    """An activity's linked entities, in the order given."""

    related = Related(ActivityLink, "activity_id", repository.link_order, many=True)


class StatusesByActivityIdLoader(RelationLoader):
    """An activity's dated states, oldest first."""

    related = Related(ActivityStatusChange, "activity_id", repository.status_order, many=True)


class TagsByActivityIdLoader(RelationLoader):
    """An activity's tags, by tag id."""

    related = Related(ActivityTag, "activity_id", repository.tag_order, many=True)


class UserByIdLoader(BatchLoader[str, User | None]):
    """Users by id, if they are members of an organisation the caller may see (read through
    their memberships, so keyed as memberships by user)."""

    loads = (Membership, "user_id")

    async def load_batch(self, session: "AsyncSession", keys: Sequence[str]) -> list[Any]:
        found = await repository.users_by_ids(session, self.reader, keys)
        return [found.get(key) for key in keys]


async def activity(info: Info, id: str) -> Activity:
    """One activity."""
    return await info.context.reads(repository.get_activity, id)


async def activities(info: Info, request: PageRequest, search: ActivitySearch) -> Page[Activity]:
    """A page of activities matching the search."""
    return await info.context.reads(repository.search_activities, request, search)


async def create_activity(info: Info, command: CreateActivity) -> Activity:
    """Create an activity."""
    return await info.context.writes(service.create_activity, command)


async def update_activity(info: Info, id: str, command: UpdateActivity) -> Activity:
    """Update an activity."""
    return await info.context.writes(service.update_activity, id, command)


async def change_activity_status(info: Info, id: str, command: ChangeActivityStatus) -> Activity:
    """Change an activity's state."""
    return await info.context.writes(service.change_status, id, command)


async def delete_activity(info: Info, id: str) -> str:
    """Delete an activity; returns its id."""
    return await info.context.writes(service.delete_activity, id)


async def add_activity_tags(info: Info, id: str, command: ActivityTags) -> Activity:
    """Add tags to an activity."""
    return await info.context.writes(service.add_tags, id, command)


async def update_activity_tags(info: Info, id: str, command: ActivityTags) -> Activity:
    """Replace an activity's tags."""
    return await info.context.writes(service.replace_tags, id, command)


async def remove_activity_tag(info: Info, id: str, tag_id: str) -> Activity:
    """Take a tag off an activity."""
    return await info.context.writes(service.remove_tag, id, tag_id)


class TeamByIdLoader(RelationLoader):
    """Teams of the caller's network by id."""

    related = Related(Team, "id")
