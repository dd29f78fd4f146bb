"""webhooks, their requests and every delivery attempt

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _tenant_columns(table: str) -> list[sa.Column | sa.ForeignKeyConstraint]:
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
        "webhooks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("url_endpoint", sa.String(length=2000), nullable=False),
        sa.Column("url_auth", sa.String(length=32), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=True),
        sa.Column("password", sa.String(length=200), nullable=True),
        sa.Column("api_key", sa.String(length=500), nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("wait_period", sa.Integer(), nullable=False),
        sa.Column("signing_secret", sa.String(length=100), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("webhooks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhooks_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_webhooks_tenant_created", ["organisation_id", "is_test", "created_on"], unique=False
        )

    op.create_table(
        "webhook_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("webhook_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=True),
        sa.Column("automation_id", sa.String(length=36), nullable=True),
        sa.Column("action_id", sa.String(length=36), nullable=True),
        sa.Column("entity_type", sa.String(length=32), nullable=True),
        sa.Column("entity_reference", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("url_endpoint", sa.String(length=2000), nullable=False),
        sa.Column("url_auth", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("attempts_allowed", sa.Integer(), nullable=False),
        sa.Column("next_attempt_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=36), nullable=True),
        sa.Column("delivered_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        *_tenant_columns("webhook_requests"),
        sa.ForeignKeyConstraint(
            ["webhook_id"], ["webhooks.id"], name=op.f("fk_webhook_requests_webhook_id_webhooks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_requests")),
    )
    with op.batch_alter_table("webhook_requests", schema=None) as batch_op:
        for column in ("automation_id", "organisation_id", "webhook_id"):
            batch_op.create_index(
                batch_op.f(f"ix_webhook_requests_{column}"), [column], unique=False
            )
        batch_op.create_index(
            "ix_webhook_requests_tenant_created",
            ["organisation_id", "is_test", "created_on"],
            unique=False,
        )
        batch_op.create_index("ix_webhook_requests_due", ["state", "next_attempt_on"], unique=False)

    op.create_table(
        "webhook_request_attempts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("webhook_request_id", sa.String(length=36), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("url_endpoint", sa.String(length=2000), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response", sa.Text(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("started_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["webhook_request_id"],
            ["webhook_requests.id"],
            name=op.f("fk_webhook_request_attempts_webhook_request_id_webhook_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_request_attempts")),
    )
    with op.batch_alter_table("webhook_request_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_request_attempts_webhook_request_id"),
            ["webhook_request_id"],
            unique=False,
        )


def downgrade() -> None:
    op.drop_table("webhook_request_attempts")
    op.drop_table("webhook_requests")
    op.drop_table("webhooks")
