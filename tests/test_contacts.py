"""Contacts through both doors: create, read, search, update, delete, and bad input."""

from typing import Any

from tests.conftest import Api

NEW_CONTACT = {
    "contact_type": "PERSON",
    "first_name": "John",
    "last_name": "Doe",
    "email_address": "JohnDoe@Example.com",
    "code": "C-0001",
    "phones": [{"phone_type": "MOBILE", "number": "99123456", "is_primary": "true"}],
    "addresses": [
        {
            "address_line_1": "Elia Papakyriakou 21",
            "town_city": "Nicosia",
            "postal_code": "2415",
            "country_code": "CY",
            "is_primary": "true",
        }
    ],
    "custom_fields": [{"key": "back_office", "value": "0001-12345"}],
}


async def create_contact(api: Api, **changes: Any) -> str:
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, **changes})
    assert response.status_code == 200, response.text
    contact_id: str = response.json()["id"]
    return contact_id


async def test_create_then_get_by_id_and_by_code(api: Api) -> None:
    contact_id = await create_contact(api)
    by_id = (await api.rest("GET", f"/contacts/{contact_id}")).json()
    by_code = (await api.rest("GET", "/contacts/C-0001")).json()
    assert by_id == by_code
    assert by_id["id"] == contact_id
    assert by_id["email_address"] == "johndoe@example.com"
    assert by_id["phones"][0]["number"] == "99123456"
    assert by_id["phones"][0]["is_primary"] is True
    assert by_id["addresses"][0]["town_city"] == "Nicosia"
    assert by_id["custom_fields"] == [{"key": "back_office", "value": "0001-12345"}]
    assert isinstance(by_id["created_on"], int)


async def test_search_pages_and_filters(api: Api) -> None:
    for n in range(5):
        await create_contact(api, code=f"C-{n}", first_name=f"Person{n}")
    page = (await api.rest("GET", "/contacts", params={"size": 2, "page": 2})).json()
    assert page["paging"] == {"page": 2, "size": 2, "total": 5, "has_more": True}
    assert len(page["content"]) == 2
    found = (await api.rest("GET", "/contacts", params={"search_value": "person3"})).json()
    assert [c["code"] for c in found["content"]] == ["C-3"]
    ordered = (
        await api.rest("GET", "/contacts", params={"sort": "first_name", "order": "ASC"})
    ).json()
    assert [c["first_name"] for c in ordered["content"]] == [f"Person{n}" for n in range(5)]


async def test_unknown_filter_and_sort_are_rejected(api: Api) -> None:
    response = await api.rest("GET", "/contacts", params={"colour": "blue"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["colour"]
    response = await api.rest("GET", "/contacts", params={"sort": "shoe_size"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["sort"]


async def test_update_changes_only_given_fields(api: Api) -> None:
    contact_id = await create_contact(api)
    response = await api.rest("PUT", f"/contacts/{contact_id}", {"last_name": "Smith"})
    assert response.status_code == 200
    assert response.json() == {"id": contact_id}
    contact = (await api.rest("GET", f"/contacts/{contact_id}")).json()
    assert (contact["first_name"], contact["last_name"]) == ("John", "Smith")
    assert len(contact["phones"]) == 1


async def test_duplicate_code_is_a_conflict_and_creates_nothing(api: Api) -> None:
    await create_contact(api)
    response = await api.rest("POST", "/contacts", NEW_CONTACT)
    assert response.status_code == 409
    total = (await api.rest("GET", "/contacts")).json()["paging"]["total"]
    assert total == 1


async def test_bad_input_names_the_field(api: Api) -> None:
    response = await api.rest("POST", "/contacts", {"contact_type": "PERSON"})
    assert response.status_code == 400
    assert response.json()["parameters"] == ["first_name"]
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "shoe_size": 44})
    assert response.status_code == 400
    assert "shoe_size" in response.json()["message"]
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "contact_type": "ROBOT"})
    assert response.status_code == 400


async def test_delete_then_not_found(api: Api) -> None:
    contact_id = await create_contact(api)
    assert (await api.rest("DELETE", f"/contacts/{contact_id}")).status_code == 200
    response = await api.rest("GET", f"/contacts/{contact_id}")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "message": "Record not found.",
        "error": "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION",
        "parameters": ["contact", contact_id],
    }


async def test_graphql_and_rest_agree(api: Api) -> None:
    contact_id = await create_contact(api)
    data = await api.data(
        "query($id: ID!) { contact(id: $id) { id code first_name email_address created_on } }",
        {"id": contact_id},
    )
    rest = (await api.rest("GET", f"/contacts/{contact_id}")).json()
    graph = data["contact"]
    assert {k: graph[k] for k in ("id", "code", "first_name", "email_address")} == {
        k: rest[k] for k in ("id", "code", "first_name", "email_address")
    }
    # The same instant: ISO 8601 in GraphQL, epoch seconds in REST.
    from datetime import datetime

    assert int(datetime.fromisoformat(graph["created_on"]).timestamp()) == rest["created_on"]
