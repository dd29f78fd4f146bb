"""Enumerations of the activity feed (spec: GET /organisations/{id}/activity_feed)."""

from enum import StrEnum


class FeedActivityType(StrEnum):
    """The kind of event a feed entry is (spec: ``activity_type``)."""

    ACTIVITY = "ACTIVITY"
    """An activity of the organisation was created (app/activities)."""
    JOURNAL = "JOURNAL"
    """A credit or debit was posted to a wallet of the organisation."""
    CONTACT_REGISTRATION = "CONTACT_REGISTRATION"
    """A contact was registered with the organisation."""


class FeedDirection(StrEnum):
    """Which way money moved (spec: ``direction``): INCOMING to a wallet (a credit),
    OUTGOING from it (a debit)."""

    INCOMING = "INCOMING"
    OUTGOING = "OUTGOING"
