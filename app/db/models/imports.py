"""Imports of CSV files into contacts or organisations, carried out in the background."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class DataImport(TenantOwned, Base):
    """One request to import an uploaded file (spec: Imports), its options and its outcome.

    ``status`` moves PENDING -> IN_PROGRESS -> COMPLETED (every row imported) or FAILED (some
    rows refused, or the file could not be read); REPLAY puts a FAILED import back to PENDING.
    ``rows`` are the data rows (1-based, header excluded) the next run processes (``None``: all
    of them); ``processed_rows`` counts those done so far in this run (the progress; a run cut
    short resumes after them); the rows refused are :class:`ImportFailure` rows.
    ``locked_until`` is the lease of the worker running it.
    """

    __tablename__ = "imports"
    __table_args__ = (
        Index("ix_imports_tenant_imported", "organisation_id", "is_test", "imported_on"),
        Index("ix_imports_status_locked", "status", "locked_until"),
    )

    id: Mapped[str] = id_column()
    type: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="PENDING")
    file_id: Mapped[str] = mapped_column(String(36), nullable=False, index=True)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    error_file_id: Mapped[str | None] = mapped_column(String(36))
    error_file_name: Mapped[str | None] = mapped_column(String(255))
    exclude_header: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    update_data: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    auto_generate_config: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    data_mapping: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    user_id: Mapped[str | None] = mapped_column(String(36))
    rows: Mapped[list[int] | None] = mapped_column(JSON)
    processed_rows: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    new_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    imported_on: Mapped[datetime] = created_on_column()
    finished_on: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ImportFailure(Base):
    """A row of an import's file that was refused in its last run, and why (``row``: its
    number in the file, from 1, header excluded)."""

    __tablename__ = "import_failures"
    __table_args__ = (Index("ix_import_failures_import_row", "import_id", "row"),)

    id: Mapped[str] = id_column()
    import_id: Mapped[str] = mapped_column(ForeignKey("imports.id"), nullable=False)
    row: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
