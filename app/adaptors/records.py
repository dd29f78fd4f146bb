"""The registry of adaptor record sources and the three operations of the spec's Adaptors routes.

``GET /adaptors/{id}/actions/{action_id}/records[/{record_id}]`` and ``POST .../{record_id}``
name an adaptor by its code (``{id}``: ``WEBHOOKS``, ``APPROVAL_REQUESTS``...) and one of its
actions by code (``{action_id}``: ``POST_WEBHOOK``, ``PUT_WEBHOOK``...). Each adaptor that
keeps records registers one :class:`RecordSource` under its code (:func:`register_record_source`,
called from :mod:`app.adaptors.sources`); the source lists, shows and changes its records as
:class:`AdaptorRecord` (an id and ``record_attributes``: id, key, label, type, value).

An unknown adaptor or action is a 404 naming it (``["adaptor", code]``, ``["adaptor_action",
code]``). Each source declares the permissions its records need (checked here, after the
adaptor is found): the root fields themselves are open to any Back-Office caller.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.permissions import Permission
from app.auth.principal import Principal, require_permission
from app.errors import InvalidInput, NotFound
from app.pagination import Page, PageRequest

_ATTRIBUTE_IDS = uuid.UUID("6f1d3c4e-8a5b-4c2d-9e7f-0a1b2c3d4e5f")


@dataclass(frozen=True)
class RecordAttribute:
    """One attribute of a record: ``type`` is ``string``, ``integer`` or ``date`` (``value``
    is then epoch seconds); ``value`` is its text (``None`` when unset)."""

    id: str
    key: str
    label: str
    type: str
    value: str | None


def attribute_id(record_id: str, key: str) -> str:
    """The stable id of a record's attribute (a UUIDv5 of the record id and the key)."""
    return str(uuid.uuid5(_ATTRIBUTE_IDS, f"{record_id}/{key}"))


def attribute(record_id: str, key: str, label: str, kind: str, value: object) -> RecordAttribute:
    """A :class:`RecordAttribute` of ``record_id`` with its stable id and ``value`` as text."""
    text = None if value is None else str(value)
    return RecordAttribute(attribute_id(record_id, key), key, label, kind, text)


@dataclass(frozen=True)
class AdaptorRecord:
    """A record an adaptor action keeps, as its attributes."""

    id: str
    record_attributes: Sequence[RecordAttribute]


@dataclass(frozen=True)
class RecordSearch:
    """The spec's record search: ``search_type`` (an attribute key the source searches) with
    ``search_value`` (text it contains, ignoring case), the automation and the automation
    action that created the record."""

    search_type: str | None = None
    search_value: str | None = None
    automation_id: str | None = None
    adaptor_action_id: str | None = None

    def __post_init__(self) -> None:
        if bool(self.search_type) != bool(self.search_value):
            missing = "search_value" if self.search_type else "search_type"
            raise InvalidInput(missing, "search_type and search_value go together")


class RecordSource(Protocol):
    """What an adaptor that keeps records gives the registry.

    ``actions`` are the adaptor's action codes; ``search_types`` the attribute keys
    ``search_type`` may name; ``read_permission`` / ``write_permission`` what a caller needs.
    ``change`` sets one attribute (400 naming ``key`` for one that cannot be changed, ``value``
    for a value refused) and returns the record's id.
    """

    actions: frozenset[str]
    search_types: frozenset[str]
    read_permission: Permission
    write_permission: Permission

    async def search(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        request: PageRequest,
        search: RecordSearch,
    ) -> Page[AdaptorRecord]: ...

    async def get(
        self, session: AsyncSession, principal: Principal, action: str, record_id: str
    ) -> AdaptorRecord: ...

    async def change(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        record_id: str,
        key: str,
        value: str | None,
    ) -> str: ...


_SOURCES: dict[str, RecordSource] = {}


def register_record_source(adaptor: str, source: RecordSource) -> None:
    """Make ``source`` the record source of the adaptor ``adaptor`` (its code)."""
    if adaptor in _SOURCES:
        raise ValueError(f"adaptor {adaptor} has a record source already")
    _SOURCES[adaptor] = source


def record_adaptors() -> list[str]:
    """The codes of the adaptors that keep records."""
    return sorted(_SOURCES)


def record_source(adaptor: str, action: str) -> RecordSource:
    """The source of ``adaptor``'s records (404 naming the adaptor, or the action when the
    adaptor has no such action)."""
    from app.adaptors import sources  # noqa: F401  (registers the built-in sources)

    source = _SOURCES.get(adaptor)
    if source is None:
        raise NotFound("adaptor", adaptor)
    if action not in source.actions:
        raise NotFound("adaptor_action", action)
    return source


async def search_records(
    session: AsyncSession,
    principal: Principal,
    adaptor: str,
    action: str,
    request: PageRequest,
    search: RecordSearch,
) -> Page[AdaptorRecord]:
    """A page of the records ``adaptor``'s ``action`` keeps for the caller."""
    source = record_source(adaptor, action)
    require_permission(principal, source.read_permission)
    if search.search_type and search.search_type not in source.search_types:
        allowed = ", ".join(sorted(source.search_types))
        raise InvalidInput("search_type", f"must be one of {allowed}")
    return await source.search(session, principal, action, request, search)


async def get_record(
    session: AsyncSession, principal: Principal, adaptor: str, action: str, record_id: str
) -> AdaptorRecord:
    """One record of ``adaptor``'s ``action`` (404 naming the record otherwise)."""
    source = record_source(adaptor, action)
    require_permission(principal, source.read_permission)
    return await source.get(session, principal, action, record_id)


async def change_record(
    session: AsyncSession,
    principal: Principal,
    adaptor: str,
    action: str,
    record_id: str,
    key: str,
    value: str | None,
) -> str:
    """Change one attribute of a record; returns the record's id."""
    source = record_source(adaptor, action)
    require_permission(principal, source.write_permission)
    return await source.change(session, principal, action, record_id, key, value)
