"""Accounts through both doors (spec routes 1-11): create, update, list, life cycle and
termination, financials, rewards, reward scheme sign-ups and merchants, and who may see them."""

import asyncio
import re
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from app.db.engine import Database
from app.db.models import (
    Account,
    AccountClassification,
    AccountMerchant,
    AccountRewardScheme,
    Contact,
    ContactAddress,
    Organisation,
    PaymentTerms,
    RewardScheme,
    RewardTier,
    Wallet,
)
from app.onboarding import BootstrapResult, issue_api_key
from app.organisations.tree import new_organisation
from tests.conftest import Api, counting_statements
from tests.test_contacts import NEW_CONTACT

NUMBER = re.compile(r"^AC\d{8}$")


@dataclass
class World:
    """The caller's API, its organisation, a merchant below it and a stranger's API."""

    api: Api
    db: Database
    organisation_id: str
    merchant_id: str
    merchant: Api
    stranger: Api


@pytest.fixture
async def world(api: Api, tenant: BootstrapResult, db: Database) -> World:
    async with db.write() as session:
        business = await session.get(Organisation, tenant.organisation_id)
        merchant = new_organisation(business, org_type="MERCHANT", name="Coffee Shop")
        stranger = new_organisation(None, org_type="BUSINESS", name="Stranger", is_business=True)
        session.add_all([merchant, stranger])
        await session.flush()
        merchant_key = await issue_api_key(session, merchant.id, is_public=False, is_test=False)
        stranger_key = await issue_api_key(session, stranger.id, is_public=False, is_test=False)
    return World(
        api,
        db,
        tenant.organisation_id,
        merchant.id,
        api.as_key(merchant_key),
        api.as_key(stranger_key),
    )


async def reference(world: World, model: Any, **fields: Any) -> str:
    """A reference row of the caller's organisation (live mode); returns its id."""
    async with world.db.write() as session:
        row = model(organisation_id=world.organisation_id, is_test=False, **fields)
        session.add(row)
        await session.flush()
        row_id: str = row.id
    return row_id


async def new_contact(api: Api, code: str = "C-0001", **changes: Any) -> dict[str, Any]:
    """A contact with one primary address; returns the contact as GET shows it."""
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "code": code, **changes})
    assert response.status_code == 200, response.text
    contact = (await api.rest("GET", f"/contacts/{response.json()['id']}")).json()
    assert isinstance(contact, dict)
    return contact


async def new_account(api: Api, contact_id: str, **body: Any) -> str:
    response = await api.rest(
        "POST", f"/contacts/{contact_id}/accounts", {"currency_code": "EUR", **body}
    )
    assert response.status_code == 200, response.text
    account_id: str = response.json()["id"]
    return account_id


async def financials(api: Api, account_id: str) -> dict[str, Any]:
    response = await api.rest("GET", f"/accounts/{account_id}/financials")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def set_balance(world: World, account_id: str, amount: str) -> None:
    async with world.db.write() as session:
        account = await session.get(Account, account_id)
        assert account is not None
        account.balance = Decimal(amount)


async def new_wallet(api: Api, account_id: str, credit: str | None = None, **fields: Any) -> str:
    """An EFFECTIVE wallet for the account (GraphQL), credited with ``credit`` if given."""
    data = await api.data(
        "mutation($a: ID!, $in: CreateWalletInput!) { create_wallet(account_id: $a, input: $in)"
        " { id } }",
        {"a": account_id, "in": fields},
    )
    wallet_id: str = data["create_wallet"]["id"]
    if credit is not None:
        await api.data(
            "mutation($w: ID!, $amount: Money!) { post_journal(input: {wallet_id: $w,"
            " amount: $amount, type: CREDIT}) { id } }",
            {"w": wallet_id, "amount": credit},
        )
    return wallet_id


WALLET_QUERY = """query($id: ID!) { wallet(id: $id) {
    id life_cycle_state balance journals { content { type amount description } }
} }"""


async def wallet(api: Api, wallet_id: str) -> dict[str, Any]:
    data: dict[str, Any] = (await api.data(WALLET_QUERY, {"id": wallet_id}))["wallet"]
    return data


async def primaries(api: Api, contact_id: str) -> list[str]:
    response = await api.rest(
        "GET", f"/contacts/{contact_id}/accounts", params={"is_primary": "true"}
    )
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["content"]]


# Route 1: POST /contacts/{contact_id}/accounts


async def test_create_account_with_the_spec_example(world: World) -> None:
    api = world.api
    contact = await new_contact(api)
    address_id = contact["addresses"][0]["id"]
    classification_id = await reference(world, AccountClassification, name="Delivery Purchase")
    response = await api.rest(
        "POST",
        f"/contacts/{contact['id']}/accounts",
        {
            "classification_id": classification_id,
            "currency_code": "EUR",
            "is_primary": True,
            "billing_address_id": address_id,
        },
    )
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"id"}
    account = await financials(api, response.json()["id"])
    assert NUMBER.match(account["number"])
    assert account["name"] == f"John Doe {account['number']}"
    assert account["is_primary"] is True
    assert account["life_cycle_state"] == "ACTIVE"
    assert account["currency_code"] == "EUR"
    assert account["classification"] == {"id": classification_id, "name": "Delivery Purchase"}
    assert account["billing_address"]["id"] == address_id
    assert account["balance"] == 0


async def test_contact_code_is_accepted_and_defaults_apply(world: World) -> None:
    api = world.api
    contact = await new_contact(api, code="C-77", contact_type="COMPANY", company_name="Acme")
    account_id = await new_account(api, "C-77", currency_code="usd")
    account = await financials(api, account_id)
    # First account: primary although not asked; billing address: the contact's primary one.
    assert account["is_primary"] is True
    assert account["currency_code"] == "USD"
    assert account["billing_address"]["id"] == contact["addresses"][0]["id"]
    assert account["classification"] is None
    assert account["name"] == f"Acme {account['number']}"


async def test_one_primary_account_per_contact(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    first = await new_account(api, contact_id)
    second = await new_account(api, contact_id, is_primary="false")
    assert await primaries(api, contact_id) == [first]
    third = await new_account(api, contact_id, is_primary=True)
    assert await primaries(api, contact_id) == [third]
    response = await api.rest("PUT", f"/accounts/{second}", {"is_primary": True})
    assert response.status_code == 200
    assert await primaries(api, contact_id) == [second]
    assert (await financials(api, third))["is_primary"] is False
    numbers = {(await financials(api, a))["number"] for a in (first, second, third)}
    assert len(numbers) == 3


async def test_concurrent_creates_leave_one_primary(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    await new_account(api, contact_id)
    created = await asyncio.gather(
        *(new_account(api, contact_id, is_primary=True) for _ in range(6))
    )
    found = await primaries(api, contact_id)
    assert len(found) == 1
    assert found[0] in created


async def test_create_refusals_name_the_field_and_create_nothing(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    other_address = (await new_contact(api, code="C-2"))["addresses"][0]["id"]
    path = f"/contacts/{contact_id}/accounts"

    response = await api.rest("POST", path, {"is_primary": True})
    assert response.status_code == 400
    assert "currency_code" in response.json()["message"]
    response = await api.rest("POST", path, {"currency_code": "EURO"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["currency_code"]
    response = await api.rest(
        "POST", path, {"currency_code": "EUR", "billing_address_id": other_address}
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["address", other_address]
    response = await api.rest(
        "POST", path, {"currency_code": "EUR", "classification_id": "no-such-classification"}
    )
    assert response.status_code == 404
    assert response.json()["parameters"][0] == "classification"
    response = await api.rest("POST", "/contacts/nobody/accounts", {"currency_code": "EUR"})
    assert response.status_code == 404
    assert response.json()["parameters"] == ["contact", "nobody"]

    listed = (await api.rest("GET", path)).json()
    assert listed["paging"]["total"] == 0


# Route 2: PUT /accounts/{id}


async def test_update_account_with_the_spec_example(world: World) -> None:
    api = world.api
    contact = await new_contact(api)
    await api.rest(
        "PUT",
        f"/contacts/{contact['id']}",
        {"addresses": [{"address_line_1": "2265 Oak Street", "town_city": "Old Forge"}]},
    )
    addresses = (await api.rest("GET", f"/contacts/{contact['id']}")).json()["addresses"]
    billing = next(a for a in addresses if a["address_line_1"] == "2265 Oak Street")
    first = await new_account(api, contact["id"])
    account_id = await new_account(api, contact["id"])
    classification_id = await reference(world, AccountClassification, name="Delivery Purchase")
    terms_id = await reference(world, PaymentTerms, name="Net 7", days=7)
    number = (await financials(api, account_id))["number"]

    response = await api.rest(
        "PUT",
        f"/accounts/{number}",
        {
            "classification_id": classification_id,
            "is_primary": True,
            "billing_address_id": billing["id"],
            "credit_limit": 200,
            "payment_terms_id": terms_id,
        },
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"id": account_id}
    account = await financials(api, account_id)
    assert account["classification"] == {"id": classification_id, "name": "Delivery Purchase"}
    assert account["is_primary"] is True
    assert account["billing_address"]["address_line_1"] == "2265 Oak Street"
    assert account["credit_limit"] == 200
    assert account["payment_terms"] == {"id": terms_id, "name": "Net 7"}
    assert (await financials(api, first))["is_primary"] is False


async def test_update_refusals_change_nothing(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    other_address = (await new_contact(api, code="C-2"))["addresses"][0]["id"]
    account_id = await new_account(api, contact_id)
    before = await financials(api, account_id)

    response = await api.rest("PUT", f"/accounts/{account_id}", {"is_primary": False})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["is_primary"]
    response = await api.rest(
        "PUT", f"/accounts/{account_id}", {"credit_limit": -1, "is_primary": True}
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == ["credit_limit"]
    response = await api.rest(
        "PUT", f"/accounts/{account_id}", {"credit_limit": 50, "billing_address_id": other_address}
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["address", other_address]
    response = await api.rest(
        "PUT", f"/accounts/{account_id}", {"credit_limit": 50, "payment_terms_id": "nope"}
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["payment_terms", "nope"]
    response = await api.rest("PUT", f"/accounts/{account_id}", {"colour": "blue"})
    assert response.status_code == 400
    response = await api.rest("PUT", "/accounts/AC00000000", {"credit_limit": 5})
    assert response.status_code == 404
    assert response.json()["parameters"] == ["account", "AC00000000"]

    assert await financials(api, account_id) == before


# Route 3: GET /contacts/{contact_id}/accounts


async def test_list_contact_accounts_with_the_spec_fields(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    classification_id = await reference(world, AccountClassification, name="Delivery Purchase")
    terms_id = await reference(world, PaymentTerms, name="Net 7", days=7)
    primary = await new_account(api, contact_id, classification_id=classification_id)
    await api.rest("PUT", f"/accounts/{primary}", {"payment_terms_id": terms_id})
    await set_balance(world, primary, "200")
    suspended = await new_account(api, contact_id, currency_code="USD")
    await api.rest(
        "POST", f"/accounts/{suspended}/life_cycle_state", {"life_cycle_state": "SUSPENDED"}
    )

    response = await api.rest(
        "GET", f"/contacts/{contact_id}/accounts", params={"sort": "created_on", "order": "ASC"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["paging"] == {"page": 1, "size": 20, "total": 2, "has_more": False}
    item = body["content"][0]
    assert item["id"] == primary
    assert {
        "id",
        "is_primary",
        "name",
        "number",
        "life_cycle_state",
        "currency_code",
        "classification",
        "balance",
        "credit_limit",
        "overdue_amount",
        "payment_terms",
    } <= set(item)
    assert item["is_primary"] is True
    assert item["life_cycle_state"] == "ACTIVE"
    assert item["classification"] == {"id": classification_id, "name": "Delivery Purchase"}
    assert item["payment_terms"] == {"id": terms_id, "name": "Net 7"}
    assert (item["balance"], item["credit_limit"], item["overdue_amount"]) == (200, 0, 0)

    only = await api.rest(
        "GET", f"/contacts/{contact_id}/accounts", params={"life_cycle_state": "SUSPENDED"}
    )
    assert [a["id"] for a in only.json()["content"]] == [suspended]
    paged = await api.rest(
        "GET",
        f"/contacts/{contact_id}/accounts",
        params={"size": 1, "page": 2, "sort": "currency_code", "order": "ASC"},
    )
    assert [a["currency_code"] for a in paged.json()["content"]] == ["USD"]
    response = await api.rest("GET", f"/contacts/{contact_id}/accounts", params={"colour": "red"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["colour"]
    response = await api.rest("GET", f"/contacts/{contact_id}/accounts", params={"sort": "shoe"})
    assert response.status_code == 400


# Route 4: POST /accounts/{id}/life_cycle_state


async def test_suspend_with_the_spec_example_then_reactivate(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    account_id = await new_account(api, contact_id)
    other = await new_account(api, contact_id)
    response = await api.rest(
        "POST",
        f"/accounts/{account_id}/life_cycle_state",
        {"life_cycle_state": "SUSPENDED", "transfer_to_account_id": other},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"id": account_id}
    assert (await financials(api, account_id))["life_cycle_state"] == "SUSPENDED"
    response = await api.rest(
        "POST", f"/accounts/{account_id}/life_cycle_state", {"life_cycle_state": "ACTIVE"}
    )
    assert response.status_code == 200
    assert (await financials(api, account_id))["life_cycle_state"] == "ACTIVE"
    response = await api.rest(
        "POST", f"/accounts/{account_id}/life_cycle_state", {"life_cycle_state": "CLOSED"}
    )
    assert response.status_code == 400


async def test_termination_moves_the_balance_and_is_final(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    primary = await new_account(api, contact_id)
    secondary = await new_account(api, contact_id)
    await set_balance(world, primary, "10.5")
    await set_balance(world, secondary, "25.25")
    target_number = (await financials(api, primary))["number"]

    response = await api.rest(
        "POST",
        f"/accounts/{secondary}/life_cycle_state",
        {"life_cycle_state": "TERMINATED", "transfer_to_account_id": target_number},
    )
    assert response.status_code == 200, response.text
    terminated = await financials(api, secondary)
    assert terminated["life_cycle_state"] == "TERMINATED"
    assert terminated["balance"] == 0
    assert (await financials(api, primary))["balance"] == 35.75

    for state in ("ACTIVE", "SUSPENDED", "TERMINATED"):
        response = await api.rest(
            "POST",
            f"/accounts/{secondary}/life_cycle_state",
            {"life_cycle_state": state, "transfer_to_account_id": primary},
        )
        assert response.status_code == 400
        assert response.json()["error"] == "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION"
    response = await api.rest("PUT", f"/accounts/{secondary}", {"credit_limit": 5})
    assert response.status_code == 400
    assert (await financials(api, secondary))["life_cycle_state"] == "TERMINATED"


async def test_termination_refusals_change_nothing(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    primary = await new_account(api, contact_id)
    account_id = await new_account(api, contact_id)
    dollars = await new_account(api, contact_id, currency_code="USD")
    gone = await new_account(api, contact_id)
    await set_balance(world, account_id, "7")
    response = await api.rest(
        "POST",
        f"/accounts/{gone}/life_cycle_state",
        {"life_cycle_state": "TERMINATED", "transfer_to_account_id": primary},
    )
    assert response.status_code == 200
    path = f"/accounts/{account_id}/life_cycle_state"

    response = await api.rest("POST", path, {"life_cycle_state": "TERMINATED"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["transfer_to_account_id"]
    for target in (dollars, gone, account_id):
        response = await api.rest(
            "POST", path, {"life_cycle_state": "TERMINATED", "transfer_to_account_id": target}
        )
        assert response.status_code == 400, target
        assert response.json()["parameters"] == ["transfer_to_account_id"]
    response = await api.rest(
        "POST", path, {"life_cycle_state": "TERMINATED", "transfer_to_account_id": "nope"}
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["account", "nope"]

    account = await financials(api, account_id)
    assert (account["life_cycle_state"], account["balance"]) == ("ACTIVE", 7)
    assert (await financials(api, primary))["balance"] == 0


async def test_terminating_a_primary_account_makes_the_target_primary(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    primary = await new_account(api, contact_id)
    other = await new_account(api, contact_id)
    stranger_contact = (await new_contact(api, code="C-2"))["id"]
    elsewhere = await new_account(api, stranger_contact)
    path = f"/accounts/{primary}/life_cycle_state"

    # The contact keeps another account: the balance must go there, not to another contact.
    response = await api.rest(
        "POST", path, {"life_cycle_state": "TERMINATED", "transfer_to_account_id": elsewhere}
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == ["transfer_to_account_id"]
    assert await primaries(api, contact_id) == [primary]

    response = await api.rest(
        "POST", path, {"life_cycle_state": "TERMINATED", "transfer_to_account_id": other}
    )
    assert response.status_code == 200
    assert await primaries(api, contact_id) == [other]

    # The contact's last account may go to another contact's account; it stays primary.
    response = await api.rest(
        "POST",
        f"/accounts/{other}/life_cycle_state",
        {"life_cycle_state": "TERMINATED", "transfer_to_account_id": elsewhere},
    )
    assert response.status_code == 200
    assert await primaries(api, contact_id) == [other]
    # A new account of a contact whose accounts are all terminated becomes its primary one.
    fresh = await new_account(api, contact_id)
    assert await primaries(api, contact_id) == [fresh]


# Route 5: GET /accounts/{id}/financials


async def test_financials_carry_the_spec_fields(world: World) -> None:
    api = world.api
    contact = await new_contact(api)
    classification_id = await reference(world, AccountClassification, name="Delivery Purchase")
    terms_id = await reference(world, PaymentTerms, name="Net 7", days=7)
    account_id = await new_account(api, contact["id"], classification_id=classification_id)
    await api.rest(
        "PUT", f"/accounts/{account_id}", {"payment_terms_id": terms_id, "credit_limit": 98}
    )
    await set_balance(world, account_id, "200")

    response = await api.rest("GET", f"/accounts/{account_id}/financials")
    assert response.status_code == 200
    body = response.json()
    assert {
        "name",
        "number",
        "is_primary",
        "life_cycle_state",
        "currency_code",
        "balance",
        "overdue_amount",
        "credit_limit",
        "opening_balance",
        "classification",
        "accounting_period",
        "billing_address",
        "payment_terms",
    } <= set(body)
    assert body["balance"] == 200
    assert body["credit_limit"] == 98
    assert body["opening_balance"] == 0
    assert body["accounting_period"] is None
    assert body["payment_terms"] == {"id": terms_id, "name": "Net 7"}
    address = contact["addresses"][0]
    assert body["billing_address"] == {
        "id": address["id"],
        "address_line_1": "Elia Papakyriakou 21",
        "address_line_2": None,
        "state_province_county": None,
        "town_city": "Nicosia",
        "postal_code": "2415",
        "country_code": "CY",
    }


# Routes 6 and 7: PUT and GET /accounts/{id}/rewards


SPEC_REWARDS = {
    "signed_up_on": 1583846865,
    "spending_blocked_status": "true",
    "automatic_spend_settings": {
        "enable_automatic_spend": "false",
        "automatic_spend_preference": "ALL_MERCHANT_PURCHASE",
        "minimum_wallet_balance": 1,
        "from_purchase_amount": 1.76,
    },
    "preferred_payment_method_id": "CAD1E31269B76D7A65ACCE45B2E68DCD",
}


async def test_update_rewards_with_the_spec_example(world: World) -> None:
    api = world.api
    account_id = await new_account(api, (await new_contact(api))["id"])
    response = await api.rest(
        "PUT",
        f"/accounts/{account_id}/rewards",
        {**SPEC_REWARDS, "signed_up_organisation_id": world.merchant_id},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"id": account_id}
    rewards = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()
    assert rewards["signed_up_on"] == 1583846865
    assert rewards["signed_up_organisation"] == {"id": world.merchant_id, "name": "Coffee Shop"}
    assert rewards["spending_blocked_status"] is True
    assert rewards["automatic_spend_settings"] == {
        "enable_automatic_spend": False,
        "automatic_spend_preference": "ALL_MERCHANT_PURCHASE",
        "minimum_wallet_balance": 1,
        "from_purchase_amount": 1.76,
    }
    assert rewards["preferred_payment_method_id"] == "CAD1E31269B76D7A65ACCE45B2E68DCD"


async def test_get_rewards_with_the_spec_fields(world: World) -> None:
    api = world.api
    account_id = await new_account(api, (await new_contact(api))["id"])
    scheme_id = await reference(world, RewardScheme, name="Loyalty", sign_up_method="OPEN")
    silver = await reference(
        world, RewardTier, name="Silver", reward_scheme_id=scheme_id, threshold_value_units=0
    )
    gold = await reference(
        world,
        RewardTier,
        name="Gold",
        color="#d4af37",
        reward_scheme_id=scheme_id,
        threshold_value_units=100,
    )
    await reference(
        world, RewardTier, name="Platinum", reward_scheme_id=scheme_id, threshold_value_units=500
    )
    async with world.db.write() as session:
        account = await session.get(Account, account_id)
        assert account is not None
        account.reward_tier_id = gold
        account.period_value_units = Decimal(222)
        account.lifetime_value_units = Decimal(333)
    assert silver
    await api.rest(
        "POST", f"/accounts/{account_id}/reward_schemes", {"reward_scheme_id": scheme_id}
    )
    await api.rest(
        "POST",
        f"/accounts/{account_id}/merchants",
        {"merchants": [{"organisation_id": world.merchant_id, "is_next_visit": True}]},
    )

    response = await api.rest("GET", f"/accounts/{account_id}/rewards")
    assert response.status_code == 200
    body = response.json()
    account_row = await financials(api, account_id)
    assert {k: body[k] for k in ("id", "name", "number", "currency_code")} == {
        "id": account_id,
        "name": account_row["name"],
        "number": account_row["number"],
        "currency_code": "EUR",
    }
    assert body["reward_tier"] == {
        "id": gold,
        "name": "Gold",
        "color": "#d4af37",
        "period_value_units": 222,
        "lifetime_value_units": 333,
        "next_tier_progression": 44.4,
    }
    assert [(s["id"], s["name"], s["sign_up_method"]) for s in body["reward_schemes"]] == [
        (scheme_id, "Loyalty", "OPEN")
    ]
    assert abs(body["reward_schemes"][0]["signed_up_on"] - time.time()) < 120
    assert body["merchants"] == [{"id": world.merchant_id, "is_next_visit": True}]
    assert body["organisations"] == [
        {"id": world.merchant_id, "name": "Coffee Shop", "is_next_visit": True}
    ]


async def test_rewards_live_on_the_primary_account_only(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    await new_account(api, contact_id)
    secondary = await new_account(api, contact_id)
    response = await api.rest("PUT", f"/accounts/{secondary}/rewards", SPEC_REWARDS)
    assert response.status_code == 400
    assert response.json()["error"] == "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION"
    assert response.json()["parameters"] == ["account", secondary]

    body = (await api.rest("GET", f"/accounts/{secondary}/rewards")).json()
    assert body["id"] == secondary
    assert NUMBER.match(body["number"])
    assert body["currency_code"] == "EUR"
    for field in (
        "signed_up_on",
        "spending_blocked_status",
        "automatic_spend_settings",
        "reward_tier",
        "reward_schemes",
        "merchants",
        "organisations",
    ):
        assert body[field] is None, field


async def test_rewards_refusals_change_nothing(world: World) -> None:
    api = world.api
    account_id = await new_account(api, (await new_contact(api))["id"])
    path = f"/accounts/{account_id}/rewards"
    assert (await api.rest("PUT", path, SPEC_REWARDS)).status_code == 200
    before = (await api.rest("GET", path)).json()

    response = await api.rest(
        "PUT",
        path,
        {
            "spending_blocked_status": False,
            "automatic_spend_settings": {
                "automatic_spend_preference": "NEXT_MERCHANT_PURCHASE",
                "from_purchase_amount": 3,
            },
        },
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == ["automatic_spend_settings.from_purchase_amount"]
    response = await api.rest(
        "PUT", path, {"spending_blocked_status": False, "signed_up_organisation_id": "nowhere"}
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["organisation", "nowhere"]
    response = await api.rest(
        "PUT",
        path,
        {"automatic_spend_settings": {"automatic_spend_preference": "SOMETIMES"}},
    )
    assert response.status_code == 400
    assert (await api.rest("GET", path)).json() == before

    # Switching to NEXT_MERCHANT_PURCHASE clears the amounts that only apply to ALL.
    response = await api.rest(
        "PUT",
        path,
        {"automatic_spend_settings": {"automatic_spend_preference": "NEXT_MERCHANT_PURCHASE"}},
    )
    assert response.status_code == 200
    settings = (await api.rest("GET", path)).json()["automatic_spend_settings"]
    assert settings["minimum_wallet_balance"] is None
    assert settings["from_purchase_amount"] is None


# Routes 8 and 9: reward scheme sign-up and sign-out


async def test_sign_up_with_the_spec_example_and_sign_out(world: World) -> None:
    api = world.api
    account_id = await new_account(api, (await new_contact(api))["id"])
    scheme_id = await reference(
        world,
        RewardScheme,
        name="Staff",
        sign_up_method="SIGN_UP_CODE",
        sign_up_code="ABCDEFG1234",
    )
    response = await api.rest(
        "POST",
        f"/accounts/{account_id}/reward_schemes",
        {
            "reward_scheme_id": scheme_id,
            "email_address": "johndoe@crm.com",
            "sign_up_code": "ABCDEFG1234",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"id": scheme_id}
    schemes = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()["reward_schemes"]
    assert [s["id"] for s in schemes] == [scheme_id]

    response = await api.rest("DELETE", f"/accounts/{account_id}/reward_schemes/{scheme_id}")
    assert response.status_code == 200
    schemes = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()["reward_schemes"]
    assert schemes == []
    response = await api.rest("DELETE", f"/accounts/{account_id}/reward_schemes/{scheme_id}")
    assert response.status_code == 404
    assert response.json()["parameters"] == ["reward_scheme", scheme_id]


async def test_sign_up_rules(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    account_id = await new_account(api, contact_id)
    secondary = await new_account(api, contact_id)
    by_domain = await reference(
        world,
        RewardScheme,
        name="Corporate",
        sign_up_method="EMAIL_DOMAIN",
        email_domains=["crm.com"],
    )
    by_code = await reference(
        world, RewardScheme, name="Club", sign_up_method="SIGN_UP_CODE", sign_up_code="SECRET"
    )
    open_scheme = await reference(world, RewardScheme, name="Everyone", sign_up_method="OPEN")
    path = f"/accounts/{account_id}/reward_schemes"

    refusals = [
        ({"reward_scheme_id": by_domain}, 400, ["email_address"]),
        ({"reward_scheme_id": by_domain, "email_address": "jo@gmail.com"}, 400, ["email_address"]),
        ({"reward_scheme_id": by_code}, 400, ["sign_up_code"]),
        ({"reward_scheme_id": by_code, "sign_up_code": "GUESS"}, 400, ["sign_up_code"]),
        ({"reward_scheme_id": "no-such-scheme"}, 404, ["reward_scheme", "no-such-scheme"]),
    ]
    for body, status, parameters in refusals:
        response = await api.rest("POST", path, body)
        assert response.status_code == status, body
        assert response.json()["parameters"] == parameters, body
    response = await api.rest(
        "POST", f"/accounts/{secondary}/reward_schemes", {"reward_scheme_id": open_scheme}
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == ["account", secondary]
    rewards = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()
    assert rewards["reward_schemes"] == []

    accepted = [
        {"reward_scheme_id": by_domain, "email_address": "Jo@CRM.com"},
        {"reward_scheme_id": by_code, "sign_up_code": "SECRET", "signed_up_on": 1583846865},
        {"reward_scheme_id": open_scheme},
    ]
    for body in accepted:
        response = await api.rest("POST", path, body)
        assert response.status_code == 200, response.text
    response = await api.rest("POST", path, {"reward_scheme_id": open_scheme})
    assert response.status_code == 409
    schemes = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()["reward_schemes"]
    by_id = {s["id"]: s for s in schemes}
    assert set(by_id) == {by_domain, by_code, open_scheme}
    assert by_id[by_domain]["email_address"] == "jo@crm.com"
    assert by_id[by_code]["signed_up_on"] == 1583846865


# Routes 10 and 11: merchants


async def test_merchants_with_the_spec_example(world: World) -> None:
    api = world.api
    account_id = await new_account(api, (await new_contact(api))["id"])
    path = f"/accounts/{account_id}/merchants"
    response = await api.rest(
        "POST",
        path,
        {"merchants": [{"organisation_id": world.merchant_id, "is_next_visit": "false"}]},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"merchants": [{"id": world.merchant_id}]}

    # Naming it again updates is_next_visit; adding the business itself adds a second merchant.
    response = await api.rest(
        "POST",
        path,
        {
            "merchants": [
                {"organisation_id": world.merchant_id, "is_next_visit": True},
                {"organisation_id": world.organisation_id},
            ]
        },
    )
    assert response.status_code == 200
    assert {m["id"] for m in response.json()["merchants"]} == {
        world.merchant_id,
        world.organisation_id,
    }
    organisations = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()[
        "organisations"
    ]
    assert {(o["id"], o["is_next_visit"]) for o in organisations} == {
        (world.merchant_id, True),
        (world.organisation_id, False),
    }

    response = await api.rest("DELETE", f"{path}/{world.organisation_id}")
    assert response.status_code == 200
    response = await api.rest("DELETE", f"{path}/{world.organisation_id}")
    assert response.status_code == 404
    assert response.json()["parameters"] == ["merchant", world.organisation_id]
    merchants = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()["merchants"]
    assert merchants == [{"id": world.merchant_id, "is_next_visit": True}]


async def test_merchant_refusals_change_nothing(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    account_id = await new_account(api, contact_id)
    secondary = await new_account(api, contact_id)
    stranger_contact = await new_contact(world.stranger, code="S-1")
    stranger_org = stranger_contact["organisation_id"]
    path = f"/accounts/{account_id}/merchants"

    response = await api.rest(
        "POST",
        path,
        {"merchants": [{"organisation_id": world.merchant_id}, {"organisation_id": stranger_org}]},
    )
    assert response.status_code == 404
    assert response.json()["parameters"] == ["organisation", stranger_org]
    response = await api.rest("POST", path, {"merchants": []})
    assert response.status_code == 400
    response = await api.rest(
        "POST",
        f"/accounts/{secondary}/merchants",
        {"merchants": [{"organisation_id": world.merchant_id}]},
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == ["account", secondary]
    merchants = (await api.rest("GET", f"/accounts/{account_id}/rewards")).json()["merchants"]
    assert merchants == []


# Tenancy, modes and the GraphQL door


async def test_another_organisation_cannot_see_or_change_accounts(world: World) -> None:
    api, stranger = world.api, world.stranger
    contact_id = (await new_contact(api))["id"]
    account_id = await new_account(api, contact_id)
    before = await financials(api, account_id)
    scheme_id = await reference(world, RewardScheme, name="Everyone", sign_up_method="OPEN")

    attempts = [
        ("GET", f"/accounts/{account_id}/financials", None),
        ("GET", f"/accounts/{account_id}/rewards", None),
        ("PUT", f"/accounts/{account_id}", {"credit_limit": 1}),
        ("PUT", f"/accounts/{account_id}/rewards", {"spending_blocked_status": True}),
        ("POST", f"/accounts/{account_id}/life_cycle_state", {"life_cycle_state": "SUSPENDED"}),
        ("POST", f"/accounts/{account_id}/reward_schemes", {"reward_scheme_id": scheme_id}),
        ("POST", f"/accounts/{account_id}/merchants", {"merchants": []}),
        ("DELETE", f"/accounts/{account_id}/merchants/{world.merchant_id}", None),
        ("DELETE", f"/accounts/{account_id}/reward_schemes/{scheme_id}", None),
    ]
    for method, path, body in attempts:
        response = await stranger.rest(method, path, body)
        assert response.status_code == 404, (method, path)
        assert response.json()["parameters"] == ["account", account_id]
    for method in ("GET", "POST"):
        response = await stranger.rest(
            method,
            f"/contacts/{contact_id}/accounts",
            {"currency_code": "EUR"} if method == "POST" else None,
        )
        assert response.status_code == 404
        assert response.json()["parameters"] == ["contact", contact_id]
    body = await stranger.graphql("query($id: ID!) { account(id: $id) { id } }", {"id": account_id})
    assert body["errors"][0]["extensions"]["status"] == 404

    # A merchant below sees nothing of the business's accounts; the business sees the merchant's.
    response = await world.merchant.rest("GET", f"/accounts/{account_id}/financials")
    assert response.status_code == 404
    merchant_contact = (await new_contact(world.merchant, code="M-1"))["id"]
    merchant_account = await new_account(world.merchant, merchant_contact)
    assert (await api.rest("GET", f"/accounts/{merchant_account}/financials")).status_code == 200
    assert await financials(api, account_id) == before


async def test_test_key_does_not_see_live_accounts(world: World, tenant: BootstrapResult) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    account_id = await new_account(api, contact_id)
    test = api.as_key(tenant.test_secret_api_key)
    response = await test.rest("GET", f"/accounts/{account_id}/financials")
    assert response.status_code == 404
    response = await test.rest(
        "POST", f"/accounts/{account_id}/life_cycle_state", {"life_cycle_state": "SUSPENDED"}
    )
    assert response.status_code == 404
    response = await test.rest("GET", f"/contacts/{contact_id}/accounts")
    assert response.status_code == 404
    # Test-mode accounts of test-mode contacts stay out of live lists, and numbers are per mode.
    test_contact = (await new_contact(test, code="T-1"))["id"]
    test_account = await new_account(test, test_contact)
    assert (await api.rest("GET", f"/accounts/{test_account}/financials")).status_code == 404
    assert (await financials(test, test_account))["is_primary"] is True
    assert (await financials(api, account_id))["life_cycle_state"] == "ACTIVE"


async def test_graphql_and_rest_agree(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    terms_id = await reference(world, PaymentTerms, name="Net 7", days=7)
    data = await api.data(
        """mutation($contact: ID!) {
            create_account(contact_id: $contact, input: {currency_code: "EUR"}) { id number }
        }""",
        {"contact": contact_id},
    )
    account_id = data["create_account"]["id"]
    await api.data(
        """mutation($id: ID!, $terms: ID!) {
            update_account(id: $id, input: {payment_terms_id: $terms, credit_limit: "12.5"}) { id }
        }""",
        {"id": account_id, "terms": terms_id},
    )
    graph = (
        await api.data(
            """query($id: ID!) { account(id: $id) {
                id name number is_primary life_cycle_state currency_code balance credit_limit
                created_on payment_terms { id name } contact { id first_name }
                rewards { spending_blocked_status }
            } }""",
            {"id": data["create_account"]["number"]},
        )
    )["account"]
    rest = await financials(api, account_id)
    for key in ("id", "name", "number", "is_primary", "life_cycle_state", "currency_code"):
        assert graph[key] == rest[key], key
    assert graph["credit_limit"] == "12.5" and rest["credit_limit"] == 12.5
    assert graph["payment_terms"] == rest["payment_terms"] == {"id": terms_id, "name": "Net 7"}
    assert graph["contact"] == {"id": contact_id, "first_name": "John"}
    assert graph["rewards"] == {"spending_blocked_status": False}
    assert datetime.fromisoformat(graph["created_on"]).tzinfo is not None

    contact = (
        await api.data(
            "query($id: ID!) { contact(id: $id) { accounts { id is_primary } } }",
            {"id": contact_id},
        )
    )["contact"]
    assert contact["accounts"] == [{"id": account_id, "is_primary": True}]
    page = (
        await api.data(
            """query($id: ID!) {
                contact_accounts(contact_id: $id) { content { id } paging { total } }
            }""",
            {"id": contact_id},
        )
    )["contact_accounts"]
    assert page == {"content": [{"id": account_id}], "paging": {"total": 1}}


# Wallets inside account documents, and termination moving the wallet balance


async def test_list_and_financials_embed_the_wallet(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    account_id = await new_account(api, contact_id)
    bare = await new_account(api, contact_id, currency_code="USD")
    wallet_id = await new_wallet(
        api,
        account_id,
        credit="9.99",
        minimum_balance="5.99",
        limit_rules=[
            {
                "minimum_amount": "5.99",
                "maximum_amount": "99.99",
                "period": "MONTHLY",
                "transaction_type": ["CREDIT"],
            }
        ],
    )
    await api.data(
        """mutation($id: ID!) { update_wallet(id: $id, input: {auto_topup: {
            threshold: "99.99", amount: "9.99", payment_method: {type: "CARD", id: "PM-1"}
        }}) { id } }""",
        {"id": wallet_id},
    )

    listed = (await api.rest("GET", f"/contacts/{contact_id}/accounts")).json()["content"]
    by_id = {item["id"]: item for item in listed}
    summary = by_id[account_id]["wallet"]
    assert set(summary) == {"id", "code", "balance", "currency_code", "life_cycle_state"}
    assert summary["id"] == wallet_id
    assert re.match(r"^\d{16}$", summary["code"])
    assert (summary["balance"], summary["currency_code"]) == (9.99, "EUR")
    assert summary["life_cycle_state"] == "EFFECTIVE"
    assert by_id[bare]["wallet"] is None

    details = (await financials(api, account_id))["wallet"]
    assert details["id"] == wallet_id
    assert details["code"] == summary["code"]
    assert (details["balance"], details["open_balance"], details["commerce_balance"]) == (
        9.99,
        9.99,
        0,
    )
    assert (details["currency_code"], details["minimum_balance"]) == ("EUR", 5.99)
    assert details["limits"] == [
        {
            "minimum_amount": 5.99,
            "maximum_amount": 99.99,
            "period": "MONTHLY",
            "transaction_type": "CREDIT",
        }
    ]
    assert details["auto_topup"] == {
        "threshold": 99.99,
        "amount": 9.99,
        "payment_method": "CARD",
        "payment_method_id": "PM-1",
    }


async def test_termination_moves_the_wallet_balance_through_journals(world: World) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    primary = await new_account(api, contact_id)
    leaving = await new_account(api, contact_id)
    target_wallet = await new_wallet(api, primary, credit="1")
    leaving_wallet = await new_wallet(api, leaving, credit="9.99")
    await set_balance(world, leaving, "3")

    response = await api.rest(
        "POST",
        f"/accounts/{leaving}/life_cycle_state",
        {"life_cycle_state": "TERMINATED", "transfer_to_account_id": primary},
    )
    assert response.status_code == 200, response.text
    source = await wallet(api, leaving_wallet)
    target = await wallet(api, target_wallet)
    assert (source["life_cycle_state"], source["balance"]) == ("TERMINATED", "0")
    assert target["balance"] == "10.99"
    assert source["journals"]["content"][0]["type"] == "DEBIT"
    assert source["journals"]["content"][0]["amount"] == "9.99"
    assert {j["type"] for j in target["journals"]["content"]} == {"CREDIT"}
    assert len(target["journals"]["content"]) == 2
    account = await financials(api, leaving)
    assert account["wallet"]["life_cycle_state"] == "TERMINATED"
    assert (await financials(api, primary))["balance"] == 3


async def test_termination_without_a_wallet_to_take_the_balance_changes_nothing(
    world: World,
) -> None:
    api = world.api
    contact_id = (await new_contact(api))["id"]
    primary = await new_account(api, contact_id)
    leaving = await new_account(api, contact_id)
    leaving_wallet = await new_wallet(api, leaving, credit="5")
    await set_balance(world, leaving, "2")

    response = await api.rest(
        "POST",
        f"/accounts/{leaving}/life_cycle_state",
        {"life_cycle_state": "TERMINATED", "transfer_to_account_id": primary},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION"
    account = await financials(api, leaving)
    assert (account["life_cycle_state"], account["balance"]) == ("ACTIVE", 2)
    assert (await wallet(api, leaving_wallet))["balance"] == "5"
    assert (await financials(api, primary))["balance"] == 0


# Dataloaders: nested account relations cost the same statements whatever the page size

NESTED_ACCOUNTS = """
query ($size: Int!) {
  contacts(size: $size) {
    content {
      accounts {
        id contact { id } classification { name } payment_terms { name }
        billing_address { town_city } wallet { code balance }
        reward_schemes { id name } merchants { id name }
        rewards {
          signed_up_organisation { name }
          reward_tier { name next_tier_progression }
          reward_schemes { name sign_up_method }
          organisations { name is_next_visit }
        }
      }
    }
  }
}
"""


async def seed_accounts(world: World, count: int) -> None:
    """``count`` contacts, each with a primary account using every relation of an account."""
    classification_id = await reference(world, AccountClassification, name="Retail")
    terms_id = await reference(world, PaymentTerms, name="Net 7", days=7)
    scheme_id = await reference(world, RewardScheme, name="Loyalty", sign_up_method="OPEN")
    tier_id = await reference(
        world, RewardTier, name="Gold", reward_scheme_id=scheme_id, threshold_value_units=10
    )
    await reference(
        world, RewardTier, name="Platinum", reward_scheme_id=scheme_id, threshold_value_units=50
    )
    async with world.db.write() as session:
        for n in range(count):
            contact = Contact(
                organisation_id=world.organisation_id,
                is_test=False,
                contact_type="PERSON",
                first_name=f"Person{n}",
                custom_fields=[],
            )
            session.add(contact)
            await session.flush()
            address = ContactAddress(contact_id=contact.id, is_primary=True, town_city="Nicosia")
            session.add(address)
            await session.flush()
            account = Account(
                organisation_id=world.organisation_id,
                is_test=False,
                contact_id=contact.id,
                number=f"AC{n:08d}",
                name=f"Person{n} AC{n:08d}",
                is_primary=True,
                currency_code="EUR",
                classification_id=classification_id,
                payment_terms_id=terms_id,
                billing_address_id=address.id,
                signed_up_organisation_id=world.merchant_id,
                reward_tier_id=tier_id,
                period_value_units=Decimal(20),
            )
            session.add(account)
            await session.flush()
            session.add_all(
                [
                    Wallet(
                        organisation_id=world.organisation_id,
                        is_test=False,
                        account_id=account.id,
                        code=f"9{n:015d}",
                        currency_code="EUR",
                        open_balance=Decimal("1.5"),
                        limit_rules=[],
                    ),
                    AccountRewardScheme(account_id=account.id, reward_scheme_id=scheme_id),
                    AccountMerchant(account_id=account.id, merchant_id=world.merchant_id),
                ]
            )


async def count_statements(world: World, app: Any, size: int) -> int:
    with counting_statements(app) as statements:
        data = await world.api.data(NESTED_ACCOUNTS, {"size": size})
    contacts = data["contacts"]["content"]
    assert len(contacts) == size
    for contact in contacts:
        account = contact["accounts"][0]
        assert account["wallet"]["balance"] == "1.5"
        assert account["billing_address"] == {"town_city": "Nicosia"}
        assert account["rewards"]["reward_tier"] == {"name": "Gold", "next_tier_progression": "40"}
        assert account["rewards"]["organisations"] == [
            {"name": "Coffee Shop", "is_next_visit": False}
        ]
        assert account["merchants"] == [{"id": world.merchant_id, "name": "Coffee Shop"}]
    return len(statements)


async def test_nested_account_relations_do_not_grow_with_page_size(
    world: World, gateway: Any
) -> None:
    app, _ = gateway
    await seed_accounts(world, 40)
    await world.api.data("{ __typename }")  # the API key is looked up once, then remembered
    small = await count_statements(world, app, 5)
    large = await count_statements(world, app, 40)
    assert small == large, (small, large)
