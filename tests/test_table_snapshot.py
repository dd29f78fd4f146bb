"""The suite's table snapshot (``tests.conftest.table_snapshot``), which the "a refused request
changes nothing" checks rely on, sees rows created and changed."""

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.conftest import Api, snapshot_changes, table_snapshot


async def test_the_snapshot_sees_a_created_and_an_updated_row(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    before = await table_snapshot(db)
    assert before == await table_snapshot(db)
    created = await api.rest(
        "POST", "/contacts", {"contact_type": "PERSON", "first_name": "A", "last_name": "B"}
    )
    after = await table_snapshot(db)
    assert "contacts" in snapshot_changes(before, after)
    await api.rest("PUT", f"/contacts/{created.json()['id']}", {"first_name": "Z"})
    assert "contacts" in snapshot_changes(after, await table_snapshot(db))
