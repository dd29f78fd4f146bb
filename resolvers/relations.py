"""Dataloaders of relations: one :class:`~app.db.relations.Related` declaration per loader.

A relation field built from such a loader (``schema.mapping.relation``) resolves through it on
the general path, and compiled reads join the same model, key and order in SQL. The batch reads
through the model's repository, so a loader given another tenant's key finds nothing.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from app.db.relations import Related
from app.db.repository import repository_of
from resolvers.loaders import BatchLoader, first_by_key, grouped_by_key

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


class RelationLoader(BatchLoader[Any, Any]):
    """Loads the rows ``related`` declares for a batch of key values, as the caller may see them.

    A ``many`` relation gives a list per key (possibly empty), any other the first row in the
    declared order, or ``None``. By-id loaders are ``Related(Model, "id")``.
    """

    related: ClassVar[Related]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        related = cls.__dict__.get("related")
        if related is not None:
            cls.loads = (related.model, related.key)

    async def load_batch(self, session: "AsyncSession", keys: Sequence[Any]) -> list[Any]:
        rows = await self.rows(session, keys)
        key = self.related.key
        if self.related.many:
            return grouped_by_key(rows, keys, lambda row: getattr(row, key))
        return first_by_key(rows, keys, lambda row: getattr(row, key))

    async def rows(self, session: "AsyncSession", keys: Sequence[Any]) -> list[Any]:
        """The caller's rows of this batch, in the declared order."""
        related = self.related
        return await repository_of(related.model).rows_by_keys(
            session, self.reader, related.key, keys, related.order
        )


class UnscopedRelationLoader(RelationLoader):
    """A relation loader that reads the related rows whoever may see them.

    Only for relations whose rows may lie outside the caller's network or mode although the row
    pointing at them is visible; each subclass says why, and the allow-list of
    ``tests/test_tenancy_structure.py`` names it.
    """

    async def rows(self, session: "AsyncSession", keys: Sequence[Any]) -> list[Any]:
        related = self.related
        return await repository_of(related.model).rows_by_keys_unscoped(
            session, related.key, keys, related.order
        )
