"""The OpenAPI document of the REST door, generated from the route table and the schema.

Every parameter, request body and success response has the JSON Schema of its GraphQL type
(``rest_compat.json_schema``): bodies from the input type of the row's ``body`` variable,
parameters from their variables, responses from the row's selection set, reshaped by the row's
``shape``.
"""

import re
from collections.abc import Sequence
from typing import Any

from graphql import (
    FieldNode,
    GraphQLInputType,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    parse,
    value_from_ast_untyped,
)

from rest_compat.json_schema import COMPONENTS, JsonSchema, SchemaSet, with_aliases
from rest_compat.route import API_PREFIX, RestRoute
from rest_compat.table import CompiledRoute, compile_route
from schema.permissions import access_of
from schema.schema import build_schema

ERROR_SCHEMA: JsonSchema = {
    "type": "object",
    "description": "The spec's error body.",
    "properties": {
        "status": {"type": "integer", "description": "The HTTP status.", "example": 404},
        "message": {
            "type": "string",
            "description": "What went wrong, for people.",
            "example": "Record not found.",
        },
        "error": {
            "type": "string",
            "description": "The stable error code integrators match on.",
            "example": "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION",
        },
        "parameters": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Details: the field at fault, or the entity and identifier.",
        },
    },
    "required": ["status", "message", "error", "parameters"],
    "additionalProperties": False,
}
ERRORS = {
    "4XX": "The request was refused; the body says why.",
    "5XX": "The gateway failed (500) or its database is unavailable (503).",
}


class _Operation:
    """A row's parsed operation: its root field, the root field's definition and its variables."""

    def __init__(self, compiled: CompiledRoute, schema: GraphQLSchema) -> None:
        document = parse(compiled.route.document)
        self.node = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        root_type = (
            schema.mutation_type
            if self.node.operation == OperationType.MUTATION
            else schema.query_type
        )
        assert root_type is not None
        root = self.node.selection_set.selections[0]
        assert isinstance(root, FieldNode)
        self.root = root
        self.field = root_type.fields[root.name.value]
        self.variable_types = compiled.variable_types

    def variable_type(self, name: str) -> GraphQLInputType:
        """The GraphQL type of a variable the route feeds (a row naming no variable is a bug)."""
        if name not in self.variable_types:
            raise ValueError(f"the operation declares no variable ${name}")
        return self.variable_types[name]

    def default(self, variable: str) -> Any:
        """The variable's default value as JSON, or None."""
        for definition in self.node.variable_definitions or ():
            if definition.variable.name.value == variable and definition.default_value:
                return value_from_ast_untyped(definition.default_value)
        return None

    def description(self, variable: str) -> str | None:
        """The description of the root field's argument that the variable feeds."""
        for argument in self.root.arguments or ():
            if isinstance(argument.value, VariableNode) and argument.value.name.value == variable:
                return self.field.args[argument.name.value].description
        return None


def _parameter(
    operation: _Operation, schemas: SchemaSet, name: str, where: str, variable: str
) -> dict[str, Any]:
    type_ = operation.variable_type(variable)
    schema = schemas.text(type_)
    default = operation.default(variable)
    if default is not None:
        schema["default"] = default
    if where == "path":
        # The route table matches a path parameter as one non-empty segment.
        schema |= {"minLength": 1, "pattern": "^[^/]+$"}
    parameter: dict[str, Any] = {
        "name": name,
        "in": where,
        "required": where == "path" or (isinstance(type_, GraphQLNonNull) and default is None),
        "schema": schema,
    }
    description = operation.description(variable)
    if description:
        parameter["description"] = description
    if schema.get("type") == "array":
        parameter |= {"style": "form" if where == "query" else "simple", "explode": False}
    return parameter


def _parameters(operation: _Operation, schemas: SchemaSet, compiled: CompiledRoute) -> list[Any]:
    route = compiled.route
    return [
        *(_parameter(operation, schemas, name, "path", name) for name in compiled.path_params),
        *(_parameter(operation, schemas, name, "query", var) for name, var in route.query.items()),
        *(_parameter(operation, schemas, h, "header", var) for h, var in route.headers.items()),
    ]


def _request_body(route: RestRoute, operation: _Operation, schemas: SchemaSet) -> dict[str, Any]:
    assert route.body is not None
    schema = schemas.body(operation.variable_type(route.body))
    # An empty body is read as {}: a body is needed only when the input has required fields.
    target = schemas.components.get(schema.get("$ref", "").removeprefix(COMPONENTS), schema)
    if route.body_aliases:
        schema = with_aliases(target, route.body_aliases)
    content: dict[str, Any] = {"schema": schema}
    if route.example_body is not None:
        content["example"] = route.example_body
    return {"required": bool(target.get("required")), "content": {"application/json": content}}


def _success_schema(route: RestRoute, operation: _Operation, schemas: SchemaSet) -> JsonSchema:
    schema = schemas.selection(operation.field.type, operation.root.selection_set)
    return route.shape.reshape_schema(schema) if route.shape is not None else schema


def operation_id(route: RestRoute) -> str:
    """A stable operation id from the method and the path: ``get_contacts_id``."""
    return route.method.lower() + re.sub(r"[{}]", "", route.path.replace("/", "_"))


def _operation(compiled: CompiledRoute, schema: GraphQLSchema, schemas: SchemaSet) -> Any:
    route = compiled.route
    operation = _Operation(compiled, schema)
    access = access_of(operation.field)
    description = "\n\n".join(
        [
            f"Runs this GraphQL operation:\n\n```graphql\n{route.document.strip()}\n```",
            *([access.describe()] if access is not None else []),
            *route.notes,
        ]
    )
    success = {
        "description": "Success.",
        "content": {"application/json": {"schema": _success_schema(route, operation, schemas)}},
    }
    error_content = {"application/json": {"schema": {"$ref": COMPONENTS + "Error"}}}
    result: dict[str, Any] = {
        "tags": [route.section],
        "summary": route.summary,
        "description": description,
        "operationId": operation_id(route),
        "parameters": _parameters(operation, schemas, compiled),
        "responses": {
            str(route.status): success,
            **{
                status: {"description": text, "content": error_content}
                for status, text in ERRORS.items()
            },
        },
        "security": [{"api_key": []}, {"bearer": []}],
    }
    if access is not None and access.permission is not None:
        # The permission the root field declares (schema/permissions.py), not typed twice.
        result["x-permission"] = access.permission.value
    if route.body is not None:
        result["requestBody"] = _request_body(route, operation, schemas)
    if route.upload is not None:
        result["requestBody"] = _upload_body()
    return result


def _upload_body() -> dict[str, Any]:
    """The request body of an upload route: a form whose part ``file`` is the file."""
    schema = {
        "type": "object",
        "properties": {"file": {"type": "string", "contentMediaType": "application/octet-stream"}},
        "required": ["file"],
    }
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


def openapi_document(
    routes: Sequence[RestRoute], schema: GraphQLSchema | None = None
) -> dict[str, Any]:
    """An OpenAPI 3.1 document with one operation per route row (``schema``: the gateway's)."""
    if schema is None:
        schema = build_schema()._schema
    schemas = SchemaSet(schema)
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        operation = _operation(compile_route(route, schema), schema, schemas)
        paths.setdefault(API_PREFIX + route.path, {})[route.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CRM Back-Office API (REST compatibility door)",
            "version": "v1",
            "description": (
                "Every route runs a saved GraphQL operation against the gateway's schema "
                "(see /graphql); the schemas here are derived from its types. In a JSON body, "
                "booleans and numbers may be sent as strings and a single value stands for a "
                "list of one. Responses carry money as JSON numbers and times as epoch seconds."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA, **dict(sorted(schemas.components.items()))},
            "securitySchemes": {
                "api_key": {"type": "apiKey", "in": "header", "name": "api_key"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    }
