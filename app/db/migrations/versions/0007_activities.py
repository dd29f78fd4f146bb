"""activities with their links, dated states and tags

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _activity_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["activity_id"], ["activities.id"], name=op.f(f"fk_{table}_activity_id_activities")
    )


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("type_id", sa.String(length=36), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("date", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("from_time", sa.String(length=5), nullable=True),
        sa.Column("to_time", sa.String(length=5), nullable=True),
        sa.Column("address_id", sa.String(length=36), nullable=True),
        sa.Column("use_entity_address", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("assigned_user_id", sa.String(length=36), nullable=True),
        sa.Column("assigned_team_id", sa.String(length=36), nullable=True),
        sa.Column("custom_fields", sa.JSON(), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assigned_team_id"], ["teams.id"], name=op.f("fk_activities_assigned_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_user_id"], ["users.id"], name=op.f("fk_activities_assigned_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_activities_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_activities_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint(
            "organisation_id",
            "is_test",
            "number",
            name=op.f("uq_activities_organisation_id_is_test_number"),
        ),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        for column in ("assigned_team_id", "assigned_user_id", "organisation_id", "type_id"):
            batch_op.create_index(batch_op.f(f"ix_activities_{column}"), [column], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_activities_tenant_created",
            ["organisation_id", "is_test", "created_on"],
            unique=False,
        )

    op.create_table(
        "activity_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _activity_fk("activity_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_links")),
    )
    op.create_table(
        "activity_statuses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("date", app.db.base.UtcDateTime(timezone=True), nullable=False),
        _activity_fk("activity_statuses"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_statuses")),
    )
    op.create_table(
        "activity_tags",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("activity_id", sa.String(length=36), nullable=False),
        sa.Column("tag_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        _activity_fk("activity_tags"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_tags")),
        sa.UniqueConstraint(
            "activity_id", "tag_id", name=op.f("uq_activity_tags_activity_id_tag_id")
        ),
    )
    for table, columns in (
        ("activity_links", ("activity_id", "entity_id")),
        ("activity_statuses", ("activity_id",)),
        ("activity_tags", ("activity_id", "tag_id")),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade() -> None:
    op.drop_table("activity_tags")
    op.drop_table("activity_statuses")
    op.drop_table("activity_links")
    op.drop_table("activities")
