"""Where a CONTACT or EVENT property of an insight is read from, as SQL expressions.

EVENT properties: ``amount``, ``currency_code``, ``type``, ``contact_id`` and
``organisation_id`` are the event's columns; any other name is a path into the event's JSON
``properties`` (``venue.name``), read with SQLAlchemy's JSON path operators (``json_extract``
on SQLite, ``#>>`` on PostgreSQL).

CONTACT properties: the contact's columns (:data:`CONTACT_COLUMNS`) and its address
(:data:`CONTACT_ADDRESS`: the primary address, else the first one).
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
    "city": ContactAddress.town_city,
    "town_city": ContactAddress.town_city,
    "country": ContactAddress.country_code,
    "country_code": ContactAddress.country_code,
    "postal_code": ContactAddress.postal_code,
    "state_province_county": ContactAddress.state_province_county,
}
CONTACT_PROPERTIES = sorted([*CONTACT_COLUMNS, *CONTACT_ADDRESS])
"""The property names a CONTACT filter or breakdown may name."""


def _path(name: str) -> tuple[str, ...]:
    return tuple(name.split("."))


def contact_property(name: str, field: str) -> Any:
    """The SQL text of a contact property (400 naming ``field`` for an unknown name)."""
    if name in CONTACT_COLUMNS:
        return CONTACT_COLUMNS[name]
    if name in CONTACT_ADDRESS:
        return (
            select(CONTACT_ADDRESS[name])
            .where(ContactAddress.contact_id == Contact.id)
            .order_by(ContactAddress.is_primary.desc(), ContactAddress.id)
            .limit(1)
            .scalar_subquery()
        )
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


def property_text(kind: PropertyType, events: Any, name: str, field: str) -> Any:
    """A CONTACT or EVENT property as text."""
    if kind == PropertyType.CONTACT:
        return cast(contact_property(name, field), String)
    return event_text(events, name)


def property_number(kind: PropertyType, events: Any, name: str, field: str, dialect: str) -> Any:
    """An EVENT property as a number (contact properties are text: 400 naming ``field``)."""
    if kind == PropertyType.CONTACT:
        raise InvalidInput(field, "contact properties are text: BETWEEN applies to EVENT ones")
    return event_number(events, name, dialect)
