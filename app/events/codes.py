"""Every entity and event code a domain event (and so an automation's trigger) may have.

Codes follow the spec's style (upper snake case of the spec's words: entity ``CONTACTS``,
event ``REGISTER_CUSTOMER``). An automation names one entity and one of that entity's events;
``POST /automations`` refuses any other pair (400 naming ``event``). The OpenAPI document lists
them from :data:`EVENTS`.
"""

from enum import StrEnum


class Entity(StrEnum):
    """The kinds of entity whose events trigger automations."""

    CONTACTS = "CONTACTS"
    ACCOUNTS = "ACCOUNTS"
    WALLETS = "WALLETS"
    JOURNALS = "JOURNALS"
    ORGANISATIONS = "ORGANISATIONS"
    APPROVALS = "APPROVALS"
    ACTIVITIES = "ACTIVITIES"


class Event(StrEnum):
    """What happened to an entity (each belongs to one :class:`Entity`, see :data:`EVENTS`)."""

    REGISTER_CUSTOMER = "REGISTER_CUSTOMER"
    """A contact was created."""
    UPDATE_CUSTOMER = "UPDATE_CUSTOMER"
    """A contact was changed."""
    DELETE_CUSTOMER = "DELETE_CUSTOMER"
    """A contact was deleted."""
    CREATE_ACCOUNT = "CREATE_ACCOUNT"
    """An account was created."""
    CHANGE_ACCOUNT_LIFE_CYCLE_STATE = "CHANGE_ACCOUNT_LIFE_CYCLE_STATE"
    """An account was activated, suspended or terminated."""
    CREATE_WALLET = "CREATE_WALLET"
    """A wallet was created."""
    TERMINATE_WALLET = "TERMINATE_WALLET"
    """A wallet was terminated."""
    POST_JOURNAL = "POST_JOURNAL"
    """A journal (credit or debit) was posted to a wallet."""
    CREATE_ORGANISATION = "CREATE_ORGANISATION"
    """An organisation was registered or created in the network."""
    UPDATE_ORGANISATION = "UPDATE_ORGANISATION"
    """An organisation was changed."""
    REQUEST_APPROVAL = "REQUEST_APPROVAL"
    """An approval request was created."""
    DECIDE_APPROVAL = "DECIDE_APPROVAL"
    """An approval request was approved or rejected (``data.state``)."""
    CREATE_ACTIVITY = "CREATE_ACTIVITY"
    """An activity was created."""


EVENTS: dict[Entity, tuple[Event, ...]] = {
    Entity.CONTACTS: (Event.REGISTER_CUSTOMER, Event.UPDATE_CUSTOMER, Event.DELETE_CUSTOMER),
    Entity.ACCOUNTS: (Event.CREATE_ACCOUNT, Event.CHANGE_ACCOUNT_LIFE_CYCLE_STATE),
    Entity.WALLETS: (Event.CREATE_WALLET, Event.TERMINATE_WALLET),
    Entity.JOURNALS: (Event.POST_JOURNAL,),
    Entity.ORGANISATIONS: (Event.CREATE_ORGANISATION, Event.UPDATE_ORGANISATION),
    Entity.APPROVALS: (Event.REQUEST_APPROVAL, Event.DECIDE_APPROVAL),
    Entity.ACTIVITIES: (Event.CREATE_ACTIVITY,),
}
"""Each entity's events: the pairs an automation may be triggered by."""

ENTITY_TYPES: dict[Entity, str] = {
    Entity.CONTACTS: "CONTACT",
    Entity.ACCOUNTS: "ACCOUNT",
    Entity.WALLETS: "WALLET",
    Entity.JOURNALS: "JOURNAL",
    Entity.ORGANISATIONS: "ORGANISATION",
    Entity.APPROVALS: "APPROVAL_REQUEST",
    Entity.ACTIVITIES: "ACTIVITY",
}
"""The singular entity type (approval requests' ``entity.type``) of each entity."""

REFERENCE_KEYS = ("reference", "code", "number", "name")
"""The event data's fields that name its entity to a person, in order of preference."""


def entity_reference(data: dict[str, object], entity_id: str) -> str:
    """How an event's entity is shown (``entity.reference`` of approval and webhook requests):
    the first of :data:`REFERENCE_KEYS` its data has, else its id (at most 200 characters)."""
    for key in REFERENCE_KEYS:
        value = data.get(key)
        if value:
            return str(value)[:200]
    return entity_id


def describe_events() -> str:
    """Every entity with its events, as one sentence for documentation."""
    return "; ".join(
        f"{entity.value}: {', '.join(event.value for event in events)}"
        for entity, events in EVENTS.items()
    )
