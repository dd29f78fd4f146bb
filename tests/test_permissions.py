"""Roles and permissions: users of three roles walk one allowed and one refused operation per
domain through both doors; the compiled path checks as the general one; every root field
declares its permission."""

from typing import Any

from app.auth.permissions import Permission
from app.db.engine import Database
from app.onboarding import BootstrapResult
from rest_compat.routes import ROUTES
from schema.permissions import access_of
from schema.schema import build_schema
from tests.access_helpers import add_custom_role, add_member, signed_in
from tests.conftest import Api, snapshot_changes, table_snapshot


def test_every_root_field_declares_its_permission() -> None:
    schema = build_schema()._schema
    missing = [
        f"{root.name}.{name}"
        for root in (schema.query_type, schema.mutation_type)
        if root is not None
        for name, field in root.fields.items()
        if access_of(field) is None
    ]
    assert not missing, f"root fields without a needs(...) declaration: {missing}"


def test_openapi_names_each_operations_permission() -> None:
    from rest_compat.openapi import openapi_document

    document = openapi_document(ROUTES)
    contacts_post = document["paths"]["/backoffice/v1/contacts"]["post"]
    assert contacts_post["x-permission"] == "CONTACTS_WRITE"
    assert "CONTACTS_WRITE" in contacts_post["description"]
    sign_in = document["paths"]["/backoffice/v1/users/authenticate"]["post"]
    assert "x-permission" not in sign_in


async def _world(api: Api, db: Database, tenant: BootstrapResult) -> dict[str, Api]:
    """Users of the tenant: ADMIN, READ_ONLY and a custom role that may only read contacts
    and write them (no accounts, no wallets...)."""
    org = tenant.organisation_id
    await add_custom_role(db, org, "CONTACT_DESK", ["CONTACTS_READ", "CONTACTS_WRITE"])
    await add_member(db, org, "admin@example.com", "ADMIN")
    await add_member(db, org, "reader@example.com", "READ_ONLY")
    await add_member(db, org, "desk@example.com", "CONTACT_DESK")
    return {
        "ADMIN": await signed_in(api, "admin@example.com"),
        "READ_ONLY": await signed_in(api, "reader@example.com"),
        "CONTACT_DESK": await signed_in(api, "desk@example.com"),
    }


async def _fixtures(api: Api) -> dict[str, str]:
    contact = await api.rest("POST", "/contacts", {"contact_type": "PERSON", "first_name": "A"})
    contact_id = contact.json()["id"]
    account = await api.rest(
        "POST", f"/contacts/{contact_id}/accounts", {"currency_code": "EUR", "is_primary": True}
    )
    account_id = account.json()["id"]
    wallet_id = (await api.rest("POST", f"/accounts/{account_id}/wallets", {})).json()["id"]
    journal = await api.rest(
        "POST", "/journals", {"wallet_id": wallet_id, "amount": 5, "type": "CREDIT"}
    )
    return {
        "contact": contact_id,
        "account": account_id,
        "wallet": wallet_id,
        "journal": journal.json()["id"],
    }


# One read and one write per domain: (domain, REST read, REST write, GraphQL read, GraphQL write).
def _operations(ids: dict[str, str]) -> list[tuple[str, Any, Any, str, str]]:
    return [
        (
            "CONTACTS",
            ("GET", f"/contacts/{ids['contact']}", None),
            ("PUT", f"/contacts/{ids['contact']}", {"first_name": "B"}),
            f'{{ contact(id: "{ids["contact"]}") {{ id }} }}',
            f'mutation {{ update_contact(id: "{ids["contact"]}", input: {{first_name: "C"}}) '
            "{ id } }",
        ),
        (
            "ACCOUNTS",
            ("GET", f"/accounts/{ids['account']}/rewards", None),
            ("PUT", f"/accounts/{ids['account']}", {"credit_limit": 10}),
            f'{{ account(id: "{ids["account"]}") {{ id }} }}',
            f'mutation {{ update_account(id: "{ids["account"]}", input: {{credit_limit: "20"}}) '
            "{ id } }",
        ),
        (
            "WALLETS",
            ("GET", f"/wallets/{ids['wallet']}", None),
            ("PUT", f"/wallets/{ids['wallet']}", {"minimum_balance": 0}),
            f'{{ wallet(id: "{ids["wallet"]}") {{ id }} }}',
            f'mutation {{ update_wallet(id: "{ids["wallet"]}", input: {{minimum_balance: "0"}}) '
            "{ id } }",
        ),
        (
            "JOURNALS",
            ("GET", f"/journals/{ids['journal']}", None),
            ("POST", "/journals", {"wallet_id": ids["wallet"], "amount": 1, "type": "CREDIT"}),
            f'{{ journal(id: "{ids["journal"]}") {{ id }} }}',
            f'mutation {{ post_journal(input: {{wallet_id: "{ids["wallet"]}", amount: "1", '
            "type: CREDIT, allow_negative_balance: false}) { id } }",
        ),
        (
            "REFERENCE",  # reference data has no REST routes: GraphQL only
            None,
            None,
            "{ industries { content { id } } }",
            'mutation { create_industry(input: {name: "Industry {n}"}) { id } }',
        ),
        (
            "ROLES",
            ("GET", "/roles", None),
            ("POST", "/roles", {"code": "ROLE_{n}", "name": "R", "permissions": []}),
            "{ roles { code } }",
            'mutation { create_role(input: {code: "GQL_{n}", name: "R", permissions: []}) { id } }',
        ),
        (
            "USERS",
            ("GET", "/users", None),
            ("PUT", "/users/{reader}", {"role": "READ_ONLY"}),
            "{ users { content { id } } }",
            'mutation { update_user(id: "{reader}", input: {role: "READ_ONLY"}) { id } }',
        ),
        (
            "TEAMS",
            ("GET", "/teams", None),
            ("POST", "/teams", {"name": "Team {n}"}),
            "{ teams { content { id } } }",
            'mutation { create_team(input: {name: "GraphQL team {n}"}) { id } }',
        ),
        (
            "ORGANISATIONS",
            ("GET", "/organisations/{org}", None),
            ("PUT", "/organisations/{org}", {"description": "Changed"}),
            '{ organisation(id: "{org}") { id } }',
            'mutation { update_organisation(id: "{org}", input: {description: "x"}) { id } }',
        ),
    ]


def _allowed(role: str, domain: str, verb: str) -> bool:
    if role == "ADMIN":
        return True
    if role == "READ_ONLY":
        return verb == "READ"
    return domain == "CONTACTS"  # CONTACT_DESK


async def test_three_roles_one_allowed_and_one_refused_per_domain_both_doors(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    users = await _world(api, db, tenant)
    ids = await _fixtures(api)
    reader = (await users["READ_ONLY"].data("{ me { id role } }"))["me"]
    assert reader["role"] == "READ_ONLY"
    counter = iter(range(1000))

    def fill(text: str) -> str:
        return (
            text.replace("{reader}", reader["id"])
            .replace("{org}", tenant.organisation_id)
            .replace("{n}", str(next(counter)))
        )

    problems: list[str] = []
    for role, client in users.items():
        for domain, rest_read, rest_write, gql_read, gql_write in _operations(ids):
            for verb, rest in (("READ", rest_read), ("WRITE", rest_write)):
                if rest is None:
                    continue
                method, path, body = rest
                permission = f"{domain}_{verb}"
                before = await table_snapshot(db)
                filled = (
                    None
                    if body is None
                    else {k: fill(v) if isinstance(v, str) else v for k, v in body.items()}
                )
                response = await client.rest(method, fill(path), filled)
                if _allowed(role, domain, verb):
                    if response.status_code != 200:
                        problems.append(f"{role} REST {method} {path}: {response.text}")
                else:
                    expected = {
                        "status": 403,
                        "error": "CRM.EXCEPTIONS.FORBIDDENEXCEPTION",
                        "parameters": [permission],
                    }
                    got = response.json()
                    if response.status_code != 403 or {k: got.get(k) for k in expected} != expected:
                        problems.append(f"{role} REST {method} {path}: {response.text}")
                    if snapshot_changes(before, await table_snapshot(db)):
                        problems.append(f"{role} REST {method} {path} changed rows")
            for verb, document in (("READ", gql_read), ("WRITE", gql_write)):
                permission = f"{domain}_{verb}"
                body = await client.graphql(fill(document))
                if _allowed(role, domain, verb):
                    if body.get("errors"):
                        problems.append(f"{role} GraphQL {document}: {body['errors']}")
                else:
                    errors = body.get("errors") or [{}]
                    extensions = errors[0].get("extensions", {})
                    if (
                        extensions.get("code") != "FORBIDDEN"
                        or extensions.get("status") != 403
                        or extensions.get("parameters") != [permission]
                    ):
                        problems.append(f"{role} GraphQL {document}: {body}")
    assert not problems, "\n".join(problems)


async def test_compiled_reads_check_the_declared_permission(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    """`contacts { ... }` is answered from SQL for those who may read contacts, and refused
    (403 naming CONTACTS_READ) on both doors for a custom role without it."""
    await add_custom_role(db, tenant.organisation_id, "WALLET_DESK", ["WALLETS_READ"])
    await add_member(db, tenant.organisation_id, "wallets@example.com", "WALLET_DESK")
    await add_member(db, tenant.organisation_id, "reader@example.com", "READ_ONLY")
    await api.rest("POST", "/contacts", {"contact_type": "PERSON", "first_name": "A"})
    wallet_desk = await signed_in(api, "wallets@example.com")
    reader = await signed_in(api, "reader@example.com")
    query = "{ contacts { content { id first_name } paging { total } } }"

    allowed = await reader.data(query)
    assert allowed["contacts"]["paging"]["total"] == 1
    refused = await wallet_desk.graphql(query)
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["parameters"] == ["CONTACTS_READ"]
    rest = await wallet_desk.rest("GET", "/contacts")
    assert rest.status_code == 403
    assert rest.json()["parameters"] == ["CONTACTS_READ"]
    assert (await reader.rest("GET", "/contacts")).status_code == 200


def test_plan_of_a_compiled_read_carries_the_access() -> None:
    """The compiled plan holds the root field's declaration, the one the general path checks."""
    compiled_reads = build_schema().compiled_reads
    assert compiled_reads is not None
    plan = compiled_reads.plan_for("{ contacts { content { id } } }", None)
    assert plan is not None
    assert plan.roots[0].access is not None
    assert plan.roots[0].access.permission is Permission.CONTACTS_READ


async def test_api_keys_keep_full_access_and_public_keys_their_rules(
    api: Api, tenant: BootstrapResult
) -> None:
    assert (await api.rest("GET", "/users")).status_code == 200
    assert (await api.rest("POST", "/teams", {"name": "Keys"})).status_code == 200
    public = await api.rest("GET", "/contacts", key=tenant.public_api_key)
    assert public.status_code == 403
    assert "public" in public.json()["message"].lower()


async def test_relations_into_another_domain_need_its_permission_on_both_paths(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    """A role that may read contacts but not accounts reads contacts, but not their accounts:
    neither from the compiled path nor from the general one (a field that does not compile
    sends the document there)."""
    org = tenant.organisation_id
    await add_custom_role(db, org, "CONTACT_DESK", ["CONTACTS_READ"])
    await add_member(db, org, "desk@example.com", "CONTACT_DESK")
    contact = await api.rest("POST", "/contacts", {"contact_type": "PERSON", "first_name": "A"})
    contact_id = contact.json()["id"]
    await api.rest(
        "POST", f"/contacts/{contact_id}/accounts", {"currency_code": "EUR", "is_primary": True}
    )
    desk = await signed_in(api, "desk@example.com")
    assert (await desk.data("{ contacts { content { id } } }"))["contacts"]["content"]
    for query in (
        "{ contacts { content { id accounts { id } } } }",  # compiled
        "{ contacts { content { id accounts { id } } } __typename }",  # general path
    ):
        refused = await desk.graphql(query)
        assert "errors" in refused, (query, refused)
        assert refused["errors"][0]["extensions"]["parameters"] == ["ACCOUNTS_READ"], refused
    reader_ok = await api.data("{ contacts { content { id accounts { id } } } }")
    assert reader_ok["contacts"]["content"][0]["accounts"]
