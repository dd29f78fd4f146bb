"""Tenancy through both doors: a caller sees its organisation and those below, nothing else."""

from dataclasses import dataclass

import pytest

from app.db.engine import Database
from app.db.models import Organisation
from app.onboarding import BootstrapResult, issue_api_key
from app.organisations.tree import new_organisation
from tests.conftest import Api
from tests.test_contacts import create_contact


@dataclass
class Network:
    """The bootstrapped business with two merchants below it, each with a live secret key."""

    business: Api
    merchant: Api
    sibling: Api


@pytest.fixture
async def network(api: Api, tenant: BootstrapResult, db: Database) -> Network:
    keys = []
    async with db.write() as session:
        business = await session.get(Organisation, tenant.organisation_id)
        for name in ("Merchant", "Sibling"):
            merchant = new_organisation(business, org_type="MERCHANT", name=name)
            session.add(merchant)
            await session.flush()
            keys.append(await issue_api_key(session, merchant.id, is_public=False, is_test=False))
    return Network(api, api.as_key(keys[0]), api.as_key(keys[1]))


CONTACT_QUERY = "query($id: ID!) { contact(id: $id) { id } }"


async def test_merchant_data_is_visible_above_but_not_beside(network: Network) -> None:
    contact_id = await create_contact(network.merchant)
    assert (await network.business.rest("GET", f"/contacts/{contact_id}")).status_code == 200
    assert (await network.sibling.rest("GET", f"/contacts/{contact_id}")).status_code == 404
    body = await network.sibling.graphql(CONTACT_QUERY, {"id": contact_id})
    assert body["errors"][0]["extensions"]["status"] == 404
    data = await network.business.data(CONTACT_QUERY, {"id": contact_id})
    assert data["contact"]["id"] == contact_id


async def test_business_data_is_invisible_below(network: Network) -> None:
    contact_id = await create_contact(network.business)
    assert (await network.merchant.rest("GET", f"/contacts/{contact_id}")).status_code == 404
    put = await network.merchant.rest("PUT", f"/contacts/{contact_id}", {"first_name": "Eve"})
    assert put.status_code == 404
    delete = await network.merchant.rest("DELETE", f"/contacts/{contact_id}")
    assert delete.status_code == 404
    listed = (await network.merchant.rest("GET", "/contacts")).json()
    assert listed["paging"]["total"] == 0
    data = await network.merchant.data("{ contacts { paging { total } } }")
    assert data["contacts"]["paging"]["total"] == 0
    unchanged = (await network.business.rest("GET", f"/contacts/{contact_id}")).json()
    assert unchanged["first_name"] == "John"


async def test_codes_are_per_organisation(network: Network) -> None:
    # The same contact code may exist in two organisations; each resolves to its own.
    mine = await create_contact(network.merchant)
    theirs = await create_contact(network.sibling)
    assert mine != theirs
    got = (await network.sibling.rest("GET", "/contacts/C-0001")).json()
    assert got["id"] == theirs


async def test_own_organisation_wins_when_a_code_repeats_in_the_network(
    network: Network,
) -> None:
    await create_contact(network.merchant)
    own = await create_contact(network.business)
    got = (await network.business.rest("GET", "/contacts/C-0001")).json()
    assert got["id"] == own
