"""Which text the database can store: the characters it refuses, the longest value a column takes.

PostgreSQL cannot store U+0000 in text, and no UTF-8 encoder takes an unpaired surrogate; SQLite
would take either, so refusing them at the edge keeps both backends alike. Lengths come from the
``String(n)`` columns of the models (never written a second time); ``Text`` columns and strings
that no column stores are capped at :data:`TEXT_CAP` characters.
"""

import re
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Mapper

import app.db.models  # noqa: F401  (registers every model with Base)
from app.db.base import Base

TEXT_CAP = 10_000
"""The longest text (in characters) accepted where no ``String(n)`` column sets a length."""

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# An input type is named after the model it writes: `<Verb><Model>Input` or `<Model>Input`.
_INPUT_VERBS = ("Create", "Update", "Register", "Post")
# Input types whose name does not follow that rule, mapped to their model's class name.
INPUT_MODEL_NAMES: dict[str, str] = {
    "CreateNetworkOrganisationInput": "Organisation",
    "OwnerContactInfoInput": "OrganisationContactInfo",
    "OrganisationOwnerInput": "User",
    "AuthenticateUserInput": "User",
    "RewardSchemeSignUpInput": "AccountRewardScheme",
    "OrganisationActionInput": "Organisation",
    "ChangeUserInput": "Membership",
    "AddTeamMemberInput": "TeamMember",
}


def has_unstorable_character(text: str) -> bool:
    """Whether ``text`` holds U+0000 or an unpaired surrogate (PostgreSQL stores neither)."""
    return _UNSTORABLE.search(text) is not None


def storable(text: str) -> str:
    """``text`` with each character the database cannot store replaced by U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


_NEVER_TEXT = frozenset({int, bool, float, Decimal, datetime, type(None)})


def storable_values(value: Any) -> Any:
    """``value`` with :func:`storable` applied to every string in it, at any depth of lists,
    tuples and dicts (their keys too); anything else as it is. A plain value costs one type
    check: every statement's parameters and every answer echoing an input go through it."""
    kind = type(value)
    if kind is str:
        return storable(value) if has_unstorable_character(value) else value
    if kind in _NEVER_TEXT:
        return value
    if isinstance(value, str):  # a str enum: kept unless it must change
        return storable(value) if has_unstorable_character(value) else value
    if isinstance(value, tuple | list):
        return type(value)(storable_values(item) for item in value)
    if isinstance(value, dict):
        return {storable_values(key): storable_values(item) for key, item in value.items()}
    return value


@cache
def _models() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in Base.registry.mappers}


def model_for_input(input_type: str) -> type | None:
    """The model whose row the GraphQL input type ``input_type`` writes, if there is one."""
    name = INPUT_MODEL_NAMES.get(input_type)
    if name is None:
        name = input_type.removesuffix("Input")
        for verb in _INPUT_VERBS:
            if name.startswith(verb) and name[len(verb) :][:1].isupper():
                name = name[len(verb) :]
                break
    return _models().get(name)


@cache
def column_lengths(input_type: str) -> dict[str, int]:
    """The ``String(n)`` lengths of the columns the fields of ``input_type`` are stored in."""
    model = model_for_input(input_type)
    if model is None:
        return {}
    lengths: dict[str, int] = {}
    mapper: Mapper[Any] = inspect(model)
    for attribute in mapper.column_attrs:
        column_type = attribute.columns[0].type
        if isinstance(column_type, String) and column_type.length:
            lengths[attribute.key] = column_type.length
    return lengths


def max_length(input_type: str | None, field: str) -> int:
    """The longest value (in characters) the field ``field`` of ``input_type`` accepts."""
    if input_type is None:
        return TEXT_CAP
    return column_lengths(input_type).get(field, TEXT_CAP)
