"""SQL of copying an organisation: its settings, links and reference data, under a new id.

What is copied: the organisation's own columns (but its id, path, name and creation time), its
locations and contact details, its links to industry sectors, business activities, groups,
service organisations and partners, its custom roles, and the reference data it owns in both
modes (classifications, payment terms, industries, sectors, activities, groups, reward schemes
and tiers, spend conditions), with the links between copied rows pointing at the copies.
Never copied: contacts, accounts, wallets, journals, users, teams, API keys and TAPs (TAP codes
identify one point of sale).
"""

from typing import Any

from sqlalchemy import insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import new_id
from app.db.models import (
    AccountClassification,
    BusinessActivity,
    Industry,
    IndustrySector,
    Organisation,
    OrganisationContactInfo,
    OrganisationGroup,
    OrganisationLocation,
    PaymentTerms,
    RewardScheme,
    RewardTier,
    Role,
    SpendCondition,
)
from app.organisations.repository import LINKS
from app.organisations.tree import new_organisation

# In an order where a row's references (sector -> industry, tier -> scheme) are copied first.
REFERENCE_DATA: tuple[Any, ...] = (
    AccountClassification,
    PaymentTerms,
    Industry,
    IndustrySector,
    BusinessActivity,
    OrganisationGroup,
    RewardScheme,
    RewardTier,
    SpendCondition,
)
OWN_SETTINGS: tuple[Any, ...] = (OrganisationLocation, OrganisationContactInfo, Role)
NOT_COPIED_COLUMNS = frozenset({"id", "parent_id", "path", "name", "created_on"})


def _values(row: Any, skip: frozenset[str]) -> dict[str, Any]:
    mapper = inspect(type(row))
    return {
        attribute.key: getattr(row, attribute.key)
        for attribute in mapper.column_attrs
        if attribute.key not in skip
    }


async def copy_organisation(
    session: AsyncSession, source: Organisation, parent: Organisation | None, name: str
) -> Organisation:
    """A new organisation below ``parent`` named ``name``, with ``source``'s settings and
    reference data as the module docstring says."""
    copy = new_organisation(parent, name=name, **_values(source, NOT_COPIED_COLUMNS))
    session.add(copy)
    await session.flush()
    ids: dict[str, str] = {source.id: copy.id}
    for model in REFERENCE_DATA:
        await _copy_rows(session, model, source.id, ids)
    if copy.industry_id in ids:
        copy.industry_id = ids[copy.industry_id]
    for model in OWN_SETTINGS:
        await _copy_rows(session, model, source.id, ids)
    for table, column in LINKS:
        rows = await session.execute(select(table).where(table.c.organisation_id == source.id))
        values = [
            {"organisation_id": copy.id, column: ids.get(row[column], row[column])}
            for row in rows.mappings()
        ]
        if values:
            await session.execute(insert(table), values)
    await session.flush()
    return copy


async def _copy_rows(
    session: AsyncSession, model: Any, source_id: str, ids: dict[str, str]
) -> None:
    """Copy ``model``'s rows of the source organisation; ``ids`` maps old ids to new ones and
    gains the copies' ids. Foreign keys to rows copied before point at their copies."""
    foreign = {column.key for column in model.__table__.columns if column.foreign_keys} - {
        "organisation_id"
    }
    rows = (
        await session.execute(select(model).where(model.organisation_id == source_id))
    ).scalars()
    for row in list(rows):
        values = _values(row, frozenset({"id", "created_on"}))
        values["organisation_id"] = ids[source_id]
        for key in foreign:
            if values.get(key) in ids:
                values[key] = ids[values[key]]
        copy = model(id=new_id(), **values)
        ids[row.id] = copy.id
        session.add(copy)
    await session.flush()
