"""Resolving references to tenant-owned rows, with a 404 that names the entity."""

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.errors import NotFound
from app.tenancy import tenant_scoped

ModelT = TypeVar("ModelT")


async def get_visible(
    session: AsyncSession, principal: Principal, model: type[ModelT], entity: str, row_id: str
) -> ModelT:
    """The row of ``model`` with this id that the caller may see (404 naming ``entity``)."""
    found = (
        await session.execute(
            tenant_scoped(select(model), model, principal).where(_id_of(model) == row_id)
        )
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(entity, row_id)
    return found


async def get_all_visible(
    session: AsyncSession, principal: Principal, model: type[ModelT], entity: str, ids: list[str]
) -> list[ModelT]:
    """The rows of ``model`` with these ids, in order (404 naming the first unknown one)."""
    if not ids:
        return []
    stmt = tenant_scoped(select(model), model, principal).where(_id_of(model).in_(ids))
    found = {row.id: row for row in (await session.execute(stmt)).scalars()}  # type: ignore[attr-defined]
    for row_id in ids:
        if row_id not in found:
            raise NotFound(entity, row_id)
    return [found[row_id] for row_id in ids]


def _id_of(model: Any) -> Any:
    return model.id
