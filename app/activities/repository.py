"""SQL for activities, always narrowed to the caller's network and mode."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.models import Activity, ActivityLink, ActivityStatusChange, ActivityTag, User
from app.db.repository import ChildRepository, TenantRepository
from app.errors import NotFound
from app.organisations.repository import MEMBERSHIPS
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal

ACTIVITIES = TenantRepository(Activity)
LINKS = ChildRepository(ActivityLink, ACTIVITIES, "activity_id")
STATUSES = ChildRepository(ActivityStatusChange, ACTIVITIES, "activity_id")
TAGS = ChildRepository(ActivityTag, ACTIVITIES, "activity_id")

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": Activity.created_on,
    "name": Activity.name,
    "date": Activity.date,
    "status": Activity.status,
}


def link_order(link: Any = ActivityLink) -> list[Any]:
    """How an activity's links are listed: in the order they were given."""
    return [link.position, link.id]


def status_order(change: Any = ActivityStatusChange) -> list[Any]:
    """An activity's history of states: oldest first."""
    return [change.date, change.id]


def tag_order(tag: Any = ActivityTag) -> list[Any]:
    """An activity's tags: by tag id."""
    return [tag.tag_id]


async def get_activity(session: AsyncSession, principal: Principal, activity_id: str) -> Activity:
    """The caller's activity with this id (404 naming the activity otherwise)."""
    return await ACTIVITIES.lookup(session, principal, "activity", activity_id)


async def activity_for_change(
    session: AsyncSession, principal: Principal, activity_id: str
) -> Activity:
    """The caller's activity, locked for a change (404 naming the activity otherwise)."""
    stmt = ACTIVITIES.writable(principal).where(Activity.id == activity_id)
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise NotFound("activity", activity_id)
    return found


@dataclass(frozen=True)
class ActivitySearch:
    """The spec's activity search filters; each given field narrows the result.

    ``custom_fields`` maps keys to the values an activity's custom field must hold.
    """

    type_id: str | None = None
    name: str | None = None
    created_on_gte: datetime | None = None
    created_on_gt: datetime | None = None
    created_on_lt: datetime | None = None
    created_on_lte: datetime | None = None
    statuses: Sequence[str] = ()
    tag_ids: Sequence[str] = ()
    user_id: str | None = None
    assigned_user_id: str | None = None
    assigned_team_id: str | None = None
    linked: Sequence[tuple[str, str]] = ()
    custom_fields: dict[str, str] = field(default_factory=dict)

    def conditions(self) -> list[Any]:
        """The WHERE conditions of this search (custom fields are matched after the query)."""
        conditions: list[Any] = []
        if self.type_id:
            conditions.append(Activity.type_id == self.type_id)
        if self.name:
            conditions.append(contains_literal(Activity.name, self.name))
        bounds = (
            (self.created_on_gte, Activity.created_on.__ge__),
            (self.created_on_gt, Activity.created_on.__gt__),
            (self.created_on_lt, Activity.created_on.__lt__),
            (self.created_on_lte, Activity.created_on.__le__),
        )
        conditions.extend(compare(bound) for bound, compare in bounds if bound is not None)
        if self.statuses:
            conditions.append(Activity.status.in_(list(self.statuses)))
        if self.tag_ids:
            conditions.append(
                exists().where(
                    ActivityTag.activity_id == Activity.id,
                    ActivityTag.tag_id.in_(list(self.tag_ids)),
                )
            )
        for column, value in (
            (Activity.user_id, self.user_id),
            (Activity.assigned_user_id, self.assigned_user_id),
            (Activity.assigned_team_id, self.assigned_team_id),
        ):
            if value:
                conditions.append(column == value)
        for entity_type, entity_id in self.linked:
            conditions.append(
                exists().where(
                    ActivityLink.activity_id == Activity.id,
                    ActivityLink.entity_type == entity_type,
                    ActivityLink.entity_id == entity_id,
                )
            )
        return conditions


async def search_activities(
    session: AsyncSession, principal: Principal, request: PageRequest, search: ActivitySearch
) -> Page[Activity]:
    """A page of the caller's activities matching ``search``."""
    stmt = ACTIVITIES.readable(principal).where(*search.conditions())
    if search.custom_fields:
        stmt = stmt.where(Activity.id.in_(await _with_custom_fields(session, principal, search)))
    return await fetch_page(session, stmt, request, SORT_COLUMNS, DEFAULT_SORT)


async def _with_custom_fields(
    session: AsyncSession, principal: Principal, search: ActivitySearch
) -> list[str]:
    """The ids of the activities matching ``search`` whose custom fields hold every wanted
    key/value (JSON is compared the same way on both databases by reading it)."""
    stmt = ACTIVITIES.scoped(select(Activity.id, Activity.custom_fields), principal).where(
        *search.conditions()
    )
    wanted = search.custom_fields.items()
    found: list[str] = []
    for activity_id, fields in (await session.execute(stmt)).all():
        held = {item.get("key"): item.get("value") for item in fields or []}
        if all(held.get(key) == value for key, value in wanted):
            found.append(activity_id)
    return found


async def number_taken(
    session: AsyncSession, organisation_id: str, is_test: bool, number: str
) -> bool:
    """Whether an activity of this organisation and mode already has ``number``."""
    stmt = select(
        exists().where(
            Activity.organisation_id == organisation_id,
            Activity.is_test.is_(is_test),
            Activity.number == number,
        )
    )
    return bool((await session.execute(stmt)).scalar())


async def replace_links(
    session: AsyncSession, activity_id: str, links: Sequence[tuple[str, str]]
) -> None:
    """Make ``links`` (type, id) the activity's complete list of linked entities."""
    await session.execute(delete(ActivityLink).where(ActivityLink.activity_id == activity_id))
    session.add_all(
        ActivityLink(activity_id=activity_id, entity_type=kind, entity_id=entity_id, position=index)
        for index, (kind, entity_id) in enumerate(links)
    )


async def tag_ids(session: AsyncSession, activity_id: str) -> list[str]:
    """The ids of the tags on an activity."""
    stmt = select(ActivityTag.tag_id).where(ActivityTag.activity_id == activity_id)
    return list((await session.execute(stmt.order_by(ActivityTag.tag_id))).scalars())


async def remove_tags(session: AsyncSession, activity_id: str, ids: Sequence[str]) -> None:
    """Take the tags ``ids`` off an activity."""
    await session.execute(
        delete(ActivityTag).where(
            ActivityTag.activity_id == activity_id, ActivityTag.tag_id.in_(ids)
        )
    )


async def delete_activity_rows(session: AsyncSession, activity: Activity) -> None:
    """Delete an activity with its links, states and tags."""
    for model in (ActivityLink, ActivityStatusChange, ActivityTag):
        await session.execute(delete(model).where(model.activity_id == activity.id))
    await session.delete(activity)
    await session.flush()


async def users_by_ids(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> dict[str, User]:
    """The users among ``ids`` that are members of an organisation the caller may see."""
    stmt = (
        MEMBERSHIPS.scoped(select(User), principal)
        .join(MEMBERSHIPS.model, MEMBERSHIPS.model.user_id == User.id)
        .where(User.id.in_(list(ids)))
        .distinct()
    )
    return {user.id: user for user in (await session.execute(stmt)).scalars()}
