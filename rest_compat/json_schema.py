"""JSON Schemas of GraphQL types as the REST door reads and writes them.

Input schemas follow the door's leniency (``rest_compat.coercion``): in a JSON body booleans and
numbers may be strings, and a single value stands for a list of one. Output schemas follow the
REST encoding (``schema.encoding.rest_json``): money is a JSON number and times are epoch
seconds. Named input objects and enums become components (``#/components/schemas/<Name>``);
output objects are inline, because each route selects its own fields.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from graphql import (
    FieldNode,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    SelectionSetNode,
    Undefined,
    ast_from_value,
    value_from_ast_untyped,
)

from app.money import MAX_MONEY, MONEY_RULE, MONEY_SCALE
from rest_compat.coercion import _FALSE, _TRUE

JsonSchema = dict[str, Any]
COMPONENTS = "#/components/schemas/"
NULL: JsonSchema = {"type": "null"}

# GraphQL's Int is a signed 32-bit integer.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Epoch seconds that name a time Python's datetime can hold (years 1 to 9999).
EPOCH_MIN = int(datetime.min.replace(tzinfo=UTC).timestamp())
EPOCH_MAX = int(datetime.max.replace(tzinfo=UTC, microsecond=0).timestamp())


def _any_case(word: str) -> str:
    """A regular expression matching ``word`` in any letter case (JSON Schema has no flags)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


_BOOLEAN_TEXT = r"^\s*(" + "|".join(_any_case(w) for w in sorted(_TRUE | _FALSE)) + r")\s*$"
_INT_TEXT = r"^\s*-?[0-9]+\s*$"
_FLOAT_TEXT = r"^\s*-?[0-9]+(\.[0-9]+)?\s*$"
_MONEY_TEXT = rf"^-?[0-9]+(\.[0-9]{{1,{MONEY_SCALE}}})?$"
_MONEY_NOTE = (
    f"An exact decimal amount with {MONEY_RULE}, as a JSON number or a plain ASCII decimal "
    "string (read from its text, never through a binary float)."
)
_INT: JsonSchema = {"type": "integer", "minimum": INT_MIN, "maximum": INT_MAX}
_EPOCH: JsonSchema = {"type": "integer", "minimum": EPOCH_MIN, "maximum": EPOCH_MAX}

BODY_SCALARS: dict[str, JsonSchema] = {
    "String": {"type": "string"},
    "ID": {"type": ["string", "integer"]},
    "Boolean": {
        "description": "true or false; the strings true/false, yes/no, 1/0 are read alike.",
        "anyOf": [{"type": "boolean"}, {"type": "string", "pattern": _BOOLEAN_TEXT}],
    },
    "Int": {
        "description": "A whole number (32-bit); a string of digits is read alike.",
        "anyOf": [_INT, {"type": "string", "pattern": _INT_TEXT}],
    },
    "Float": {
        "description": "A number; a numeric string is read alike.",
        "anyOf": [{"type": "number"}, {"type": "string", "pattern": _FLOAT_TEXT}],
    },
    "Money": {
        "description": _MONEY_NOTE,
        "anyOf": [
            {"type": "number", "minimum": -float(MAX_MONEY), "maximum": float(MAX_MONEY)},
            {"type": "string", "pattern": _MONEY_TEXT},
        ],
    },
    "DateTime": {
        "description": "A point in time: epoch seconds (a number or digits) or ISO 8601 text.",
        "anyOf": [
            {"type": "number", "minimum": EPOCH_MIN, "maximum": EPOCH_MAX},
            {"type": "string", "format": "date-time"},
        ],
    },
    "JSON": {
        "type": "object",
        "properties": {},
        "additionalProperties": True,
        "description": "A JSON object of free properties.",
    },
}
"""Scalars in a JSON body, with the strings the door reads as booleans and numbers."""

TEXT_SCALARS: dict[str, JsonSchema] = {
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Boolean": {"type": "boolean", "description": "true or false (also yes/no, 1/0)."},
    "Int": _INT,
    "Float": {"type": "number"},
    "Money": {"type": "string", "pattern": _MONEY_TEXT, "description": _MONEY_NOTE},
    "DateTime": {
        "description": "A point in time: epoch seconds or ISO 8601.",
        "anyOf": [_EPOCH, {"type": "string", "format": "date-time"}],
    },
}
"""Scalars in a path segment, query parameter or header, by the value the text stands for."""

OUTPUT_SCALARS: dict[str, JsonSchema] = {
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Boolean": {"type": "boolean"},
    "Int": {"type": "integer"},
    "Float": {"type": "number"},
    "Money": {"type": "number", "description": "An exact decimal amount, as a JSON number."},
    "DateTime": {**_EPOCH, "description": "A point in time in epoch seconds (UTC)."},
    "JSON": {
        "type": "object",
        "properties": {},
        "additionalProperties": True,
        "description": "A JSON object of free properties.",
    },
}
"""Scalars in a REST response: money as numbers, times as epoch seconds."""


def nullable(schema: JsonSchema) -> JsonSchema:
    """``schema`` that also allows null (its description stays outside, for readers)."""
    annotations = {key: value for key, value in schema.items() if key in ("description", "default")}
    inner = {key: value for key, value in schema.items() if key not in annotations}
    if set(inner) == {"anyOf"}:
        return {**annotations, "anyOf": [*inner["anyOf"], NULL]}
    return {**annotations, "anyOf": [inner, NULL]}


def non_null(schema: JsonSchema) -> JsonSchema:
    """``schema`` without the null that ``nullable`` added (``schema`` itself if it had none)."""
    options = schema.get("anyOf", [])
    if NULL not in options:
        return schema
    annotations = {key: value for key, value in schema.items() if key != "anyOf"}
    rest = [option for option in options if option != NULL]
    if len(rest) == 1:
        return {**rest[0], **annotations}
    return {**annotations, "anyOf": rest}


def object_schema(
    properties: Mapping[str, JsonSchema],
    required: Iterable[str],
    description: str | None = None,
) -> JsonSchema:
    """A JSON object with exactly these properties (no others)."""
    schema: JsonSchema = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = dict(properties)
    needed = set(required)
    in_order = [name for name in properties if name in needed]
    if in_order:
        schema["required"] = in_order
    schema["additionalProperties"] = False
    return schema


def with_aliases(schema: JsonSchema, aliases: Mapping[str, str]) -> JsonSchema:
    """An object ``schema`` that also takes the other spellings of its properties (``aliases``:
    spelling -> property); a property with other spellings is no longer required (the door
    asks for one of them)."""
    properties = dict(schema["properties"])
    for alias, name in aliases.items():
        properties[alias] = {**properties[name], "description": f"Another spelling of {name}."}
    required = [name for name in schema.get("required", []) if name not in aliases.values()]
    return object_schema(properties, required, schema.get("description"))


def _described(schema: JsonSchema, description: str | None) -> JsonSchema:
    """``schema`` described by its field: an object's own description gives way, a scalar's
    note (how the door reads or writes it) follows."""
    if not description:
        return schema
    options = [schema, *schema.get("anyOf", [])]
    is_object = any(option.get("type") == "object" for option in options)
    note = None if is_object else schema.get("description")
    return {**schema, "description": f"{description} {note}" if note else description}


def enum_schema(type_: GraphQLEnumType) -> JsonSchema:
    """A string that is one of the enum's names."""
    return _described({"type": "string", "enum": list(type_.values)}, type_.description)


def json_value(value: Any, type_: GraphQLInputType) -> Any:
    """A GraphQL default value (internal form) as the JSON a client would send."""
    node = ast_from_value(value, type_)
    return None if node is None else value_from_ast_untyped(node)


class SchemaSet:
    """Builds JSON Schemas for one document, collecting named types as components."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.components: dict[str, JsonSchema] = {}

    def _ref(self, name: str, build: Callable[[], JsonSchema]) -> JsonSchema:
        if name not in self.components:
            self.components[name] = {}  # reserved first: input types may refer to themselves
            self.components[name] = build()
        return {"$ref": COMPONENTS + name}

    def _enum(self, type_: GraphQLEnumType) -> JsonSchema:
        return self._ref(type_.name, lambda: enum_schema(type_))

    # Inputs

    def body(self, type_: GraphQLInputType) -> JsonSchema:
        """The schema of a JSON value of this input type, as the door reads it."""
        if isinstance(type_, GraphQLNonNull):
            return self._input(type_.of_type, BODY_SCALARS)
        return nullable(self._input(type_, BODY_SCALARS))

    def text(self, type_: GraphQLInputType) -> JsonSchema:
        """The schema of a path, query or header value of this input type.

        A list is a comma-separated value (OpenAPI ``style: form, explode: false``).
        """
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        if isinstance(inner, GraphQLList):
            return {"type": "array", "items": self.text(inner.of_type)}
        return self._input(inner, TEXT_SCALARS)

    def _input(self, type_: GraphQLInputType, scalars: Mapping[str, JsonSchema]) -> JsonSchema:
        if isinstance(type_, GraphQLList):
            item = self.body(type_.of_type)
            return {
                "description": "A list; a single item stands for a list of one.",
                "anyOf": [{"type": "array", "items": item}, item],
            }
        if isinstance(type_, GraphQLInputObjectType):
            return self._ref(type_.name, lambda: self._input_object(type_))
        if isinstance(type_, GraphQLEnumType):
            return self._enum(type_)
        if isinstance(type_, GraphQLScalarType):
            return dict(scalars[type_.name])
        raise TypeError(f"no JSON Schema for input type {type_}")

    def _input_object(self, type_: GraphQLInputObjectType) -> JsonSchema:
        properties = {name: self._input_field(field) for name, field in type_.fields.items()}
        required = [
            name
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        ]
        schema = object_schema(properties, required, type_.description)
        if type_.is_one_of:
            schema |= {"minProperties": 1, "maxProperties": 1}
        return schema

    def _input_field(self, field: GraphQLInputField) -> JsonSchema:
        schema = _described(self.body(field.type), field.description)
        if field.default_value is not Undefined:
            schema["default"] = json_value(field.default_value, field.type)
        return schema

    # Outputs

    def selection(
        self, type_: GraphQLOutputType, selection_set: SelectionSetNode | None
    ) -> JsonSchema:
        """The schema of a REST response value: the selected fields of ``type_``, recursively."""
        if isinstance(type_, GraphQLNonNull):
            return self._output(type_.of_type, selection_set)
        return nullable(self._output(type_, selection_set))

    def _output(
        self, type_: GraphQLOutputType, selection_set: SelectionSetNode | None
    ) -> JsonSchema:
        if isinstance(type_, GraphQLList):
            return {"type": "array", "items": self.selection(type_.of_type, selection_set)}
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            assert selection_set is not None, f"{type_.name} needs a selection"
            return self._selected_object(type_, selection_set)
        if isinstance(type_, GraphQLEnumType):
            return self._enum(type_)
        if isinstance(type_, GraphQLScalarType):
            return dict(OUTPUT_SCALARS[type_.name])
        raise TypeError(f"no JSON Schema for output type {type_}")

    def _selected_object(
        self, type_: GraphQLObjectType | GraphQLInterfaceType, selection_set: SelectionSetNode
    ) -> JsonSchema:
        properties: dict[str, JsonSchema] = {}
        required: list[str] = []
        for node in selection_set.selections:
            if not isinstance(node, FieldNode):
                raise TypeError(f"{type_.name}: fragments are not supported in route documents")
            key = (node.alias or node.name).value
            if node.name.value == "__typename":
                properties[key] = {"type": "string", "const": type_.name}
            else:
                field = type_.fields[node.name.value]
                schema = self.selection(field.type, node.selection_set)
                properties[key] = _described(schema, field.description)
            # @include / @skip may leave the key out of the answer.
            if not node.directives:
                required.append(key)
        return object_schema(properties, required, type_.description)
