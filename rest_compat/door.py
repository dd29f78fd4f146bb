"""The Starlette endpoint of the REST door: request -> variables -> GraphQL -> documented JSON."""

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import GraphQLError
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import Response

from app.errors import (
    GatewayError,
    InternalServerError,
    InvalidInput,
    MethodNotAllowed,
    NotFound,
    error_body,
)
from app.http.body_limits import is_multipart_form
from app.http.observe import note_operation, note_route
from app.money import loads_exact
from resolvers.context import Context
from rest_compat.coercion import coerce
from rest_compat.route import API_PREFIX
from rest_compat.table import CompiledRoute, RouteTable
from schema.compiled import CompiledAnswer
from schema.encoding import REST_VALUES, rest_json
from schema.schema import GatewaySchema

ContextFactory = Callable[[Request], Awaitable[Context]]


def error_response(error: GatewayError) -> Response:
    """The spec's error body for a domain error, with the headers the error asks for (a 405
    also names the allowed methods in ``Allow``)."""
    response = Response(
        rest_json(error_body(error)),
        status_code=error.status,
        headers=error.headers,
        media_type="application/json",
    )
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(error.parameters)
    return response


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return loads_exact(raw)
    except json.JSONDecodeError as exc:
        raise InvalidInput("body", f"is not valid JSON ({exc})") from None


UPLOAD_FIELD = "file"
"""The form part that holds the file on the upload routes (spec: ``POST /upload/files``)."""


async def _uploaded_file(request: Request) -> UploadFile:
    """The file of a ``multipart/form-data`` request's ``file`` part (400 naming ``file``
    for another body or a form without it)."""
    if not is_multipart_form(request.headers.get("content-type")):
        raise InvalidInput(UPLOAD_FIELD, "send the file as multipart/form-data, in the part 'file'")
    try:
        form = await request.form(max_files=1, max_fields=20)
    except MultiPartException as exc:
        raise InvalidInput(UPLOAD_FIELD, f"the multipart body cannot be read ({exc})") from None
    uploaded = form.get(UPLOAD_FIELD)
    if not isinstance(uploaded, UploadFile):
        raise InvalidInput(UPLOAD_FIELD, "is required (a multipart part 'file' with a filename)")
    return uploaded


def _unaliased(body: dict[str, Any], aliases: Mapping[str, str]) -> dict[str, Any]:
    """``body`` with the other spellings of its fields (``aliases``: spelling -> field) given
    the field's name; two spellings of one field are a 400 naming the second."""
    result = dict(body)
    for alias, name in aliases.items():
        if alias not in result:
            continue
        value = result.pop(alias)
        if name in result:
            raise InvalidInput(alias, f"gives {name} a second time; send one spelling")
        result[name] = value
    return result


async def _variables(
    compiled: CompiledRoute, request: Request, path_params: dict[str, str]
) -> dict[str, Any]:
    route = compiled.route
    raw: dict[str, Any] = dict(path_params)
    for name, value in request.query_params.multi_items():
        if name not in route.query:
            allowed = ", ".join(route.query) or "none"
            raise InvalidInput(name, f"unknown query parameter; this route takes {allowed}")
        raw[route.query[name]] = value
    if route.upload is not None:
        raw[route.upload] = await _uploaded_file(request)
    if route.body is not None:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise InvalidInput("body", "must be a JSON object")
        raw[route.body] = _unaliased(body, route.body_aliases)
    for header, variable in route.headers.items():
        if header in request.headers:
            raw[variable] = request.headers[header]
    return {
        name: coerce(value, compiled.variable_types[name], "" if name == route.body else name)
        for name, value in raw.items()
        if name in compiled.variable_types
    }


# graphql-core names the bad input as "... invalid value at .phones[0].number: ...",
# "... unknown field 'shoe_size' ..." or, for a whole variable (a query parameter's enum),
# "Variable '$type' got invalid value ..." / "... has invalid value ...".
_INVALID_FIELD = (
    re.compile(r"invalid value at \.([\w.\[\]]+)"),
    re.compile(r"unknown field '(\w+)'"),
    re.compile(r"^Variable '\$(\w+)' (?:got|has) invalid value"),
)


def _invalid_fields(error: GraphQLError, names: Mapping[str, str] | None = None) -> list[str]:
    """The input field a coercion error names, if it names one; a variable fed by a query
    parameter is named as the parameter (``names``: variable -> parameter)."""
    for pattern in _INVALID_FIELD:
        found = pattern.search(error.message)
        if found:
            return [(names or {}).get(found.group(1), found.group(1))]
    return []


def _failure(errors: list[GraphQLError], names: Mapping[str, str] | None = None) -> Response:
    """The response of a failed operation: the domain error of the highest status wins.

    Masked unexpected errors carry an :class:`~app.errors.InternalServerError` (500); errors
    without an original error are the request's own (coercion, validation): 400.
    """
    domain = [e.original_error for e in errors if isinstance(e.original_error, GatewayError)]
    if domain:
        return error_response(max(domain, key=lambda e: e.status))
    if all(e.original_error is None or isinstance(e.original_error, GraphQLError) for e in errors):
        # Variable coercion and validation errors: the request's input is at fault.
        return error_response(GatewayError(errors[0].message, _invalid_fields(errors[0], names)))
    return error_response(InternalServerError())


class RestDoor:
    """Serves every route of the table by executing its GraphQL operation in process.

    Every row's document was parsed and validated (query limits included) once, by the route
    table, into the schema's document cache (``RouteTable(..., schema.documents.prepare)``): a
    request runs it without parsing or validating it again. (A document over limits an
    operator lowered is refused per request, with the 400 of any refused document.)
    """

    def __init__(
        self, table: RouteTable, schema: GatewaySchema, context_factory: ContextFactory
    ) -> None:
        self._table = table
        self._schema = schema
        self._context_factory = context_factory

    async def handle(self, request: Request) -> Response:
        """Answer one REST request (an uploaded file's temporary copy is closed after)."""
        try:
            return await self._handle(request)
        finally:
            await request.close()

    async def _handle(self, request: Request) -> Response:
        path = request.url.path.removeprefix(API_PREFIX)
        compiled, path_params, allowed = self._table.match(request.method, path)
        if compiled is None:
            if allowed:
                return error_response(MethodNotAllowed(sorted(allowed)))
            return error_response(NotFound("route", f"{request.method} {path}"))
        template = API_PREFIX + compiled.route.path
        note_route(request.scope, template)
        try:
            context = await self._context_factory(request)
            variables = await _variables(compiled, request, path_params)
        except GatewayError as error:
            return error_response(error)
        document = compiled.route.document
        root = compiled.root_field
        answer = await self._schema.compiled_answer(document, None, variables, context, REST_VALUES)
        note_operation(request.scope, "rest", template, isinstance(answer, CompiledAnswer))
        if isinstance(answer, CompiledAnswer):
            if compiled.route.shape is None and root not in answer.inexact:
                # The database wrote the documented JSON: no decode/encode round trip.
                return _json_response(answer.texts[root].encode(), compiled.route.status)
            data = answer.value(root)
        else:
            result = answer or await self._schema.execute_saved(document, variables, context)
            if result.errors:
                parameters = {variable: name for name, variable in compiled.route.query.items()}
                return _failure(result.errors, parameters)
            assert result.data is not None
            data = result.data[root]
        if compiled.route.shape is not None:
            data = compiled.route.shape(data)
        return _json_response(rest_json(data), compiled.route.status)


def _json_response(body: bytes, status: int) -> Response:
    return Response(body, status_code=status, media_type="application/json")
