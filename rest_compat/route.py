"""One row of the route table: a documented REST route and the GraphQL operation behind it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

API_PREFIX = "/backoffice/v1"


@dataclass(frozen=True)
class RestRoute:
    """A documented route: how to build the operation's variables and shape its result.

    Variables come from the path (``{name}`` segments), then the query string (``query``: the
    allowed parameter names and the variable each feeds), then the JSON body (given whole as
    the variable ``body``), then headers (``headers``: lower-case header -> variable). The
    operation's single root field's value is the response, reshaped by ``shape`` if given.
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
    shape: Callable[[Any], Any] | None = None
    public_key_allowed: bool = False
    notes: tuple[str, ...] = ()
    example_body: Mapping[str, Any] | None = None

    @property
    def full_path(self) -> str:
        """The path with the ``/backoffice/v1`` prefix."""
        return API_PREFIX + self.path


def identifier(data: Any) -> dict[str, Any]:
    """The spec's usual answer to a change: ``{"id": ...}``."""
    return {"id": data["id"]}
