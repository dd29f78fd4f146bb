"""Test helpers: users of an organisation with a role, written directly (the invitation flow has
tests of its own), signed in with `POST /users/authenticate`."""

from typing import Any

from app.auth.secrets import hash_password
from app.db.engine import Database
from app.db.models import Membership, Role, User
from tests.conftest import Api


async def add_member(db: Database, organisation_id: str, email: str, role: str) -> str:
    """A new user who is a member of the organisation with ``role``; the user's id."""
    async with db.write() as session:
        user = User(email=email, username=email, password_hash=await hash_password("pw-0123456789"))
        session.add(user)
        await session.flush()
        session.add(Membership(user_id=user.id, organisation_id=organisation_id, role=role))
        return user.id


async def add_custom_role(
    db: Database, organisation_id: str, code: str, permissions: list[str]
) -> None:
    """A custom role of the organisation, written directly."""
    async with db.write() as session:
        session.add(
            Role(organisation_id=organisation_id, code=code, name=code, permissions=permissions)
        )


async def signed_in(api: Api, email: str) -> Api:
    """A client for both doors acting as the user (``POST /users/authenticate``)."""
    response = await api.rest(
        "POST", "/users/authenticate", {"email": email, "password": "pw-0123456789"}, key=""
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    return UserApi(api.client, token)


class UserApi(Api):
    """An :class:`Api` that sends a Bearer token instead of an API key."""

    def __init__(self, client: Any, token: str) -> None:
        super().__init__(client, None)
        self.token = token

    def _headers(self, key: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        out = dict(headers or {})
        out.setdefault("authorization", f"Bearer {self.token}")
        return out
