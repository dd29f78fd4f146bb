"""Signing users in through both doors: the same work for unknown e-mails, hashing off the event
loop, legacy hashes upgraded, failed attempts limited (429 with Retry-After), and the claims a
token must carry."""

import threading
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy import delete, select, update

from app.auth import secrets
from app.db.base import utcnow
from app.db.engine import Database
from app.db.models import Membership, User
from app.main import create_app
from app.onboarding import BootstrapResult, bootstrap
from app.settings import Settings
from tests.conftest import SUITE_JWT_SECRET, Api

MAX_FAILURES = 3
AUTHENTICATE = """mutation ($email: String!, $password: String!) {
    authenticate_user(input: {email: $email, password: $password}) { access_token expires_in }
}"""


async def sign_in(api: Api, email: str, password: str) -> httpx.Response:
    return await api.rest("POST", "/users/authenticate", {"email": email, "password": password})


def counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Wrap ``app.auth.secrets.<name>``; the list gets the thread id of each call."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(secrets, name)

    def wrapper(*args: Any) -> Any:
        calls.append(threading.get_ident())
        return original(*args)

    monkeypatch.setattr(secrets, name, wrapper)
    return calls


# --- the same work whether the e-mail exists or not, off the event loop ---------------------------


async def test_unknown_email_costs_the_same_hashing_as_a_wrong_password(
    api: Api, tenant: BootstrapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous = api.as_key("")
    verified = counting(monkeypatch, "_verify")
    wrong_password = await sign_in(anonymous, tenant.owner_email, "not-the-password")
    assert len(verified) == 1
    unknown_email = await sign_in(anonymous, "nobody@example.com", "not-the-password")
    assert len(verified) == 2
    # Both answers are the same to the caller.
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()
    body = await anonymous.graphql(AUTHENTICATE, {"email": "nobody@x.org", "password": "x"})
    assert body["errors"][0]["extensions"]["status"] == 401
    assert len(verified) == 3
    # No password was checked on the event loop's thread.
    assert threading.get_ident() not in verified


async def test_hashing_runs_in_a_worker_thread(
    api: Api, db: Database, tenant: BootstrapResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed = counting(monkeypatch, "_hash")
    verified = counting(monkeypatch, "_verify")
    await use_legacy_hash(db, tenant.owner_email, tenant.owner_password)
    response = await sign_in(api.as_key(""), tenant.owner_email, tenant.owner_password)
    assert response.status_code == 200, response.text
    assert len(verified) == 1 and len(hashed) == 1  # checked, then upgraded
    assert threading.get_ident() not in verified + hashed


# --- legacy scrypt hashes -----------------------------------------------------------------------


async def use_legacy_hash(db: Database, email: str, password: str) -> None:
    async with db.write() as session:
        await session.execute(
            update(User)
            .where(User.email == email)
            .values(password_hash=secrets.legacy_scrypt_hash(password))
        )


async def stored_hash(db: Database, email: str) -> str:
    async with db.read() as session:
        found: str = (
            await session.execute(select(User.password_hash).where(User.email == email))
        ).scalar_one()
    return found


async def test_new_hashes_are_argon2(db: Database, tenant: BootstrapResult) -> None:
    assert (await stored_hash(db, tenant.owner_email)).startswith("$argon2id$")


async def test_legacy_scrypt_hash_verifies_and_is_upgraded_on_sign_in(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    anonymous = api.as_key("")
    await use_legacy_hash(db, tenant.owner_email, tenant.owner_password)
    # A wrong password does not upgrade anything.
    assert (await sign_in(anonymous, tenant.owner_email, "wrong")).status_code == 401
    assert (await stored_hash(db, tenant.owner_email)).startswith("scrypt$")

    first = await sign_in(anonymous, tenant.owner_email, tenant.owner_password)
    assert first.status_code == 200, first.text
    assert (await stored_hash(db, tenant.owner_email)).startswith("$argon2id$")
    data = await anonymous.data(
        AUTHENTICATE, {"email": tenant.owner_email, "password": tenant.owner_password}
    )
    assert data["authenticate_user"]["expires_in"] > 0


# --- limits on failed attempts ------------------------------------------------------------------


@pytest.fixture
async def throttled(database_url: str) -> AsyncIterator[tuple[Any, BootstrapResult]]:
    """A gateway that allows ``MAX_FAILURES`` failed sign-ins per e-mail and client address,
    with its first organisation."""
    app = create_app(
        Settings(
            database_url=database_url,
            jwt_secret=SUITE_JWT_SECRET,
            sign_in_max_failures=MAX_FAILURES,
            sign_in_failure_window_seconds=120,
        )
    )
    async with app.router.lifespan_context(app):
        result = await bootstrap(app.state.gateway.runtime.db)
        assert result is not None
        yield app, result


def client_at(app: Any, address: str) -> Api:
    """An anonymous client whose requests come from ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return Api(httpx.AsyncClient(transport=transport, base_url="http://gateway"), "")


def assert_too_many(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["error"] == "CRM.EXCEPTIONS.TOOMANYREQUESTSEXCEPTION"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 120
    assert body["parameters"] == ["retry_after", str(retry_after)]


async def test_failures_are_limited_per_email_at_both_doors(
    throttled: tuple[Any, BootstrapResult],
) -> None:
    app, tenant = throttled
    # Each attempt comes from another address: only the e-mail's count can stop them.
    for attempt in range(MAX_FAILURES):
        response = await sign_in(client_at(app, f"10.0.0.{attempt}"), tenant.owner_email, "bad")
        assert response.status_code == 401
    late = client_at(app, "10.0.1.1")
    assert_too_many(await sign_in(late, tenant.owner_email, "bad"))
    # Even the right password waits: the limit is checked before the password.
    assert_too_many(await sign_in(late, tenant.owner_email, tenant.owner_password))
    body = await late.graphql(
        AUTHENTICATE, {"email": tenant.owner_email.upper(), "password": tenant.owner_password}
    )
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "TOOMANYREQUESTS"
    assert extensions["status"] == 429
    assert 1 <= extensions["retry_after"] <= 120
    # Another user is not affected.
    assert (await sign_in(late, "other@example.com", "bad")).status_code == 401


async def test_failures_count_against_the_user_whichever_login_names_it(
    throttled: tuple[Any, BootstrapResult],
) -> None:
    app, tenant = throttled
    async with app.state.gateway.runtime.db.write() as session:
        await session.execute(
            update(User).where(User.email == tenant.owner_email).values(username="the_owner")
        )
    for attempt in range(MAX_FAILURES):
        login = tenant.owner_email if attempt % 2 else "the_owner"
        response = await client_at(app, f"10.0.2.{attempt}").rest(
            "POST", "/users/authenticate", {"username": login, "password": "bad"}
        )
        assert response.status_code == 401
    late = client_at(app, "10.0.3.1")
    assert_too_many(await sign_in(late, tenant.owner_email, tenant.owner_password))
    assert_too_many(
        await late.rest(
            "POST",
            "/users/authenticate",
            {"username": "the_owner", "password": tenant.owner_password},
        )
    )


async def test_failures_are_limited_per_client_address(
    throttled: tuple[Any, BootstrapResult],
) -> None:
    app, tenant = throttled
    guesser = client_at(app, "192.0.2.7")
    for attempt in range(MAX_FAILURES):
        response = await sign_in(guesser, f"user{attempt}@example.com", "bad")
        assert response.status_code == 401
    assert_too_many(await sign_in(guesser, "yet-another@example.com", "bad"))
    assert_too_many(await sign_in(guesser, tenant.owner_email, tenant.owner_password))
    # The owner signs in from elsewhere.
    elsewhere = client_at(app, "198.51.100.1")
    response = await sign_in(elsewhere, tenant.owner_email, tenant.owner_password)
    assert response.status_code == 200, response.text


async def test_a_successful_sign_in_clears_the_emails_failures(
    throttled: tuple[Any, BootstrapResult],
) -> None:
    app, tenant = throttled
    for attempt in range(MAX_FAILURES - 1):
        await sign_in(client_at(app, f"10.1.0.{attempt}"), tenant.owner_email, "bad")
    ok = await sign_in(client_at(app, "10.1.1.1"), tenant.owner_email, tenant.owner_password)
    assert ok.status_code == 200
    for attempt in range(MAX_FAILURES - 1):
        response = await sign_in(client_at(app, f"10.2.0.{attempt}"), tenant.owner_email, "bad")
        assert response.status_code == 401


# --- token claims -------------------------------------------------------------------------------


def token(**claims: Any) -> str:
    return jwt.encode(claims, SUITE_JWT_SECRET, algorithm="HS256")


async def member_claims(tenant: BootstrapResult, db: Database) -> dict[str, Any]:
    async with db.read() as session:
        user_id = (
            await session.execute(select(User.id).where(User.email == tenant.owner_email))
        ).scalar_one()
    return {
        "sub": user_id,
        "org": tenant.organisation_id,
        "role": "OWNER",
        "exp": utcnow() + timedelta(hours=1),
    }


async def assert_refused_at_both_doors(api: Api, bearer: str) -> None:
    headers = {"authorization": f"Bearer {bearer}"}
    anonymous = api.as_key("")
    response = await anonymous.rest("GET", "/contacts", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"
    response = await api.client.post(
        "/graphql", json={"query": "{ contacts { paging { total } } }"}, headers=headers
    )
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"


async def test_a_complete_token_is_accepted(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    bearer = token(**await member_claims(tenant, db))
    response = await api.as_key("").rest(
        "GET", "/contacts", headers={"authorization": f"Bearer {bearer}"}
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("missing", ["exp", "sub", "org", "role"])
async def test_a_token_without_a_required_claim_is_401(
    api: Api, db: Database, tenant: BootstrapResult, missing: str
) -> None:
    claims = await member_claims(tenant, db)
    del claims[missing]
    await assert_refused_at_both_doors(api, token(**claims))


async def test_expired_and_malformed_tokens_are_401(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    claims = await member_claims(tenant, db)
    await assert_refused_at_both_doors(api, token(**{**claims, "exp": utcnow() - timedelta(1)}))
    await assert_refused_at_both_doors(api, token(**{**claims, "org": ["a", "b"]}))
    await assert_refused_at_both_doors(api, token(**{**claims, "sub": 7}))
    # A role the membership does not have, and an organisation signed in to that the user is
    # not a member of.
    await assert_refused_at_both_doors(api, token(**{**claims, "role": "ADMIN"}))
    await assert_refused_at_both_doors(api, token(**{**claims, "home": tenant.service_owner_id}))
    await assert_refused_at_both_doors(
        api, jwt.encode(claims, "another-secret-of-enough-length-0123456789", algorithm="HS256")
    )


async def test_a_token_of_a_removed_membership_or_user_is_401(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    claims = await member_claims(tenant, db)
    async with db.write() as session:
        await session.execute(delete(Membership).where(Membership.user_id == claims["sub"]))
    await assert_refused_at_both_doors(api, token(**claims))
    async with db.write() as session:
        await session.execute(delete(User).where(User.id == claims["sub"]))
    await assert_refused_at_both_doors(api, token(**claims))
