"""Compiled reads answer byte for byte like the general Strawberry path, on both databases."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
import strawberry
from sqlalchemy import select
from strawberry.schema.config import StrawberryConfig

from app.auth.permissions import Permission
from app.db import models
from app.db.base import new_id
from app.db.engine import Database
from app.db.models import (
    Account,
    AccountClassification,
    Contact,
    ContactAddress,
    ContactPhone,
    PaymentTerms,
    Wallet,
)
from app.onboarding import BootstrapResult
from app.settings import Settings
from resolvers.context import Context
from resolvers.loaders import Loaders
from rest_compat.routes import ROUTES as REST_ROUTES
from schema.compiled import derive_registry
from schema.encoding import REST_VALUES, graphql_json, rest_json
from schema.mapping import maps
from schema.schema import build_schema
from tests.access_helpers import add_custom_role, add_member, signed_in
from tests.conftest import Api, counting_statements
from tests.test_contacts import create_contact

CONTACT_FIELDS = """
    id code contact_type first_name last_name company_name email_address organisation_id
    created_on updated_on
    phones { id phone_type number country_code is_primary }
    addresses { id address_type is_primary address_line_1 town_city lat lon google_place_id }
    custom_fields { key value __typename }
    accounts {
        id number name is_primary life_cycle_state currency_code balance credit_limit
        overdue_amount opening_balance contact_id created_on terminated_on
        wallet { id code life_cycle_state currency_code balance open_balance commerce_balance
                 minimum_balance account_id created_on terminated_on __typename }
    }
"""

CORPUS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "a page that selects only a relation (the sort column is not selected)",
        "{ contacts(size: 5) { content { accounts { id } } } }",
        {},
    ),
    (
        "a page sorted by a column it does not select",
        '{ contacts(size: 5, sort: "last_name", order: ASC) { content { id } } }',
        {},
    ),
    (
        "nested page",
        f'{{ contacts(size: 50, sort: "first_name", order: ASC) {{ content {{ {CONTACT_FIELDS} }}'
        " paging { page size total has_more } } }",
        {},
    ),
    (
        "a size above the largest page, served at it",
        "{ contacts(size: 250) { content { id } paging { size total has_more page } } }",
        {},
    ),
    (
        "variables, filters, second page, descending",
        """query($size: Int!, $page: Int, $type: ContactType) {
             contacts(size: $size, page: $page, filter: {contact_type: $type}, order: DESC) {
               paging { total size page has_more } content { id first_name } } }""",
        {"size": 3, "page": 2, "type": "PERSON"},
    ),
    (
        "the last page: nothing more",
        """query($size: Int!, $page: Int) {
             contacts(size: $size, page: $page) { paging { has_more } content { id } } }""",
        {"size": 5, "page": 3},
    ),
    (
        "search and code filters, empty result",
        """{ a: contacts(filter: {search_value: "person1"}) {
                 content { first_name } paging { total } }
             b: contacts(filter: {code: "nobody"}) { content { id } paging { total } } }""",
        {},
    ),
    (
        "aliases, fragments, typename",
        """query { list: contacts(size: 4, sort: "code", order: ASC) {
                 __typename
                 items: content { ...Who ... on Contact { mail: email_address } }
                 paging { __typename total } } }
           fragment Who on Contact { __typename who: first_name id accounts { id ...Money } }
           fragment Money on Account { balance wallet { balance money: open_balance } }""",
        {},
    ),
    (
        "single contact by id with nulls and empty lists",
        "query($id: ID!) { contact(id: $id) { id company_name phones { id } accounts { id } } }",
        {"id": "__LONELY__"},
    ),
    (
        "a contact's accounts with reference relations, filters and paging",
        """query($contact: ID!) {
             contact_accounts(contact_id: $contact, filter: {is_primary: true},
                              sort: "number", order: ASC) {
               content { id number is_primary balance classification { id name __typename }
                         payment_terms { name days } wallet { code balance } }
               paging { page size total has_more } } }""",
        {"contact": "C-3"},
    ),
    (
        "one account by number, and by id through an alias, with its relations",
        """query($number: ID!) {
             by_number: account(id: $number) { id number name is_primary life_cycle_state
               currency_code balance credit_limit overdue_amount opening_balance contact_id
               created_on terminated_on classification { name } payment_terms { name days }
               wallet { code balance minimum_balance } } }""",
        {"number": "AC0003EUR"},
    ),
    (
        "single contact by code",
        "query($id: ID!) { contact(id: $id) { id code first_name accounts { number } } }",
        {"id": "C-7"},
    ),
]


async def seed(db: Database, organisation_id: str) -> str:
    """Twelve contacts with phones, addresses, accounts and wallets; returns a bare contact's id."""
    async with db.write() as session:
        tenancy = {"organisation_id": organisation_id, "is_test": False}
        classification = AccountClassification(name="Delivery Purchase", **tenancy)
        terms = PaymentTerms(name="Net 7", days=7, **tenancy)
        session.add_all([classification, terms])
        await session.flush()
        for n in range(12):
            contact = Contact(
                organisation_id=organisation_id,
                is_test=False,
                contact_type="PERSON",
                first_name=f"Person{n}",
                last_name=None if n % 3 else "Smith",
                company_name='Zoë "Q" \\ Ltd\t\n\x01/€' if n == 5 else None,
                email_address=f"p{n}@example.com",
                code=f"C-{n}",
                custom_fields=[
                    {"key": "tier", "value": f"T{n}é"},
                    {"key": "note", "value": None},
                    {"key": "legacy"},
                ][: n % 4],
            )
            session.add(contact)
            await session.flush()
            session.add(ContactPhone(contact_id=contact.id, number=f"99{n:06d}", is_primary=True))
            session.add(
                ContactAddress(
                    contact_id=contact.id, town_city="Nicosia", lat=35.157115, lon=-33.3137
                )
            )
            for currency in ("EUR", "USD")[: 1 + n % 2]:
                account = Account(
                    organisation_id=organisation_id,
                    is_test=False,
                    contact_id=contact.id,
                    number=f"AC{n:04d}{currency}",
                    name=f"Person{n} {currency}",
                    is_primary=currency == "EUR",
                    currency_code=currency,
                    balance=Decimal("-12.5") if n == 4 else Decimal(n * 100),
                    credit_limit=Decimal("0.0001"),
                )
                if n == 3:
                    account.classification_id = classification.id
                    account.payment_terms_id = terms.id
                session.add(account)
                await session.flush()
                session.add(
                    Wallet(
                        organisation_id=organisation_id,
                        is_test=False,
                        account_id=account.id,
                        code=f"9{n:07d}{currency}",
                        currency_code=currency,
                        open_balance=Decimal("9.99"),
                        commerce_balance=Decimal(n),
                        minimum_balance=Decimal("1.50") if n % 2 else None,
                        limit_rules=[],
                    )
                )
        lonely = Contact(
            organisation_id=organisation_id,
            is_test=False,
            contact_type="COMPANY",
            company_name="Lonely Ltd",
            custom_fields=[],
            # A fraction that rounds up to the next second at millisecond precision: both
            # paths must truncate it (epoch ...800, not ...801).
            created_on=datetime(2026, 11, 29, 17, 43, 20, 999600, tzinfo=UTC),
        )
        session.add(lonely)
        await session.flush()
        return lonely.id


@pytest.mark.parametrize("name, query, variables", CORPUS, ids=[c[0] for c in CORPUS])
async def test_compiled_and_general_paths_answer_alike(
    name: str,
    query: str,
    variables: dict[str, Any],
    api: Api,
    gateway: Any,
    general_app: Any,
    tenant: BootstrapResult,
    db: Database,
) -> None:
    lonely_id = await seed(db, tenant.organisation_id)
    variables = {k: lonely_id if v == "__LONELY__" else v for k, v in variables.items()}
    app, client = gateway
    assert app.state.schema.compiled_reads.plan_for(query, None) is not None, name
    headers = {"api_key": tenant.secret_api_key}
    body = {"query": query, "variables": variables}
    await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)  # key known
    with counting_statements(app) as statements:
        compiled = await client.post("/graphql", json=body, headers=headers)
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        expected = await general.post("/graphql", json=body, headers=headers)
    assert "errors" not in expected.json(), expected.text
    assert compiled.content == expected.content
    roots = sum(
        query.count(f"{root}(") for root in ("contacts", "contact", "contact_accounts", "account")
    )
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == roots  # one statement per root field, nothing else


async def test_rest_wire_format_matches_too(
    api: Api, gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    await seed(db, tenant.organisation_id)
    query = next(text for name, text, _ in CORPUS if name == "nested page")
    answers = []
    for app in (gateway[0], general_app):
        runtime = app.state.gateway.runtime
        principal = await runtime.authenticator.principal_for(tenant.secret_api_key, None)
        context = Context(
            settings=app.state.gateway.settings,
            db=runtime.db,
            authenticator=runtime.authenticator,
            principal=principal,
            loaders=Loaders(runtime.db, principal),
        )
        schema = app.state.schema
        answer = await schema.compiled_answer(query, None, None, context, REST_VALUES)
        if schema.compiled_reads is None:
            assert answer is None
            result = await schema.execute(query, context_value=context)
            assert not result.errors
            answers.append(rest_json(result.data))
        else:
            assert answer is not None
            answers.append(rest_json({"contacts": answer.value("contacts")}))
    assert answers[0] == answers[1]
    assert b'"balance":9.99' in answers[0] or b'"balance":10.99' in answers[0]


async def test_what_does_not_compile_still_answers(api: Api, gateway: Any) -> None:
    app, _ = gateway
    plans = app.state.schema.compiled_reads
    contact_id = await create_contact(api)
    for query in (
        "query($id: ID!) { contact(id: $id) { id accounts { merchants { id } } } }",
        "query($id: ID!) { contact(id: $id) { id @include(if: true) } }",
        'mutation { delete_contact(id: "x") { id } }',
    ):
        assert plans.plan_for(query, None) is None
    data = await api.data(
        "query($id: ID!) { contact(id: $id) { id accounts { merchants { id } } } }",
        {"id": contact_id},
    )
    assert data["contact"] == {"id": contact_id, "accounts": []}


async def test_compiled_reads_keep_tenancy_and_errors(
    api: Api, tenant: BootstrapResult, db: Database
) -> None:
    await seed(db, tenant.organisation_id)
    query = "{ contacts { paging { total } } }"
    assert (await api.data(query))["contacts"]["paging"]["total"] == 13
    test_mode = api.as_key(tenant.test_secret_api_key)
    assert (await test_mode.data(query))["contacts"]["paging"]["total"] == 0
    missing = await api.graphql('{ contact(id: "nobody") { id } }')
    assert missing["errors"][0]["extensions"]["status"] == 404
    bad_sort = await api.graphql('{ contacts(sort: "shoe_size") { paging { total } } }')
    assert bad_sort["errors"][0]["extensions"]["parameters"] == ["sort"]
    anonymous = await api.as_key("").graphql(query)
    assert anonymous["errors"][0]["extensions"]["status"] == 401


def test_every_plain_field_of_a_mapped_type_compiles() -> None:
    registry = derive_registry(build_schema(Settings(jwt_secret="x" * 40))._schema)
    assert registry.problems == ()
    assert {"Contact", "Account", "Wallet", "PaymentTerms"} <= set(registry.types)
    assert registry.types["Wallet"].leaves["balance"] == "balance"
    assert registry.types["Contact"].json_lists["custom_fields"].target == "CustomField"
    assert registry.types["Account"].relations["wallet"].target == "Wallet"
    organisation = registry.types["Organisation"]
    assert organisation.json_values == {"organisation_tags": "organisation_tags"}
    assert {name: page.page_type for name, page in organisation.pages.items()} == {
        "children": "OrganisationPage",
        "contacts": "ContactPage",
    }
    assert registry.page_items["OrganisationPage"] == "Organisation"
    assert registry.types["Journal"].relations["wallet"].parent_key == "wallet_id"


def test_a_plain_field_that_is_not_a_column_is_named() -> None:
    @maps(models.Contact)
    @strawberry.type
    class Broken:
        id: strawberry.ID
        shoe_size: int

    @strawberry.type
    class Query:
        broken: Broken | None = None

    config = StrawberryConfig(auto_camel_case=False)
    registry = derive_registry(strawberry.Schema(query=Query, config=config)._schema)
    assert registry.problems == (
        "Broken.shoe_size: Contact.shoe_size is neither a column nor a hybrid property",
    )
    assert set(registry.types["Broken"].leaves) == {"id"}


async def test_answers_without_floats_go_out_as_the_database_wrote_them(gateway: Any) -> None:
    plans = gateway[0].state.schema.compiled_reads
    with_floats = plans.plan_for("{ contacts { content { addresses { lat } } } }", None)
    without = plans.plan_for("{ contacts { content { id phones { number } } } }", None)
    assert [root.exact for root in with_floats.roots + without.roots] == [False, True]


def test_rest_and_graphql_encodings_differ_only_in_value_format() -> None:
    value = {"amount": Decimal("9.99")}
    assert graphql_json(value) == b'{"amount":"9.99"}'
    assert rest_json(value) == b'{"amount":9.99}'


async def test_rest_nested_route_is_compiled_and_answers_alike(
    api: Api, gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    await seed(db, tenant.organisation_id)
    app, client = gateway
    headers = {"api_key": tenant.secret_api_key}
    await client.get("/backoffice/v1/contacts/C-3/accounts", headers=headers)  # key known
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for path in ("/contacts/C-3/accounts", "/contacts/C-3", "/contacts/C-2"):
            with counting_statements(app) as statements:
                compiled = await client.get(f"/backoffice/v1{path}", headers=headers)
            expected = await general.get(f"/backoffice/v1{path}", headers=headers)
            assert compiled.status_code == expected.status_code == 200
            assert compiled.content == expected.content
            assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
        for path in ("/contacts/nobody/accounts", "/contacts/nobody"):
            missing = await general.get(f"/backoffice/v1{path}", headers=headers)
            not_found = await client.get(f"/backoffice/v1{path}", headers=headers)
            assert not_found.status_code == missing.status_code == 404
            assert not_found.content == missing.content
    accounts = await client.get("/backoffice/v1/contacts/C-3/accounts", headers=headers)
    assert accounts.json()["content"][0]["balance"] == 300
    contact = await client.get("/backoffice/v1/contacts/C-2", headers=headers)
    assert contact.json()["custom_fields"] == [
        {"key": "tier", "value": "T2é"},
        {"key": "note", "value": None},
    ]


def _organisation(parent: models.Organisation | None, name: str, **values: Any) -> Any:
    values = {"org_type": "MERCHANT", "custom_fields": [], **values}
    organisation = models.Organisation(
        id=new_id(), parent_id=parent.id if parent else None, name=name, **values
    )
    organisation.path = f"{parent.path if parent else '/'}{organisation.id}/"
    return organisation


async def seed_network(db: Database, tenant: BootstrapResult) -> tuple[str, str]:
    """A venue below the tenant's organisation with four merchants (3, 0, 2 and 1 live contacts
    with accounts and wallets, a test-mode contact, a grandchild), and an organisation outside
    the tenant's network; returns (the venue's id, the outsider's id)."""
    async with db.write() as session:
        root = await session.get(models.Organisation, tenant.organisation_id)
        assert root is not None
        top = _organisation(
            root,
            'Venue "Zoë" \\ €',
            org_type="VENUE",
            organisation_tags=["café", 'a "quoted" tag', "\t"],
            custom_fields=[{"key": "floor", "value": "2é"}],
            description="The venue",
            created_on=datetime(2026, 11, 29, 17, 43, 20, 999600, tzinfo=UTC),
        )
        outsider = _organisation(None, "Elsewhere", org_type="BUSINESS")
        session.add_all([top, outsider])
        await session.flush()
        for n, count in enumerate((3, 0, 2, 1)):
            child = _organisation(top, f"Merchant {n}", organisation_tags=[f"t{n}"])
            session.add(child)
            await session.flush()
            if n == 0:
                session.add(_organisation(child, "Grandchild"))
            for m in range(count + (1 if n == 2 else 0)):
                is_test = n == 2 and m == count  # one test-mode contact
                contact = Contact(
                    organisation_id=child.id,
                    is_test=is_test,
                    contact_type="PERSON",
                    first_name=f"Person{n}-{m}",
                    last_name="Smith" if m % 2 else None,
                    custom_fields=[],
                )
                session.add(contact)
                await session.flush()
                account = Account(
                    organisation_id=child.id,
                    is_test=is_test,
                    contact_id=contact.id,
                    number=f"ORG{n}{m}",
                    name=f"Account {n}-{m}",
                    is_primary=True,
                    currency_code="EUR",
                    balance=Decimal(f"{n}.{m}5"),
                )
                session.add(account)
                await session.flush()
                session.add(
                    Wallet(
                        organisation_id=child.id,
                        is_test=is_test,
                        account_id=account.id,
                        code=f"8{n}{m:06d}",
                        currency_code="EUR",
                        open_balance=Decimal("9.99"),
                        limit_rules=[],
                    )
                )
        await session.flush()
        return top.id, outsider.id


NETWORK = """query($id: ID!) { organisation(id: $id) { id name children(size: %d) { content {
    id name contacts(size: %d) { content { id first_name last_name
        accounts { id number currency_code wallet { id code balance } } }
    paging { has_more } } } paging { has_more } } } }"""

ORGANISATION_CORPUS: list[tuple[str, str]] = [
    ("the bench's network query", NETWORK % (20, 20)),
    ("the network query with pages smaller than the lists", NETWORK % (2, 2)),
    (
        "every plain field, tags and custom fields",
        """query($id: ID!) { organisation(id: $id) { __typename id name description org_type
             status is_business test_mode is_sandbox_on vat_number country_agreement
             base_currency timezone inherit_from_parent cloud_name contact_registry
             organisation_tags created_on custom_fields { key value }
             children { content { organisation_tags name } } } }""",
    ),
    (
        "totals, second pages, sorts and orders, aliases",
        """query($id: ID!) { organisation(id: $id) {
             kids: children(page: 2, size: 1, sort: "name", order: ASC) {
               content { name people: contacts(sort: "first_name", order: ASC, size: 1) {
                 paging { page size total has_more } content { first_name } } }
               paging { page size total has_more __typename } }
             all: children(size: 250) { paging { total has_more } content { id } }
             contacts { content { id } paging { total } } } }""",
    ),
    (
        "grandchildren, and a page past the end",
        """query($id: ID!) { organisation(id: $id) { children(sort: "name", order: ASC) {
             content { name children { content { name children { content { id } } } } } }
             none: children(page: 9) { content { id } paging { has_more total } } } }""",
    ),
    (
        "the network root, paged, with nested pages",
        """query($id: ID!) { organisation_network(id: $id, size: 2, sort: "name", order: ASC) {
             content { id name contacts(size: 1) { content { first_name } paging { has_more } } }
             paging { page size total has_more } } }""",
    ),
    (
        "the network root, filtered",
        """query($id: ID!) {
             a: organisation_network(id: $id, filter: {name: "merchant", tags: ["t1", "t2"],
                                                       relationship: "MERCHANTS"}) {
               content { name organisation_tags } paging { total } }
             b: organisation_network(id: $id, filter: {custom_fields: ["floor;2"]}) {
               content { id } paging { total has_more } }
             c: organisation_network(id: $id, filter: {search_value: "2", status: "ACTIVE"}) {
               content { name } } }""",
    ),
]


async def test_organisation_reads_answer_alike_in_one_statement(
    gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    top_id, _ = await seed_network(db, tenant)
    app, client = gateway
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for key in (tenant.secret_api_key, tenant.test_secret_api_key):
            headers = {"api_key": key}
            await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
            for name, query in ORGANISATION_CORPUS:  # one seed for the whole corpus
                assert app.state.schema.compiled_reads.plan_for(query, None) is not None, name
                body = {"query": query, "variables": {"id": top_id}}
                with counting_statements(app) as statements:
                    compiled = await client.post("/graphql", json=body, headers=headers)
                expected = await general.post("/graphql", json=body, headers=headers)
                assert "errors" not in expected.json(), (name, expected.text)
                assert compiled.content == expected.content, name
                selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                roots = query.count("organisation(") + query.count("organisation_network(")
                assert len(selects) == roots, (name, selects)


async def test_organisation_reads_refuse_and_fall_back_like_the_general_path(
    gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    top_id, outsider_id = await seed_network(db, tenant)
    app, client = gateway
    plans = app.state.schema.compiled_reads
    network = NETWORK % (20, 20)
    fallback = """query($id: ID!) { organisation(id: $id) { id organisation_id
        children { content { id parent { id } } } } }"""
    with_variable = """query($id: ID!, $size: Int) { organisation(id: $id) {
        children(size: $size) { content { id } } } }"""
    assert plans.plan_for(fallback, None) is None
    # Variables below the root compile too (coerced per request; the answers are compared below).
    assert plans.plan_for(with_variable, None) is not None
    headers = {"api_key": tenant.secret_api_key}
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for query, variables in (
            (network, {"id": outsider_id}),  # another tenant's organisation: 404
            (network, {"id": "nobody"}),
            (fallback, {"id": top_id}),
            (with_variable, {"id": top_id, "size": 1}),
            # A filter the general path refuses: the same 400 naming it.
            (
                'query($id: ID!){ organisation_network(id: $id, filter: {custom_fields: ["x"]})'
                " { content { id } } }",
                {"id": top_id},
            ),
            (
                "query($id: ID!){ organisation_network(id: $id) { content { id } } }",
                {"id": outsider_id},
            ),
            # A bad sort below the root: the same 400 naming it.
            (
                'query($id: ID!){ organisation(id: $id) { children(sort: "x") { content { id }}}}',
                {"id": top_id},
            ),
            # A miss whose selection is only a page below the root: the general path's 404.
            (
                "query($id: ID!){ organisation(id: $id) { children { content { id } } } }",
                {"id": outsider_id},
            ),
        ):
            body = {"query": query, "variables": variables}
            compiled = await client.post("/graphql", json=body, headers=headers)
            expected = await general.post("/graphql", json=body, headers=headers)
            assert compiled.content == expected.content, query
    missing = (
        await client.post(
            "/graphql", json={"query": network, "variables": {"id": outsider_id}}, headers=headers
        )
    ).json()
    assert missing["data"] is None and missing["errors"][0]["extensions"]["status"] == 404
    assert (
        await client.post(
            "/graphql", json={"query": fallback, "variables": {"id": top_id}}, headers=headers
        )
    ).json()["data"]["organisation"]["organisation_id"] == tenant.organisation_id


async def seed_journal(db: Database, organisation_id: str) -> str:
    """A credit journal of the wallet ``90000003EUR`` (seeded by :func:`seed`); its id."""
    async with db.write() as session:
        wallet = (
            await session.execute(select(Wallet).where(Wallet.code == "90000003EUR"))
        ).scalar_one()
        journal = models.Journal(
            organisation_id=organisation_id,
            is_test=False,
            wallet_id=wallet.id,
            type="CREDIT",
            amount=Decimal("2.5"),
            currency_code="EUR",
            description='Zoë "top-up" \\ €',
            valid_from=datetime(2026, 11, 29, 17, 43, 20, 999600, tzinfo=UTC),
            balance_after=Decimal("12.49"),
        )
        session.add(journal)
        await session.flush()
        return journal.id


async def test_wallet_and_journal_reads_answer_alike_through_both_doors(
    gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    await seed(db, tenant.organisation_id)
    journal_id = await seed_journal(db, tenant.organisation_id)
    app, client = gateway
    wallet = """query($id: ID!) { wallet(id: $id) { __typename id code life_cycle_state
        currency_code balance open_balance commerce_balance minimum_balance account_id
        created_on terminated_on } }"""
    journal = """query($id: ID!) { journal(id: $id) { id wallet_id type amount currency_code
        description spend_condition_id valid_from valid_to allow_negative_balance balance_after
        created_on posted_on wallet { code balance __typename } } }"""
    plans = app.state.schema.compiled_reads
    assert plans.plan_for(wallet, None) is not None and plans.plan_for(journal, None) is not None
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for key in (tenant.secret_api_key, tenant.test_secret_api_key):
            headers = {"api_key": key}
            await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
            for query, variables in (
                (wallet, {"id": "90000003EUR"}),
                (journal, {"id": journal_id}),
                (wallet, {"id": "nobody"}),
                (journal, {"id": "nobody"}),
            ):
                body = {"query": query, "variables": variables}
                with counting_statements(app) as statements:
                    compiled = await client.post("/graphql", json=body, headers=headers)
                expected = await general.post("/graphql", json=body, headers=headers)
                assert compiled.content == expected.content, (query, variables)
                found = expected.json()["data"] is not None
                assert found == (key == tenant.secret_api_key and variables["id"] != "nobody")
                selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                assert len(selects) == (1 if found else 2)  # a miss: the general path too
            wallet_id = (
                await general.post(
                    "/graphql",
                    json={"query": wallet, "variables": {"id": "90000003EUR"}},
                    headers={"api_key": tenant.secret_api_key},
                )
            ).json()["data"]["wallet"]["id"]
            for path in (f"/wallets/{wallet_id}", f"/journals/{journal_id}", "/journals/nobody"):
                compiled = await client.get(f"/backoffice/v1{path}", headers=headers)
                expected = await general.get(f"/backoffice/v1{path}", headers=headers)
                assert compiled.status_code == expected.status_code, path
                assert compiled.content == expected.content, path


async def test_a_nested_page_into_another_domain_checks_its_permission(
    api: Api, gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    """``organisation { contacts }`` needs CONTACTS_READ on both paths: a role with only
    ORGANISATIONS_READ gets the general path's 403 on that field, a reader the compiled page."""
    top_id, _ = await seed_network(db, tenant)
    await add_custom_role(db, tenant.organisation_id, "NETWORK_DESK", ["ORGANISATIONS_READ"])
    await add_member(db, tenant.organisation_id, "network@example.com", "NETWORK_DESK")
    await add_member(db, tenant.organisation_id, "reader@example.com", "READ_ONLY")
    query = """query($id: ID!) { organisation(id: $id) { name
        children(size: 1) { content { contacts { content { id } paging { total } } } } } }"""
    plan = gateway[0].state.schema.compiled_reads.plan_for(query, None)
    assert [access.permission for access in plan.roots[0].nested_access] == [
        Permission.CONTACTS_READ
    ]
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for email in ("network@example.com", "reader@example.com"):
            user = await signed_in(api, email)
            headers = user._headers(None, None)
            body = {"query": query, "variables": {"id": top_id}}
            with counting_statements(gateway[0]) as statements:
                compiled = await gateway[1].post("/graphql", json=body, headers=headers)
            expected = await general.post("/graphql", json=body, headers=headers)
            assert compiled.content == expected.content, email
            answer = expected.json()
            if email.startswith("network"):
                assert answer["errors"][0]["extensions"]["parameters"] == ["CONTACTS_READ"]
            else:
                assert "errors" not in answer
                selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                # The user's role is read on each request; then the one compiled statement.
                assert len([s for s in selects if "memberships" not in s]) == 1, selects


async def seed_wallet_settings(db: Database, organisation_id: str) -> dict[str, str]:
    """Journals, limit rules and top-ups on the wallets :func:`seed` made, and an account with
    a wallet in an organisation outside the tenant's network; returns their ids by name
    (``wallet``: ``90000003EUR``'s, with everything; ``bare``: ``90000002EUR``'s, with
    nothing; ``outsider_wallet``, ``outsider_account``)."""
    async with db.write() as session:
        wallets = {
            wallet.code: wallet
            for wallet in (await session.execute(select(Wallet))).scalars()
            if wallet.code in ("90000003EUR", "90000002EUR", "90000005EUR", "90000001EUR")
        }
        rich, sparse = wallets["90000003EUR"], wallets["90000005EUR"]
        rich.limit_rules = [
            {
                "name": 'Daily "cap" é',
                "minimum_amount": "0.50",
                "maximum_amount": "100.990",
                "maximum_number": None,
                "period": "DAILY",
                "transaction_type": "DEBIT",
            },
            {"maximum_number": 3, "period": "MONTHLY", "transaction_type": "TOPUP"},
            {"maximum_amount": "200", "period": "ANNUAL", "transaction_type": "CREDIT"},
        ]
        rich.auto_topup = {
            "threshold": "5.00",
            "amount": "20.5",
            "payment_method": "CARD",
            "payment_method_id": "pm-1",
        }
        rich.termed_topup = {
            "amount": "12.3400",
            "frequency": {"period": "MONTHS", "value": 1},
            "topup_day": {"day_of_month": 15, "day_of_week": None},
            "payment_method": None,
            "payment_method_id": None,
        }
        sparse.auto_topup = {"threshold": None, "amount": "7"}  # no payment method given
        sparse.termed_topup = {"amount": "1", "payment_method": "CARD"}  # no frequency, day
        wallets["90000002EUR"].auto_topup = {}  # an empty object: null, as no top-up
        wallets["90000001EUR"].termed_topup = None  # JSON null (the others: SQL NULL)
        accounts = {
            account.number: account
            for account in (await session.execute(select(Account))).scalars()
        }
        billed = accounts["AC0003EUR"]
        address = ContactAddress(
            contact_id=billed.contact_id,
            address_type="BUSINESS",
            address_line_1='1 "Main" St \\ é',
            town_city="Limassol",
            postal_code="3036",
            country_code="CY",
        )
        session.add(address)
        await session.flush()
        billed.billing_address_id = address.id
        amounts = ("2.5", "10", "2.5", "0.0001", "100", "7.25", "10")
        for n, amount in enumerate(amounts):
            session.add(
                models.Journal(
                    organisation_id=organisation_id,
                    is_test=False,
                    wallet_id=rich.id,
                    type="CREDIT" if n % 3 else "DEBIT",
                    amount=Decimal(amount),
                    currency_code="EUR",
                    description=None if n % 2 else f'Journal {n} "é" \\',
                    # Whole seconds on most; a fraction on one (REST bounds are whole seconds).
                    created_on=datetime(2026, 11, 1 + n, 12, 0, 0, 250000 if n == 4 else 0, UTC),
                    balance_after=Decimal(n),
                )
            )
        outsider = _organisation(None, "Elsewhere", org_type="BUSINESS")
        session.add(outsider)
        await session.flush()
        contact = Contact(
            organisation_id=outsider.id, is_test=False, contact_type="PERSON", custom_fields=[]
        )
        session.add(contact)
        await session.flush()
        account = Account(
            organisation_id=outsider.id,
            is_test=False,
            contact_id=contact.id,
            number="OUT0001",
            name="Outsider",
            is_primary=True,
            currency_code="EUR",
        )
        session.add(account)
        await session.flush()
        wallet = Wallet(
            organisation_id=outsider.id,
            is_test=False,
            account_id=account.id,
            code="7000000000000001",
            currency_code="EUR",
            limit_rules=[],
        )
        session.add(wallet)
        await session.flush()
        return {
            "wallet": rich.id,
            "bare": wallets["90000002EUR"].id,
            "sparse": sparse.id,
            "outsider_wallet": wallet.id,
            "outsider_account": account.id,
        }


def _epoch(day: int, second: int = 0) -> str:
    """The epoch seconds of 12:00:``second`` UTC on November ``day``, 2026 (REST bounds)."""
    return str(int(datetime(2026, 11, day, 12, 0, second, tzinfo=UTC).timestamp()))


JOURNAL_QUERIES = (
    "",
    "?type=CREDIT",
    "?type=DEBIT&order=ASC",
    f"?created_on[gte]={_epoch(3)}",
    f"?created_on[gt]={_epoch(3)}",
    f"?created_on[lt]={_epoch(5)}",
    f"?created_on[lte]={_epoch(5)}",
    f"?created_on[gte]={_epoch(2)}&created_on[lt]={_epoch(6)}&type=CREDIT&sort=amount",
    f"?created_on[gt]={_epoch(5)}&created_on[lte]={_epoch(5, 1)}",  # the fraction only
    f"?created_on[gte]={_epoch(9)}",  # nothing
    "?sort=amount&order=ASC",
    "?sort=amount",
    "?sort=posted_on&order=ASC&size=2&page=2",
    "?sort=type",
    "?sort=created_on&order=ASC",
    "?page=2&size=3",
    "?page=3&size=3",
    "?page=9&size=3",  # past the end
    "?size=250",
)
# Refused by the general path (400 naming the argument), or found nowhere (404).
JOURNAL_REFUSALS = (
    "?sort=shoe_size",
    "?page=0",
    "?size=0",
    "?type=BOTH",
    "?created_on[gte]=yesterday",
)


async def test_a_wallets_journals_answer_alike_in_one_statement_through_both_doors(
    gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    """``GET /wallets/{id}/journals`` compiles (variables below the root: one statement serves
    every value of the ``created_on`` bounds) and answers byte for byte as the general path
    for every filter, sort, order and page; refusals and misses are the general path's."""
    await seed(db, tenant.organisation_id)
    ids = await seed_wallet_settings(db, tenant.organisation_id)
    app, client = gateway
    plans = app.state.schema.compiled_reads
    document = next(
        route.document
        for route in REST_ROUTES
        if route.method == "GET" and route.path == "/wallets/{id}/journals"
    )
    assert plans.plan_for(document, None) is not None
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:

        async def alike(path: str, key: str, statements_expected: int | None) -> httpx.Response:
            headers = {"api_key": key}
            with counting_statements(app) as statements:
                compiled = await client.get(f"/backoffice/v1{path}", headers=headers)
            expected = await general.get(f"/backoffice/v1{path}", headers=headers)
            assert compiled.status_code == expected.status_code, path
            assert compiled.content == expected.content, path
            if statements_expected is not None:
                selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                assert len(selects) == statements_expected, (path, selects)
            return expected

        live, test = tenant.secret_api_key, tenant.test_secret_api_key
        await client.get("/backoffice/v1/wallets/nobody", headers={"api_key": live})  # key known
        for wallet in (ids["wallet"], "90000003EUR"):
            for query in JOURNAL_QUERIES:
                answer = await alike(f"/wallets/{wallet}/journals{query}", live, 1)
                assert answer.status_code == 200
        totals = {
            query: (await alike(f"/wallets/{ids['wallet']}/journals{query}", live, 1)).json()
            for query in ("", "?type=CREDIT", f"?created_on[gt]={_epoch(5)}", "?page=9&size=3")
        }
        assert totals[""]["paging"]["total"] == 7 and len(totals[""]["content"]) == 7
        assert totals["?type=CREDIT"]["paging"]["total"] == 4
        assert totals[f"?created_on[gt]={_epoch(5)}"]["paging"]["total"] == 3
        assert totals["?page=9&size=3"]["content"] == []
        assert (await alike(f"/wallets/{ids['bare']}/journals", live, 1)).json()["content"] == []
        # Walking the pages with other bounds prepares no new statement: the page number and
        # the bounds are parameters of one statement (internal cache, by dialect).
        prepared = plans._statements[app.state.gateway.runtime.db.engine.dialect.name]
        cached = len(prepared._statements)
        for page in range(1, 6):
            query = f"?size=2&page={page}&created_on[gte]={_epoch(1, page)}"
            await alike(f"/wallets/{ids['wallet']}/journals{query}", live, 1)
        assert len(prepared._statements) == cached + 1
        for query in JOURNAL_REFUSALS:
            refused = await alike(f"/wallets/{ids['wallet']}/journals{query}", live, None)
            assert refused.status_code == 400, query
        for wallet in ("nobody", ids["outsider_wallet"]):
            missing = await alike(f"/wallets/{wallet}/journals", live, None)
            assert missing.status_code == 404
        await client.get("/backoffice/v1/wallets/nobody", headers={"api_key": test})
        other_mode = await alike(f"/wallets/{ids['wallet']}/journals?type=CREDIT", test, None)
        assert other_mode.status_code == 404
        # GraphQL: the same field with literal arguments, and with variables.
        literal = """{ wallet(id: "90000003EUR") { code
            journals(filter: {type: CREDIT}, sort: "amount", order: ASC, size: 2, page: 2) {
              content { id amount } paging { page size total has_more } } } }"""
        variables = """query($id: ID!, $from: DateTime, $size: Int) { wallet(id: $id) {
            a: journals(filter: {created_on_gte: $from}, size: $size) {
              paging { has_more } content { id created_on } }
            b: journals(filter: {created_on_lt: $from}) { content { type } } } }"""
        for query, values in (
            (literal, {}),
            (variables, {"id": ids["wallet"], "from": "2026-11-03T12:00:00Z", "size": 2}),
            (variables, {"id": ids["wallet"], "from": "2026-11-06T12:00:00Z", "size": 1}),
        ):
            assert plans.plan_for(query, None) is not None
            body = {"query": query, "variables": values}
            headers = {"api_key": live}
            with counting_statements(app) as statements:
                compiled = await client.post("/graphql", json=body, headers=headers)
            expected = await general.post("/graphql", json=body, headers=headers)
            assert compiled.content == expected.content, (query, values)
            assert "errors" not in expected.json()
            assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


# The REST routes of wallets and accounts that compile (one statement each).
COMPILED_ROUTES = (
    "/wallets/{id}/journals",
    "/wallets/{id}",
    "/accounts/{id}",
    "/accounts/{id}/financials",
)


def test_the_rest_documents_of_wallets_and_accounts_compile() -> None:
    """A regression to the general path (a field the compiler cannot write) fails here."""
    plans = build_schema(Settings(jwt_secret="x" * 40)).compiled_reads
    assert plans is not None
    documents = {
        route.path: route.document
        for route in REST_ROUTES
        if route.method == "GET" and route.path in COMPILED_ROUTES
    }
    assert sorted(documents) == sorted(COMPILED_ROUTES)
    for path, document in documents.items():
        assert plans.plan_for(document, None) is not None, path


async def test_wallet_and_account_routes_answer_alike_in_one_statement_through_both_doors(
    gateway: Any, general_app: Any, tenant: BootstrapResult, db: Database
) -> None:
    """``GET /wallets/{id}``, ``/accounts/{id}`` and ``/accounts/{id}/financials`` compile and
    answer byte for byte as the general path: limit rules and top-ups from their JSON columns
    (money, enums, nested objects, nulls, empty objects), billing addresses, classifications,
    payment terms, the always-null accounting period; misses and other modes are 404s."""
    await seed(db, tenant.organisation_id)
    ids = await seed_wallet_settings(db, tenant.organisation_id)
    app, client = gateway
    live, test = tenant.secret_api_key, tenant.test_secret_api_key
    found = [
        *(f"/wallets/{ids[name]}" for name in ("wallet", "sparse", "bare")),
        "/wallets/90000003EUR",
        "/wallets/90000001EUR",
        *(
            f"/accounts/{number}{route}"
            for number in ("AC0003EUR", "AC0002EUR", "AC0004EUR")
            for route in ("", "/financials")
        ),
    ]
    missing = [
        "/wallets/nobody",
        f"/wallets/{ids['outsider_wallet']}",
        "/accounts/nobody/financials",
        f"/accounts/{ids['outsider_account']}",
    ]
    transport = httpx.ASGITransport(app=general_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://general") as general:
        for key in (live, test):
            headers = {"api_key": key}
            await client.get("/backoffice/v1/wallets/nobody", headers=headers)  # key known
            for path in found + missing:
                with counting_statements(app) as statements:
                    compiled = await client.get(f"/backoffice/v1{path}", headers=headers)
                expected = await general.get(f"/backoffice/v1{path}", headers=headers)
                assert compiled.status_code == expected.status_code, path
                assert compiled.content == expected.content, path
                answered = key == live and path in found
                assert expected.status_code == (200 if answered else 404), path
                if answered:
                    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
                    assert len(selects) == 1, (path, selects)
        headers = {"api_key": live}
        rich = (await client.get(f"/backoffice/v1/wallets/{ids['wallet']}", headers=headers)).json()
        assert rich["limits"][0]["maximum_amount"] == 100.99
        assert rich["limits"][0]["minimum_amount"] == 0.5
        assert rich["auto_topup"]["threshold"] == 5
        assert rich["termed_topup"]["frequency"] == {"period": "MONTHS", "value": 1}
        bare = (await client.get(f"/backoffice/v1/wallets/{ids['bare']}", headers=headers)).json()
        assert bare["limits"] == [] and bare["auto_topup"] is None
        account = (await client.get("/backoffice/v1/accounts/AC0003EUR", headers=headers)).json()
        assert account["billing_address"]["town_city"] == "Limassol"
        # GraphQL: the same fields with typenames and aliases, money as text.
        query = """query($id: ID!) { wallet(id: $id) { code
            rules: limits { __typename name max: maximum_amount minimum_amount maximum_number
                            period transaction_type }
            auto_topup { __typename threshold amount payment_method payment_method_id }
            termed_topup { amount frequency { __typename period value }
                           topup_day { day_of_month day_of_week } payment_method }
            account { number accounting_period { id } billing_address { id town_city }
                      classification { name } } } }"""
        assert app.state.schema.compiled_reads.plan_for(query, None) is not None
        for wallet in ("wallet", "sparse", "bare"):
            body = {"query": query, "variables": {"id": ids[wallet]}}
            with counting_statements(app) as statements:
                compiled = await client.post("/graphql", json=body, headers=headers)
            expected = await general.post("/graphql", json=body, headers=headers)
            assert compiled.content == expected.content, wallet
            assert "errors" not in expected.json()
            assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
        # A miss whose selection is only below the root (no column of the row itself): the
        # row is the statement's FROM, so nothing is answered and the general path's 404 comes.
        for miss in (
            '{ wallet(id: "nobody") { journals { content { id } } } }',
            '{ wallet(id: "nobody") { limits { period } } }',
            '{ account(id: "nobody") { wallet { id } } }',
            '{ journal(id: "nobody") { wallet { id } } }',
            '{ contact(id: "nobody") { accounts { id } } }',
        ):
            compiled = await client.post("/graphql", json={"query": miss}, headers=headers)
            expected = await general.post("/graphql", json={"query": miss}, headers=headers)
            assert compiled.content == expected.content, miss
            assert expected.json()["errors"][0]["extensions"]["status"] == 404
        graph = (
            await general.post(
                "/graphql",
                json={"query": query, "variables": {"id": ids["wallet"]}},
                headers=headers,
            )
        ).json()
        assert graph["data"]["wallet"]["rules"][0]["max"] == "100.99"
