"""Migration 0005 on a database made by an earlier gateway: its root BUSINESS gets a service owner
above it (paths rewritten), users get usernames, and everything keeps working, on both backends."""

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from alembic import command
from sqlalchemy import column, insert, select, table
from sqlalchemy.engine import Connection, make_url

from app.auth.secrets import api_key_digest, hash_password, new_api_key
from app.db.base import utcnow
from app.db.engine import Database, create_engine
from app.db.migrate import alembic_config, migrate
from app.db.models import Contact, Organisation, User
from app.main import create_app
from app.onboarding import issue_api_key
from app.organisations.tree import new_organisation
from app.settings import Settings
from tests.conftest import BACKENDS, POSTGRES_URL, _pg_admin_dsn

PASSWORD = "old-owner-password"


@pytest.fixture(params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each backend (no migration applied)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("CRM_GATEWAY_TEST_POSTGRES_URL is not set (scripts/test sets it)")
    name = f"crm_migration_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_dsn(POSTGRES_URL)
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    yield str(make_url(POSTGRES_URL).set(database=name, drivername="postgresql+asyncpg"))
    conn = await asyncpg.connect(admin)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def _upgrade_to(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


# The tables as revision 0004 has them (users without username, keys without last use).
USERS_0004 = table(
    "users",
    column("id"),
    column("email"),
    column("password_hash"),
    column("first_name"),
    column("created_on"),
)
MEMBERSHIPS_0004 = table(
    "memberships", column("id"), column("user_id"), column("organisation_id"), column("role")
)
API_KEYS_0004 = table(
    "api_keys",
    column("id"),
    column("organisation_id"),
    column("key_hash"),
    column("key_prefix"),
    column("is_public"),
    column("is_test"),
    column("created_on"),
)


async def build_0004_database(url: str) -> dict[str, str]:
    """What the first start of an earlier gateway made: a root BUSINESS with its owner and a
    secret key, a MERCHANT below it, and contacts in both."""
    db = Database(create_engine(url, pool_size=1))
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(_upgrade_to, "0004")
        key = new_api_key(is_public=False, is_test=False)
        async with db.write() as session:
            business = new_organisation(None, org_type="BUSINESS", name="Old", is_business=True)
            session.add(business)
            await session.flush()
            merchant = new_organisation(business, org_type="MERCHANT", name="Old Merchant")
            session.add(merchant)
            await session.flush()
            for organisation, code in ((business, "BIZ"), (merchant, "SHOP")):
                session.add(
                    Contact(
                        organisation_id=organisation.id,
                        is_test=False,
                        contact_type="PERSON",
                        first_name="Kept",
                        code=code,
                        custom_fields=[],
                    )
                )
            user_id = str(uuid.uuid4())
            await session.execute(
                insert(USERS_0004).values(
                    id=user_id,
                    email="old.owner@example.com",
                    password_hash=await hash_password(PASSWORD),
                    first_name="Old",
                    created_on=utcnow().replace(tzinfo=None),
                )
            )
            await session.execute(
                insert(MEMBERSHIPS_0004).values(
                    id=str(uuid.uuid4()),
                    user_id=user_id,
                    organisation_id=business.id,
                    role="OWNER",
                )
            )
            await session.execute(
                insert(API_KEYS_0004).values(
                    id=str(uuid.uuid4()),
                    organisation_id=business.id,
                    key_hash=api_key_digest(key),
                    key_prefix=key[:12],
                    is_public=False,
                    is_test=False,
                    created_on=utcnow().replace(tzinfo=None),
                )
            )
        return {"business": business.id, "merchant": merchant.id, "key": key}
    finally:
        await db.dispose()


async def test_an_old_database_migrates_without_losing_data(empty_database_url: str) -> None:
    old = await build_0004_database(empty_database_url)
    db = Database(create_engine(empty_database_url, pool_size=2))
    try:
        await migrate(db.engine)
        async with db.read() as session:
            organisations = {
                row.id: row for row in (await session.execute(select(Organisation))).scalars()
            }
            user = (await session.execute(select(User))).scalar_one()
            contacts = (await session.execute(select(Contact.code))).scalars().all()
        assert (user.email, user.username) == ("old.owner@example.com", "old.owner@example.com")
        assert sorted(contacts) == ["BIZ", "SHOP"]
        business, merchant = organisations[old["business"]], organisations[old["merchant"]]
        service_owner = organisations[business.parent_id or ""]
        assert (service_owner.org_type, service_owner.parent_id) == ("SERVICE_OWNER", None)
        assert service_owner.path == f"/{service_owner.id}/"
        assert business.path == f"/{service_owner.id}/{business.id}/"
        assert merchant.path == f"/{service_owner.id}/{business.id}/{merchant.id}/"
        assert len(organisations) == 3
        async with db.write() as session:
            service_owner_key = await issue_api_key(
                session, service_owner.id, is_public=True, is_test=False
            )
        await works_after_migration(empty_database_url, old, service_owner_key)
    finally:
        await db.dispose()


async def works_after_migration(url: str, old: dict[str, str], service_owner_key: str) -> None:
    """The old key and owner still see their network; the service owner registers a business."""
    app = create_app(Settings(database_url=url, jwt_secret="migration-test-secret-0123456789"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            contacts = await client.get("/backoffice/v1/contacts", headers={"api_key": old["key"]})
            assert contacts.status_code == 200, contacts.text
            assert sorted(c["code"] for c in contacts.json()["content"]) == ["BIZ", "SHOP"]
            signed_in = await client.post(
                "/backoffice/v1/users/authenticate",
                json={"username": "old.owner@example.com", "password": PASSWORD},
            )
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]
            mine = await client.get(
                f"/backoffice/v1/organisations/{old['merchant']}",
                headers={"authorization": token},
            )
            assert mine.status_code == 200, mine.text
            registered = await client.post(
                "/backoffice/v1/organisations/register",
                json=registration_body(),
                headers={"api_key": service_owner_key},
            )
            assert registered.status_code == 200, registered.text


def registration_body() -> dict[str, Any]:
    return {
        "name": "New Business",
        "owner": {
            "identity": {
                "identity_challenge": "new.owner@example.com",
                "identity_value": "new-owner-password",
            }
        },
    }


def _differences(connection: Connection) -> list[Any]:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.db.base import Base

    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrations_build_what_the_models_declare(db: Database) -> None:
    async with db.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []
