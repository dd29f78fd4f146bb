"""Rules of the organisations network: which organisation may sit below which, who owns it,
what it points at, and when it may be removed."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal, require_live_mode
from app.auth.secrets import new_password
from app.commands import apply
from app.db.models import (
    BusinessActivity,
    Industry,
    IndustrySector,
    Organisation,
    OrganisationContactInfo,
    OrganisationGroup,
    OrganisationLocation,
    OrganisationTap,
)
from app.errors import Conflict, Forbidden, InvalidInput
from app.events import described, emit
from app.events.codes import Entity, Event
from app.identity.invitations import new_invitation
from app.onboarding import OWNER_ROLE, add_owner
from app.organisations import commands, repository
from app.organisations.commands import (
    CreateNetworkOrganisation,
    OrganisationOwner,
    RegisterOrganisation,
    UpdateOrganisation,
)
from app.organisations.enums import OrganisationType
from app.organisations.repository import (
    BUSINESS_ACTIVITIES,
    GROUPS,
    INDUSTRY_SECTORS,
    PARTNERS,
    SERVICE_ORGANISATIONS,
)
from app.organisations.tree import new_organisation
from app.pagination import Page, PageRequest
from app.reference.lookup import get_all_visible, get_visible

# Which organisation types each type may create below itself. The spec describes the org_type
# values by level: a Cloud Operator creates service owners and transaction processors, a Service
# Owner creates businesses, a Business creates merchants (and its subsidiaries and departments),
# a Business or a Merchant creates venues (and service points). A subsidiary is a part of a
# business and creates what a business creates, except further subsidiaries.
CHILD_TYPES: dict[str, tuple[str, ...]] = {
    "CLOUD_OPERATOR": ("SERVICE_OWNER", "TRANSACTION_PROCESSOR"),
    "SERVICE_OWNER": ("BUSINESS",),
    "BUSINESS": ("MERCHANT", "SUBSIDIARY", "DEPARTMENT", "VENUE", "SERVICE_POINT"),
    "SUBSIDIARY": ("MERCHANT", "DEPARTMENT", "VENUE", "SERVICE_POINT"),
    "MERCHANT": ("VENUE", "SERVICE_POINT"),
}
GROUPABLE_TYPES = ("MERCHANT", "VENUE", "SERVICE_POINT")

# How a parent sees its children: the spec's relationships, one per kind of child. Venues
# include service points ("including service point").
RELATIONSHIPS: dict[str, tuple[str, ...]] = {
    "SERVICE_OWNERS": ("SERVICE_OWNER",),
    "TRANSACTION_PROCESSORS": ("TRANSACTION_PROCESSOR",),
    "BUSINESSES": ("BUSINESS",),
    "SUBSIDIARIES": ("SUBSIDIARY",),
    "DEPARTMENTS": ("DEPARTMENT",),
    "MERCHANTS": ("MERCHANT",),
    "VENUES": ("VENUE", "SERVICE_POINT"),
}
RELATIONSHIP_OF_TYPE = {
    org_type: relationship for relationship, types in RELATIONSHIPS.items() for org_type in types
}

# Organisations carry no mode: live and test share them, so test mode may read the network but
# not change it (DESIGN §3: test-mode calls never change live data).
CHANGE_NETWORK = "change the organisations network"

# Scalar fields the organisations row takes as given.
ORGANISATION_FIELDS = (
    "name",
    "description",
    "is_business",
    "test_mode",
    "is_sandbox_on",
    "vat_number",
    "country_agreement",
    "base_currency",
    "timezone",
    "cloud_name",
    "contact_registry",
    "organisation_profile",
    "organisation_tags",
    "custom_fields",
    "wifi_platform",
)
# Fields of an update command the service sets itself (links, rows of their own, references).
NOT_COLUMNS = (
    "contact_info",
    "locations",
    "industry_id",
    "industry_sectors",
    "business_activities",
    "groups",
    "partners",
    "service_organisations",
)


def relationship_types(relationship: str) -> tuple[str, ...]:
    """The organisation types a ``relationship`` filter selects: a relationship (``VENUES``) or an
    organisation type (``VENUE``, read as the relationship it belongs to)."""
    value = relationship.strip().upper()
    if value in RELATIONSHIPS:
        return RELATIONSHIPS[value]
    if value in RELATIONSHIP_OF_TYPE:
        return RELATIONSHIPS[RELATIONSHIP_OF_TYPE[value]]
    allowed = ", ".join(RELATIONSHIPS)
    raise InvalidInput(
        "relationship", f"unknown relationship {relationship!r}; use one of {allowed}"
    )


def parse_custom_field_filters(values: Sequence[str]) -> list[tuple[str, str]]:
    """``key;value`` filters as pairs (400 naming ``custom_fields`` when one has no ``;``)."""
    pairs = []
    for value in values:
        key, separator, wanted = value.partition(";")
        if not separator or not key:
            raise InvalidInput("custom_fields", f"expected key;value, got {value!r}")
        pairs.append((key, wanted))
    return pairs


def _check_lengths(model: Any, fields: dict[str, Any], prefix: str = "") -> None:
    """A 400 naming the field when a text is longer than its column holds."""
    columns = model.__table__.c
    for name, value in fields.items():
        if name in columns and isinstance(value, str):
            length = getattr(columns[name].type, "length", None)
            if length is not None and len(value) > length:
                raise InvalidInput(f"{prefix}{name}", f"at most {length} characters")


def _check_child_type(parent: Organisation, org_type: str) -> None:
    allowed = CHILD_TYPES.get(parent.org_type, ())
    if org_type not in allowed:
        can = f"it may create {', '.join(allowed)}" if allowed else "it may create none"
        raise InvalidInput(
            "org_type",
            f"a {org_type} cannot be created below a {parent.org_type} organisation; {can}",
        )


def _check_groups(org_type: str, groups: Sequence[str] | None) -> None:
    if groups and org_type not in GROUPABLE_TYPES:
        raise InvalidInput(
            "groups", f"only {', '.join(GROUPABLE_TYPES)} organisations can be grouped"
        )


def _check_taps(taps: Sequence[dict[str, Any]]) -> None:
    codes = [tap["code"] for tap in taps]
    if len(codes) != len(set(codes)):
        raise InvalidInput("taps", "two TAPs have the same code")
    for index, tap in enumerate(taps):
        _check_lengths(OrganisationTap, tap, f"taps[{index}].")


def _locations(
    given: Sequence[commands.OrganisationLocation] | None, key: str
) -> list[dict[str, Any]]:
    """The locations given under ``key`` as rows' fields (only those given), with the Google
    place id under its one column name."""
    locations = [location.model_dump(exclude_unset=True) for location in given or ()]
    for index, location in enumerate(locations):
        alias = location.pop("googleplaceid", None)
        if location.get("google_place_id") is None and alias is not None:
            location["google_place_id"] = alias
        _check_lengths(OrganisationLocation, location, f"{key}[{index}].")
    return list(locations)


def _contact_info(
    given: Sequence[commands.OrganisationContactInfo] | None,
) -> list[dict[str, Any]] | None:
    if given is None:
        return None
    entries = [entry.model_dump(exclude_unset=True) for entry in given]
    for index, entry in enumerate(entries):
        _check_lengths(OrganisationContactInfo, entry, f"contact_info[{index}].")
    return entries


def _owner_email(owner: OrganisationOwner, *, required: bool) -> tuple[str | None, str]:
    """The owner's e-mail address and the field it came from: ``identity.identity_challenge``
    (provider EMAIL; 400 when it is not an e-mail address) or else the first ``EMAIL`` entry of
    ``contact_info``.

    With ``required`` (the owner is created now) a missing or malformed address is a 400; else
    (the owner is invited) a contact entry that is not an e-mail address is left out and the
    invitee gives one on acceptance.
    """
    identity = owner.identity
    challenge_field = "owner.identity.identity_challenge"
    if identity is not None and identity.identity_challenge:
        return _checked_email(identity.identity_challenge, challenge_field), challenge_field
    for index, entry in enumerate(owner.contact_info or ()):
        if entry.type == "EMAIL" and entry.value:
            field = f"owner.contact_info[{index}].value"
            if required:
                return _checked_email(entry.value, field), field
            value = entry.value.strip()
            return (value if "@" in value and len(value) <= 320 else None), field
    if required:
        raise InvalidInput(
            "owner.identity",
            "the owner needs an e-mail address: give owner.identity (provider EMAIL) or an "
            "owner.contact_info entry of type EMAIL",
        )
    return None, challenge_field


def _checked_email(email: str, field: str) -> str:
    email = email.strip()
    if "@" not in email or len(email) > 320:
        raise InvalidInput(field, "is not an e-mail address")
    return email


def _owner_credentials(owner: OrganisationOwner) -> dict[str, Any]:
    """The owner's e-mail, password and names (see :func:`_owner_email`).

    Without an ``identity_value`` the owner gets a random password nobody knows, so it cannot
    sign in until it is given one.
    """
    email, field = _owner_email(owner, required=True)
    identity = owner.identity
    return {
        "email": email,
        "email_field": field,
        "password": (identity.identity_value if identity is not None else None) or new_password(),
        "first_name": owner.first_name,
        "last_name": owner.last_name,
    }


async def _check_service_organisations(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> None:
    for organisation in await repository.get_visible_organisations(session, principal, ids):
        if organisation.org_type != "SERVICE_OWNER":
            raise InvalidInput(
                "service_organisations", f"{organisation.id} is not a SERVICE_OWNER organisation"
            )


async def _references(
    session: AsyncSession,
    principal: Principal,
    parent: Organisation | None,
    command: CreateNetworkOrganisation | UpdateOrganisation,
) -> dict[str, Any]:
    """The industry, sectors and activities to set (copied from the parent when
    ``inherit_from_parent`` is true), each checked to be visible to the caller.

    Keys are present only for what changes; ``industry_id`` maps to an id or ``None``.
    """
    given: dict[str, Any] = {
        name: getattr(command, name)
        for name in ("industry_id", "industry_sectors", "business_activities")
        if command.given(name)
    }
    if command.inherit_from_parent:
        for name, value in given.items():
            if value:
                raise InvalidInput(name, "leave it out when inherit_from_parent is true")
        if parent is None:
            raise InvalidInput("inherit_from_parent", "the organisation has no parent")
        return {
            "industry_id": parent.industry_id,
            "industry_sectors": await repository.linked_ids(session, INDUSTRY_SECTORS, parent.id),
            "business_activities": await repository.linked_ids(
                session, BUSINESS_ACTIVITIES, parent.id
            ),
        }
    if given.get("industry_id"):
        await get_visible(session, principal, Industry, "industry", given["industry_id"])
    if given.get("industry_sectors"):
        await get_all_visible(
            session, principal, IndustrySector, "industry_sector", given["industry_sectors"]
        )
    if given.get("business_activities"):
        await get_all_visible(
            session, principal, BusinessActivity, "business_activity", given["business_activities"]
        )
    return given


async def _set_links(
    session: AsyncSession, organisation_id: str, links: dict[str, Sequence[str] | None]
) -> None:
    tables = {
        "industry_sectors": INDUSTRY_SECTORS,
        "business_activities": BUSINESS_ACTIVITIES,
        "groups": GROUPS,
        "service_organisations": SERVICE_ORGANISATIONS,
        "partners": PARTNERS,
    }
    for name, ids in links.items():
        await repository.replace_links(session, tables[name], organisation_id, ids or [])


async def _create(
    session: AsyncSession,
    principal: Principal,
    parent: Organisation,
    org_type: str,
    command: RegisterOrganisation | CreateNetworkOrganisation,
    locations: list[dict[str, Any]],
    *,
    invite_owner: bool = False,
) -> tuple[Organisation, str | None]:
    """Create an organisation of ``org_type`` below ``parent`` with everything it points at, and
    the token of the owner's invitation when ``invite_owner`` (else ``None``)."""
    _check_child_type(parent, org_type)
    _check_lengths(Organisation, command.model_dump(exclude_unset=True))
    network = command if isinstance(command, CreateNetworkOrganisation) else None
    groups = (network.groups if network else None) or []
    _check_groups(org_type, groups)
    owner = command.owner
    credentials = _owner_credentials(owner) if owner is not None and not invite_owner else None
    invited_email = _owner_email(owner, required=False)[0] if owner and invite_owner else None
    contact_info = (_contact_info(network.contact_info) if network else None) or []
    taps = [tap.model_dump(exclude_unset=True) for tap in (network.taps if network else None) or ()]
    _check_taps(taps)
    service_organisations = (network.service_organisations if network else None) or []
    references = await _references(session, principal, parent, network) if network else {}
    await get_all_visible(session, principal, OrganisationGroup, "organisation_group", groups)
    await _check_service_organisations(session, principal, service_organisations)

    given = command.model_dump(include=set(ORGANISATION_FIELDS) & set(command.model_fields_set))
    values = {name: value for name, value in given.items() if value is not None}
    values.setdefault("organisation_tags", [])
    values.setdefault("custom_fields", [])
    organisation = new_organisation(
        parent,
        org_type=org_type,
        industry_id=references.get("industry_id"),
        inherit_from_parent=bool(network and network.inherit_from_parent),
        **values,
    )
    session.add(organisation)
    await session.flush()
    await _set_links(
        session,
        organisation.id,
        {
            "industry_sectors": references.get("industry_sectors"),
            "business_activities": references.get("business_activities"),
            "groups": groups,
            "service_organisations": service_organisations,
        },
    )
    await repository.add_rows(session, OrganisationLocation, organisation.id, locations)
    await repository.add_rows(session, OrganisationContactInfo, organisation.id, contact_info)
    await repository.add_rows(session, OrganisationTap, organisation.id, taps)
    token = None
    if credentials is not None:
        await add_owner(session, organisation.id, **credentials)
    elif owner is not None and invite_owner:
        _invitation, token = await new_invitation(
            session,
            organisation.id,
            OWNER_ROLE,
            email=invited_email.lower() if invited_email else None,
            first_name=owner.first_name,
            last_name=owner.last_name,
            invited_by_user_id=principal.user_id,
        )
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.ORGANISATIONS,
        event=Event.CREATE_ORGANISATION,
        entity_id=organisation.id,
        data=described(organisation),
    )
    return organisation, token


@dataclass(frozen=True)
class Registration:
    """A registered business, and the token of its owner's invitation (shown once) when the
    owner gave no password."""

    organisation: Organisation
    owner_invitation_token: str | None


async def register_organisation(
    session: AsyncSession, principal: Principal, command: RegisterOrganisation
) -> Registration:
    """Register a business with its owner below the caller's organisation (a public key names
    it), or below ``organisation_id`` when that is in the caller's network.

    With ``owner.identity.identity_value`` the owner is created as a user with that password
    (a taken e-mail address is a 409); without it the owner is invited with the role ``OWNER``
    (to the e-mail address of ``owner.identity`` or ``owner.contact_info``, when one is given)
    and the invitation's token is returned once.
    """
    require_live_mode(principal, CHANGE_NETWORK)
    parent_id = command.organisation_id or principal.organisation_id
    parent = await repository.get_organisation(session, principal, parent_id)
    org_type = command.org_type or OrganisationType.BUSINESS
    if org_type != OrganisationType.BUSINESS:
        raise InvalidInput("org_type", "registration creates BUSINESS organisations only")
    locations = _locations(command.locations, "locations") + _locations(
        command.location, "location"
    )
    if command.is_business is None:
        command = command.model_copy(update={"is_business": True})
    identity = command.owner.identity
    organisation, token = await _create(
        session,
        principal,
        parent,
        org_type,
        command,
        locations,
        invite_owner=identity is None or not identity.identity_value,
    )
    return Registration(organisation, token)


async def create_network_organisation(
    session: AsyncSession, principal: Principal, parent_id: str, command: CreateNetworkOrganisation
) -> Organisation:
    """Create an organisation directly below ``parent_id`` (which the caller must see)."""
    require_live_mode(principal, CHANGE_NETWORK)
    parent = await repository.get_organisation(session, principal, parent_id)
    if command.organisation_id is not None and command.organisation_id != parent.id:
        raise InvalidInput("organisation_id", "must be the organisation of the path, or left out")
    locations = _locations(command.locations, "locations")
    organisation, _no_invitation = await _create(
        session, principal, parent, command.org_type, command, locations
    )
    return organisation


async def get_organisation(
    session: AsyncSession, principal: Principal, organisation_id: str
) -> Organisation:
    """One organisation of the caller's network (404 otherwise)."""
    return await repository.get_organisation(session, principal, organisation_id)


async def network(
    session: AsyncSession,
    principal: Principal,
    parent_id: str,
    request: PageRequest,
    filters: dict[str, Any],
) -> Page[Organisation]:
    """A page of the direct children of an organisation the caller sees, filtered."""
    parent = await repository.get_organisation(session, principal, parent_id)
    return await repository.search_network(
        session, principal, parent.id, request, **network_filters(filters)
    )


def network_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The network filters as the repository takes them (``network_rows``): a relationship as
    its organisation types, custom fields as ``(key, value)`` pairs (400 naming
    ``custom_fields`` for one without ``;``)."""
    filters = dict(filters)
    relationship = filters.pop("relationship", None)
    if relationship:
        filters["org_types"] = relationship_types(relationship)
    custom_fields = filters.pop("custom_fields", None)
    if custom_fields:
        filters["custom_fields"] = parse_custom_field_filters(custom_fields)
    return filters


async def children(
    session: AsyncSession, principal: Principal, parent_id: str, request: PageRequest
) -> Page[Organisation]:
    """A page of the direct children of an organisation the caller has already been shown."""
    return await repository.search_network(session, principal, parent_id, request)


def child_counts(counts_by_type: dict[str, int]) -> list[tuple[str, int]]:
    """Counts of children by organisation type, summed into relationships (in a fixed order)."""
    totals: dict[str, int] = {}
    for org_type, count in counts_by_type.items():
        relationship = RELATIONSHIP_OF_TYPE.get(org_type)
        if relationship is not None:
            totals[relationship] = totals.get(relationship, 0) + count
    return [(name, totals[name]) for name in RELATIONSHIPS if name in totals]


async def update_organisation(
    session: AsyncSession, principal: Principal, organisation_id: str, command: UpdateOrganisation
) -> Organisation:
    """Change the given fields of an organisation; contact details and locations with an id
    change, without one are added; lists of references are replaced."""
    require_live_mode(principal, CHANGE_NETWORK)
    organisation = await repository.get_organisation(session, principal, organisation_id)
    _check_lengths(Organisation, command.model_dump(exclude_unset=True))
    links: dict[str, Sequence[str] | None] = {}
    if command.given("groups"):
        links["groups"] = command.groups or []
        _check_groups(organisation.org_type, links["groups"])
    if command.given("partners"):
        partners = [partner.id for partner in command.partners or []]
        if partners and organisation.org_type != "BUSINESS":
            raise InvalidInput("partners", "only BUSINESS organisations have partners")
        if organisation.id == principal.organisation_id:
            raise Forbidden("A business's partners are assigned from above it (its service owner).")
        await repository.get_visible_organisations(session, principal, partners)
        links["partners"] = partners
    contact_info = _contact_info(command.contact_info)
    locations = _locations(command.locations, "locations") if command.given("locations") else None
    if command.given("service_organisations"):
        service_organisations = command.service_organisations or []
        await _check_service_organisations(session, principal, service_organisations)
        links["service_organisations"] = service_organisations
    parent = await repository.parent_of(session, organisation)
    references = await _references(session, principal, parent, command)
    if "groups" in links:
        await get_all_visible(
            session, principal, OrganisationGroup, "organisation_group", list(links["groups"] or [])
        )

    if "industry_id" in references:
        organisation.industry_id = references["industry_id"]
    for name in ("industry_sectors", "business_activities"):
        if name in references:
            links[name] = references[name]
    apply(command, organisation, exclude=NOT_COLUMNS)
    await _set_links(session, organisation.id, links)
    if contact_info is not None:
        await repository.upsert_rows(
            session, OrganisationContactInfo, "contact_info", organisation.id, contact_info
        )
    if locations is not None:
        await repository.upsert_rows(
            session, OrganisationLocation, "location", organisation.id, locations
        )
    await session.flush()
    await emit(
        session,
        principal,
        entity=Entity.ORGANISATIONS,
        event=Event.UPDATE_ORGANISATION,
        entity_id=organisation.id,
        data=described(organisation),
    )
    return organisation


async def delete_organisation(
    session: AsyncSession, principal: Principal, organisation_id: str
) -> str:
    """Remove an organisation below the caller that has no children and no data; returns its
    id."""
    require_live_mode(principal, CHANGE_NETWORK)
    organisation = await repository.get_organisation(session, principal, organisation_id)
    if organisation.id == principal.organisation_id:
        raise Conflict("An organisation cannot remove itself.", ["own_organisation"])
    if await repository.has_children(session, organisation.id):
        raise Conflict(
            "An organisation with child organisations cannot be removed.", ["child_organisations"]
        )
    holding = await repository.tables_with_rows_of(session, organisation.id)
    if holding:
        raise Conflict(f"An organisation with {', '.join(holding)} cannot be removed.", holding)
    await repository.delete_organisation_rows(session, organisation)
    return organisation_id
