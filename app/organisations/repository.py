"""SQL for the organisations network, always narrowed to the caller's part of the tree."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    cast,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.base import Base
from app.db.models import (
    ApiKey,
    IdempotencyRecord,
    Membership,
    Organisation,
    OrganisationContactInfo,
    OrganisationLocation,
    OrganisationTap,
    RefreshToken,
    Role,
    Team,
    TeamMember,
    UserInvitation,
)
from app.db.models.organisations import (
    organisation_business_activities,
    organisation_group_members,
    organisation_industry_sectors,
    organisation_partners,
    organisation_service_organisations,
)
from app.db.repository import ChildRepository, NetworkRepository, key_in
from app.errors import NotFound
from app.pagination import Page, PageRequest, fetch_page
from app.search import contains_literal, equals_ignoring_case

ORGANISATIONS = NetworkRepository()
LOCATIONS = ChildRepository(OrganisationLocation, ORGANISATIONS, "organisation_id")
CONTACT_INFO = ChildRepository(OrganisationContactInfo, ORGANISATIONS, "organisation_id")
TAPS = ChildRepository(OrganisationTap, ORGANISATIONS, "organisation_id")
MEMBERSHIPS = ChildRepository(Membership, ORGANISATIONS, "organisation_id")

DEFAULT_SORT = "created_on"
SORT_COLUMNS = {
    "created_on": Organisation.created_on,
    "name": Organisation.name,
    "org_type": Organisation.org_type,
    "status": Organisation.status,
}

# Link tables between an organisation and the rows it points at: (table, target column).
INDUSTRY_SECTORS = (organisation_industry_sectors, "industry_sector_id")
BUSINESS_ACTIVITIES = (organisation_business_activities, "business_activity_id")
GROUPS = (organisation_group_members, "group_id")
SERVICE_ORGANISATIONS = (organisation_service_organisations, "service_organisation_id")
PARTNERS = (organisation_partners, "partner_id")
LINKS = (INDUSTRY_SECTORS, BUSINESS_ACTIVITIES, GROUPS, SERVICE_ORGANISATIONS, PARTNERS)

# Rows that belong to an organisation and go with it when it is removed (its teams' members
# go first, see delete_organisation_rows).
OWN_ROWS: tuple[Any, ...] = (
    OrganisationLocation,
    OrganisationContactInfo,
    OrganisationTap,
    Membership,
    ApiKey,
    IdempotencyRecord,
    UserInvitation,
    RefreshToken,
    Role,
    Team,
)


def visible(principal: Principal) -> Select[Any]:
    """All organisations the caller may see: its own and those below it."""
    return ORGANISATIONS.readable(principal)


async def visible_ids(session: AsyncSession, principal: Principal) -> list[str]:
    """The ids of every organisation the caller may see (e.g. a subscription's filter)."""
    return list(
        (await session.execute(visible(principal).with_only_columns(Organisation.id))).scalars()
    )


async def get_organisation(
    session: AsyncSession, principal: Principal, organisation_id: str
) -> Organisation:
    """The organisation with this id (404 if the caller cannot see it)."""
    return await ORGANISATIONS.lookup(session, principal, "organisation", organisation_id)


async def parent_of(session: AsyncSession, organisation: Organisation) -> Organisation | None:
    """The organisation directly above ``organisation`` (it may be above the caller too)."""
    if organisation.parent_id is None:
        return None
    return await ORGANISATIONS.get_by_id_unscoped(session, organisation.parent_id)


async def get_visible_organisations(
    session: AsyncSession, principal: Principal, ids: Sequence[str]
) -> list[Organisation]:
    """The organisations with these ids, in order (404 naming the first one not visible)."""
    return await ORGANISATIONS.lookup_all(session, principal, "organisation", ids)


def _json_list_has(dialect: str, column: Any, element: Any) -> ColumnElement[bool]:
    """Whether the JSON list in ``column`` has ``element`` (a string or an object) as an item.

    PostgreSQL (``dialect``) answers with JSONB containment; SQLite by walking the list with
    ``json_each``.
    """
    if dialect == "postgresql":
        return cast(column, JSONB).contains([element])
    items = func.json_each(column).table_valued("value", "type").alias("item")
    if isinstance(element, dict):
        conditions = [
            func.json_extract(items.c.value, f"$.{name}") == value
            for name, value in element.items()
        ]
        return exists(select(items.c.value).where(items.c.type == "object", *conditions))
    return exists(select(items.c.value).where(items.c.type == "text", items.c.value == element))


def _has_link(link: tuple[Table, str], target_id: str) -> ColumnElement[bool]:
    table, column = link
    return exists(
        select(table.c.organisation_id).where(
            table.c.organisation_id == Organisation.id, table.c[column] == target_id
        )
    )


def _has_location(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(OrganisationLocation.id).where(
            OrganisationLocation.organisation_id == Organisation.id, condition
        )
    )


async def search_network(
    session: AsyncSession,
    principal: Principal,
    parent_id: str,
    request: PageRequest,
    **filters: Any,
) -> Page[Organisation]:
    """A page of the direct children of ``parent_id`` matching every given filter
    (:func:`network_rows`)."""
    dialect = session.get_bind().dialect.name
    stmt = network_rows(principal, parent_id, dialect, **filters)
    return await fetch_page(session, stmt, request, SORT_COLUMNS, default_sort=DEFAULT_SORT)


def network_rows(
    principal: Principal,
    parent_id: Any,
    dialect: str,
    *,
    name: str | None = None,
    org_types: Sequence[str] | None = None,
    group_id: str | None = None,
    industry_id: str | None = None,
    industry_sector_id: str | None = None,
    business_activity_id: str | None = None,
    tags: Sequence[str] | None = None,
    country: str | None = None,
    town_city: str | None = None,
    status: str | None = None,
    tap_code: str | None = None,
    search_value: str | None = None,
    custom_fields: Sequence[tuple[str, str]] | None = None,
) -> Select[Any]:
    """The direct children of ``parent_id`` (a value or a column) the caller may see, matching
    every given filter (unordered), for the ``dialect`` the statement runs on."""
    stmt = visible(principal).where(Organisation.parent_id == parent_id)
    if name:
        stmt = stmt.where(contains_literal(Organisation.name, name))
    if org_types:
        # Equalities rather than an expanding IN: compiled reads prepare the statement once.
        stmt = stmt.where(or_(*(Organisation.org_type == org_type for org_type in org_types)))
    if group_id:
        stmt = stmt.where(_has_link(GROUPS, group_id))
    if industry_id:
        stmt = stmt.where(Organisation.industry_id == industry_id)
    if industry_sector_id:
        stmt = stmt.where(_has_link(INDUSTRY_SECTORS, industry_sector_id))
    if business_activity_id:
        stmt = stmt.where(_has_link(BUSINESS_ACTIVITIES, business_activity_id))
    if tags:
        column = Organisation.organisation_tags
        stmt = stmt.where(or_(*(_json_list_has(dialect, column, tag) for tag in tags)))
    if country:
        stmt = stmt.where(
            _has_location(func.upper(OrganisationLocation.country_code) == country.upper())
        )
    if town_city:
        stmt = stmt.where(
            _has_location(equals_ignoring_case(OrganisationLocation.town_city, town_city))
        )
    if status:
        stmt = stmt.where(Organisation.status == status)
    if tap_code:
        stmt = stmt.where(
            exists(
                select(OrganisationTap.id).where(
                    OrganisationTap.organisation_id == Organisation.id,
                    OrganisationTap.code == tap_code,
                )
            )
        )
    if search_value:
        stmt = stmt.where(
            or_(
                contains_literal(Organisation.name, search_value),
                contains_literal(Organisation.description, search_value),
                contains_literal(Organisation.cloud_name, search_value),
            )
        )
    for key, value in custom_fields or ():
        element = {"key": key, "value": value}
        stmt = stmt.where(_json_list_has(dialect, Organisation.custom_fields, element))
    return stmt


async def linked_ids(
    session: AsyncSession, link: tuple[Table, str], organisation_id: str
) -> list[str]:
    """The ids an organisation points at through one link table."""
    table, column = link
    stmt = select(table.c[column]).where(table.c.organisation_id == organisation_id)
    return list((await session.execute(stmt)).scalars())


async def rows_linked_to(
    session: AsyncSession,
    principal: Principal,
    model: Any,
    link: tuple[Table, str],
    organisation_ids: Sequence[str],
) -> list[list[Any]]:
    """For each organisation id, the rows of ``model`` it points at through a link table, by
    name; only for the caller's organisations.

    The rows pointed at are shown as they are: live and test mode share the network, and an
    organisation may point at rows of an organisation above the caller (its service owner,
    the industry sectors its creator chose).
    """
    table, column = link
    stmt: Select[Any] = (
        select(model, table.c.organisation_id)
        .join(table, table.c[column] == model.id)
        .where(
            key_in(table.c.organisation_id, organisation_ids, session.get_bind().dialect.name),
            table.c.organisation_id.in_(ORGANISATIONS.visible_ids(principal)),
        )
        .order_by(model.name, model.id)
    )
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row, organisation_id in (await session.execute(stmt)).all():
        grouped[organisation_id].append(row)
    return [grouped.get(key, []) for key in organisation_ids]


async def child_type_counts(
    session: AsyncSession, principal: Principal, parent_ids: Sequence[str]
) -> dict[str | None, dict[str, int]]:
    """How many of the caller's organisations of each type sit directly below each parent."""
    stmt = ORGANISATIONS.scoped(
        select(Organisation.parent_id, Organisation.org_type, func.count(Organisation.id)),
        principal,
    ).where(key_in(Organisation.parent_id, parent_ids, session.get_bind().dialect.name))
    by_parent: dict[str | None, dict[str, int]] = defaultdict(dict)
    for parent_id, org_type, count in (
        await session.execute(stmt.group_by(Organisation.parent_id, Organisation.org_type))
    ).all():
        by_parent[parent_id][org_type] = count
    return by_parent


async def member_counts(
    session: AsyncSession, principal: Principal, organisation_ids: Sequence[str]
) -> dict[str, int]:
    """How many users are members of each of the caller's organisations among these ids."""
    stmt = MEMBERSHIPS.scoped(
        select(Membership.organisation_id, func.count(Membership.id)), principal
    ).where(key_in(Membership.organisation_id, organisation_ids, session.get_bind().dialect.name))
    rows = (await session.execute(stmt.group_by(Membership.organisation_id))).all()
    return {organisation_id: count for organisation_id, count in rows}


async def replace_links(
    session: AsyncSession, link: tuple[Table, str], organisation_id: str, ids: Sequence[str]
) -> None:
    """Make ``ids`` the complete set an organisation points at through one link table."""
    table, column = link
    await session.execute(delete(table).where(table.c.organisation_id == organisation_id))
    unique_ids = list(dict.fromkeys(ids))
    if unique_ids:
        await session.execute(
            insert(table),
            [{"organisation_id": organisation_id, column: target} for target in unique_ids],
        )


async def add_rows(
    session: AsyncSession, model: Any, organisation_id: str, rows: Sequence[dict[str, Any]]
) -> None:
    """Add location, contact detail or TAP rows to an organisation."""
    session.add_all(model(organisation_id=organisation_id, **fields) for fields in rows)


async def upsert_rows(
    session: AsyncSession,
    model: Any,
    entity: str,
    organisation_id: str,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Update the rows that name their id (404 naming ``entity`` if not the organisation's) and
    add the others; none is removed."""
    for fields in rows:
        row_id = fields.pop("id", None)
        if row_id is None:
            session.add(model(organisation_id=organisation_id, **fields))
            continue
        row = await session.get(model, row_id)
        if row is None or row.organisation_id != organisation_id:
            raise NotFound(entity, row_id)
        for name, value in fields.items():
            setattr(row, name, value)


async def has_children(session: AsyncSession, organisation_id: str) -> bool:
    """Whether any organisation sits directly below this one."""
    stmt = select(exists().where(Organisation.parent_id == organisation_id))
    return bool((await session.execute(stmt)).scalar())


def _tables_pointing_at_organisations() -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to an organisation, outside this domain's rows."""
    own = {model.__table__.name for model in OWN_ROWS} | {link[0].name for link in LINKS}
    own.add(Organisation.__tablename__)
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name in own:
            continue
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == Organisation.__tablename__:
                found.append((table, foreign_key.parent.name))
    return found


async def tables_with_rows_of(session: AsyncSession, organisation_id: str) -> list[str]:
    """The names of the tables (contacts, accounts, wallets, ...) holding rows that belong to or
    point at the organisation, other than its own locations, contacts details, TAPs and keys."""
    names: list[str] = []
    for table, column in _tables_pointing_at_organisations():
        if table.name in names:
            continue
        stmt = select(exists().where(table.c[column] == organisation_id))
        if (await session.execute(stmt)).scalar():
            names.append(table.name)
    return names


async def delete_organisation_rows(session: AsyncSession, organisation: Organisation) -> None:
    """Remove an organisation with its own rows and every link to or from it."""
    teams = select(Team.id).where(Team.organisation_id == organisation.id)
    await session.execute(delete(TeamMember).where(TeamMember.team_id.in_(teams)))
    for model in OWN_ROWS:
        await session.execute(delete(model).where(model.organisation_id == organisation.id))
    for table, _column in LINKS:
        await session.execute(delete(table).where(table.c.organisation_id == organisation.id))
    # A refresh token of a masquerade acts below the organisation it was signed in to.
    await session.execute(
        delete(RefreshToken).where(RefreshToken.home_organisation_id == organisation.id)
    )
    # Other organisations may name this one as a service organisation or a partner.
    for table, column in (SERVICE_ORGANISATIONS, PARTNERS):
        await session.execute(delete(table).where(table.c[column] == organisation.id))
    await session.delete(organisation)
    await session.flush()
