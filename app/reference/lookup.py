"""Resolving references to tenant-owned rows, with a 404 that names the entity."""

from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.db.repository import repository_of

# Imported for its repositories: reference data is what these lookups mostly resolve.
from app.reference import repository as _reference_repositories  # noqa: F401

ModelT = TypeVar("ModelT")


async def get_visible(
    session: AsyncSession, principal: Principal, model: type[ModelT], entity: str, row_id: str
) -> ModelT:
    """The row of ``model`` with this id that the caller may see (404 naming ``entity``)."""
    return await repository_of(model).lookup(session, principal, entity, row_id)


async def get_all_visible(
    session: AsyncSession, principal: Principal, model: type[ModelT], entity: str, ids: list[str]
) -> list[ModelT]:
    """The rows of ``model`` with these ids, in order (404 naming the first unknown one)."""
    return await repository_of(model).lookup_all(session, principal, entity, ids)
