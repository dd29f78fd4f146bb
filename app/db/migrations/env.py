"""Alembic environment: runs the migrations on the gateway's async engine."""

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

import app.db.models  # noqa: F401  (registers every model on the metadata)
from app.db.base import Base
from app.db.engine import create_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `crm-gateway migrate`")
# The gateway passes its own connection (see app/db/migrate.py); the alembic CLI does not.
given_connection = config.attributes.get("connection")
if given_connection is None:
    asyncio.run(_run_async())
else:
    _run(given_connection)
