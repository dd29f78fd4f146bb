"""files (uploaded content's metadata) and imports (CSV imports run in the background)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 23:40:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tenant_columns(table: str) -> list[Any]:
    return [
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f(f"fk_{table}_organisation_id_organisations"),
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("mime", sa.String(length=127), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("storage_path", sa.String(length=1024), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_organisation_id"), ["organisation_id"])
        batch_op.create_index(
            "ix_files_tenant_created", ["organisation_id", "is_test", "created_on"]
        )

    op.create_table(
        "imports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("error_file_id", sa.String(length=36), nullable=True),
        sa.Column("error_file_name", sa.String(length=255), nullable=True),
        sa.Column("exclude_header", sa.Boolean(), nullable=False),
        sa.Column("update_data", sa.Boolean(), nullable=False),
        sa.Column("auto_generate_config", sa.Boolean(), nullable=False),
        sa.Column("data_mapping", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=True),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=True),
        sa.Column("new_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("imported_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        *_tenant_columns("imports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
    )
    with op.batch_alter_table("imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_imports_organisation_id"), ["organisation_id"])
        batch_op.create_index(batch_op.f("ix_imports_file_id"), ["file_id"])
        batch_op.create_index(
            "ix_imports_tenant_imported", ["organisation_id", "is_test", "imported_on"]
        )
        batch_op.create_index("ix_imports_status_locked", ["status", "locked_until"])

    op.create_table(
        "import_failures",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("import_id", sa.String(length=36), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"], ["imports.id"], name=op.f("fk_import_failures_import_id_imports")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_failures")),
    )
    with op.batch_alter_table("import_failures", schema=None) as batch_op:
        batch_op.create_index("ix_import_failures_import_row", ["import_id", "row"])


def downgrade() -> None:
    op.drop_table("import_failures")
    op.drop_table("imports")
    op.drop_table("files")
