"""Reference data through GraphQL: the nine kinds' create / read / update / delete, their own
checks, refusals to delete what is still used, and who may see what."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import graphql
import pytest
from sqlalchemy import insert

from app.db.engine import Database
from app.db.models import (
    Account,
    AccountRewardScheme,
    Contact,
    Journal,
    Organisation,
    Wallet,
    WalletCommerceBalance,
)
from app.db.models.organisations import (
    organisation_business_activities,
    organisation_group_members,
    organisation_industry_sectors,
)
from app.onboarding import BootstrapResult, issue_api_key
from app.organisations.tree import new_organisation
from app.pagination import sortable_names
from app.reference import repository, service
from app.reference.service import ReferenceKind
from resolvers.reference import BY_ID_LOADERS
from schema.schema import build_schema
from tests.conftest import Api, counting_statements

REFERENCE_FIELDS = "id name description created_on"


def pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))


async def create(api: Api, kind: str, input: dict[str, Any], selection: str = "id") -> Any:
    """Create a row of ``kind`` through GraphQL and return the selected fields."""
    document = (
        f"mutation($input: Create{pascal(kind)}Input!) {{"
        f" create_{kind}(input: $input) {{ {selection} }} }}"
    )
    return (await api.data(document, {"input": input}))[f"create_{kind}"]


async def create_raw(api: Api, kind: str, input: dict[str, Any], **kw: Any) -> dict[str, Any]:
    """The whole response of a create mutation (for refusals)."""
    document = (
        f"mutation($input: Create{pascal(kind)}Input!) {{ create_{kind}(input: $input) {{ id }} }}"
    )
    return await api.graphql(document, {"input": input}, **kw)


async def update_raw(
    api: Api, kind: str, row_id: str, input: dict[str, Any], selection: str = "id"
) -> dict[str, Any]:
    document = (
        f"mutation($id: ID!, $input: Update{pascal(kind)}Input!) {{"
        f" update_{kind}(id: $id, input: $input) {{ {selection} }} }}"
    )
    return await api.graphql(document, {"id": row_id, "input": input})


async def delete_raw(api: Api, kind: str, row_id: str, **kw: Any) -> dict[str, Any]:
    document = f"mutation($id: ID!) {{ delete_{kind}(id: $id) {{ id }} }}"
    return await api.graphql(document, {"id": row_id}, **kw)


async def get_raw(
    api: Api, one: str, row_id: str, selection: str = REFERENCE_FIELDS, **kw: Any
) -> dict[str, Any]:
    document = f"query($id: ID!) {{ {one}(id: $id) {{ {selection} }} }}"
    return await api.graphql(document, {"id": row_id}, **kw)


async def list_page(api: Api, many: str, arguments: str = "", **kw: Any) -> dict[str, Any]:
    args = f"({arguments})" if arguments else ""
    document = f"{{ {many}{args} {{ content {{ id name }} paging {{ page size total }} }} }}"
    body = await api.graphql(document, **kw)
    assert not body.get("errors"), body["errors"]
    page: dict[str, Any] = body["data"][many]
    return page


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The extensions of the single error of a refused operation."""
    assert body.get("data") is None or all(v is None for v in body["data"].values()), body
    assert len(body["errors"]) == 1, body["errors"]
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions


def assert_refused(body: dict[str, Any], status: int, parameters: list[str]) -> None:
    extensions = error_of(body)
    assert (extensions["status"], extensions["parameters"]) == (status, parameters), body


@dataclass
class Kind:
    """How to drive one kind of reference data in the tests."""

    kind: str
    one: str
    many: str
    own_fields: str = ""
    # Extra create input (may create the rows it points at) and what the row then shows.
    arrange: Callable[[Api, BootstrapResult], Awaitable[dict[str, Any]]] | None = None
    expected: Callable[[dict[str, Any], BootstrapResult], dict[str, Any]] = field(
        default=lambda _input, _tenant: {}
    )

    @property
    def selection(self) -> str:
        return f"{REFERENCE_FIELDS} {self.own_fields}"

    async def input(self, api: Api, tenant: BootstrapResult, name: str) -> dict[str, Any]:
        extra = await self.arrange(api, tenant) if self.arrange else {}
        return {"name": name, "description": f"About {name}", **extra}


async def _industry_sector_input(api: Api, _tenant: BootstrapResult) -> dict[str, Any]:
    industry = await create(api, "industry", {"name": "Restaurant"})
    return {"industry_id": industry["id"]}


async def _reward_scheme_input(_api: Api, _tenant: BootstrapResult) -> dict[str, Any]:
    return {"sign_up_method": "EMAIL_DOMAIN", "email_domains": ["@CRM.com", "crm.com "]}


async def _reward_tier_input(api: Api, _tenant: BootstrapResult) -> dict[str, Any]:
    scheme = await create(api, "reward_scheme", {"name": "Coffee Club"})
    return {"reward_scheme_id": scheme["id"], "threshold_value_units": "100.5", "color": "#D4AF37"}


async def _spend_condition_input(_api: Api, tenant: BootstrapResult) -> dict[str, Any]:
    return {
        "organisation_ids": [tenant.organisation_id],
        "products": [
            {"id_type": "BRAND", "id": " B-1 ", "name": "Coffee", "description": "Brazilian"}
        ],
        "timings": [{"month": 1, "day": 1, "start_time": "19:00", "end_time": "21:00"}],
    }


KINDS = [
    Kind("account_classification", "account_classification", "account_classifications"),
    Kind(
        "payment_terms",
        "payment_terms",
        "payment_terms_list",
        own_fields="days",
        arrange=lambda _api, _tenant: _value({"days": 7}),
        expected=lambda _input, _tenant: {"days": 7},
    ),
    Kind("industry", "industry", "industries"),
    Kind(
        "industry_sector",
        "industry_sector",
        "industry_sectors",
        own_fields="industry_id industry { id name }",
        arrange=_industry_sector_input,
        expected=lambda input, _tenant: {
            "industry_id": input["industry_id"],
            "industry": {"id": input["industry_id"], "name": "Restaurant"},
        },
    ),
    Kind("business_activity", "business_activity", "business_activities"),
    Kind("organisation_group", "organisation_group", "organisation_groups"),
    Kind(
        "reward_scheme",
        "reward_scheme",
        "reward_schemes",
        own_fields="sign_up_method email_domains sign_up_code",
        arrange=_reward_scheme_input,
        expected=lambda _input, _tenant: {
            "sign_up_method": "EMAIL_DOMAIN",
            "email_domains": ["crm.com"],
            "sign_up_code": None,
        },
    ),
    Kind(
        "reward_tier",
        "reward_tier",
        "reward_tiers",
        own_fields="reward_scheme_id color threshold_value_units reward_scheme { id name }",
        arrange=_reward_tier_input,
        expected=lambda input, _tenant: {
            "reward_scheme_id": input["reward_scheme_id"],
            "color": "#d4af37",
            "threshold_value_units": "100.5",
            "reward_scheme": {"id": input["reward_scheme_id"], "name": "Coffee Club"},
        },
    ),
    Kind(
        "spend_condition",
        "spend_condition",
        "spend_conditions",
        own_fields="is_active organisations { id name } products { id_type id name description }"
        " timings { month day start_time end_time }",
        arrange=_spend_condition_input,
        expected=lambda _input, tenant: {
            "is_active": True,
            "organisations": [{"id": tenant.organisation_id, "name": tenant.organisation_name}],
            "products": [
                {"id_type": "BRAND", "id": "B-1", "name": "Coffee", "description": "Brazilian"}
            ],
            "timings": [{"month": 1, "day": 1, "start_time": "19:00", "end_time": "21:00"}],
        },
    ),
]
BY_KIND = {kind.kind: kind for kind in KINDS}


async def _value(value: dict[str, Any]) -> dict[str, Any]:
    return value


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.kind)
async def test_create_get_list_update_delete(api: Api, tenant: BootstrapResult, kind: Kind) -> None:
    input = await kind.input(api, tenant, "First")
    created = await create(api, kind.kind, input, kind.selection)
    expected = {"name": "First", "description": "About First", **kind.expected(input, tenant)}
    assert {key: created[key] for key in expected} == expected
    assert created["created_on"]

    fetched = await get_raw(api, kind.one, created["id"], kind.selection)
    assert fetched["data"][kind.one] == created

    await create(api, kind.kind, await kind.input(api, tenant, "Second"))
    page = await list_page(api, kind.many, 'filter: {search_value: "firs"}')
    assert page["content"] == [{"id": created["id"], "name": "First"}]
    assert page["paging"] == {"page": 1, "size": 20, "total": 1}
    everything = await list_page(api, kind.many, 'sort: "name", order: ASC')
    assert [row["name"] for row in everything["content"]] == ["First", "Second"]

    body = await update_raw(
        api, kind.kind, created["id"], {"name": " Renamed "}, "id name description"
    )
    assert body["data"][f"update_{kind.kind}"] == {
        "id": created["id"],
        "name": "Renamed",
        "description": "About First",
    }
    fetched = await get_raw(api, kind.one, created["id"], kind.selection)
    assert fetched["data"][kind.one] == {**created, "name": "Renamed"}

    body = await delete_raw(api, kind.kind, created["id"])
    assert body["data"][f"delete_{kind.kind}"] == {"id": created["id"]}
    assert_refused(await get_raw(api, kind.one, created["id"]), 404, [kind.kind, created["id"]])
    assert_refused(await delete_raw(api, kind.kind, created["id"]), 404, [kind.kind, created["id"]])


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.kind)
async def test_empty_name_is_refused_and_nothing_is_stored(
    api: Api, tenant: BootstrapResult, kind: Kind
) -> None:
    body = await create_raw(api, kind.kind, await kind.input(api, tenant, "   "))
    assert_refused(body, 400, ["name"])
    assert error_of(body)["code"] == "INVALIDVALUE"
    assert (await list_page(api, kind.many))["paging"]["total"] == 0

    row = await create(api, kind.kind, await kind.input(api, tenant, "Kept"))
    assert_refused(await update_raw(api, kind.kind, row["id"], {"name": ""}), 400, ["name"])
    assert_refused(await update_raw(api, kind.kind, row["id"], {"name": None}), 400, ["name"])
    fetched = await get_raw(api, kind.one, row["id"], "name")
    assert fetched["data"][kind.one] == {"name": "Kept"}


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.kind)
async def test_unknown_id_is_a_404_naming_the_entity(api: Api, kind: Kind) -> None:
    missing = "0190c0de-0000-7000-8000-000000000000"
    assert_refused(await get_raw(api, kind.one, missing), 404, [kind.kind, missing])
    assert_refused(
        await update_raw(api, kind.kind, missing, {"name": "X"}), 404, [kind.kind, missing]
    )
    assert_refused(await delete_raw(api, kind.kind, missing), 404, [kind.kind, missing])


async def test_lists_page_and_sort_by_own_columns(api: Api) -> None:
    for days in (30, 7, 14):
        await create(api, "payment_terms", {"name": f"Net {days}", "days": days})
    page = await list_page(api, "payment_terms_list", 'sort: "days", order: ASC, size: 2, page: 2')
    assert page["content"][0]["name"] == "Net 30"
    assert page["paging"] == {"page": 2, "size": 2, "total": 3}
    body = await api.graphql('{ payment_terms_list(sort: "colour") { paging { total } } }')
    assert_refused(body, 400, ["sort"])
    body = await api.graphql("{ industries(size: 0) { paging { total } } }")
    assert_refused(body, 400, ["size"])
    # The search text is matched literally, wildcards included.
    await create(api, "payment_terms", {"name": "50% now", "days": 0})
    page = await list_page(api, "payment_terms_list", 'filter: {search_value: "%"}')
    assert [row["name"] for row in page["content"]] == ["50% now"]


async def test_payment_terms_days_may_not_be_negative(api: Api) -> None:
    body = await create_raw(api, "payment_terms", {"name": "Net -1", "days": -1})
    assert_refused(body, 400, ["days"])
    terms = await create(api, "payment_terms", {"name": "Net 7", "days": 7})
    assert_refused(await update_raw(api, "payment_terms", terms["id"], {"days": -3}), 400, ["days"])
    fetched = await get_raw(api, "payment_terms", terms["id"], "days")
    assert fetched["data"]["payment_terms"] == {"days": 7}
    assert (await list_page(api, "payment_terms_list"))["paging"]["total"] == 1


async def test_reward_scheme_sign_up_rules(api: Api) -> None:
    body = await create_raw(api, "reward_scheme", {"name": "S", "sign_up_method": "EMAIL_DOMAIN"})
    assert_refused(body, 400, ["email_domains"])
    body = await create_raw(api, "reward_scheme", {"name": "S", "sign_up_method": "SIGN_UP_CODE"})
    assert_refused(body, 400, ["sign_up_code"])
    body = await create_raw(
        api,
        "reward_scheme",
        {"name": "S", "sign_up_method": "SIGN_UP_CODE", "sign_up_code": "   "},
    )
    assert_refused(body, 400, ["sign_up_code"])
    body = await create_raw(
        api,
        "reward_scheme",
        {"name": "S", "sign_up_method": "EMAIL_DOMAIN", "email_domains": ["not a domain"]},
    )
    assert_refused(body, 400, ["email_domains"])
    assert (await list_page(api, "reward_schemes"))["paging"]["total"] == 0

    selection = "sign_up_method email_domains sign_up_code"
    scheme = await create(
        api,
        "reward_scheme",
        {
            "name": "Staff",
            "sign_up_method": "EMAIL_DOMAIN",
            "email_domains": ["@CRM.com", "Example.ORG", "crm.com"],
        },
        f"id {selection}",
    )
    assert scheme["email_domains"] == ["crm.com", "example.org"]
    # Switching to a code without giving one is refused and leaves the scheme as it was.
    body = await update_raw(api, "reward_scheme", scheme["id"], {"sign_up_method": "SIGN_UP_CODE"})
    assert_refused(body, 400, ["sign_up_code"])
    body = await update_raw(api, "reward_scheme", scheme["id"], {"email_domains": []})
    assert_refused(body, 400, ["email_domains"])
    fetched = await get_raw(api, "reward_scheme", scheme["id"], f"id {selection}")
    assert fetched["data"]["reward_scheme"] == scheme
    body = await update_raw(
        api,
        "reward_scheme",
        scheme["id"],
        {"sign_up_method": "SIGN_UP_CODE", "sign_up_code": " ABCDEFG1234 "},
        selection,
    )
    assert body["data"]["update_reward_scheme"]["sign_up_code"] == "ABCDEFG1234"
    page = await list_page(api, "reward_schemes", "filter: {sign_up_method: SIGN_UP_CODE}")
    assert page["paging"]["total"] == 1


async def test_reward_tier_rules(api: Api) -> None:
    missing = "0190c0de-0000-7000-8000-000000000001"
    tier = {"name": "Gold", "reward_scheme_id": missing, "threshold_value_units": "10"}
    assert_refused(await create_raw(api, "reward_tier", tier), 404, ["reward_scheme", missing])
    scheme = await create(api, "reward_scheme", {"name": "Club"})
    tier["reward_scheme_id"] = scheme["id"]
    body = await create_raw(api, "reward_tier", {**tier, "color": "gold"})
    assert_refused(body, 400, ["color"])
    body = await create_raw(api, "reward_tier", {**tier, "threshold_value_units": "-0.01"})
    assert_refused(body, 400, ["threshold_value_units"])
    assert (await list_page(api, "reward_tiers"))["paging"]["total"] == 0

    created = await create(api, "reward_tier", {**tier, "color": "ABC"}, "id color")
    assert created["color"] == "#abc"
    other = await create(api, "reward_scheme", {"name": "Other club"})
    await create(api, "reward_tier", {**tier, "name": "Silver", "reward_scheme_id": other["id"]})
    page = await list_page(api, "reward_tiers", f'filter: {{reward_scheme_id: "{scheme["id"]}"}}')
    assert [row["name"] for row in page["content"]] == ["Gold"]
    body = await update_raw(api, "reward_tier", created["id"], {"reward_scheme_id": missing})
    assert_refused(body, 404, ["reward_scheme", missing])


async def test_industry_sector_needs_a_visible_industry(api: Api) -> None:
    missing = "0190c0de-0000-7000-8000-000000000002"
    body = await create_raw(api, "industry_sector", {"name": "Bar", "industry_id": missing})
    assert_refused(body, 404, ["industry", missing])
    industry = await create(api, "industry", {"name": "Restaurant"})
    sector = await create(api, "industry_sector", {"name": "Bar", "industry_id": industry["id"]})
    body = await update_raw(api, "industry_sector", sector["id"], {"industry_id": None})
    assert_refused(body, 400, ["industry_id"])
    page = await list_page(api, "industry_sectors", f'filter: {{industry_id: "{industry["id"]}"}}')
    assert page["paging"]["total"] == 1


@pytest.mark.parametrize(
    ("timing", "field"),
    [
        ({"month": 13}, "timings[0].month"),
        ({"month": 0}, "timings[0].month"),
        ({"day": 8}, "timings[0].day"),
        ({"day": 0}, "timings[0].day"),
        ({"start_time": "25:00", "end_time": "26:00"}, "timings[0].start_time"),
        ({"start_time": "09:00", "end_time": "9pm"}, "timings[0].end_time"),
        ({"start_time": "21:00", "end_time": "19:00"}, "timings[0].end_time"),
        ({"start_time": "19:00", "end_time": "19:00"}, "timings[0].end_time"),
        ({"start_time": "19:00"}, "timings[0].end_time"),
    ],
)
async def test_spend_condition_timings_are_checked(
    api: Api, timing: dict[str, Any], field: str
) -> None:
    body = await create_raw(api, "spend_condition", {"name": "Happy Hour", "timings": [timing]})
    assert_refused(body, 400, [field])
    assert (await list_page(api, "spend_conditions"))["paging"]["total"] == 0


async def test_spend_condition_organisations_must_be_visible(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    async with db.write() as session:
        parent = await session.get(Organisation, tenant.organisation_id)
        venue = new_organisation(parent, org_type="VENUE", name="Cafe")
        stranger = new_organisation(None, org_type="BUSINESS", name="Elsewhere")
        session.add_all([venue, stranger])
    input = {"name": "Happy Hour", "organisation_ids": [venue.id, stranger.id]}
    assert_refused(
        await create_raw(api, "spend_condition", input), 404, ["organisation", stranger.id]
    )
    body = await create_raw(
        api, "spend_condition", {"name": "H", "products": [{"id_type": "BRAND", "id": " "}]}
    )
    assert_refused(body, 400, ["products[0].id"])
    assert (await list_page(api, "spend_conditions"))["paging"]["total"] == 0

    condition = await create(
        api,
        "spend_condition",
        {"name": "Happy Hour", "organisation_ids": [venue.id, tenant.organisation_id, venue.id]},
        "id organisations { id name }",
    )
    assert condition["organisations"] == [
        {"id": venue.id, "name": "Cafe"},
        {"id": tenant.organisation_id, "name": tenant.organisation_name},
    ]
    body = await update_raw(
        api, "spend_condition", condition["id"], {"is_active": False}, "is_active"
    )
    assert body["data"]["update_spend_condition"] == {"is_active": False}
    assert (await list_page(api, "spend_conditions", "filter: {is_active: true}"))["paging"][
        "total"
    ] == 0


# --- Deleting what is still used ---------------------------------------------------------------


async def _account(db: Database, tenant: BootstrapResult, **references: str) -> str:
    async with db.write() as session:
        contact = Contact(
            organisation_id=tenant.organisation_id, contact_type="PERSON", first_name="Jo"
        )
        session.add(contact)
        await session.flush()
        account = Account(
            organisation_id=tenant.organisation_id,
            contact_id=contact.id,
            number=f"AC{contact.id[-8:]}",
            name="Jo",
            currency_code="EUR",
            **references,
        )
        session.add(account)
        await session.flush()
        return account.id


async def _wallet(db: Database, tenant: BootstrapResult) -> str:
    account_id = await _account(db, tenant)
    async with db.write() as session:
        wallet = Wallet(
            organisation_id=tenant.organisation_id,
            account_id=account_id,
            code=f"W{account_id[-8:]}",
            currency_code="EUR",
        )
        session.add(wallet)
        await session.flush()
        return wallet.id


async def _link(
    db: Database, table: Any, column: str, tenant: BootstrapResult, row_id: str
) -> None:
    async with db.write() as session:
        await session.execute(
            insert(table).values({"organisation_id": tenant.organisation_id, column: row_id})
        )


async def _use_by_commerce_balance(db: Database, tenant: BootstrapResult, row_id: str) -> None:
    wallet_id = await _wallet(db, tenant)
    async with db.write() as session:
        session.add(
            WalletCommerceBalance(wallet_id=wallet_id, spend_condition_id=row_id, amount=Decimal(5))
        )


async def _use_by_journal(db: Database, tenant: BootstrapResult, row_id: str) -> None:
    wallet_id = await _wallet(db, tenant)
    async with db.write() as session:
        session.add(
            Journal(
                organisation_id=tenant.organisation_id,
                wallet_id=wallet_id,
                type="CREDIT",
                amount=Decimal(5),
                currency_code="EUR",
                spend_condition_id=row_id,
                balance_after=Decimal(5),
            )
        )


async def _use_by_organisation(db: Database, tenant: BootstrapResult, row_id: str) -> None:
    async with db.write() as session:
        organisation = await session.get(Organisation, tenant.organisation_id)
        assert organisation is not None
        organisation.industry_id = row_id


async def _use_by_sign_up(db: Database, tenant: BootstrapResult, row_id: str) -> None:
    account_id = await _account(db, tenant)
    async with db.write() as session:
        session.add(AccountRewardScheme(account_id=account_id, reward_scheme_id=row_id))


UseRow = Callable[[Database, BootstrapResult, str], Awaitable[None]]
IN_USE: list[tuple[str, UseRow]] = [
    ("account_classification", lambda db, t, i: _ignore(_account(db, t, classification_id=i))),
    ("payment_terms", lambda db, t, i: _ignore(_account(db, t, payment_terms_id=i))),
    ("reward_tier", lambda db, t, i: _ignore(_account(db, t, reward_tier_id=i))),
    ("reward_scheme", _use_by_sign_up),
    ("industry", _use_by_organisation),
    (
        "industry_sector",
        lambda db, t, i: _link(db, organisation_industry_sectors, "industry_sector_id", t, i),
    ),
    (
        "business_activity",
        lambda db, t, i: _link(db, organisation_business_activities, "business_activity_id", t, i),
    ),
    (
        "organisation_group",
        lambda db, t, i: _link(db, organisation_group_members, "group_id", t, i),
    ),
    ("spend_condition", _use_by_commerce_balance),
    ("spend_condition", _use_by_journal),
]


async def _ignore(result: Awaitable[Any]) -> None:
    await result


@pytest.mark.parametrize(
    ("kind_name", "use"),
    IN_USE,
    ids=[f"{name}-{use.__name__}" for name, use in IN_USE],
)
async def test_delete_of_a_row_in_use_is_refused(
    api: Api, db: Database, tenant: BootstrapResult, kind_name: str, use: UseRow
) -> None:
    kind = BY_KIND[kind_name]
    row = await create(api, kind.kind, await kind.input(api, tenant, "Used"))
    await use(db, tenant, row["id"])
    body = await delete_raw(api, kind.kind, row["id"])
    assert_refused(body, 409, [kind.kind, row["id"]])
    assert error_of(body)["code"] == "CONFLICT"
    assert (await get_raw(api, kind.one, row["id"], "name"))["data"][kind.one] == {"name": "Used"}


async def test_a_reference_added_after_the_check_still_refuses_the_delete(
    api: Api, db: Database, tenant: BootstrapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    classification = await create(api, "account_classification", {"name": "Used"})
    await _account(db, tenant, classification_id=classification["id"])

    async def nothing_found(*_args: Any) -> None:
        return None

    # As if the account had been created between the check and the delete.
    monkeypatch.setattr(repository, "first_reference", nothing_found)
    body = await delete_raw(api, "account_classification", classification["id"])
    assert_refused(body, 409, ["account_classification", classification["id"]])
    fetched = await get_raw(api, "account_classification", classification["id"], "name")
    assert fetched["data"]["account_classification"] == {"name": "Used"}


async def test_parents_with_children_cannot_be_deleted(api: Api, tenant: BootstrapResult) -> None:
    sector_input = await BY_KIND["industry_sector"].input(api, tenant, "Bar")
    await create(api, "industry_sector", sector_input)
    body = await delete_raw(api, "industry", sector_input["industry_id"])
    assert_refused(body, 409, ["industry", sector_input["industry_id"]])
    tier_input = await BY_KIND["reward_tier"].input(api, tenant, "Gold")
    await create(api, "reward_tier", tier_input)
    body = await delete_raw(api, "reward_scheme", tier_input["reward_scheme_id"])
    assert_refused(body, 409, ["reward_scheme", tier_input["reward_scheme_id"]])


# --- Who sees what -------------------------------------------------------------------------------


async def _organisation_key(db: Database, parent_id: str | None, name: str) -> str:
    async with db.write() as session:
        parent = await session.get(Organisation, parent_id) if parent_id else None
        organisation = new_organisation(parent, org_type="BUSINESS", name=name)
        session.add(organisation)
        await session.flush()
        return await issue_api_key(session, organisation.id, is_public=False, is_test=False)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.kind)
async def test_another_organisation_cannot_see_them(
    api: Api, db: Database, tenant: BootstrapResult, kind: Kind
) -> None:
    row = await create(api, kind.kind, await kind.input(api, tenant, "Ours"))
    other = api.as_key(await _organisation_key(db, None, "Competitor"))
    assert (await list_page(other, kind.many))["paging"]["total"] == 0
    assert_refused(await get_raw(other, kind.one, row["id"]), 404, [kind.kind, row["id"]])
    body = await update_raw(other, kind.kind, row["id"], {"name": "Theirs"})
    assert_refused(body, 404, [kind.kind, row["id"]])
    assert_refused(await delete_raw(other, kind.kind, row["id"]), 404, [kind.kind, row["id"]])
    fetched = await get_raw(api, kind.one, row["id"], "name")
    assert fetched["data"][kind.one] == {"name": "Ours"}


async def test_a_parent_sees_its_childrens_rows_but_not_the_reverse(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    child = api.as_key(await _organisation_key(db, tenant.organisation_id, "Venue"))
    childs = await create(child, "account_classification", {"name": "Venue's"})
    parents = await create(api, "account_classification", {"name": "Business's"})
    names = [row["name"] for row in (await list_page(api, "account_classifications"))["content"]]
    assert sorted(names) == ["Business's", "Venue's"]
    page = await list_page(child, "account_classifications")
    assert page["content"] == [{"id": childs["id"], "name": "Venue's"}]
    body = await get_raw(child, "account_classification", parents["id"])
    assert_refused(body, 404, ["account_classification", parents["id"]])
    # A tier of a scheme the caller cannot see is refused as an unknown scheme.
    scheme = await create(api, "reward_scheme", {"name": "Parent's club"})
    body = await create_raw(
        child,
        "reward_tier",
        {"name": "Gold", "reward_scheme_id": scheme["id"], "threshold_value_units": "1"},
    )
    assert_refused(body, 404, ["reward_scheme", scheme["id"]])


async def test_test_and_live_keys_see_only_their_own_mode(
    api: Api, tenant: BootstrapResult
) -> None:
    test_api = api.as_key(tenant.test_secret_api_key)
    live = await create(api, "industry", {"name": "Live"})
    test = await create(test_api, "industry", {"name": "Test"})
    assert (await list_page(api, "industries"))["content"] == [{"id": live["id"], "name": "Live"}]
    assert (await list_page(test_api, "industries"))["content"] == [
        {"id": test["id"], "name": "Test"}
    ]
    assert_refused(await get_raw(test_api, "industry", live["id"]), 404, ["industry", live["id"]])
    assert_refused(await get_raw(api, "industry", test["id"]), 404, ["industry", test["id"]])
    # A test-mode sector may not point at a live industry.
    body = await create_raw(test_api, "industry_sector", {"name": "Bar", "industry_id": live["id"]})
    assert_refused(body, 404, ["industry", live["id"]])


async def test_a_public_key_is_forbidden(api: Api, tenant: BootstrapResult) -> None:
    public = api.as_key(tenant.public_api_key)
    body = await create_raw(public, "account_classification", {"name": "Nope"})
    assert_refused(body, 403, [])
    body = await public.graphql("{ account_classifications { paging { total } } }")
    assert error_of(body)["status"] == 403
    assert (await list_page(api, "account_classifications"))["paging"]["total"] == 0


NESTED_TIERS = """
query ($size: Int!) {
  reward_tiers(size: $size, sort: "threshold_value_units", order: ASC) {
    content { name threshold_value_units reward_scheme { name } }
  }
  spend_conditions(size: $size) { content { name organisations { id name } } }
}
"""


async def test_relations_cost_the_same_statements_whatever_the_page_size(
    api: Api, gateway: Any, db: Database, tenant: BootstrapResult
) -> None:
    app, _ = gateway
    async with db.write() as session:
        parent = await session.get(Organisation, tenant.organisation_id)
        venues = [new_organisation(parent, org_type="VENUE", name=f"V{n}") for n in range(10)]
        session.add_all(venues)
    for n in range(10):
        scheme = await create(api, "reward_scheme", {"name": f"Club {n}"})
        await create(
            api,
            "reward_tier",
            {"name": f"T{n}", "reward_scheme_id": scheme["id"], "threshold_value_units": n},
        )
        await create(api, "spend_condition", {"name": f"S{n}", "organisation_ids": [venues[n].id]})

    async def statements_for(size: int) -> int:
        with counting_statements(app) as statements:
            data = await api.data(NESTED_TIERS, {"size": size})
        tiers = data["reward_tiers"]["content"]
        assert [tier["reward_scheme"]["name"] for tier in tiers] == [
            f"Club {n}" for n in range(size)
        ]
        assert [len(c["organisations"]) for c in data["spend_conditions"]["content"]] == [1] * size
        return len(statements)

    await statements_for(1)  # warms the caches of the API key
    assert await statements_for(2) == await statements_for(10)


def _graph() -> graphql.GraphQLSchema:
    return graphql.build_schema(build_schema().as_str())


def test_every_kind_has_its_described_root_fields_and_by_id_loader() -> None:
    graph = _graph()
    query, mutation = graph.query_type, graph.mutation_type
    assert query is not None and mutation is not None
    for kind in ReferenceKind:
        fields = [
            query.fields[kind.value],
            query.fields[BY_KIND[kind.value].many],
            *(mutation.fields[f"{verb}_{kind.value}"] for verb in ("create", "update", "delete")),
        ]
        for field_ in fields:
            assert field_.description
            assert all(arg.description for name, arg in field_.args.items() if name != "input")
        loader = BY_ID_LOADERS[kind]
        assert loader.model is service.KINDS[kind].model
        assert loader.__name__ == f"{loader.model.__name__}ByIdLoader"


def test_sort_arguments_name_the_attributes_a_list_may_be_sorted_by() -> None:
    graph = _graph()
    query, wallet = graph.query_type, graph.get_type("Wallet")
    assert query is not None
    assert isinstance(wallet, graphql.GraphQLObjectType)
    descriptions = {
        "payment_terms_list": query.fields["payment_terms_list"].args["sort"].description,
        "reward_tiers": query.fields["reward_tiers"].args["sort"].description,
        "industries": query.fields["industries"].args["sort"].description,
        "wallet_commerce_balances": (
            query.fields["wallet_commerce_balances"].args["sort"].description
        ),
        "journals": wallet.fields["journals"].args["sort"].description,
    }
    prefix = "The attribute to sort by. "
    assert descriptions == {
        "payment_terms_list": prefix + "created_on (default), name, days.",
        "reward_tiers": prefix + "created_on (default), name, threshold_value_units.",
        "industries": prefix + "created_on (default), name.",
        "wallet_commerce_balances": prefix + "name (default), amount, created_on.",
        "journals": prefix + "created_on (default), posted_on, amount, type.",
    }
    assert sortable_names({"a": 1, "b": 2, "c": 3}, "b") == ["b", "a", "c"]


async def test_every_sort_attribute_a_list_names_is_accepted(api: Api) -> None:
    query = _graph().query_type
    assert query is not None
    description = query.fields["reward_tiers"].args["sort"].description or ""
    names = description.removeprefix("The attribute to sort by. ").rstrip(".").split(", ")
    for name in [name.removesuffix(" (default)") for name in names]:
        page = await list_page(api, "reward_tiers", f'sort: "{name}", order: ASC')
        assert page["paging"]["total"] == 0
