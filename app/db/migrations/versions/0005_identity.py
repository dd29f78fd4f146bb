"""identity: usernames, refresh tokens, invitations, keys' last use, a service owner on top

- ``users.username`` (unique, the spec's login name), backfilled from the e-mail address.
- ``api_keys.last_used_on``.
- ``refresh_tokens`` and ``user_invitations`` (tokens stored as SHA-256 digests, used once).
- A database made before 0005 has a root BUSINESS (the first start created one), below which
  nothing can register. Every root BUSINESS is placed below one new SERVICE_OWNER (the operator
  of the installation), and the materialised paths of the business and of everything below it
  are prefixed with the service owner's id. Rows keep their ids; nothing else changes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SERVICE_OWNER_NAME = "Service Owner"

_organisations = sa.table(
    "organisations",
    sa.column("id", sa.String),
    sa.column("parent_id", sa.String),
    sa.column("path", sa.String),
    sa.column("org_type", sa.String),
    sa.column("name", sa.String),
    sa.column("status", sa.String),
    sa.column("is_business", sa.Boolean),
    sa.column("test_mode", sa.Boolean),
    sa.column("is_sandbox_on", sa.Boolean),
    sa.column("inherit_from_parent", sa.Boolean),
    sa.column("contact_registry", sa.Boolean),
    sa.column("organisation_tags", sa.JSON),
    sa.column("custom_fields", sa.JSON),
    sa.column("created_on", app.db.base.UtcDateTime(timezone=True)),
)
_users = sa.table("users", sa.column("email", sa.String), sa.column("username", sa.String))


def _place_root_businesses_below_a_service_owner() -> None:
    connection = op.get_bind()
    roots = connection.execute(
        sa.select(_organisations.c.id).where(
            _organisations.c.parent_id.is_(None), _organisations.c.org_type == "BUSINESS"
        )
    ).all()
    if not roots:
        return
    owner_id = app.db.base.new_id()
    connection.execute(
        _organisations.insert().values(
            id=owner_id,
            parent_id=None,
            path=f"/{owner_id}/",
            org_type="SERVICE_OWNER",
            name=SERVICE_OWNER_NAME,
            status="ACTIVE",
            is_business=False,
            test_mode=False,
            is_sandbox_on=False,
            inherit_from_parent=False,
            contact_registry=False,
            organisation_tags=[],
            custom_fields=[],
            created_on=app.db.base.utcnow(),
        )
    )
    for (business_id,) in roots:
        # Paths are "/<root>/.../<own>/": everything below the business starts with its path.
        connection.execute(
            _organisations.update()
            .where(_organisations.c.path.startswith(f"/{business_id}/"))
            .values(path=sa.literal(f"/{owner_id}") + _organisations.c.path)
        )
        connection.execute(
            _organisations.update()
            .where(_organisations.c.id == business_id)
            .values(parent_id=owner_id)
        )


def upgrade() -> None:
    # Plain ALTER TABLE statements only: SQLite would rebuild the tables for a batch change, and a
    # rebuild of "users" fails there while memberships point at it (foreign keys are on). So the
    # column comes NOT NULL with an empty default, is backfilled, and is made unique by an index;
    # PostgreSQL then drops the default (SQLite keeps it: every insert gives a username).
    op.add_column(
        "users", sa.Column("username", sa.String(length=320), nullable=False, server_default="")
    )
    op.execute(_users.update().values(username=_users.c.email))
    op.create_index("ix_users_username", "users", ["username"], unique=True)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("users", "username", server_default=None)

    op.add_column(
        "api_keys",
        sa.Column("last_used_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
    )

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("home_organisation_id", sa.String(length=36), nullable=False),
        sa.Column("expires_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_tokens_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_refresh_tokens_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["home_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_refresh_tokens_home_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "user_invitations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("invited_by_user_id", sa.String(length=36), nullable=True),
        sa.Column("expires_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("accepted_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("accepted_by_user_id", sa.String(length=36), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_user_invitations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["users.id"],
            name=op.f("fk_user_invitations_invited_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_user_id"],
            ["users.id"],
            name=op.f("fk_user_invitations_accepted_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_invitations_token_hash")),
    )
    with op.batch_alter_table("user_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_user_invitations_organisation_id"), ["organisation_id"], unique=False
        )

    _place_root_businesses_below_a_service_owner()


def downgrade() -> None:
    # The service owner stays: removing it would need every path rewritten back, and a
    # database at 0004 works with it (it is one more root organisation).
    op.drop_table("user_invitations")
    op.drop_table("refresh_tokens")
    op.drop_column("api_keys", "last_used_on")
    op.drop_index("ix_users_username", table_name="users")
    op.drop_column("users", "username")
