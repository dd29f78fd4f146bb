"""The OpenAPI document of the REST door, generated from the route table."""

import re
from collections.abc import Sequence
from typing import Any

from rest_compat.route import API_PREFIX, RestRoute

_PARAM = re.compile(r"\{(\w+)\}")
ERROR_SCHEMA = {
    "type": "object",
    "description": "The spec's error body.",
    "properties": {
        "status": {"type": "integer", "example": 404},
        "message": {"type": "string", "example": "Record not found."},
        "error": {"type": "string", "example": "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"},
        "parameters": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["status", "message", "error", "parameters"],
}


def _operation(route: RestRoute) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PARAM.findall(route.path)
    ]
    parameters += [
        {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
        for name in route.query
    ]
    parameters += [
        {"name": header, "in": "header", "required": False, "schema": {"type": "string"}}
        for header in route.headers
    ]
    description = "\n\n".join(
        [f"Runs this GraphQL operation:\n\n```graphql\n{route.document.strip()}\n```", *route.notes]
    )
    operation: dict[str, Any] = {
        "tags": [route.section],
        "summary": route.summary,
        "description": description,
        "operationId": route.method.lower() + re.sub(r"[{}]", "", route.path.replace("/", "_")),
        "parameters": parameters,
        "responses": {
            str(route.status): {"description": "Success.", "content": {"application/json": {}}},
            "4XX": {
                "description": "The request was refused; the body says why.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            },
        },
        "security": [{"api_key": []}, {"bearer": []}],
    }
    if route.body is not None:
        body: dict[str, Any] = {"schema": {"type": "object"}}
        if route.example_body is not None:
            body["example"] = route.example_body
        operation["requestBody"] = {"required": True, "content": {"application/json": body}}
    return operation


def openapi_document(routes: Sequence[RestRoute]) -> dict[str, Any]:
    """An OpenAPI 3.1 document with one operation per route row."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(API_PREFIX + route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CRM Back-Office API (REST compatibility door)",
            "version": "v1",
            "description": (
                "Every route runs a saved GraphQL operation against the gateway's schema "
                "(see /graphql). Booleans and numbers may be sent as strings."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": ERROR_SCHEMA},
            "securitySchemes": {
                "api_key": {"type": "apiKey", "in": "header", "name": "api_key"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
        },
    }
