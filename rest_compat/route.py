"""One row of the route table: a documented REST route and the GraphQL operation behind it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rest_compat.json_schema import JsonSchema, object_schema

API_PREFIX = "/backoffice/v1"
# The paging object every list route answers with (its fields: `schema.common.Paging`).
PAGING = "paging { page size total has_more }"


@dataclass(frozen=True)
class Shape:
    """A reshaping of an operation's result, declared with the same reshaping of its schema.

    ``reshape`` turns the root field's value into the documented JSON; ``reshape_schema`` turns
    the JSON Schema of that value (derived from the selection) into the schema of the documented
    JSON, so that the OpenAPI document stays derived from the route table.
    """

    reshape: Callable[[Any], Any]
    reshape_schema: Callable[[JsonSchema], JsonSchema]

    def __call__(self, data: Any) -> Any:
        """The documented JSON for the root field's value."""
        return self.reshape(data)


@dataclass(frozen=True)
class RestRoute:
    """A documented route: how to build the operation's variables and shape its result.

    Variables come from the path (``{name}`` segments), then the query string (``query``: the
    allowed parameter names and the variable each feeds), then the JSON body (given whole as
    the variable ``body``), then headers (``headers``: lower-case header -> variable); a route
    with ``upload`` takes a ``multipart/form-data`` body instead, whose part ``file`` is passed
    as that (GraphQL ``Upload``) variable. The
    operation's single root field's value is the response, reshaped by ``shape`` if given.
    ``body_aliases`` maps other spellings of top-level body fields that the spec shows (e.g.
    camelCase ``externalId``) to the input field they stand for.
    """

    method: str
    path: str
    summary: str
    section: str
    document: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    status: int = 200
    shape: Shape | None = None
    public_key_allowed: bool = False
    notes: tuple[str, ...] = ()
    example_body: Mapping[str, Any] | None = None
    upload: str | None = None
    body_aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def full_path(self) -> str:
        """The path with the ``/backoffice/v1`` prefix."""
        return API_PREFIX + self.path


def _identifier(data: Any) -> dict[str, Any]:
    return {"id": data["id"]}


def _identifier_schema(selected: JsonSchema) -> JsonSchema:
    return object_schema({"id": selected["properties"]["id"]}, ["id"])


identifier = Shape(_identifier, _identifier_schema)
"""The spec's usual answer to a change: ``{"id": ...}``."""
