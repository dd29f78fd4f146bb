"""customer events (JSONB properties with a GIN index on PostgreSQL) and insights with their
events, filters, breakdowns and exports

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 23:30:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import app.db.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROPERTIES = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


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


def _insight_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["insight_id"], ["insights.id"], name=op.f(f"fk_{table}_insight_id_insights")
    )


def upgrade() -> None:
    op.create_table(
        "customer_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("amount", app.db.base.Money(), nullable=True),
        sa.Column("currency_code", sa.String(length=3), nullable=True),
        sa.Column("occurred_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("properties", _PROPERTIES, nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("customer_events"),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_customer_events_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_events")),
    )
    op.create_index("ix_customer_events_type_occurred", "customer_events", ["type", "occurred_on"])
    op.create_index(
        "ix_customer_events_tenant_occurred",
        "customer_events",
        ["organisation_id", "is_test", "occurred_on"],
    )
    op.create_index(
        "ix_customer_events_contact_occurred", "customer_events", ["contact_id", "occurred_on"]
    )
    op.create_index(
        op.f("ix_customer_events_organisation_id"), "customer_events", ["organisation_id"]
    )
    op.create_index(
        "ix_customer_events_properties",
        "customer_events",
        ["properties"],
        postgresql_using="gin",
    )
    op.create_table(
        "insights",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("refresh_frequency", sa.Integer(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("insights"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights")),
    )
    op.create_index(
        "ix_insights_tenant_created", "insights", ["organisation_id", "is_test", "created_on"]
    )
    op.create_index(op.f("ix_insights_organisation_id"), "insights", ["organisation_id"])
    op.create_table(
        "insight_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("insight_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("event_name", sa.String(length=16), nullable=False),
        sa.Column("is_frequency", sa.Boolean(), nullable=False),
        sa.Column("property_name", sa.String(length=200), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        _insight_fk("insight_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_events")),
    )
    op.create_table(
        "insight_filters",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("insight_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("property_name", sa.String(length=200), nullable=True),
        sa.Column("operator", sa.String(length=32), nullable=True),
        sa.Column("min_value", sa.String(length=200), nullable=True),
        sa.Column("max_value", sa.String(length=200), nullable=True),
        sa.Column("value_list", sa.JSON(), nullable=False),
        _insight_fk("insight_filters"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_filters")),
    )
    op.create_table(
        "insight_breakdowns",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("insight_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("property_name", sa.String(length=200), nullable=True),
        _insight_fk("insight_breakdowns"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_breakdowns")),
    )
    op.create_table(
        "insight_exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("insight_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("insight_exports"),
        _insight_fk("insight_exports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insight_exports")),
    )
    op.create_index(
        op.f("ix_insight_exports_organisation_id"), "insight_exports", ["organisation_id"]
    )
    for table in ("insight_events", "insight_filters", "insight_breakdowns", "insight_exports"):
        op.create_index(op.f(f"ix_{table}_insight_id"), table, ["insight_id"])


def downgrade() -> None:
    for table in (
        "insight_exports",
        "insight_breakdowns",
        "insight_filters",
        "insight_events",
        "insights",
        "customer_events",
    ):
        op.drop_table(table)
