"""media groups, media and the media groups linked to organisations

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 23:45:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0009"
down_revision: str | None = "0008"
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
        "media_groups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("media_groups"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media_groups")),
        sa.UniqueConstraint(
            "organisation_id",
            "is_test",
            "external_id",
            name=op.f("uq_media_groups_organisation_id_is_test_external_id"),
        ),
    )
    with op.batch_alter_table("media_groups", schema=None) as batch_op:
        batch_op.create_index("ix_media_groups_external_id", ["external_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_media_groups_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "media",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("media_group_id", sa.String(length=36), nullable=False),
        sa.Column("usage_type", sa.String(length=16), nullable=False),
        sa.Column("folder", sa.String(length=300), nullable=False),
        sa.Column("tracking_key", sa.String(length=64), nullable=False),
        sa.Column("public_id", sa.String(length=400), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("media"),
        sa.ForeignKeyConstraint(
            ["media_group_id"],
            ["media_groups.id"],
            name=op.f("fk_media_media_group_id_media_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
    )
    with op.batch_alter_table("media", schema=None) as batch_op:
        for column in ("media_group_id", "organisation_id"):
            batch_op.create_index(batch_op.f(f"ix_media_{column}"), [column], unique=False)

    op.create_table(
        "organisation_media_groups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("media_group_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_media_groups_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["media_group_id"],
            ["media_groups.id"],
            name=op.f("fk_organisation_media_groups_media_group_id_media_groups"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_media_groups")),
        sa.UniqueConstraint(
            "organisation_id",
            "media_group_id",
            name=op.f("uq_organisation_media_groups_organisation_id_media_group_id"),
        ),
    )
    with op.batch_alter_table("organisation_media_groups", schema=None) as batch_op:
        for column in ("media_group_id", "organisation_id"):
            batch_op.create_index(
                batch_op.f(f"ix_organisation_media_groups_{column}"), [column], unique=False
            )


def downgrade() -> None:
    op.drop_table("organisation_media_groups")
    op.drop_table("media")
    op.drop_table("media_groups")
