"""Where a CONTACT or EVENT property of an insight is read from, as SQL expressions.

EVENT properties: ``amount``, ``currency_code``, ``type``, ``contact_id`` and
``organisation_id`` are the event's columns; any other name is a path into the event's JSON
``properties`` (``venue.name``), read with SQLAlchemy's JSON path operators (``json_extract``
on SQLite, ``#>>`` on PostgreSQL).

CONTACT properties: the contact's columns (:data:`CONTACT_COLUMNS`) and its address
(:data:`CONTACT_ADDRESS`: the primary address, else the first one), read from
:func:`first_addresses` (one row per contact) joined once to the statement, rather than looked
up again for every event.
"""

from typing import Any

from sqlalchemy import String, case, cast, func, select

from app.db.models import Contact, ContactAddress
from app.errors import InvalidInput
from app.insights.enums import PropertyType

EVENT_COLUMNS = ("amount", "currency_code", "type", "contact_id", "organisation_id")
CONTACT_COLUMNS = {
    "id": Contact.id,
    "code": Contact.code,
    "contact_type": Contact.contact_type,
    "first_name": Contact.first_name,
    "last_name": Contact.last_name,
    "company_name": Contact.company_name,
    "email_address": Contact.email_address,
}
CONTACT_ADDRESS = {
    "city": "town_city",
    "town_city": "town_city",
    "country": "country_code",
    "country_code": "country_code",
    "postal_code": "postal_code",
    "state_province_county": "state_province_county",
}
CONTACT_PROPERTIES = sorted([*CONTACT_COLUMNS, *CONTACT_ADDRESS])
"""The property names a CONTACT filter or breakdown may name."""


def _path(name: str) -> tuple[str, ...]:
    return tuple(name.split("."))


def first_addresses() -> Any:
    """Each contact's address properties are read from: its primary address, else its first
    (a sub-query named ``first_addresses``, one row per contact with an address). The address
    is chosen by a GROUP BY (the smallest primary id, else the smallest id), whose row count
    the planners estimate well, so it is hash-joined once rather than probed per event."""
    chosen = (
        select(
            ContactAddress.contact_id.label("contact_id"),
            func.coalesce(
                func.min(ContactAddress.id).filter(ContactAddress.is_primary.is_(True)),
                func.min(ContactAddress.id),
            ).label("address_id"),
        )
        .group_by(ContactAddress.contact_id)
        .subquery("chosen_addresses")
    )
    columns = sorted(set(CONTACT_ADDRESS.values()))
    return (
        select(chosen.c.contact_id, *(getattr(ContactAddress, name) for name in columns))
        .join(ContactAddress, ContactAddress.id == chosen.c.address_id)
        .subquery("first_addresses")
    )


def is_address_property(name: str) -> bool:
    """Whether a CONTACT property is read from the contact's address."""
    return name in CONTACT_ADDRESS


def contact_property(name: str, field: str, addresses: Any = None) -> Any:
    """The SQL text of a contact property (400 naming ``field`` for an unknown name);
    ``addresses`` is the :func:`first_addresses` sub-query joined to the statement."""
    if name in CONTACT_COLUMNS:
        return CONTACT_COLUMNS[name]
    if name in CONTACT_ADDRESS and addresses is not None:
        return addresses.c[CONTACT_ADDRESS[name]]
    raise InvalidInput(
        field, f"unknown contact property {name!r}; use one of {', '.join(CONTACT_PROPERTIES)}"
    )


def event_text(events: Any, name: str) -> Any:
    """An event property as text (``NULL`` where the event does not have it)."""
    if name == "amount":
        raise InvalidInput("property_name", "amount is a number: compare it with BETWEEN")
    if name in EVENT_COLUMNS:
        return cast(events.c[name], String)
    return events.c.properties[_path(name)].as_string()


def event_number(events: Any, name: str, dialect: str) -> Any:
    """An event property as a number, ``NULL`` where it is missing or not a JSON number (so a
    text value never fails the statement)."""
    if name == "amount":
        return events.c.amount
    if name in EVENT_COLUMNS:
        raise InvalidInput("property_name", f"{name!r} is not a number")
    path = _path(name)
    node = events.c.properties[path]
    if dialect == "postgresql":
        return case((func.jsonb_typeof(node) == "number", node.as_numeric(28, 8)), else_=None)
    json_path = "$." + ".".join(f'"{segment}"' for segment in path)
    return case(
        (
            func.json_type(events.c.properties, json_path).in_(["integer", "real"]),
            func.json_extract(events.c.properties, json_path),
        ),
        else_=None,
    )


def property_text(
    kind: PropertyType, events: Any, name: str, field: str, addresses: Any = None
) -> Any:
    """A CONTACT or EVENT property as text (``addresses``: see :func:`contact_property`)."""
    if kind == PropertyType.CONTACT:
        return cast(contact_property(name, field, addresses), String)
    return event_text(events, name)


def property_number(kind: PropertyType, events: Any, name: str, field: str, dialect: str) -> Any:
    """An EVENT property as a number (contact properties are text: 400 naming ``field``)."""
    if kind == PropertyType.CONTACT:
        raise InvalidInput(field, "contact properties are text: BETWEEN applies to EVENT ones")
    return event_number(events, name, dialect)
