"""What a GraphQL operation reads of its HTTP request through the context (``Context``
derives it from the connection on first use): the headers it reads and the URL the request
came to."""

from app.db.engine import Database
from app.onboarding import BootstrapResult
from tests.conftest import Api
from tests.test_journals import new_wallet

POST = (
    'mutation($w: ID!) { post_journal(input: {wallet_id: $w, amount: "5", type: CREDIT,'
    ' description: "Top-up"}) { id } }'
)


async def test_a_graphql_mutation_reads_the_idempotency_key_header(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    wallet_id = await new_wallet(api, tenant, db)
    first = await api.data(POST, {"w": wallet_id}, headers={"Idempotency-Key": "ctx-1"})
    again = await api.data(POST, {"w": wallet_id}, headers={"idempotency-key": "ctx-1"})
    other = await api.data(POST, {"w": wallet_id}, headers={"Idempotency-Key": "ctx-2"})
    assert again["post_journal"]["id"] == first["post_journal"]["id"]
    assert other["post_journal"]["id"] != first["post_journal"]["id"]
