"""outbox messages with attachments, and scheduled reports

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 23:40:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0013"
down_revision: str | None = "0012"
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
        "outbox_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("locked_until", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("sent_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("outbox_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_messages_tenant_created",
            ["organisation_id", "is_test", "created_on"],
            unique=False,
        )
        batch_op.create_index("ix_outbox_messages_due", ["state", "next_attempt_on"], unique=False)

    op.create_table(
        "outbox_attachments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("message_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_outbox_attachments_message_id_outbox_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_attachments")),
    )
    with op.batch_alter_table("outbox_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_attachments_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "scheduled_reports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("filters_set", sa.JSON(), nullable=False),
        sa.Column("columns_set", sa.JSON(), nullable=False),
        sa.Column("group_by_set", sa.JSON(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=True),
        sa.Column("frequency", sa.String(length=120), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("requested_by_user_id", sa.String(length=36), nullable=True),
        sa.Column("next_scheduled", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("locked_until", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("runs", sa.Integer(), nullable=False),
        sa.Column("last_run_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("scheduled_reports"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_reports")),
    )
    with op.batch_alter_table("scheduled_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_reports_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_scheduled_reports_tenant_created",
            ["organisation_id", "is_test", "created_on"],
            unique=False,
        )
        batch_op.create_index("ix_scheduled_reports_due", ["next_scheduled"], unique=False)


def downgrade() -> None:
    op.drop_table("scheduled_reports")
    op.drop_table("outbox_attachments")
    op.drop_table("outbox_messages")
