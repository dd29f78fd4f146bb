"""domain events, automations with their actions and runs, approval requests

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 23:19:11.906342
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("entity_reference", sa.String(length=200), nullable=True),
        sa.Column("automation_id", sa.String(length=36), nullable=True),
        sa.Column("automation_name", sa.String(length=200), nullable=True),
        sa.Column("run_id", sa.String(length=36), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("requested_by_user_id", sa.String(length=36), nullable=True),
        sa.Column("required_approvals", sa.Integer(), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_approval_requests_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_requests_automation_id"), ["automation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_approval_requests_entity_id"), ["entity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_approval_requests_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_approval_requests_requested_by_user_id"),
            ["requested_by_user_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_approval_requests_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            "ix_approval_requests_tenant_created",
            ["organisation_id", "is_test", "created_on"],
            unique=False,
        )

    op.create_table(
        "automations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("life_cycle_state", sa.String(length=16), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_automations_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automations")),
    )
    with op.batch_alter_table("automations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_automations_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_automations_trigger",
            ["organisation_id", "is_test", "entity", "event"],
            unique=False,
        )

    op.create_table(
        "domain_events",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("occurred_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("dispatched_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_domain_events")),
    )
    with op.batch_alter_table("domain_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_domain_events_pending", ["dispatched_on", "occurred_on"], unique=False
        )

    op.create_table(
        "approval_conditions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("approval_request_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_request_id"],
            ["approval_requests.id"],
            name=op.f("fk_approval_conditions_approval_request_id_approval_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_conditions")),
    )
    with op.batch_alter_table("approval_conditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_conditions_approval_request_id"),
            ["approval_request_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_approval_conditions_target_id"), ["target_id"], unique=False
        )

    op.create_table(
        "approval_responses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("approval_request_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("authorised_by_type", sa.String(length=16), nullable=False),
        sa.Column("authorised_by_id", sa.String(length=36), nullable=False),
        sa.Column("authorised_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["approval_request_id"],
            ["approval_requests.id"],
            name=op.f("fk_approval_responses_approval_request_id_approval_requests"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_responses")),
    )
    with op.batch_alter_table("approval_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_responses_approval_request_id"),
            ["approval_request_id"],
            unique=False,
        )

    op.create_table(
        "automation_actions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("automation_id", sa.String(length=36), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=40), nullable=True),
        sa.Column("adaptor", sa.String(length=40), nullable=False),
        sa.Column("adaptor_action", sa.String(length=60), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["automation_id"],
            ["automations.id"],
            name=op.f("fk_automation_actions_automation_id_automations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_actions")),
    )
    with op.batch_alter_table("automation_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_automation_actions_automation_id"), ["automation_id"], unique=False
        )

    op.create_table(
        "automation_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("automation_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["automation_id"],
            ["automations.id"],
            name=op.f("fk_automation_runs_automation_id_automations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["domain_events.id"],
            name=op.f("fk_automation_runs_event_id_domain_events"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_automation_runs_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_runs")),
        sa.UniqueConstraint(
            "event_id", "automation_id", name=op.f("uq_automation_runs_event_id_automation_id")
        ),
    )
    with op.batch_alter_table("automation_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_automation_runs_automation_id"), ["automation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_automation_runs_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_automation_runs_state", ["state", "updated_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("automation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_automation_runs_state")
        batch_op.drop_index(batch_op.f("ix_automation_runs_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_automation_runs_automation_id"))

    op.drop_table("automation_runs")
    with op.batch_alter_table("automation_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_automation_actions_automation_id"))

    op.drop_table("automation_actions")
    with op.batch_alter_table("approval_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_responses_approval_request_id"))

    op.drop_table("approval_responses")
    with op.batch_alter_table("approval_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_conditions_target_id"))
        batch_op.drop_index(batch_op.f("ix_approval_conditions_approval_request_id"))

    op.drop_table("approval_conditions")
    with op.batch_alter_table("domain_events", schema=None) as batch_op:
        batch_op.drop_index("ix_domain_events_pending")

    op.drop_table("domain_events")
    with op.batch_alter_table("automations", schema=None) as batch_op:
        batch_op.drop_index("ix_automations_trigger")
        batch_op.drop_index(batch_op.f("ix_automations_organisation_id"))

    op.drop_table("automations")
    with op.batch_alter_table("approval_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_approval_requests_tenant_created")
        batch_op.drop_index(batch_op.f("ix_approval_requests_run_id"))
        batch_op.drop_index(batch_op.f("ix_approval_requests_requested_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_approval_requests_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_approval_requests_entity_id"))
        batch_op.drop_index(batch_op.f("ix_approval_requests_automation_id"))

    op.drop_table("approval_requests")
