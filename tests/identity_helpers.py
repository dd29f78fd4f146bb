"""Helpers of the identity tests: signing in, inviting and accepting, tokens as headers."""

from typing import Any

from tests.conftest import Api


async def sign_in(api: Api, username: str, password: str) -> dict[str, Any]:
    """The token pair of a sign-in with ``{"username", "password"}`` (which must succeed)."""
    response = await api.as_key("").rest(
        "POST", "/users/authenticate", {"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


def bearer(token: str) -> dict[str, str]:
    """The ``authorization`` header of a token."""
    return {"authorization": f"Bearer {token}"}


async def invite(
    api: Api, organisation_id: str, email: str, role: str = "ADMIN", **headers: str
) -> str:
    """Invite ``email`` to an organisation (as ``api``'s caller); the invitation token."""
    response = await api.rest(
        "POST",
        "/users/invitations",
        {"organisation_id": organisation_id, "email": email, "role": role},
        headers=headers or None,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


async def accept(api: Api, token: str, password: str, **fields: Any) -> dict[str, Any]:
    """Accept an invitation (which must succeed); the answer."""
    response = await api.as_key("").rest(
        "POST", "/users/invitations/accept", {"token": token, "password": password, **fields}
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def create_child(api: Api, parent_id: str, org_type: str, name: str) -> str:
    """Create an organisation below ``parent_id`` through the network route; its id."""
    response = await api.rest(
        "POST", f"/organisations/{parent_id}/network", {"org_type": org_type, "name": name}
    )
    assert response.status_code == 200, response.text
    organisation_id: str = response.json()["id"]
    return organisation_id


async def create_contact(api: Api, code: str, **headers: str) -> None:
    """Create a contact with ``code`` as ``api``'s caller (which must succeed)."""
    body = {"contact_type": "PERSON", "first_name": "Jo", "last_name": code, "code": code}
    response = await api.rest("POST", "/contacts", body, headers=headers or None)
    assert response.status_code == 200, response.text


async def contact_codes(api: Api, **headers: str) -> list[str]:
    """The codes of the contacts ``api``'s caller sees through REST."""
    response = await api.rest("GET", "/contacts", headers=headers or None, params={"size": 100})
    assert response.status_code == 200, response.text
    return sorted(contact["code"] for contact in response.json()["content"])


async def graphql_contact_codes(api: Api, **headers: str) -> list[str]:
    """The codes of the contacts ``api``'s caller sees through GraphQL."""
    data = await api.data("{ contacts(size: 100) { content { code } } }", headers=headers or None)
    return sorted(contact["code"] for contact in data["contacts"]["content"])
