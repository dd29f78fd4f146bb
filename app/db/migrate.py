"""Apply the Alembic migrations from inside the gateway and tell whether they are current."""

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """An Alembic configuration pointing at the gateway's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


@dataclass(frozen=True)
class Migration:
    """One Alembic revision: its id and its message (the first line of its docstring)."""

    revision: str
    description: str


def _pending(connection: Connection) -> list[Migration]:
    """The migrations between the database's revision and the newest, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    current = MigrationContext.configure(connection).get_current_revision()
    newest_first = script.iterate_revisions(script.get_current_head(), current)
    return [
        Migration(revision.revision, (revision.doc or "").strip().splitlines()[0])
        if revision.doc
        else Migration(revision.revision, "")
        for revision in reversed(list(newest_first))
    ]


def _upgrade_reporting(connection: Connection) -> list[Migration]:
    pending = _pending(connection)
    _upgrade(connection)
    return pending


async def migrate(engine: AsyncEngine) -> list[Migration]:
    """Bring the database to the newest migration; the migrations applied, oldest first
    (none when it was current)."""
    async with engine.begin() as connection:
        applied: list[Migration] = await connection.run_sync(_upgrade_reporting)
        return applied


async def pending_migrations(engine: AsyncEngine) -> list[Migration]:
    """The migrations the database lacks, oldest first, without applying them."""
    async with engine.connect() as connection:
        pending: list[Migration] = await connection.run_sync(_pending)
        return pending


def newest_revision() -> str | None:
    """The newest migration's revision."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def migrations_are_current(engine: AsyncEngine) -> bool:
    """Whether the database stands at the newest migration."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_revision)
    return current == head
