"""The columns that make a row belong to one organisation and one mode (live or test)."""

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class TenantOwned:
    """Mixin for tenant-owned rows: the owning organisation and whether the row is test data."""

    @declared_attr
    def organisation_id(cls) -> Mapped[str]:
        return mapped_column(String(36), ForeignKey("organisations.id"), index=True, nullable=False)

    is_test: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
