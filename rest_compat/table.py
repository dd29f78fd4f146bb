"""The route table: finding the row for a request, and checking every row against the schema."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from graphql import (
    GraphQLError,
    GraphQLInputType,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    type_from_ast,
    validate,
)

from rest_compat.route import RestRoute
from schema.limits import QueryLimitExceeded

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class CompiledRoute:
    """A route row with its path pattern and its variables' GraphQL types."""

    route: RestRoute
    pattern: re.Pattern[str]
    variable_types: dict[str, GraphQLInputType]
    root_field: str

    @cached_property
    def path_params(self) -> list[str]:
        """The names of the path's ``{param}`` segments."""
        return _PARAM.findall(self.route.path)


def _pattern(path: str) -> re.Pattern[str]:
    regex = _PARAM.sub(
        lambda m: f"(?P<{m.group(1)}>[^/]+)",
        re.escape(path).replace(r"\{", "{").replace(r"\}", "}"),
    )
    return re.compile(f"^{regex}/?$")


Validator = Callable[[str], list[GraphQLError]]
"""Validates a document's text (e.g. the schema's cached ``documents.prepare``, which also
applies the query limits)."""


def compile_route(
    route: RestRoute, schema: GraphQLSchema, validator: Validator | None = None
) -> CompiledRoute:
    """Parse and validate a row's document; fail loudly if it does not fit the schema.

    With ``validator`` the document is validated through it (once for the process: the REST
    door then runs it without validating again); a query limit it breaks is not a fault of
    the row (an operator may have lowered the limit): the request is refused with a 400."""
    document = parse(route.document)
    if validator is None:
        errors = validate(schema, document)
    else:
        errors = [
            error
            for error in validator(route.document)
            if not isinstance(error.original_error, QueryLimitExceeded)
        ]
    if errors:
        raise ValueError(f"{route.method} {route.path}: {errors[0].message}")
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    variable_types: dict[str, GraphQLInputType] = {}
    for definition in operation.variable_definitions or ():
        type_ = type_from_ast(schema, definition.type)
        assert type_ is not None
        variable_types[definition.variable.name.value] = type_  # type: ignore[assignment]
    root = operation.selection_set.selections[0]
    root_name = getattr(root, "alias", None) or root.name  # type: ignore[attr-defined]
    return CompiledRoute(route, _pattern(route.path), variable_types, root_name.value)


def _first_segment(path: str) -> str:
    """``contacts`` for ``/contacts/{id}/accounts``."""
    return path.lstrip("/").split("/", 1)[0]


class RouteTable:
    """All rows, matched by path first and then by method.

    Rows are grouped by their path's first segment (``/contacts/...``), so a request tries the
    patterns of its own resource only, however many routes the table holds; rows whose path
    starts with a parameter are tried for every request.
    """

    def __init__(
        self, routes: Sequence[RestRoute], schema: GraphQLSchema, validator: Validator | None = None
    ) -> None:
        self.routes = [compile_route(route, schema, validator) for route in routes]
        self._by_segment: dict[str, list[CompiledRoute]] = {}
        self._anywhere: list[CompiledRoute] = []
        for compiled in self.routes:
            segment = _first_segment(compiled.route.path)
            if _PARAM.search(segment):
                self._anywhere.append(compiled)
            else:
                self._by_segment.setdefault(segment, []).append(compiled)

    def match(
        self, method: str, path: str
    ) -> tuple[CompiledRoute | None, dict[str, str], set[str]]:
        """The row for a request, its path parameters, and the methods the path allows.

        A row whose path has no parameters wins over one that captures the same segment (so
        ``/approval_requests/my_requests`` is not read as an id).
        """
        candidates: list[tuple[int, CompiledRoute, dict[str, str]]] = []
        allowed: set[str] = set()
        rows = self._by_segment.get(_first_segment(path), [])
        for compiled in (*rows, *self._anywhere) if self._anywhere else rows:
            found = compiled.pattern.match(path)
            if found:
                candidates.append((len(compiled.path_params), compiled, found.groupdict()))
        if not candidates:
            return None, {}, allowed
        fewest = min(count for count, _, _ in candidates)
        best = [(c, params) for count, c, params in candidates if count == fewest]
        allowed = {c.route.method for c, _ in best}
        for compiled, params in best:
            if compiled.route.method == method:
                return compiled, params, allowed
        return None, {}, allowed
