"""What the operator's command line reads and checks outside any caller's view: the list of
every organisation (``crm-gateway organisations``) and the health checks of
``crm-gateway doctor`` (settings, database, migrations)."""

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from app.db.engine import Database, create_engine
from app.db.migrate import newest_revision, pending_migrations
from app.db.models import Organisation
from app.settings import Settings

__all__ = ["Check", "OrganisationRow", "all_organisations_unscoped", "doctor_checks"]

DATABASE_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class OrganisationRow:
    """One organisation as the command line lists it."""

    id: str
    name: str
    org_type: str
    parent_id: str | None
    is_business: bool


async def all_organisations_unscoped(db: Database) -> list[OrganisationRow]:
    """Every organisation of the database, in network order (each below its parent)."""
    async with db.read() as session:
        rows = await session.execute(
            select(
                Organisation.id,
                Organisation.name,
                Organisation.org_type,
                Organisation.parent_id,
                Organisation.is_business,
            ).order_by(Organisation.path)
        )
        return [OrganisationRow(*row) for row in rows.all()]


@dataclass(frozen=True)
class Check:
    """The outcome of one doctor check: ``ok``, what was found, and what to do when not ok."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


def _settings_check() -> tuple[Check, Settings | None]:
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"CRM_GATEWAY_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
            for e in error.errors()
        )
        return Check("settings", False, problems, "correct the variables (or .env) named"), None
    detail = f"database {_without_password(settings.database_url)}"
    return Check("settings", True, detail), settings


def _without_password(url: str) -> str:
    """A database URL as it may be printed: its password replaced by ``***``."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is printed as the settings check reports it
        return "(unparsable URL)"


def _missing_sqlite_file(url: str) -> str | None:
    """The path of a SQLite database file that does not exist (connecting would create it)."""
    try:
        parsed = make_url(url)
    except Exception:
        return None
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return None if Path(parsed.database).exists() else parsed.database


async def _database_checks(settings: Settings) -> list[Check]:
    missing = _missing_sqlite_file(settings.database_url)
    if missing is not None:
        fix = "run crm-gateway migrate (or serve), or correct CRM_GATEWAY_DATABASE_URL"
        return [Check("database", False, f"the SQLite file {missing} does not exist", fix)]
    try:
        engine = create_engine(settings.database_url, pool_size=1)
    except Exception as error:
        return [
            Check(
                "database",
                False,
                f"the URL cannot be used: {type(error).__name__}: {error}",
                "set CRM_GATEWAY_DATABASE_URL to sqlite+aiosqlite:///path or postgresql://...",
            )
        ]
    db = Database(engine)
    try:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS):
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except Exception as error:
            reason = (
                f"no answer within {DATABASE_TIMEOUT_SECONDS:g} s"
                if isinstance(error, TimeoutError)
                else f"{type(error).__name__}: {error}".splitlines()[0]
            )
            fix = "start the database server, or correct the host, port, user or password"
            return [Check("database", False, f"cannot connect: {reason}", fix)]
        checks = [Check("database", True, "reachable")]
        pending = await pending_migrations(engine)
        if pending:
            names = ", ".join(f"{m.revision} ({m.description})" for m in pending)
            checks.append(
                Check(
                    "migrations",
                    False,
                    f"{len(pending)} pending: {names}",
                    "run crm-gateway migrate (serve migrates on start too)",
                )
            )
            return checks
        checks.append(Check("migrations", True, f"current (newest: {newest_revision()})"))
        async with db.read() as session:
            count = (await session.execute(select(func.count(Organisation.id)))).scalar_one()
        if count:
            checks.append(Check("organisations", True, f"{count} in the network"))
        else:
            checks.append(
                Check(
                    "organisations",
                    False,
                    "none yet: nobody can call the gateway",
                    "run crm-gateway bootstrap (serve bootstraps an empty database too)",
                )
            )
        return checks
    finally:
        await db.dispose()


async def doctor_checks() -> list[Check]:
    """Check the settings, then the database (reachable within 10 s), its migrations and that
    it has an organisation; a check that cannot run after a failed one is left out."""
    settings_check, settings = _settings_check()
    if settings is None:
        return [settings_check]
    return [settings_check, *await _database_checks(settings)]
