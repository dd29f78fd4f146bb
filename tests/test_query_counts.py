"""The nested page costs the same number of SQL statements whatever its size (no N+1)."""

from decimal import Decimal
from typing import Any

from app.db.engine import Database
from app.db.models import Account, Contact, Wallet
from app.onboarding import BootstrapResult
from tests.conftest import Api, counting_statements

NESTED_PAGE = """
query ($id: ID!, $size: Int!) {
  organisation(id: $id) {
    id name
    contacts(size: $size) {
      content {
        id first_name phones { number } addresses { town_city }
        accounts { id number is_primary classification { name } wallet { id code balance } }
      }
      paging { total }
    }
  }
}
"""


async def seed_contacts(db: Database, organisation_id: str, count: int) -> None:
    """``count`` contacts, each with a phone-less primary account and an effective wallet."""
    async with db.write() as session:
        for n in range(count):
            contact = Contact(
                organisation_id=organisation_id,
                is_test=False,
                contact_type="PERSON",
                first_name=f"Person{n}",
                custom_fields=[],
            )
            session.add(contact)
            await session.flush()
            account = Account(
                organisation_id=organisation_id,
                is_test=False,
                contact_id=contact.id,
                number=f"AC{n:08d}",
                name=f"Person{n} AC{n:08d}",
                is_primary=True,
                currency_code="EUR",
            )
            session.add(account)
            await session.flush()
            session.add(
                Wallet(
                    organisation_id=organisation_id,
                    is_test=False,
                    account_id=account.id,
                    code=f"9{n:015d}",
                    currency_code="EUR",
                    open_balance=Decimal("9.99"),
                    limit_rules=[],
                )
            )


async def count_for_page(api: Api, app: Any, organisation_id: str, size: int) -> int:
    with counting_statements(app) as statements:
        data = await api.data(NESTED_PAGE, {"id": organisation_id, "size": size})
    contacts = data["organisation"]["contacts"]["content"]
    assert len(contacts) == size
    assert all(c["accounts"][0]["wallet"]["balance"] == "9.99" for c in contacts)
    return len(statements)


async def test_nested_page_statement_count_does_not_grow_with_page_size(
    api: Api, gateway: Any, tenant: BootstrapResult, db: Database
) -> None:
    app, _ = gateway
    await seed_contacts(db, tenant.organisation_id, 100)
    await api.data("{ __typename }")  # the API key is looked up once, then remembered
    small = await count_for_page(api, app, tenant.organisation_id, 10)
    large = await count_for_page(api, app, tenant.organisation_id, 100)
    assert small == large, (small, large)
