"""Coercing REST input (query strings, loosely typed JSON) to the GraphQL variable types.

The spec's examples send booleans and numbers as strings (``"is_primary": "true"``); the
variable's GraphQL type decides what a value becomes. Numbers in strings are plain ASCII
literals (no ``_`` separators, exponents or non-ASCII digits); money follows
:func:`app.money.parse_money`, checked here so that the 400 names the field.
"""

import re
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

from app.errors import InvalidInput
from app.money import parse_money
from schema.scalars import MoneyScalar

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def coerce(value: Any, type_: GraphQLInputType, path: str) -> Any:
    """``value`` converted where a string stands for the boolean or number the type wants."""
    if isinstance(type_, GraphQLNonNull):
        return coerce(value, type_.of_type, path)
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        if isinstance(value, str):
            value = [part for part in value.split(",") if part != ""]
        if not isinstance(value, list):
            value = [value]
        return [coerce(item, type_.of_type, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(type_, GraphQLInputObjectType):
        if not isinstance(value, dict):
            raise InvalidInput(path, "must be an object")
        return {
            name: coerce(item, type_.fields[name].type, f"{path}.{name}" if path else name)
            if name in type_.fields
            else item
            for name, item in value.items()
        }
    if isinstance(type_, GraphQLScalarType) and type_.name == MoneyScalar.name:
        try:
            return parse_money(value)
        except ValueError as exc:
            raise InvalidInput(path, str(exc)) from None
    if not isinstance(value, str):
        return value
    text = value.strip()
    if type_ is GraphQLBoolean:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise InvalidInput(path, f"must be true or false, got {value!r}")
    if type_ is GraphQLInt:
        if not _INTEGER.fullmatch(text):
            raise InvalidInput(path, f"must be a whole number, got {value!r}")
        return int(text)
    if type_ is GraphQLFloat:
        if not _NUMBER.fullmatch(text):
            raise InvalidInput(path, f"must be a number, got {value!r}")
        return float(text)
    return value
