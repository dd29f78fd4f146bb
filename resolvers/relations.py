"""Dataloaders of relations: one :class:`~app.db.relations.Related` declaration per loader.

A relation field built from such a loader (``schema.mapping.relation``) resolves through it on
the general path, and compiled reads join the same model, key and order in SQL.
"""

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.relations import Related
from resolvers.loaders import BatchLoader, row_lists_by_key


class RelationLoader(BatchLoader[Any, Any]):
    """Loads the rows ``related`` declares for a batch of key values.

    A ``many`` relation gives a list per key (possibly empty), any other the first row in the
    declared order, or ``None``.
    """

    related: ClassVar[Related]

    async def load_batch(self, session: AsyncSession, keys: Sequence[Any]) -> list[Any]:
        related = self.related
        key = related.key
        stmt = (
            select(related.model)
            .where(self.key_in(getattr(related.model, key), keys))
            .order_by(*related.order(related.model))
        )
        if related.many:
            return await row_lists_by_key(session, stmt, keys, lambda row: getattr(row, key))
        first: dict[Any, Any] = {}
        for row in (await session.execute(stmt)).scalars():
            first.setdefault(getattr(row, key), row)
        return [first.get(value) for value in keys]
