"""GraphQL types, inputs and root fields of activities and their tags (spec: Activities,
Activity tags). Field names are the spec's, so the REST door shows them as they are."""

from datetime import datetime
from typing import Annotated

import strawberry

from app.accounts.service import contact_display_name
from app.activities.commands import (
    ActivityTags,
    ChangeActivityStatus,
    CreateActivity,
    UpdateActivity,
)
from app.activities.enums import ActivityStatus, LinkedEntityType
from app.activities.repository import DEFAULT_SORT, SORT_COLUMNS, ActivitySearch
from app.auth.permissions import Permission
from app.db.models import Activity as ActivityRow
from app.db.models import User as UserRow
from app.errors import InvalidInput
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import activities as resolve
from resolvers.contacts import AddressByIdLoader, ContactByIdLoader
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    CustomField,
    CustomFieldInput,
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    custom_fields,
    page_request,
    sort_argument,
    to_page,
)
from schema.contacts import ContactAddress
from schema.permissions import needs

ActivitySortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
IdArgument = Annotated[strawberry.ID, strawberry.argument(description="The activity identifier.")]

strawberry.enum(
    ActivityStatus,
    description="An activity's life cycle state: PENDING (the activity is created with this "
    "status), COMPLETED (closed with this status), CANCELLED (cancelled with this status).",
)
strawberry.enum(LinkedEntityType, description="The kind of entity an activity is linked to.")


@strawberry.type(description="The type of an activity.")
class ActivityType:
    id: strawberry.ID = strawberry.field(description="The id of the activity type.")


@strawberry.type(description="An entity an activity is linked to.")
class LinkedEntity:
    type: LinkedEntityType = strawberry.field(description="The type of related entity.")
    id: strawberry.ID = strawberry.field(description="The related entity identifier.")


@strawberry.type(description="The contact an activity is linked to.")
class ActivityContact:
    id: strawberry.ID = strawberry.field(description="The contact identifier.")
    name: str = strawberry.field(description="The contact full name (or company name).")
    code: str | None = strawberry.field(description="The contact unique code.")


@strawberry.type(description="A user an activity names.")
class ActivityUser:
    id: strawberry.ID = strawberry.field(description="The user identifier.")
    name: str = strawberry.field(description="The user name.")
    username: str | None = strawberry.field(description="The username of the user.")

    @classmethod
    def of(cls, user: UserRow | None) -> "ActivityUser | None":
        """The GraphQL user for a user row (``None`` for none)."""
        if user is None:
            return None
        name = " ".join(part for part in (user.first_name, user.last_name) if part)
        return cls(id=strawberry.ID(user.id), name=name or user.email, username=user.username)


@strawberry.type(description="A team an activity is assigned to.")
class ActivityTeam:
    id: strawberry.ID = strawberry.field(description="The team identifier.")
    name: str = strawberry.field(description="The team name.")


@strawberry.type(description="Who an activity is assigned to.")
class ActivityAssignment:
    user: ActivityUser | None = strawberry.field(description="The assigned user.")
    team: ActivityTeam | None = strawberry.field(description="The assigned team.")


@strawberry.type(description="A state an activity entered, with when.")
class ActivityStatusEntry:
    status: ActivityStatus = strawberry.field(description="The state.")
    date: datetime = strawberry.field(description="When the activity entered the state.")


@strawberry.type(description="A tag on an activity.")
class ActivityTag:
    id: strawberry.ID = strawberry.field(description="The tag ID.")


@strawberry.type(description="Work to be done: scheduled, assigned, linked to other entities.")
class Activity:
    id: strawberry.ID = strawberry.field(description="The activity identifier.")
    name: str = strawberry.field(description="The activity name.")
    number: str = strawberry.field(description="The activity number (ACT and 8 digits).")
    description: str | None = strawberry.field(description="The activity description.")
    status: ActivityStatus = strawberry.field(description="The activity life cycle state.")
    date: datetime | None = strawberry.field(description="The date of the scheduled activity.")
    from_time: str | None = strawberry.field(description="When it starts (HH:MM).")
    to_time: str | None = strawberry.field(description="When it is scheduled to finish (HH:MM).")
    created_date: datetime = strawberry.field(description="The date the activity was created.")
    use_entity_address: bool = strawberry.field(
        description="Whether the linked entity's address is the activity's address."
    )
    organisation_id: strawberry.ID = strawberry.field(description="The owning organisation.")
    row: strawberry.Private[ActivityRow]

    @strawberry.field(description="The activity type.")
    def activity_type(self) -> ActivityType | None:
        type_id = self.row.type_id
        return ActivityType(id=strawberry.ID(type_id)) if type_id else None

    @strawberry.field(description="The address of the activity.")
    async def address(self, info: Info) -> ContactAddress | None:
        if self.row.address_id is None:
            return None
        address = await info.context.loaders.get(AddressByIdLoader).load(self.row.address_id)
        return address

    @strawberry.field(description="Related linked entity details, in the order given.")
    async def linked_to(self, info: Info) -> list[LinkedEntity]:
        links = await info.context.loaders.get(resolve.LinksByActivityIdLoader).load(self.id)
        return [
            LinkedEntity(type=LinkedEntityType(link.entity_type), id=strawberry.ID(link.entity_id))
            for link in links
        ]

    @strawberry.field(description="Details about the related contact (its first CONTACT link).")
    async def contact(self, info: Info) -> ActivityContact | None:
        links = await info.context.loaders.get(resolve.LinksByActivityIdLoader).load(self.id)
        ids = [link.entity_id for link in links if link.entity_type == LinkedEntityType.CONTACT]
        if not ids:
            return None
        contact = await info.context.loaders.get(ContactByIdLoader).load(ids[0])
        if contact is None:
            return None
        return ActivityContact(
            id=strawberry.ID(contact.id), name=contact_display_name(contact), code=contact.code
        )

    @strawberry.field(description="The user who is responsible to complete the activity.")
    async def user(self, info: Info) -> ActivityUser | None:
        if self.row.user_id is None:
            return None
        return ActivityUser.of(
            await info.context.loaders.get(resolve.UserByIdLoader).load(self.row.user_id)
        )

    @strawberry.field(description="Details about the user and team the record is assigned to.")
    async def assign_to(self, info: Info) -> ActivityAssignment:
        user = team = None
        if self.row.assigned_user_id is not None:
            loader = info.context.loaders.get(resolve.UserByIdLoader)
            user = ActivityUser.of(await loader.load(self.row.assigned_user_id))
        if self.row.assigned_team_id is not None:
            row = await info.context.loaders.get(resolve.TeamByIdLoader).load(
                self.row.assigned_team_id
            )
            if row is not None:
                team = ActivityTeam(id=strawberry.ID(row.id), name=row.name)
        return ActivityAssignment(user=user, team=team)

    @strawberry.field(description="The life cycle states of the activity, oldest first.")
    async def statuses(self, info: Info) -> list[ActivityStatusEntry]:
        rows = await info.context.loaders.get(resolve.StatusesByActivityIdLoader).load(self.id)
        return [ActivityStatusEntry(status=ActivityStatus(r.status), date=r.date) for r in rows]

    @strawberry.field(description="The activity's tags, by tag id.")
    async def tags(self, info: Info) -> list[ActivityTag]:
        rows = await info.context.loaders.get(resolve.TagsByActivityIdLoader).load(self.id)
        return [ActivityTag(id=strawberry.ID(row.tag_id)) for row in rows]

    @strawberry.field(description="The activity's custom fields.")
    def custom_fields(self) -> list[CustomField]:
        return custom_fields(self.row.custom_fields)

    @classmethod
    def of(cls, row: ActivityRow) -> "Activity":
        """The GraphQL activity for an activity row."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            number=row.number,
            description=row.description,
            status=ActivityStatus(row.status),
            date=row.date,
            from_time=row.from_time,
            to_time=row.to_time,
            created_date=row.created_on,
            use_entity_address=row.use_entity_address,
            organisation_id=strawberry.ID(row.organisation_id),
            row=row,
        )


@strawberry.input(description="An entity to link an activity to.")
class LinkedEntityInput:
    type: LinkedEntityType = strawberry.field(description="The type of related entity.")
    id: strawberry.ID = strawberry.field(description="The related entity identifier.")


@strawberry.input(description="Who to assign an activity to.")
class AssignToInput:
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="A member of the activity's organisation."
    )
    team_id: strawberry.ID | None = strawberry.field(
        default=None, description="A team of the activity's organisation."
    )


@strawberry.input(description="A new activity.")
class CreateActivityInput:
    name: str = strawberry.field(description="The activity name.")
    description: str | None = strawberry.field(default=None, description="The description.")
    type_id: strawberry.ID | None = strawberry.field(
        default=None, description="The GUID of the activity type."
    )
    status: ActivityStatus = strawberry.field(
        default=ActivityStatus.PENDING, description="The state it is created with."
    )
    date: datetime | None = strawberry.field(default=None, description="The date.")
    from_time: str | None = strawberry.field(default=None, description="Start time, HH:MM.")
    to_time: str | None = strawberry.field(default=None, description="End time, HH:MM.")
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="An address of a contact; not with use_entity_address."
    )
    use_entity_address: bool = strawberry.field(
        default=False, description="Use the linked entity's address; not with address_id."
    )
    linked_to: list[LinkedEntityInput] | None = strawberry.field(
        default=None, description="Related linked entities."
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user responsible to complete it."
    )
    assign_to: AssignToInput | None = strawberry.field(
        default=None, description="The user and/or team it is assigned to."
    )
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=None, description="Custom fields."
    )


@strawberry.input(description="Changes to an activity; fields left out stay as they are.")
class UpdateActivityInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="The description."
    )
    date: datetime | None = strawberry.field(default=strawberry.UNSET, description="The date.")
    from_time: str | None = strawberry.field(default=strawberry.UNSET, description="HH:MM.")
    to_time: str | None = strawberry.field(default=strawberry.UNSET, description="HH:MM.")
    address_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="An address of a contact."
    )
    linked_to: list[LinkedEntityInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of linked entities."
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The user responsible to complete it."
    )
    assign_to: AssignToInput | None = strawberry.field(
        default=strawberry.UNSET,
        description="The new assignment (replaces the old one; null unassigns).",
    )
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of custom fields."
    )


@strawberry.input(description="An activity's new life cycle state.")
class ChangeActivityStatusInput:
    status: ActivityStatus = strawberry.field(description="The new state.")


@strawberry.input(description="A tag, by id.")
class TagReferenceInput:
    id: strawberry.ID = strawberry.field(description="The tag id.")


@strawberry.input(description="Tags of an activity.")
class ActivityTagsInput:
    tags: list[TagReferenceInput] = strawberry.field(description="The tags.")


def _created_on(relation: str) -> datetime | None:
    return strawberry.field(default=None, description=f"Only activities created {relation} it.")


@strawberry.input(description="Which activities to return: those matching every field given.")
class ActivityFilter:
    type_id: strawberry.ID | None = strawberry.field(
        default=None, description="The id of the activity type."
    )
    name: str | None = strawberry.field(
        default=None, description="Text the activity name contains (ignoring case)."
    )
    created_on_gte: datetime | None = _created_on("at or after")
    created_on_gt: datetime | None = _created_on("after")
    created_on_lt: datetime | None = _created_on("before")
    created_on_lte: datetime | None = _created_on("at or before")
    statuses: list[ActivityStatus] | None = strawberry.field(
        default=None, description="Only activities in one of these states."
    )
    tag_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only activities with one of these tags."
    )
    user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user responsible to complete it."
    )
    assigned_user_id: strawberry.ID | None = strawberry.field(
        default=None, description="The user it is assigned to."
    )
    assigned_team_id: strawberry.ID | None = strawberry.field(
        default=None, description="The team it is assigned to."
    )
    contact_id: strawberry.ID | None = strawberry.field(
        default=None, description="Linked to this contact."
    )
    order_id: strawberry.ID | None = strawberry.field(
        default=None, description="Linked to this order."
    )
    lead_id: strawberry.ID | None = strawberry.field(
        default=None, description="Linked to this lead."
    )
    service_request_id: strawberry.ID | None = strawberry.field(
        default=None, description="Linked to this service request."
    )
    custom_fields: str | None = strawberry.field(
        default=None,
        description="key=value pairs separated by semicolons; each must be held "
        "(e.g. back_office=0001-12345;region=north).",
    )

    def search(self) -> ActivitySearch:
        """The repository search this filter asks for (400 naming custom_fields if malformed)."""
        links = (
            (LinkedEntityType.CONTACT, self.contact_id),
            (LinkedEntityType.ORDER, self.order_id),
            (LinkedEntityType.LEAD, self.lead_id),
            (LinkedEntityType.SERVICE_REQUEST, self.service_request_id),
        )
        return ActivitySearch(
            type_id=self.type_id,
            name=self.name,
            created_on_gte=self.created_on_gte,
            created_on_gt=self.created_on_gt,
            created_on_lt=self.created_on_lt,
            created_on_lte=self.created_on_lte,
            statuses=[status.value for status in self.statuses or []],
            tag_ids=list(self.tag_ids or []),
            user_id=self.user_id,
            assigned_user_id=self.assigned_user_id,
            assigned_team_id=self.assigned_team_id,
            linked=[(kind.value, entity_id) for kind, entity_id in links if entity_id],
            custom_fields=_custom_field_pairs(self.custom_fields),
        )


def _custom_field_pairs(text: str | None) -> dict[str, str]:
    """``key=value;key=value`` as a dict (InvalidInput naming custom_fields otherwise)."""
    pairs: dict[str, str] = {}
    for item in (text or "").split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InvalidInput("custom_fields", "must be key=value pairs separated by ;")
        pairs[key.strip()] = value
    return pairs


@strawberry.type
class Query:
    @strawberry.field(
        description="Get details for a specific activity.",
        extensions=needs(Permission.ACTIVITIES_READ),
    )
    async def activity(self, info: Info, id: IdArgument) -> Activity:
        return Activity.of(await resolve.activity(info, id))

    @strawberry.field(
        description="Search for activities of the caller's network.",
        extensions=needs(Permission.ACTIVITIES_READ),
    )
    async def activities(
        self,
        info: Info,
        filter_by: Annotated[
            ActivityFilter | None,
            strawberry.argument(name="filter", description="Only activities matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ActivitySortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Activity]:
        search = (filter_by or ActivityFilter()).search()
        result = await resolve.activities(info, page_request(page, size, sort, order), search)
        return to_page(result, Activity.of)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a new activity in the caller's organisation.",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def create_activity(self, info: Info, input: CreateActivityInput) -> Activity:
        command = to_command(input, CreateActivity)
        return Activity.of(await resolve.create_activity(info, command))

    @strawberry.mutation(
        description="Update an existing activity; fields left out stay as they are.",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def update_activity(
        self, info: Info, id: IdArgument, input: UpdateActivityInput
    ) -> Activity:
        command = to_command(input, UpdateActivity)
        return Activity.of(await resolve.update_activity(info, id, command))

    @strawberry.mutation(
        description="Update an existing activity's status; the change is kept with its date.",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def update_activity_status(
        self, info: Info, id: IdArgument, input: ChangeActivityStatusInput
    ) -> Activity:
        command = to_command(input, ChangeActivityStatus)
        return Activity.of(await resolve.change_activity_status(info, id, command))

    @strawberry.mutation(
        description="Delete an existing activity with its states, links and tags.",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def delete_activity(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_activity(info, id)))

    @strawberry.mutation(
        description="Add tags to an activity (tags it has already stay once).",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def add_activity_tags(
        self, info: Info, id: IdArgument, input: ActivityTagsInput
    ) -> Activity:
        command = to_command(input, ActivityTags)
        return Activity.of(await resolve.add_activity_tags(info, id, command))

    @strawberry.mutation(
        description="Replace an activity's tags with the given list.",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def update_activity_tags(
        self, info: Info, id: IdArgument, input: ActivityTagsInput
    ) -> Activity:
        command = to_command(input, ActivityTags)
        return Activity.of(await resolve.update_activity_tags(info, id, command))

    @strawberry.mutation(
        description="Delete a tag on an activity (404 if the activity does not have it).",
        extensions=needs(Permission.ACTIVITIES_WRITE),
    )
    async def remove_activity_tag(
        self,
        info: Info,
        id: IdArgument,
        tag_id: Annotated[strawberry.ID, strawberry.argument(description="The tag id.")],
    ) -> Activity:
        return Activity.of(await resolve.remove_activity_tag(info, id, tag_id))
