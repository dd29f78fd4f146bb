"""index journals by posting time

Limit periods count a wallet's journals by ``posted_on`` (the server's clock at posting), no
longer by the caller's ``created_on``; this index serves that range scan. ``posted_on`` exists
since 0001 and has always been set by the server, so nothing needs backfilling.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journals", schema=None) as batch_op:
        batch_op.create_index("ix_journals_wallet_posted", ["wallet_id", "posted_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("journals", schema=None) as batch_op:
        batch_op.drop_index("ix_journals_wallet_posted")
