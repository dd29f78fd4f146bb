"""Commands of the activities domain (spec: Activities, Activity tags).

Times of day are ``HH:MM`` (24 hours); an activity's ``to_time`` may not come before its
``from_time``; ``address_id`` and ``use_entity_address`` are exclusive (spec: "Either the
address_id or the use_entity_address can be specified, not both").
"""

import re
from datetime import datetime
from typing import Self

from pydantic import field_validator, model_validator

from app.activities.enums import ActivityStatus, LinkedEntityType
from app.commands import Command, CustomField, refuse

_TIME_OF_DAY = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
# Identifiers stored as given (activity types, orders, leads, service requests, tags have no
# domain here to look them up in): the width of the id columns, in a plain alphabet.
_STORED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,36}$")


def _stored_id(value: str | None) -> str | None:
    if value is not None and not _STORED_ID.match(value):
        raise refuse("must be 1 to 36 letters, digits, '.', '_', ':' or '-'")
    return value


def _time_of_day(value: str | None) -> str | None:
    if value is not None and not _TIME_OF_DAY.match(value):
        raise refuse("must be a time of day HH:MM (00:00 to 23:59)")
    return value


class LinkedEntity(Command):
    """An entity an activity is linked to."""

    type: LinkedEntityType
    id: str

    _id = field_validator("id")(_stored_id)


class AssignTo(Command):
    """Who an activity is assigned to: a member of its organisation and/or one of its teams."""

    user_id: str | None = None
    team_id: str | None = None


class _ActivityFields(Command):
    """The fields an activity's create and update share, with their validation."""

    name: str | None = None
    description: str | None = None
    date: datetime | None = None
    from_time: str | None = None
    to_time: str | None = None
    address_id: str | None = None
    linked_to: list[LinkedEntity] | None = None
    user_id: str | None = None
    assign_to: AssignTo | None = None
    custom_fields: list[CustomField] | None = None

    _times = field_validator("from_time", "to_time")(_time_of_day)

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise refuse("may not be blank")
        return value

    @model_validator(mode="after")
    def _time_range(self) -> Self:
        if self.from_time and self.to_time and self.to_time < self.from_time:
            raise refuse("may not be before from_time", field="to_time")
        return self


class CreateActivity(_ActivityFields):
    """A new activity of the caller's organisation; it starts PENDING unless told otherwise."""

    name: str
    type_id: str | None = None
    use_entity_address: bool = False
    status: ActivityStatus = ActivityStatus.PENDING

    _type = field_validator("type_id")(_stored_id)

    @model_validator(mode="after")
    def _one_address(self) -> Self:
        if self.address_id and self.use_entity_address:
            raise refuse(
                "either address_id or use_entity_address may be given, not both",
                field="use_entity_address",
            )
        return self


class UpdateActivity(_ActivityFields):
    """Changes to an activity: fields left out stay; ``linked_to`` and ``custom_fields``
    replace their lists; ``assign_to`` replaces the assignment."""


class ChangeActivityStatus(Command):
    """An activity's new life cycle state."""

    status: ActivityStatus


class TagReference(Command):
    """A tag, by id."""

    id: str

    _id = field_validator("id")(_stored_id)


class ActivityTags(Command):
    """Tags to add to an activity (POST) or its complete new list of tags (PUT)."""

    tags: list[TagReference]
