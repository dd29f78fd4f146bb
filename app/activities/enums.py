"""Enumerations of the activities domain (spec: Activities, Activity tags)."""

from enum import StrEnum


class ActivityStatus(StrEnum):
    """An activity's life cycle state (spec: PUT /activities/{id}/status)."""

    PENDING = "PENDING"
    """The activity will be created with this status."""
    COMPLETED = "COMPLETED"
    """The activity will be closed with this status."""
    CANCELLED = "CANCELLED"
    """The activity will be cancelled with this status."""


class LinkedEntityType(StrEnum):
    """The kinds of entity an activity may be linked to (spec: ``linked_to[].type``).

    CONTACT is checked to exist in the caller's network; ORDER, LEAD and SERVICE_REQUEST have
    no domain in this gateway yet, so their ids are kept as given.
    """

    CONTACT = "CONTACT"
    ORDER = "ORDER"
    LEAD = "LEAD"
    SERVICE_REQUEST = "SERVICE_REQUEST"
