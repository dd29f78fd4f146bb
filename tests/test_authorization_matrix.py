"""Who may call what: every REST route and every GraphQL root field, called by every kind of
caller against one live object of each kind in a target organisation (DESIGN §3, §4).

The network (built directly in the database):

    Cloud (CLOUD_OPERATOR)            <- "parent"
      Owner (SERVICE_OWNER)           <- the target organisation: "own", "own_user", "test_key",
        Shop (BUSINESS)               <- "child"                    "public"
      Other owner (SERVICE_OWNER)     <- "sibling"
    My Business (BUSINESS, bootstrap) <- "other_tenant"

Callers that may see the target answer 2xx; those above the target's view (child, sibling,
another tenant, a test-mode key on live data) answer 404 (or a list without the object); a
test-mode key that would change the organisations network (shared by both modes) answers 403
``["test_mode"]``; a public key answers 403 outside ``/organisations/register`` (and the
routes whose body is the credential: sign-in, refresh, accepting an invitation); switch and
masquerade answer 200 to the signed-in user only and 403 to every key; no, bad, forged or
expired credentials answer 401. Every refused call is checked to have changed no row
of any table.
"""

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from app.db.engine import Database
from app.db.models import Organisation
from app.imports.runner import run_imports_once
from app.main import create_app
from app.messages import Attachment, MessageState, queue_message
from app.onboarding import BootstrapResult, add_owner, issue_api_key
from app.organisations.tree import new_organisation
from app.webhooks.service import queue_webhook_request
from rest_compat.routes import ROUTES
from schema.schema import build_schema
from tests.access_helpers import add_member
from tests.conftest import SUITE_JWT_SECRET, snapshot_changes, suite_settings, table_snapshot

IMPORT_CSV = b"first_name,last_name,code\nAnn,Lee,IMP-1\n,,IMP-2\n"  # the second row is refused

ALLOWED = ("own", "own_user", "parent")
HIDDEN = ("child", "sibling", "other_tenant", "test_key")
UNAUTHENTICATED = ("no_key", "bad_key", "forged_token", "expired_token")
CALLERS = (*ALLOWED, *HIDDEN, "public", *UNAUTHENTICATED)

# Kinds of operation, by what decides who may call them.
TARGET = "target"  # works on an object of the target organisation
# Changes the organisations network at or below the target: shared by both modes, so a
# test-mode key is refused (403, parameters ["test_mode"]) rather than not finding it.
ORG_WRITE = "org_write"
# Reads the target organisation itself: organisations belong to both modes, so a test-mode key
# reads its own (but may not change the live network).
ORG_READ = "org_read"
CREATE = "create"  # creates in the caller's own organisation, naming no other object
LIST = "list"  # a list: every caller gets 200, only those who may see the object find it
# A list of what live and test mode share (teams): a test-mode key of the target finds it too.
ORG_LIST = "org_list"
SIGN_IN = "sign_in"  # POST /users/authenticate: no credentials needed
REGISTER = "register"  # POST /organisations/register below the target: public keys may
NETWORK_WRITES = (ORG_WRITE, REGISTER)
# Switch and masquerade: for a signed-in user only; every API key is refused (403).
USER_ONLY = "user_only"


def expected_status(kind: str, caller: str) -> int:
    """The documented status class for a kind of operation and a caller."""
    if caller in ("bad_key", "forged_token", "expired_token"):
        return 401
    if kind == SIGN_IN:
        return 200
    if caller == "no_key":
        return 401
    if kind == USER_ONLY:
        return 200 if caller == "own_user" else 403
    if caller == "public":
        return 200 if kind == REGISTER else 403
    if caller == "test_key" and kind == ORG_READ:
        return 200
    if caller == "test_key" and kind in NETWORK_WRITES:
        return 403
    if caller in HIDDEN and kind in (TARGET, ORG_READ, *NETWORK_WRITES):
        return 404
    return 200


def acceptable(status: int, expected: int, caller: str) -> bool:
    """A test-mode key may be refused as forbidden as well as not found."""
    return status == expected or (caller == "test_key" and expected == 404 and status == 403)


def should_find(kind: str, caller: str) -> bool:
    """Whether a list answered to ``caller`` holds the target's object."""
    return caller in ALLOWED or (kind == ORG_LIST and caller == "test_key")


def network_write_problem(kind: str, caller: str, parameters: Any) -> str | None:
    """A test-mode key's refused network write must name ``test_mode``."""
    if caller == "test_key" and kind in NETWORK_WRITES and parameters != ["test_mode"]:
        return f"refused with parameters {parameters}, expected ['test_mode']"
    return None


# --- the network ---------------------------------------------------------------------------


@dataclass
class World:
    """The network's credentials and the target organisation's objects."""

    client: httpx.AsyncClient
    db: Database
    target_id: str
    child_id: str
    owner_email: str
    owner_password: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    serial: "count[int]" = field(default_factory=lambda: count(1))
    pairs: int = 0

    def unique(self, prefix: str) -> str:
        return f"{prefix}-{next(self.serial):04d}"

    async def rest(self, method: str, path: str, body: Any = None, caller: str = "own") -> Any:
        response = await self.client.request(
            method, "/backoffice/v1" + path, json=body, headers=self.headers[caller]
        )
        assert response.status_code in (200, 201), (method, path, response.text)
        return response.json()

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self.headers["own"],
        )
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    # Fresh objects of the target organisation, for operations that cannot be repeated.

    async def file(self) -> str:
        """A CSV file of the target organisation."""
        response = await self.client.post(
            "/backoffice/v1/upload/files",
            files={"file": ("people.csv", IMPORT_CSV, "text/csv")},
            headers=self.headers["own"],
        )
        assert response.status_code == 200, response.text
        file_id: str = response.json()["id"]
        return file_id

    async def failed_import(self, file_id: str) -> str:
        """A FAILED import of the target organisation (one of its rows is refused)."""
        body = {"file_id": file_id, "type": "CONTACTS", "auto_generate_config": True}
        import_id: str = (await self.rest("POST", "/imports", body))["id"]
        assert await run_imports_once(self.db) == 1  # the matrix's gateway runs no worker
        document = "query($id: ID!) { import(id: $id) { status } }"
        assert (await self.gql(document, {"id": import_id}))["import"]["status"] == "FAILED"
        return import_id

    async def contact(self) -> str:
        code = self.unique("C")
        body = {"contact_type": "PERSON", "first_name": "John", "last_name": code, "code": code}
        contact_id: str = (await self.rest("POST", "/contacts", body))["id"]
        return contact_id

    async def insight(self) -> str:
        """An insight of the target organisation with one event, filter and breakdown."""
        insight_id: str = (await self.rest("POST", "/insights", {"name": "Spends"}))["id"]
        parts = {
            "events": {"events": [{"name": "Spends", "event_name": "SPEND"}]},
            "filters": {"filters": [{"type": "EVENT", "property_name": "venue.name"}]},
            "breakdowns": {"breakdowns": [{"type": "CONTACT", "property_name": "city"}]},
        }
        for part, body in parts.items():
            await self.rest("POST", f"/insights/{insight_id}/{part}", body)
        return insight_id

    async def activity(self) -> str:
        """An activity of the target organisation holding the tag T1."""
        activity_id: str = (await self.rest("POST", "/activities", {"name": "Call"}))["id"]
        await self.rest("POST", f"/activities/{activity_id}/tags", {"tags": [{"id": "T1"}]})
        return activity_id

    async def media_group(self) -> str:
        """A media group of the target organisation; its external id."""
        body = {"name": "Marketing", "externalId": self.unique("MG")}
        external_id: str = (await self.rest("POST", "/media_group", body))["external_id"]
        return external_id

    async def media(self) -> str:
        """A media item (a signed upload) of the target's media group."""
        body = {"media_group_external_id": self.ids["media_group"], "media_usage_type": "LOGO"}
        signed = await self.rest("POST", "/upload/media", body)
        media_id: str = signed["upload_options"][0]["media_id"]
        return media_id

    async def webhook(self) -> str:
        body = {"name": self.unique("Hook"), "url_endpoint": "http://127.0.0.1:9/hook"}
        webhook_id: str = (await self.rest("POST", "/webhooks", body))["id"]
        return webhook_id

    async def webhook_request(self, *, failed: bool = False) -> str:
        """A request of the target's webhook, PENDING (due in 2999) or FAILED."""
        async with self.db.write() as session:
            request = await queue_webhook_request(
                session,
                organisation_id=self.target_id,
                webhook_id=self.ids["webhook"],
                payload={"type": "test"},
            )
            request.next_attempt_on = request.next_attempt_on.replace(year=2999)
            if failed:
                request.state, request.attempts, request.attempts_allowed = "FAILED", 1, 1
            return request.id

    async def account(self, contact_id: str | None = None, primary: bool = True) -> str:
        contact_id = contact_id or await self.contact()
        body = {"currency_code": "EUR", "is_primary": primary}
        account_id: str = (await self.rest("POST", f"/contacts/{contact_id}/accounts", body))["id"]
        return account_id

    async def wallet(self, account_id: str | None = None) -> str:
        account_id = account_id or await self.account()
        wallet_id: str = (await self.rest("POST", f"/accounts/{account_id}/wallets", {}))["id"]
        return wallet_id

    async def reference(self, kind: str) -> str:
        data = await self.gql(
            f"mutation($input: Create{pascal(kind)}Input!) "
            f"{{ create_{kind}(input: $input) {{ id }} }}",
            {"input": reference_input(self, kind)},
        )
        reference_id: str = data[f"create_{kind}"]["id"]
        return reference_id

    async def member(self, role: str = "READ_ONLY") -> str:
        return await add_member(self.db, self.target_id, f"{self.unique('m')}@example.com", role)

    async def team(self, member_id: str | None = None) -> str:
        body = {"name": self.unique("Team")}
        path = f"/teams?organisation_id={self.target_id}"
        team_id: str = (await self.rest("POST", path, body))["id"]
        if member_id is not None:
            await self.rest("POST", f"/teams/{team_id}/members", {"user_id": member_id})
        return team_id

    async def role(self) -> str:
        body = {"code": self.unique("ROLE").replace("-", "_"), "name": "R", "permissions": []}
        path = f"/roles?organisation_id={self.target_id}"
        role_id: str = (await self.rest("POST", path, body))["id"]
        return role_id

    async def report(self) -> str:
        """A scheduled report of the target organisation (due on the 1st of January only)."""
        body = {"scheduler_options": {"frequency": "0 0 0 1 1 ?"}}
        report_id: str = (await self.rest("POST", "/reports/contacts_summary", body))["id"]
        return report_id

    async def message(self) -> str:
        """A KEPT outbox message of the target organisation with one attachment."""
        async with self.db.write() as session:
            message = await queue_message(
                session,
                organisation_id=self.target_id,
                to=["someone@example.com"],
                subject="Report",
                body_text="Attached.",
                attachments=[Attachment("report.csv", "text/csv", b"Code\r\n")],
                origin="REPORT",
            )
            message.state = MessageState.KEPT
            return message.id

    async def organisation(self) -> str:
        body = {"org_type": "BUSINESS", "name": self.unique("Business")}
        organisation_id: str = (
            await self.rest("POST", f"/organisations/{self.target_id}/network", body)
        )["id"]
        return organisation_id


def pascal(kind: str) -> str:
    return "".join(part.capitalize() for part in kind.split("_"))


REFERENCE_KINDS = {
    # kind: its list field
    "account_classification": "account_classifications",
    "payment_terms": "payment_terms_list",
    "industry": "industries",
    "industry_sector": "industry_sectors",
    "business_activity": "business_activities",
    "organisation_group": "organisation_groups",
    "reward_scheme": "reward_schemes",
    "reward_tier": "reward_tiers",
    "spend_condition": "spend_conditions",
}


def reference_input(world: World, kind: str) -> dict[str, Any]:
    """A minimal valid create input of a reference kind (pointing at the target's objects)."""
    body: dict[str, Any] = {"name": world.unique(kind)}
    if kind == "payment_terms":
        body["days"] = 30
    elif kind == "industry_sector":
        body["industry_id"] = world.ids["industry"]
    elif kind == "reward_scheme":
        body["sign_up_method"] = "OPEN"
    elif kind == "reward_tier":
        body |= {"reward_scheme_id": world.ids["reward_scheme"], "threshold_value_units": "10"}
    elif kind == "spend_condition":
        body["is_active"] = True
    return body


async def build_world(
    client: httpx.AsyncClient, db: Database, tenant: BootstrapResult, authenticator: Any
) -> World:
    """The network of the module docstring, its credentials, and the target's objects."""
    async with db.write() as session:
        cloud = new_organisation(None, org_type="CLOUD_OPERATOR", name="Cloud")
        session.add(cloud)
        await session.flush()
        target = new_organisation(cloud, org_type="SERVICE_OWNER", name="Owner")
        sibling = new_organisation(cloud, org_type="SERVICE_OWNER", name="Other owner")
        session.add_all([target, sibling])
        await session.flush()
        child = new_organisation(target, org_type="BUSINESS", name="Shop", is_business=True)
        session.add(child)
        await session.flush()

        async def secret(organisation: Organisation, *, test: bool = False) -> str:
            return await issue_api_key(session, organisation.id, is_public=False, is_test=test)

        keys = {
            "own": await secret(target),
            "parent": await secret(cloud),
            "child": await secret(child),
            "sibling": await secret(sibling),
            "test_key": await secret(target, test=True),
            "public": await issue_api_key(session, target.id, is_public=True, is_test=False),
            "other_tenant": tenant.secret_api_key,
        }
        user = await add_owner(session, target.id, "target.owner@example.com", "pw-0123456789")
        await session.flush()
        user_id, target_id, child_id = user.id, target.id, child.id

    now = datetime.now(UTC)
    claims = {"sub": user_id, "org": target_id, "iat": now, "exp": now + timedelta(hours=1)}
    headers = {name: {"api_key": key} for name, key in keys.items()}
    headers["own_user"] = {
        "authorization": f"Bearer {authenticator.issue_token(user_id, target_id, 'OWNER')}"
    }
    forged = jwt.encode(claims, "another-secret-0123456789-0123456789", algorithm="HS256")
    headers["forged_token"] = {"authorization": f"Bearer {forged}"}
    expired_claims = claims | {"iat": now - timedelta(hours=2), "exp": now - timedelta(hours=1)}
    expired = jwt.encode(expired_claims, SUITE_JWT_SECRET, algorithm="HS256")
    headers["expired_token"] = {"authorization": f"Bearer {expired}"}
    headers["no_key"] = {}
    headers["bad_key"] = {"api_key": "sk_live_" + "0" * 40}

    world = World(
        client, db, target_id, child_id, "target.owner@example.com", "pw-0123456789", headers
    )
    ids = world.ids
    ids["contact"] = await world.contact()
    ids["account"] = await world.account(ids["contact"])
    ids["account2"] = await world.account(ids["contact"], primary=False)
    ids["wallet"] = await world.wallet(ids["account"])
    journal = {"wallet_id": ids["wallet"], "amount": 5, "type": "CREDIT"}
    ids["journal"] = (await world.rest("POST", "/journals", journal))["id"]
    for kind in REFERENCE_KINDS:
        ids[kind] = await world.reference(kind)
    ids["member"] = await world.member()
    ids["team"] = await world.team(ids["member"])
    ids["role"] = await world.role()
    ids["activity"] = await world.activity()
    ids["file"] = await world.file()
    ids["import"] = await world.failed_import(ids["file"])
    ids["media_group"] = await world.media_group()
    ids["media"] = await world.media()
    ids["automation"] = await new_automation(world)
    ids["approval_request"] = await new_approval_request(world)
    ids["webhook"] = await world.webhook()
    ids["webhook_request"] = await world.webhook_request()
    ids["insight"] = await world.insight()
    event = {"type": "PURCHASE", "contact_id": ids["contact"], "amount": 3, "currency_code": "EUR"}
    ids["customer_event"] = (await world.rest("POST", "/customer_events", event))["id"]
    ids["report"] = await world.report()
    ids["message"] = await world.message()
    return world


# --- what is sent ----------------------------------------------------------------------------

Ids = dict[str, str]
Arrange = Callable[[World], Awaitable[Ids]]


async def shared(world: World) -> Ids:
    return dict(world.ids)


async def fresh_contact(world: World) -> Ids:
    return world.ids | {"contact": await world.contact()}


async def fresh_file(world: World) -> Ids:
    return world.ids | {"file": await world.file()}


async def fresh_activity(world: World) -> Ids:
    return world.ids | {"activity": await world.activity()}


async def fresh_media(world: World) -> Ids:
    return world.ids | {"media": await world.media()}


async def fresh_webhook(world: World) -> Ids:
    return world.ids | {"webhook": await world.webhook()}


async def fresh_failed_webhook_request(world: World) -> Ids:
    return world.ids | {"webhook_request": await world.webhook_request(failed=True)}


async def fresh_insight(world: World) -> Ids:
    return world.ids | {"insight": await world.insight()}


def finds_contact_id(body: Any, ids: Ids) -> bool:
    """Whether distinct values (a list of ``{"property_value"}``) hold the target's contact id."""
    return any(row["property_value"] == ids["contact"] for row in body)


async def fresh_account(world: World) -> Ids:
    return world.ids | {"account": await world.account()}


async def fresh_signed_up_account(world: World) -> Ids:
    account_id = await world.account()
    body = {"reward_scheme_id": world.ids["reward_scheme"]}
    await world.rest("POST", f"/accounts/{account_id}/reward_schemes", body)
    return world.ids | {"account": account_id}


async def fresh_account_with_merchant(world: World) -> Ids:
    account_id = await world.account()
    body = {"merchants": [{"organisation_id": world.target_id, "is_next_visit": False}]}
    await world.rest("POST", f"/accounts/{account_id}/merchants", body)
    return world.ids | {"account": account_id}


async def fresh_wallet(world: World) -> Ids:
    return world.ids | {"wallet": await world.wallet()}


async def fresh_report(world: World) -> Ids:
    return world.ids | {"report": await world.report()}


async def fresh_message(world: World) -> Ids:
    return world.ids | {"message": await world.message()}


async def fresh_member(world: World) -> Ids:
    return world.ids | {"member": await world.member()}


async def fresh_team(world: World) -> Ids:
    return world.ids | {"team": await world.team(world.ids["member"])}


async def fresh_role(world: World) -> Ids:
    return world.ids | {"role": await world.role()}


async def fresh_organisation(world: World) -> Ids:
    return world.ids | {"organisation": await world.organisation()}


async def fresh_refresh_token(world: World) -> Ids:
    credentials = {"username": world.owner_email, "password": world.owner_password}
    response = await world.client.post("/backoffice/v1/users/authenticate", json=credentials)
    assert response.status_code == 200, response.text
    return world.ids | {"refresh_token": response.json()["refresh_token"]}


async def fresh_invitation(world: World) -> Ids:
    body = {"email": f"{world.unique('invitee')}@example.com", "role": "ADMIN"}
    return world.ids | {
        "invitation": (await world.rest("POST", "/users/invitations", body))["token"]
    }


async def fresh_api_key(world: World) -> Ids:
    created = await world.rest("POST", f"/organisations/{world.target_id}/api_keys", {})
    return world.ids | {"api_key": created["id"]}


@dataclass(frozen=True)
class RestCase:
    """How to call one route: its kind, path ids, body, and what to arrange per allowed call."""

    kind: str
    path_ids: Callable[[World, Ids], dict[str, str]] = lambda w, ids: {}
    body: Callable[[World, Ids], Any] = lambda w, ids: None
    arrange: Arrange = shared
    # For lists: whether the response holds the target's object.
    finds: Callable[[Any, Ids], bool] | None = None
    # Query parameters (``organisation_id`` naming the target).
    query: Callable[[World, Ids], dict[str, str]] = lambda w, ids: {}
    # A multipart body (the upload routes) instead of JSON.
    files: Callable[[World, Ids], Any] | None = None


def ids_in_content(key: str) -> Callable[[Any, Ids], bool]:
    return lambda body, ids: any(row.get("id") == ids[key] for row in body["content"])


def in_target(w: World, ids: Ids) -> dict[str, str]:
    """The query string naming the target organisation as ``organisation_id``."""
    return {"organisation_id": w.target_id}


ACCESS_REST_CASES: dict[tuple[str, str], RestCase] = {
    ("GET", "/users"): RestCase(ORG_READ, query=in_target),
    ("GET", "/users/{id}"): RestCase(
        ORG_READ, lambda w, ids: {"id": ids["member"]}, query=in_target
    ),
    ("PUT", "/users/{id}"): RestCase(
        ORG_WRITE,
        lambda w, ids: {"id": ids["member"]},
        lambda w, ids: {"role": "READ_ONLY"},
        query=in_target,
    ),
    ("DELETE", "/users/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["member"]}, arrange=fresh_member, query=in_target
    ),
    ("GET", "/roles"): RestCase(ORG_READ, query=in_target),
    ("POST", "/roles"): RestCase(
        ORG_WRITE,
        body=lambda w, ids: {
            "code": w.unique("R").replace("-", "_"),
            "name": "R",
            "permissions": [],
        },
        query=in_target,
    ),
    ("GET", "/roles/{id}"): RestCase(ORG_READ, lambda w, ids: {"id": ids["role"]}),
    ("PUT", "/roles/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["role"]}, lambda w, ids: {"name": "Renamed"}
    ),
    ("DELETE", "/roles/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["role"]}, arrange=fresh_role
    ),
    ("GET", "/teams"): RestCase(ORG_LIST, finds=ids_in_content("team")),
    ("POST", "/teams"): RestCase(
        ORG_WRITE, body=lambda w, ids: {"name": w.unique("T")}, query=in_target
    ),
    ("GET", "/teams/{id}"): RestCase(ORG_READ, lambda w, ids: {"id": ids["team"]}),
    ("PUT", "/teams/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["team"]}, lambda w, ids: {"description": "x"}
    ),
    ("DELETE", "/teams/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["team"]}, arrange=fresh_team
    ),
    ("POST", "/teams/{id}/members"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["team"]}, lambda w, ids: {"user_id": ids["member"]}
    ),
    ("DELETE", "/teams/{id}/members/{user_id}"): RestCase(
        ORG_WRITE,
        lambda w, ids: {"id": ids["team"], "user_id": ids["member"]},
        arrange=fresh_team,
    ),
    ("POST", "/customer_events"): RestCase(
        TARGET,
        body=lambda w, ids: {"type": "REFERRAL", "contact_id": ids["contact"]},
    ),
    ("GET", "/customer_events"): RestCase(
        LIST,
        finds=ids_in_content("customer_event"),
        query=lambda w, ids: {"type": "PURCHASE", "size": "100"},
    ),
    ("POST", "/insights"): RestCase(CREATE, body=lambda w, ids: {"name": "Insight"}),
    ("GET", "/insights"): RestCase(LIST, finds=ids_in_content("insight")),
    ("GET", "/insights/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["insight"]}),
    ("PUT", "/insights/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["insight"]}, lambda w, ids: {"description": "d"}
    ),
    ("DELETE", "/insights/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["insight"]}, arrange=fresh_insight
    ),
    ("POST", "/insights/{id}/events"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["insight"]},
        lambda w, ids: {"events": [{"event_name": "AWARD"}]},
        arrange=fresh_insight,
    ),
    ("POST", "/insights/{id}/filters"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["insight"]},
        lambda w, ids: {"filters": [{"type": "CONTACT", "property_name": "code"}]},
        arrange=fresh_insight,
    ),
    ("POST", "/insights/{id}/breakdowns"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["insight"]},
        lambda w, ids: {"breakdowns": [{"type": "EVENT", "property_name": "venue.name"}]},
        arrange=fresh_insight,
    ),
    ("GET", "/insights/{id}/results"): RestCase(TARGET, lambda w, ids: {"id": ids["insight"]}),
    ("POST", "/insights/{id}/preview"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["insight"]},
        lambda w, ids: {"events": [{"event_name": "PURCHASE"}]},
    ),
    ("POST", "/insights/{id}/exports"): RestCase(
        TARGET, lambda w, ids: {"id": ids["insight"]}, lambda w, ids: {"type": "TABULAR"}
    ),
    ("GET", "/distincts"): RestCase(
        LIST,
        finds=finds_contact_id,
        query=lambda w, ids: {"collection": "CONTACT", "property": "id"},
    ),
    ("GET", "/organisations/{id}/analytics"): RestCase(
        ORG_READ, lambda w, ids: {"id": w.target_id}, query=lambda w, ids: {"metrics": "NETWORK"}
    ),
    ("GET", "/contacts/{contact_id}/analytics"): RestCase(
        TARGET,
        lambda w, ids: {"contact_id": ids["contact"]},
        query=lambda w, ids: {"metrics": "USAGE"},
    ),
}

# Automations and approval requests of the target organisation.


async def new_automation(world: World) -> str:
    """An automation of the target with one approval action (asking the OWNER role)."""
    body = {"name": world.unique("Auto"), "entity": "CONTACTS", "event": "UPDATE_CUSTOMER"}
    automation_id: str = (await world.rest("POST", "/automations", body))["id"]
    action = {
        "adaptor": "APPROVAL_REQUESTS",
        "adaptor_action": "REQUEST_USER_APPROVAL",
        "adaptor_action_parameters": [
            {"parameter_key": "ROLE_ID", "parameter_from_value": "OWNER"}
        ],
    }
    await world.rest("POST", f"/automations/{automation_id}/actions", {"content": [action]})
    return automation_id


async def new_approval_request(world: World) -> str:
    """A PENDING approval request of the target (written directly) that the target's owner
    (as a USER) and its contact (so secret keys, relaying a customer's answer) may decide."""
    from sqlalchemy import select

    from app.db.models import ApprovalCondition, ApprovalRequest, User

    async with world.db.write() as session:
        owner = (
            await session.execute(select(User.id).where(User.email == world.owner_email))
        ).scalar_one()
        request = ApprovalRequest(
            organisation_id=world.target_id,
            entity_type="CONTACT",
            entity_id=world.ids["contact"],
            entity_reference="C-0001",
        )
        session.add(request)
        await session.flush()
        session.add_all(
            [
                ApprovalCondition(approval_request_id=request.id, type="USER", target_id=owner),
                ApprovalCondition(
                    approval_request_id=request.id,
                    type="CONTACT",
                    target_id=world.ids["contact"],
                    position=1,
                ),
            ]
        )
        request_id: str = request.id
        return request_id


async def fresh_automation(world: World) -> Ids:
    return world.ids | {"automation": await new_automation(world)}


async def fresh_approval_request(world: World) -> Ids:
    return world.ids | {"approval_request": await new_approval_request(world)}


AUTOMATION_ACTIONS_BODY = {
    "content": [{"adaptor": "APPROVAL_REQUESTS", "adaptor_action": "REQUEST_CUSTOMER_APPROVAL"}]
}

AUTOMATION_REST_CASES: dict[tuple[str, str], RestCase] = {
    ("POST", "/automations"): RestCase(
        CREATE,
        body=lambda w, ids: {
            "name": "A",
            "state": "INACTIVE",
            "entity": "CONTACTS",
            "event": "REGISTER_CUSTOMER",
        },
    ),
    ("GET", "/automations"): RestCase(LIST, finds=ids_in_content("automation")),
    ("GET", "/automations/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["automation"]}),
    ("PUT", "/automations/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["automation"]}, lambda w, ids: {"description": "d"}
    ),
    ("DELETE", "/automations/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["automation"]}, arrange=fresh_automation
    ),
    ("GET", "/automations/{id}/actions"): RestCase(
        TARGET, lambda w, ids: {"id": ids["automation"]}
    ),
    ("POST", "/automations/{id}/actions"): RestCase(
        TARGET, lambda w, ids: {"id": ids["automation"]}, lambda w, ids: AUTOMATION_ACTIONS_BODY
    ),
    ("GET", "/approval_requests"): RestCase(LIST, finds=ids_in_content("approval_request")),
    ("POST", "/approval_requests/{id}/actions"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["approval_request"]},
        lambda w, ids: {"life_cycle_state": "APPROVED"},
        arrange=fresh_approval_request,
    ),
    ("POST", "/approval_requests/{id}/life_cycle_state"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["approval_request"]},
        lambda w, ids: {"state": "REJECTED", "reason": "No"},
        arrange=fresh_approval_request,
    ),
    ("GET", "/approval_requests/my_pending_approvals"): RestCase(USER_ONLY),
    ("GET", "/approval_requests/my_requests"): RestCase(USER_ONLY),
}


REST_CASES: dict[tuple[str, str], RestCase] = {
    ("POST", "/contacts"): RestCase(
        CREATE,
        body=lambda w, ids: {"contact_type": "PERSON", "first_name": "N", "code": w.unique("N")},
    ),
    ("GET", "/contacts"): RestCase(LIST, finds=ids_in_content("contact")),
    ("GET", "/contacts/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["contact"]}),
    ("PUT", "/contacts/{id}"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["contact"]},
        lambda w, ids: {"email_address": "john.doe@example.com"},
    ),
    ("DELETE", "/contacts/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["contact"]}, arrange=fresh_contact
    ),
    ("POST", "/activities"): RestCase(CREATE, body=lambda w, ids: {"name": "Call"}),
    ("GET", "/activities"): RestCase(LIST, finds=ids_in_content("activity")),
    ("GET", "/activities/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["activity"]}),
    ("PUT", "/activities/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["activity"]}, lambda w, ids: {"description": "d"}
    ),
    ("DELETE", "/activities/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["activity"]}, arrange=fresh_activity
    ),
    ("PUT", "/activities/{id}/status"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["activity"]},
        lambda w, ids: {"status": "COMPLETED"},
        arrange=fresh_activity,
    ),
    ("GET", "/activities/{id}/tags"): RestCase(TARGET, lambda w, ids: {"id": ids["activity"]}),
    ("POST", "/activities/{id}/tags"): RestCase(
        TARGET, lambda w, ids: {"id": ids["activity"]}, lambda w, ids: {"tags": [{"id": "T2"}]}
    ),
    ("PUT", "/activities/{id}/tags"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["activity"]},
        lambda w, ids: {"tags": [{"id": "T3"}]},
        arrange=fresh_activity,
    ),
    ("DELETE", "/activities/{id}/tags/{tag_id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["activity"], "tag_id": "T1"}, arrange=fresh_activity
    ),
    ("POST", "/users/authenticate"): RestCase(
        SIGN_IN, body=lambda w, ids: {"email": w.owner_email, "password": w.owner_password}
    ),
    ("POST", "/contacts/{contact_id}/accounts"): RestCase(
        TARGET,
        lambda w, ids: {"contact_id": ids["contact"]},
        lambda w, ids: {"currency_code": "EUR", "is_primary": False},
    ),
    ("PUT", "/accounts/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["account"]}, lambda w, ids: {"credit_limit": 200}
    ),
    ("GET", "/contacts/{contact_id}/accounts"): RestCase(
        TARGET, lambda w, ids: {"contact_id": ids["contact"]}
    ),
    ("POST", "/accounts/{id}/life_cycle_state"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["account"]},
        lambda w, ids: {"life_cycle_state": "SUSPENDED"},
        arrange=fresh_account,
    ),
    ("GET", "/accounts/{id}/financials"): RestCase(TARGET, lambda w, ids: {"id": ids["account"]}),
    ("GET", "/accounts/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["account"]}),
    ("PUT", "/accounts/{id}/rewards"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["account"]},
        lambda w, ids: {"spending_blocked_status": True},
    ),
    ("GET", "/accounts/{id}/rewards"): RestCase(TARGET, lambda w, ids: {"id": ids["account"]}),
    ("POST", "/accounts/{id}/reward_schemes"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["account"]},
        lambda w, ids: {"reward_scheme_id": ids["reward_scheme"]},
        arrange=fresh_account,
    ),
    ("DELETE", "/accounts/{id}/reward_schemes/{reward_scheme_id}"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["account"], "reward_scheme_id": ids["reward_scheme"]},
        arrange=fresh_signed_up_account,
    ),
    ("POST", "/accounts/{id}/merchants"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["account"]},
        lambda w, ids: {"merchants": [{"organisation_id": w.target_id, "is_next_visit": False}]},
        arrange=fresh_account,
    ),
    ("DELETE", "/accounts/{id}/merchants/{merchant_id}"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["account"], "merchant_id": w.target_id},
        arrange=fresh_account_with_merchant,
    ),
    ("POST", "/accounts/{id}/wallets"): RestCase(
        TARGET, lambda w, ids: {"id": ids["account"]}, lambda w, ids: {}, arrange=fresh_account
    ),
    ("PUT", "/wallets/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["wallet"]}, lambda w, ids: {"minimum_balance": 0}
    ),
    ("POST", "/wallets/{id}/actions"): RestCase(
        TARGET,
        lambda w, ids: {"id": ids["wallet"]},
        lambda w, ids: {"action": "TERMINATED"},
        arrange=fresh_wallet,
    ),
    ("GET", "/wallets/{id}/commerce_balances"): RestCase(
        TARGET, lambda w, ids: {"id": ids["wallet"]}
    ),
    ("POST", "/journals"): RestCase(
        TARGET, body=lambda w, ids: {"wallet_id": ids["wallet"], "amount": 1, "type": "CREDIT"}
    ),
    ("GET", "/wallets/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["wallet"]}),
    ("GET", "/journals/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["journal"]}),
    ("GET", "/wallets/{id}/journals"): RestCase(TARGET, lambda w, ids: {"id": ids["wallet"]}),
    ("POST", "/organisations/register"): RestCase(
        REGISTER,
        body=lambda w, ids: {
            "name": w.unique("Registered"),
            "organisation_id": w.target_id,
            "owner": {
                "first_name": "Ann",
                "contact_info": [{"type": "EMAIL", "value": f"{w.unique('ann')}@example.com"}],
            },
        },
    ),
    ("POST", "/organisations/{id}/network"): RestCase(
        ORG_WRITE,
        lambda w, ids: {"id": w.target_id},
        lambda w, ids: {"org_type": "BUSINESS", "name": w.unique("Child")},
    ),
    ("PUT", "/organisations/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": w.target_id}, lambda w, ids: {"description": "Changed"}
    ),
    ("DELETE", "/organisations/{id}"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": ids["organisation"]}, arrange=fresh_organisation
    ),
    ("GET", "/organisations/{id}/network"): RestCase(ORG_READ, lambda w, ids: {"id": w.target_id}),
    ("GET", "/organisations/{id}"): RestCase(ORG_READ, lambda w, ids: {"id": w.target_id}),
    ("POST", "/users/refresh"): RestCase(
        SIGN_IN,
        body=lambda w, ids: {"refresh_token": ids["refresh_token"]},
        arrange=fresh_refresh_token,
    ),
    ("POST", "/users/invitations"): RestCase(
        ORG_WRITE,
        body=lambda w, ids: {
            "organisation_id": w.target_id,
            "email": f"{w.unique('invitee')}@example.com",
            "role": "ADMIN",
        },
    ),
    ("POST", "/users/invitations/accept"): RestCase(
        SIGN_IN,
        body=lambda w, ids: {"token": ids["invitation"], "password": "a-long-password"},
        arrange=fresh_invitation,
    ),
    ("POST", "/organisations/{id}/switch"): RestCase(USER_ONLY, lambda w, ids: {"id": w.target_id}),
    ("POST", "/organisations/{id}/masquerade"): RestCase(
        USER_ONLY, lambda w, ids: {"id": w.child_id}
    ),
    ("GET", "/organisations/{id}/api_keys"): RestCase(ORG_READ, lambda w, ids: {"id": w.target_id}),
    ("POST", "/organisations/{id}/api_keys"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": w.target_id}, lambda w, ids: {"mode": "TEST"}
    ),
    ("DELETE", "/organisations/{id}/api_keys/{key_id}"): RestCase(
        ORG_WRITE,
        lambda w, ids: {"id": w.target_id, "key_id": ids["api_key"]},
        arrange=fresh_api_key,
    ),
    ("POST", "/organisations/{id}/actions"): RestCase(
        ORG_WRITE, lambda w, ids: {"id": w.target_id}, lambda w, ids: {"action": "MODE"}
    ),
    ("POST", "/upload/files"): RestCase(
        CREATE, files=lambda w, ids: {"file": ("people.csv", IMPORT_CSV, "text/csv")}
    ),
    ("GET", "/files/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["file"]}),
    ("DELETE", "/files/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["file"]}, arrange=fresh_file
    ),
    ("GET", "/imports/preview"): RestCase(
        TARGET, body=lambda w, ids: {"file_id": ids["file"], "preview_rows": 2}
    ),
    ("POST", "/imports"): RestCase(
        TARGET,
        body=lambda w, ids: {
            "file_id": ids["file"],
            "type": "CONTACTS",
            "auto_generate_config": True,
        },
    ),
    ("GET", "/imports"): RestCase(LIST, finds=ids_in_content("import")),
    ("POST", "/imports/{id}/actions"): RestCase(
        TARGET, lambda w, ids: {"id": ids["import"]}, lambda w, ids: {"action": "REPLAY"}
    ),
    ("POST", "/media_group"): RestCase(
        CREATE, body=lambda w, ids: {"name": "G", "externalId": w.unique("G")}
    ),
    ("POST", "/upload/media"): RestCase(
        TARGET,
        body=lambda w, ids: {
            "media_group_external_id": ids["media_group"],
            "media_usage_type": "LOGO",
        },
    ),
    ("POST", "/upload/sign"): RestCase(
        TARGET,
        body=lambda w, ids: {
            "mediaGroupExternalId": ids["media_group"],
            "mediaUsageType": "AVATAR",
        },
    ),
    ("DELETE", "/media/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["media"]}, arrange=fresh_media
    ),
    ("PUT", "/organisations/{id}/media_groups"): RestCase(
        TARGET,
        lambda w, ids: {"id": w.target_id},
        lambda w, ids: {"media_groups": [{"id": ids["media_group"]}]},
    ),
    ("GET", "/organisations/{id}/activity_feed"): RestCase(
        ORG_READ, lambda w, ids: {"id": w.target_id}
    ),
    ("POST", "/webhooks"): RestCase(
        CREATE, body=lambda w, ids: {"name": "H", "url_endpoint": "https://crm.com/h"}
    ),
    ("GET", "/webhooks"): RestCase(LIST, finds=ids_in_content("webhook")),
    ("GET", "/webhooks/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["webhook"]}),
    ("PUT", "/webhooks/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["webhook"]}, lambda w, ids: {"name": "Renamed"}
    ),
    ("DELETE", "/webhooks/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["webhook"]}, arrange=fresh_webhook
    ),
    ("POST", "/webhooks/{id}/rotate_secret"): RestCase(
        TARGET, lambda w, ids: {"id": ids["webhook"]}
    ),
    ("GET", "/webhook_requests"): RestCase(LIST, finds=ids_in_content("webhook_request")),
    ("POST", "/webhook_requests/actions"): RestCase(
        TARGET,
        body=lambda w, ids: {"action": "RESEND", "webhook_requests": [ids["webhook_request"]]},
        arrange=fresh_failed_webhook_request,
    ),
    ("GET", "/adaptors/{id}/actions/{action_id}/records"): RestCase(
        LIST,
        lambda w, ids: {"id": "WEBHOOKS", "action_id": "POST_WEBHOOK"},
        finds=ids_in_content("webhook_request"),
    ),
    ("GET", "/adaptors/{id}/actions/{action_id}/records/{record_id}"): RestCase(
        TARGET,
        lambda w, ids: {
            "id": "WEBHOOKS",
            "action_id": "POST_WEBHOOK",
            "record_id": ids["webhook_request"],
        },
    ),
    ("POST", "/adaptors/{id}/actions/{action_id}/records/{record_id}"): RestCase(
        TARGET,
        lambda w, ids: {
            "id": "WEBHOOKS",
            "action_id": "POST_WEBHOOK",
            "record_id": ids["webhook_request"],
        },
        lambda w, ids: {"key": "url-endpoint", "value": "https://crm.com/changed"},
    ),
    **ACCESS_REST_CASES,
    **AUTOMATION_REST_CASES,
    ("POST", "/reports/{name}/preview"): RestCase(
        CREATE, lambda w, ids: {"name": "contacts_summary"}, lambda w, ids: {}
    ),
    ("POST", "/reports/{name}"): RestCase(
        CREATE,
        lambda w, ids: {"name": "contacts_summary"},
        lambda w, ids: {"scheduler_options": {"frequency": "0 0 0 1 1 ?"}},
    ),
    ("GET", "/reports"): RestCase(LIST, finds=ids_in_content("report")),
    ("GET", "/reports/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["report"]}),
    ("PUT", "/reports/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["report"]}, lambda w, ids: {"format": "PDF"}
    ),
    ("DELETE", "/reports/{id}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["report"]}, arrange=fresh_report
    ),
    ("GET", "/outbox_messages"): RestCase(LIST, finds=ids_in_content("message")),
    ("GET", "/outbox_messages/{id}"): RestCase(TARGET, lambda w, ids: {"id": ids["message"]}),
    ("GET", "/outbox_messages/{id}/attachments/{position}"): RestCase(
        TARGET, lambda w, ids: {"id": ids["message"], "position": "1"}
    ),
}


def test_every_route_has_a_case() -> None:
    assert {(r.method, r.path) for r in ROUTES} == set(REST_CASES)
    for route in ROUTES:
        kind = REST_CASES[route.method, route.path].kind
        assert route.public_key_allowed == (kind in (SIGN_IN, REGISTER)), route.path


# --- running the matrix ----------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    body: Any


async def call_rest(world: World, route_key: tuple[str, str], caller: str, ids: Ids) -> Outcome:
    method, path = route_key
    case = REST_CASES[route_key]
    for name, value in case.path_ids(world, ids).items():
        path = path.replace("{" + name + "}", value)
    body = case.body(world, ids)
    response = await world.client.request(
        method,
        "/backoffice/v1" + path,
        json=body if case.files is None else None,
        files=None if case.files is None else case.files(world, ids),
        headers=world.headers[caller],
        params=case.query(world, ids),
    )
    return Outcome(response.status_code, response.json())


def rest_mismatch(
    route_key: tuple[str, str], caller: str, ids: Ids, outcome: Outcome
) -> str | None:
    """What is wrong with a REST answer, or ``None``."""
    case = REST_CASES[route_key]
    expected = expected_status(case.kind, caller)
    status = outcome.status
    ok = status in (200, 201) if expected == 200 else acceptable(status, expected, caller)
    if not ok:
        return f"status {status}, expected {expected}: {str(outcome.body)[:160]}"
    if status >= 400 and set(outcome.body) != {"status", "message", "error", "parameters"}:
        return f"error body {outcome.body}"
    if status >= 400:
        problem = network_write_problem(case.kind, caller, outcome.body["parameters"])
        if problem:
            return problem
    if case.finds is not None and status == 200:
        found = case.finds(outcome.body, ids)
        if found != should_find(case.kind, caller):
            return f"list {'holds' if found else 'lacks'} the target's object"
    return None


async def run_rest_matrix(world: World) -> list[str]:
    """Call every (route, caller) pair; the mismatches as lines. The refused calls of a route
    are checked to have changed nothing."""
    mismatches: list[str] = []
    for route_key, case in REST_CASES.items():
        label = " ".join(route_key)
        refused = [c for c in CALLERS if expected_status(case.kind, c) != 200]
        allowed = [c for c in CALLERS if c not in refused]
        ids = await case.arrange(world)
        before = await table_snapshot(world.db)
        for caller in refused:
            outcome = await call_rest(world, route_key, caller, ids)
            problem = rest_mismatch(route_key, caller, ids, outcome)
            if problem:
                mismatches.append(f"{label} as {caller}: {problem}")
            world.pairs += 1
        if refused:
            changed = snapshot_changes(before, await table_snapshot(world.db))
            if changed:
                mismatches.append(f"{label}: refused calls by {refused} changed {changed}")
        for index, caller in enumerate(allowed):
            if index and case.arrange is not shared:
                ids = await case.arrange(world)
            outcome = await call_rest(world, route_key, caller, ids)
            problem = rest_mismatch(route_key, caller, ids, outcome)
            if problem:
                mismatches.append(f"{label} as {caller}: {problem}")
            world.pairs += 1
    return mismatches


# --- GraphQL root fields ---------------------------------------------------------------------


@dataclass(frozen=True)
class GraphQLCase:
    """How to call one root field: its kind, document, variables and per-call arrangement."""

    kind: str
    document: str
    variables: Callable[[World, Ids], dict[str, Any]] = lambda w, ids: {}
    arrange: Arrange = shared
    finds: Callable[[Any, Ids], bool] | None = None
    # A GraphQL multipart request: the files of the form, by variable.
    files: Callable[[World, Ids], dict[str, Any]] | None = None


def page_holds(field_name: str, key: str) -> Callable[[Any, Ids], bool]:
    return lambda data, ids: any(row["id"] == ids[key] for row in data[field_name]["content"])


def by_id(key: str) -> Callable[[World, Ids], dict[str, Any]]:
    return lambda w, ids: {"id": ids[key]}


def target_org(w: World, ids: Ids) -> dict[str, Any]:
    return {"id": w.target_id}


def in_org(w: World, ids: Ids) -> dict[str, Any]:
    return {"o": w.target_id}


def in_org_with(key: str) -> Callable[[World, Ids], dict[str, Any]]:
    return lambda w, ids: {"o": w.target_id, "id": ids[key]}


def fresh_reference(kind: str) -> Arrange:
    async def arrange(world: World) -> Ids:
        return world.ids | {kind: await world.reference(kind)}

    return arrange


def reference_cases() -> dict[str, GraphQLCase]:
    cases: dict[str, GraphQLCase] = {}
    for kind, list_field in REFERENCE_KINDS.items():
        name = pascal(kind)
        cases[kind] = GraphQLCase(
            TARGET, f"query($id: ID!) {{ {kind}(id: $id) {{ id }} }}", by_id(kind)
        )
        cases[list_field] = GraphQLCase(
            LIST,
            f"{{ {list_field}(size: 100) {{ content {{ id }} }} }}",
            finds=page_holds(list_field, kind),
        )
        points_at_target = kind in ("industry_sector", "reward_tier")
        cases[f"create_{kind}"] = GraphQLCase(
            TARGET if points_at_target else CREATE,
            f"mutation($input: Create{name}Input!) {{ create_{kind}(input: $input) {{ id }} }}",
            lambda w, ids, kind=kind: {"input": reference_input(w, kind)},
        )
        cases[f"update_{kind}"] = GraphQLCase(
            TARGET,
            f"mutation($id: ID!) "
            f'{{ update_{kind}(id: $id, input: {{description: "x"}}) {{ id }} }}',
            by_id(kind),
        )
        cases[f"delete_{kind}"] = GraphQLCase(
            TARGET,
            f"mutation($id: ID!) {{ delete_{kind}(id: $id) {{ id }} }}",
            by_id(kind),
            arrange=fresh_reference(kind),
        )
    return cases


AUTOMATION_GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "automation": GraphQLCase(
        TARGET, "query($id: ID!) { automation(id: $id) { id } }", by_id("automation")
    ),
    "automations": GraphQLCase(
        LIST,
        "{ automations(size: 100) { content { id } } }",
        finds=page_holds("automations", "automation"),
    ),
    "create_automation": GraphQLCase(
        CREATE,
        'mutation { create_automation(input: {name: "A", entity: CONTACTS, '
        "event: REGISTER_CUSTOMER}) { id } }",
    ),
    "update_automation": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_automation(id: $id, input: {description: "d"}) { id } }',
        by_id("automation"),
    ),
    "delete_automation": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_automation(id: $id) { id } }",
        by_id("automation"),
        arrange=fresh_automation,
    ),
    "set_automation_actions": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { set_automation_actions(id: $id, input: {content: "
        "[{adaptor: APPROVAL_REQUESTS, adaptor_action: REQUEST_CUSTOMER_APPROVAL}]}) { id } }",
        by_id("automation"),
    ),
    "approval_request": GraphQLCase(
        TARGET,
        "query($id: ID!) { approval_request(id: $id) { id } }",
        by_id("approval_request"),
    ),
    "approval_requests": GraphQLCase(
        LIST,
        "{ approval_requests(size: 100) { content { id } } }",
        finds=page_holds("approval_requests", "approval_request"),
    ),
    "my_pending_approvals": GraphQLCase(USER_ONLY, "{ my_pending_approvals { content { id } } }"),
    "my_approval_requests": GraphQLCase(USER_ONLY, "{ my_approval_requests { content { id } } }"),
    "decide_approval_request": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { decide_approval_request(id: $id, input: "
        "{life_cycle_state: APPROVED}) { id } }",
        by_id("approval_request"),
        arrange=fresh_approval_request,
    ),
}


GRAPHQL_CASES: dict[str, GraphQLCase] = {
    "file": GraphQLCase(TARGET, "query($id: ID!) { file(id: $id) { id } }", by_id("file")),
    "upload_file": GraphQLCase(
        CREATE,
        "mutation($file: Upload!) { upload_file(file: $file) { id } }",
        lambda w, ids: {"file": None},
        files=lambda w, ids: {"file": ("people.csv", IMPORT_CSV, "text/csv")},
    ),
    "delete_file": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_file(id: $id) { id } }",
        by_id("file"),
        arrange=fresh_file,
    ),
    "import": GraphQLCase(TARGET, "query($id: ID!) { import(id: $id) { id } }", by_id("import")),
    "imports": GraphQLCase(
        LIST, "{ imports(size: 100) { content { id } } }", finds=page_holds("imports", "import")
    ),
    "import_preview": GraphQLCase(
        TARGET,
        "query($id: ID!) { import_preview(file_id: $id) { content { header } } }",
        by_id("file"),
    ),
    "submit_import": GraphQLCase(
        TARGET,
        """mutation($id: ID!) { submit_import(input: {file_id: $id, type: CONTACTS,
            auto_generate_config: true}) { id } }""",
        by_id("file"),
    ),
    "import_action": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { import_action(id: $id, input: {action: REPLAY}) { id } }",
        by_id("import"),
    ),
    "contact": GraphQLCase(TARGET, "query($id: ID!) { contact(id: $id) { id } }", by_id("contact")),
    "contacts": GraphQLCase(
        LIST, "{ contacts(size: 100) { content { id } } }", finds=page_holds("contacts", "contact")
    ),
    **reference_cases(),
    "account": GraphQLCase(TARGET, "query($id: ID!) { account(id: $id) { id } }", by_id("account")),
    "contact_accounts": GraphQLCase(
        TARGET,
        "query($id: ID!) { contact_accounts(contact_id: $id) { content { id } } }",
        by_id("contact"),
    ),
    "wallet": GraphQLCase(TARGET, "query($id: ID!) { wallet(id: $id) { id } }", by_id("wallet")),
    "wallet_commerce_balances": GraphQLCase(
        TARGET, "query($id: ID!) { wallet_commerce_balances(id: $id) { id } }", by_id("wallet")
    ),
    "journal": GraphQLCase(TARGET, "query($id: ID!) { journal(id: $id) { id } }", by_id("journal")),
    "organisation": GraphQLCase(
        ORG_READ, "query($id: ID!) { organisation(id: $id) { id } }", target_org
    ),
    "organisation_network": GraphQLCase(
        ORG_READ, "query($id: ID!) { organisation_network(id: $id) { content { id } } }", target_org
    ),
    "create_contact": GraphQLCase(
        CREATE,
        "mutation($code: String!) { create_contact(input: "
        '{contact_type: PERSON, first_name: "N", code: $code}) { id } }',
        lambda w, ids: {"code": w.unique("G")},
    ),
    "update_contact": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_contact(id: $id, input: {first_name: "Jo"}) { id } }',
        by_id("contact"),
    ),
    "delete_contact": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_contact(id: $id) { id } }",
        by_id("contact"),
        arrange=fresh_contact,
    ),
    "activity": GraphQLCase(
        TARGET, "query($id: ID!) { activity(id: $id) { id } }", by_id("activity")
    ),
    "activities": GraphQLCase(
        LIST,
        "{ activities(size: 100) { content { id } } }",
        finds=page_holds("activities", "activity"),
    ),
    "create_activity": GraphQLCase(
        CREATE, 'mutation { create_activity(input: {name: "Call"}) { id } }'
    ),
    "update_activity": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_activity(id: $id, input: {description: "d"}) { id } }',
        by_id("activity"),
    ),
    "update_activity_status": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { update_activity_status(id: $id, input: {status: COMPLETED}) { id } }",
        by_id("activity"),
        arrange=fresh_activity,
    ),
    "delete_activity": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_activity(id: $id) { id } }",
        by_id("activity"),
        arrange=fresh_activity,
    ),
    "add_activity_tags": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { add_activity_tags(id: $id, input: {tags: [{id: "T2"}]}) { id } }',
        by_id("activity"),
    ),
    "update_activity_tags": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_activity_tags(id: $id, input: {tags: [{id: "T3"}]}) { id } }',
        by_id("activity"),
        arrange=fresh_activity,
    ),
    "remove_activity_tag": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { remove_activity_tag(id: $id, tag_id: "T1") { id } }',
        by_id("activity"),
        arrange=fresh_activity,
    ),
    "media_group": GraphQLCase(
        TARGET, "query($id: ID!) { media_group(id: $id) { id } }", by_id("media_group")
    ),
    "media_groups": GraphQLCase(
        LIST,
        "{ media_groups(size: 100) { content { external_id } } }",
        finds=lambda data, ids: any(
            row["external_id"] == ids["media_group"] for row in data["media_groups"]["content"]
        ),
    ),
    "media": GraphQLCase(TARGET, "query($id: ID!) { media(id: $id) { id } }", by_id("media")),
    "create_media_group": GraphQLCase(
        CREATE,
        'mutation { create_media_group(input: {name: "G"}) { id } }',
    ),
    "create_media_upload_signature": GraphQLCase(
        TARGET,
        "mutation($id: String!) { create_media_upload_signature(input: "
        "{media_group_external_id: $id, media_usage_type: LOGO}) { signature } }",
        by_id("media_group"),
    ),
    "delete_media": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_media(id: $id) { id } }",
        by_id("media"),
        arrange=fresh_media,
    ),
    "link_media_groups": GraphQLCase(
        TARGET,
        "mutation($id: ID!, $g: ID!) { link_media_groups(id: $id, input: "
        "{media_groups: [{id: $g}]}) { id } }",
        lambda w, ids: {"id": w.target_id, "g": ids["media_group"]},
    ),
    "authenticate_user": GraphQLCase(
        SIGN_IN,
        "mutation($e: String!, $p: String!) { authenticate_user(input: {email: $e, password: $p})"
        " { access_token } }",
        lambda w, ids: {"e": w.owner_email, "p": w.owner_password},
    ),
    "create_account": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { create_account(contact_id: $id, input: "
        '{currency_code: "EUR", is_primary: false}) { id } }',
        by_id("contact"),
    ),
    "update_account": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_account(id: $id, input: {credit_limit: "200"}) { id } }',
        by_id("account"),
    ),
    "change_account_life_cycle_state": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { change_account_life_cycle_state(id: $id, input: "
        "{life_cycle_state: SUSPENDED}) { id } }",
        by_id("account"),
        arrange=fresh_account,
    ),
    "update_account_rewards": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { update_account_rewards(id: $id, input: "
        "{spending_blocked_status: true}) { id } }",
        by_id("account"),
    ),
    "sign_up_account_to_reward_scheme": GraphQLCase(
        TARGET,
        "mutation($id: ID!, $s: ID!) { sign_up_account_to_reward_scheme(id: $id, input: "
        "{reward_scheme_id: $s}) { id } }",
        lambda w, ids: {"id": ids["account"], "s": ids["reward_scheme"]},
        arrange=fresh_account,
    ),
    "sign_out_account_from_reward_scheme": GraphQLCase(
        TARGET,
        "mutation($id: ID!, $s: ID!) { sign_out_account_from_reward_scheme(id: $id, "
        "reward_scheme_id: $s) { id } }",
        lambda w, ids: {"id": ids["account"], "s": ids["reward_scheme"]},
        arrange=fresh_signed_up_account,
    ),
    "add_account_merchants": GraphQLCase(
        TARGET,
        "mutation($id: ID!, $m: ID!) { add_account_merchants(id: $id, input: "
        "{merchants: [{organisation_id: $m, is_next_visit: false}]}) { id } }",
        lambda w, ids: {"id": ids["account"], "m": w.target_id},
        arrange=fresh_account,
    ),
    "remove_account_merchant": GraphQLCase(
        TARGET,
        "mutation($id: ID!, $m: ID!) { remove_account_merchant(id: $id, merchant_id: $m) { id } }",
        lambda w, ids: {"id": ids["account"], "m": w.target_id},
        arrange=fresh_account_with_merchant,
    ),
    "create_wallet": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { create_wallet(account_id: $id, input: {}) { id } }",
        by_id("account"),
        arrange=fresh_account,
    ),
    "update_wallet": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_wallet(id: $id, input: {minimum_balance: "0"}) { id } }',
        by_id("wallet"),
    ),
    "wallet_action": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { wallet_action(id: $id, input: {action: TERMINATED}) { id } }",
        by_id("wallet"),
        arrange=fresh_wallet,
    ),
    "post_journal": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { post_journal(input: {wallet_id: $id, amount: "1", type: CREDIT,'
        " allow_negative_balance: false}) { id } }",
        by_id("wallet"),
    ),
    "register_organisation": GraphQLCase(
        REGISTER,
        "mutation($name: String!, $parent: ID!, $email: String!) { register_organisation(input: "
        "{name: $name, organisation_id: $parent, test_mode: false, is_sandbox_on: false, owner: "
        '{first_name: "Ann", contact_info: [{type: EMAIL, value: $email}]}}) { id } }',
        lambda w, ids: {
            "name": w.unique("Registered"),
            "parent": w.target_id,
            "email": f"{w.unique('ann')}@example.com",
        },
    ),
    "create_network_organisation": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $name: String!) { create_network_organisation(id: $id, input: "
        "{org_type: BUSINESS, name: $name, is_business: true, inherit_from_parent: false, "
        "contact_registry: false}) { id } }",
        lambda w, ids: {"id": w.target_id, "name": w.unique("Child")},
    ),
    "update_organisation": GraphQLCase(
        ORG_WRITE,
        'mutation($id: ID!) { update_organisation(id: $id, input: {description: "x"}) { id } }',
        target_org,
    ),
    "delete_organisation": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!) { delete_organisation(id: $id) { id } }",
        by_id("organisation"),
        arrange=fresh_organisation,
    ),
    "refresh_access_token": GraphQLCase(
        SIGN_IN,
        "mutation($t: String!) { refresh_access_token(input: {refresh_token: $t}) "
        "{ access_token } }",
        lambda w, ids: {"t": ids["refresh_token"]},
        arrange=fresh_refresh_token,
    ),
    "create_user_invitation": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $e: String!) { create_user_invitation(input: "
        '{organisation_id: $id, email: $e, role: "ADMIN"}) { token } }',
        lambda w, ids: {"id": w.target_id, "e": f"{w.unique('invitee')}@example.com"},
    ),
    "accept_user_invitation": GraphQLCase(
        SIGN_IN,
        "mutation($t: String!) { accept_user_invitation(input: "
        '{token: $t, password: "a-long-password"}) { user_id } }',
        lambda w, ids: {"t": ids["invitation"]},
        arrange=fresh_invitation,
    ),
    "switch_organisation": GraphQLCase(
        USER_ONLY,
        "mutation($id: ID!) { switch_organisation(id: $id) { access_token } }",
        target_org,
    ),
    "masquerade_organisation": GraphQLCase(
        USER_ONLY,
        "mutation($id: ID!) { masquerade_organisation(id: $id) { access_token } }",
        lambda w, ids: {"id": w.child_id},
    ),
    "api_keys": GraphQLCase(
        ORG_READ,
        "query($id: ID!) { api_keys(organisation_id: $id) { content { id } } }",
        target_org,
    ),
    "create_api_key": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!) { create_api_key(organisation_id: $id, input: {mode: TEST}) { id } }",
        target_org,
    ),
    "revoke_api_key": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $key: ID!) { revoke_api_key(organisation_id: $id, id: $key) { id } }",
        lambda w, ids: {"id": w.target_id, "key": ids["api_key"]},
        arrange=fresh_api_key,
    ),
    "organisation_action": GraphQLCase(
        ORG_WRITE,
        'mutation($id: ID!) { organisation_action(id: $id, input: {action: "MODE"}) { id } }',
        target_org,
    ),
    "webhook": GraphQLCase(TARGET, "query($id: ID!) { webhook(id: $id) { id } }", by_id("webhook")),
    "webhooks": GraphQLCase(
        LIST,
        "{ webhooks(size: 100) { content { id } } }",
        finds=page_holds("webhooks", "webhook"),
    ),
    "webhook_request": GraphQLCase(
        TARGET,
        "query($id: ID!) { webhook_request(id: $id) { id } }",
        by_id("webhook_request"),
    ),
    "webhook_requests": GraphQLCase(
        LIST,
        "{ webhook_requests(size: 100) { content { id } } }",
        finds=page_holds("webhook_requests", "webhook_request"),
    ),
    "create_webhook": GraphQLCase(
        CREATE,
        'mutation { create_webhook(input: {name: "H", url_endpoint: "https://crm.com/h"}) { id } }',
    ),
    "update_webhook": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_webhook(id: $id, input: {name: "N"}) { id } }',
        by_id("webhook"),
    ),
    "delete_webhook": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_webhook(id: $id) { id } }",
        by_id("webhook"),
        arrange=fresh_webhook,
    ),
    "rotate_webhook_secret": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { rotate_webhook_secret(id: $id) { id } }",
        by_id("webhook"),
    ),
    "webhook_requests_action": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { webhook_requests_action(input: "
        "{action: RESEND, webhook_requests: [$id]}) { id } }",
        by_id("webhook_request"),
        arrange=fresh_failed_webhook_request,
    ),
    "adaptor_records": GraphQLCase(
        LIST,
        'query { adaptor_records(adaptor: "WEBHOOKS", action: "POST_WEBHOOK", size: 100)'
        " { content { id } } }",
        finds=page_holds("adaptor_records", "webhook_request"),
    ),
    "adaptor_record": GraphQLCase(
        TARGET,
        'query($id: ID!) { adaptor_record(adaptor: "WEBHOOKS", action: "POST_WEBHOOK", id: $id)'
        " { id } }",
        by_id("webhook_request"),
    ),
    "change_adaptor_record": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { change_adaptor_record(adaptor: "WEBHOOKS", action: "POST_WEBHOOK",'
        ' id: $id, input: {key: "url-endpoint", value: "https://crm.com/x"}) { id } }',
        by_id("webhook_request"),
    ),
    "me": GraphQLCase(LIST, "{ me { id } }"),
    "users": GraphQLCase(
        ORG_READ, "query($o: ID) { users(organisation_id: $o) { content { id } } }", in_org
    ),
    "user": GraphQLCase(
        ORG_READ,
        "query($id: ID!, $o: ID) { user(id: $id, organisation_id: $o) { id } }",
        in_org_with("member"),
    ),
    "update_user": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $o: ID) { update_user(id: $id, organisation_id: $o, "
        'input: {role: "READ_ONLY"}) { id } }',
        in_org_with("member"),
    ),
    "remove_user": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $o: ID) { remove_user(id: $id, organisation_id: $o) { id } }",
        in_org_with("member"),
        arrange=fresh_member,
    ),
    "roles": GraphQLCase(ORG_READ, "query($o: ID) { roles(organisation_id: $o) { code } }", in_org),
    "role": GraphQLCase(ORG_READ, "query($id: ID!) { role(id: $id) { id } }", by_id("role")),
    "create_role": GraphQLCase(
        ORG_WRITE,
        "mutation($o: ID, $code: String!) { create_role(organisation_id: $o, input: "
        '{code: $code, name: "R", permissions: [CONTACTS_READ]}) { id } }',
        lambda w, ids: {"o": w.target_id, "code": w.unique("G").replace("-", "_")},
    ),
    "update_role": GraphQLCase(
        ORG_WRITE,
        'mutation($id: ID!) { update_role(id: $id, input: {name: "N"}) { id } }',
        by_id("role"),
    ),
    "delete_role": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!) { delete_role(id: $id) { id } }",
        by_id("role"),
        arrange=fresh_role,
    ),
    "teams": GraphQLCase(
        ORG_LIST, "{ teams(size: 100) { content { id } } }", finds=page_holds("teams", "team")
    ),
    "team": GraphQLCase(ORG_READ, "query($id: ID!) { team(id: $id) { id } }", by_id("team")),
    "create_team": GraphQLCase(
        ORG_WRITE,
        "mutation($o: ID, $name: String!) { create_team(organisation_id: $o, input: "
        "{name: $name}) { id } }",
        lambda w, ids: {"o": w.target_id, "name": w.unique("GT")},
    ),
    "update_team": GraphQLCase(
        ORG_WRITE,
        'mutation($id: ID!) { update_team(id: $id, input: {description: "d"}) { id } }',
        by_id("team"),
    ),
    "delete_team": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!) { delete_team(id: $id) { id } }",
        by_id("team"),
        arrange=fresh_team,
    ),
    "add_team_member": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $u: ID!) { add_team_member(id: $id, input: {user_id: $u}) { id } }",
        lambda w, ids: {"id": ids["team"], "u": ids["member"]},
    ),
    "remove_team_member": GraphQLCase(
        ORG_WRITE,
        "mutation($id: ID!, $u: ID!) { remove_team_member(id: $id, user_id: $u) { id } }",
        lambda w, ids: {"id": ids["team"], "u": ids["member"]},
        arrange=fresh_team,
    ),
    **AUTOMATION_GRAPHQL_CASES,
    "customer_events": GraphQLCase(
        LIST,
        "{ customer_events(size: 100) { content { id } } }",
        finds=page_holds("customer_events", "customer_event"),
    ),
    "record_customer_event": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { record_customer_event(input: {type: REFERRAL, contact_id: $id}) "
        "{ id } }",
        by_id("contact"),
    ),
    "insight": GraphQLCase(TARGET, "query($id: ID!) { insight(id: $id) { id } }", by_id("insight")),
    "insights": GraphQLCase(
        LIST, "{ insights(size: 100) { content { id } } }", finds=page_holds("insights", "insight")
    ),
    "insight_results": GraphQLCase(
        TARGET,
        "query($id: ID!) { insight_results(id: $id) { content { breakdown { id } } } }",
        by_id("insight"),
    ),
    "insight_preview": GraphQLCase(
        TARGET,
        "query($id: ID!) { insight_preview(id: $id, input: {events: [{event_name: SPEND}]}) "
        "{ content { breakdown { id } } } }",
        by_id("insight"),
    ),
    "distincts": GraphQLCase(
        LIST,
        '{ distincts(collection: CONTACT, property: "id") { property_value } }',
        finds=lambda data, ids: finds_contact_id(data["distincts"], ids),
    ),
    "create_insight": GraphQLCase(
        CREATE, 'mutation { create_insight(input: {name: "Insight"}) { id } }'
    ),
    "update_insight": GraphQLCase(
        TARGET,
        'mutation($id: ID!) { update_insight(id: $id, input: {description: "d"}) { id } }',
        by_id("insight"),
    ),
    "delete_insight": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_insight(id: $id) { id } }",
        by_id("insight"),
        arrange=fresh_insight,
    ),
    "add_insight_events": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { add_insight_events(id: $id, input: {events: "
        "[{event_name: AWARD}]}) { id } }",
        by_id("insight"),
        arrange=fresh_insight,
    ),
    "add_insight_filters": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { add_insight_filters(id: $id, input: {filters: "
        '[{type: CONTACT, property_name: "code"}]}) { id } }',
        by_id("insight"),
        arrange=fresh_insight,
    ),
    "add_insight_breakdowns": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { add_insight_breakdowns(id: $id, input: {breakdowns: "
        '[{type: EVENT, property_name: "venue.name"}]}) { id } }',
        by_id("insight"),
        arrange=fresh_insight,
    ),
    "export_insight": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { export_insight(id: $id, input: {type: TABULAR}) { id } }",
        by_id("insight"),
    ),
    "organisation_analytics": GraphQLCase(
        ORG_READ,
        "query($id: ID!) { organisation_analytics(id: $id, metrics: [NETWORK]) "
        "{ content { id } } }",
        target_org,
    ),
    "contact_analytics": GraphQLCase(
        TARGET,
        "query($id: ID!) { contact_analytics(id: $id, metrics: [USAGE]) { contact { id } } }",
        by_id("contact"),
    ),
    "report_types": GraphQLCase(CREATE, "{ report_types { name } }"),
    "report_preview": GraphQLCase(
        CREATE, '{ report_preview(name: "contacts_summary") { content { fields { key } } } }'
    ),
    "scheduled_reports": GraphQLCase(
        LIST,
        "{ scheduled_reports(size: 100) { content { id } } }",
        finds=page_holds("scheduled_reports", "report"),
    ),
    "scheduled_report": GraphQLCase(
        TARGET, "query($id: ID!) { scheduled_report(id: $id) { id } }", by_id("report")
    ),
    "run_report": GraphQLCase(
        CREATE,
        'mutation { run_report(name: "journals_summary", input: {scheduler_options: '
        '{frequency: "0 0 0 1 1 ?"}}) { id } }',
    ),
    "update_scheduled_report": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { update_scheduled_report(id: $id, input: {format: PDF}) { id } }",
        by_id("report"),
    ),
    "delete_scheduled_report": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { delete_scheduled_report(id: $id) { id } }",
        by_id("report"),
        arrange=fresh_report,
    ),
    "outbox_messages": GraphQLCase(
        LIST,
        "{ outbox_messages(size: 100) { content { id } } }",
        finds=page_holds("outbox_messages", "message"),
    ),
    "outbox_message": GraphQLCase(
        TARGET, "query($id: ID!) { outbox_message(id: $id) { id } }", by_id("message")
    ),
    "outbox_attachment": GraphQLCase(
        TARGET,
        "query($id: ID!) { outbox_attachment(id: $id, position: 1) { filename } }",
        by_id("message"),
    ),
    "send_outbox_message": GraphQLCase(
        TARGET,
        "mutation($id: ID!) { send_outbox_message(id: $id) { id } }",
        by_id("message"),
        arrange=fresh_message,
    ),
}


def root_fields() -> set[str]:
    schema = build_schema()._schema
    assert schema.query_type is not None and schema.mutation_type is not None
    return set(schema.query_type.fields) | set(schema.mutation_type.fields)


def test_every_root_field_has_a_case() -> None:
    assert root_fields() == set(GRAPHQL_CASES)


async def call_graphql(world: World, name: str, caller: str, ids: Ids) -> Outcome:
    case = GRAPHQL_CASES[name]
    operation = {"query": case.document, "variables": case.variables(world, ids)}
    if case.files is not None:
        files = case.files(world, ids)
        parts = {str(n): (name, file) for n, (name, file) in enumerate(files.items())}
        form = {
            "operations": json.dumps(operation),
            "map": json.dumps({n: [f"variables.{name}"] for n, (name, _f) in parts.items()}),
        }
        response = await world.client.post(
            "/graphql",
            data=form,
            files={n: file for n, (_name, file) in parts.items()},
            headers=world.headers[caller],
        )
    else:
        response = await world.client.post(
            "/graphql", json=operation, headers=world.headers[caller]
        )
    return Outcome(response.status_code, response.json())


def graphql_mismatch(name: str, caller: str, ids: Ids, outcome: Outcome) -> str | None:
    """What is wrong with a GraphQL answer, or ``None``."""
    case = GRAPHQL_CASES[name]
    expected = expected_status(case.kind, caller)
    body = outcome.body
    if outcome.status != 200:
        # Credentials that are present but invalid are refused at the door with the REST body.
        status = body.get("status") if isinstance(body, dict) else None
        if outcome.status != status:
            return f"HTTP {outcome.status} with body {str(body)[:160]}"
    elif body.get("errors"):
        extensions = body["errors"][0].get("extensions") or {}
        if "code" not in extensions:
            return f"error without extensions.code: {body['errors'][0]}"
        status = extensions.get("status")
        problem = network_write_problem(case.kind, caller, extensions.get("parameters"))
        if problem:
            return problem
    else:
        status = 200
    if status != expected and not (
        isinstance(status, int) and acceptable(status, expected, caller)
    ):
        return f"status {status}, expected {expected}: {str(body)[:160]}"
    if case.finds is not None and status == 200:
        found = case.finds(body["data"], ids)
        if found != should_find(case.kind, caller):
            return f"list {'holds' if found else 'lacks'} the target's object"
    return None


async def run_graphql_matrix(world: World) -> list[str]:
    """Like ``run_rest_matrix``, for the GraphQL root fields."""
    mismatches: list[str] = []
    for name, case in GRAPHQL_CASES.items():
        refused = [c for c in CALLERS if expected_status(case.kind, c) != 200]
        allowed = [c for c in CALLERS if c not in refused]
        ids = await case.arrange(world)
        before = await table_snapshot(world.db)
        for caller in refused:
            problem = graphql_mismatch(
                name, caller, ids, await call_graphql(world, name, caller, ids)
            )
            if problem:
                mismatches.append(f"{name} as {caller}: {problem}")
            world.pairs += 1
        if refused:
            changed = snapshot_changes(before, await table_snapshot(world.db))
            if changed:
                mismatches.append(f"{name}: refused calls by {refused} changed {changed}")
        for index, caller in enumerate(allowed):
            if index and case.arrange is not shared:
                ids = await case.arrange(world)
            problem = graphql_mismatch(
                name, caller, ids, await call_graphql(world, name, caller, ids)
            )
            if problem:
                mismatches.append(f"{name} as {caller}: {problem}")
            world.pairs += 1
    return mismatches


# --- the tests -------------------------------------------------------------------------------


@pytest.fixture
async def gateway(
    database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The suite's gateway without its background worker: work queued by the calls (imports)
    would otherwise change tables while refused calls are checked to change nothing."""
    app = create_app(suite_settings(database_url, tmp_path, worker="off"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
            yield app, client


@pytest.fixture
async def world(gateway: Any, tenant: BootstrapResult, db: Database) -> World:
    app, client = gateway
    return await build_world(client, db, tenant, app.state.gateway.runtime.authenticator)


async def test_rest_routes_by_caller(world: World) -> None:
    mismatches = await run_rest_matrix(world)
    expected_pairs = len(REST_CASES) * len(CALLERS)
    print(f"\nauthorization matrix: {world.pairs} (REST route, caller) pairs checked")
    assert world.pairs == expected_pairs >= 300
    assert not mismatches, "\n".join(mismatches)


async def test_graphql_root_fields_by_caller(world: World) -> None:
    mismatches = await run_graphql_matrix(world)
    expected_pairs = len(GRAPHQL_CASES) * len(CALLERS)
    print(f"\nauthorization matrix: {world.pairs} (GraphQL root field, caller) pairs checked")
    assert world.pairs == expected_pairs >= 800
    assert not mismatches, "\n".join(mismatches)
