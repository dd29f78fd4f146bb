"""Typed commands: what a caller asks a service to do, validated once, before the service runs.

A command is a frozen pydantic model; :meth:`Command.parse` builds one from plain data and turns
pydantic's ``ValidationError`` into the project's :class:`~app.errors.InvalidInput` (a 400 naming
the field path, e.g. ``phones[1].number``), the one place where that conversion happens.
``model_fields_set`` tells a field the caller gave (possibly as null) from one left out;
:func:`apply` copies the given fields onto a model row by their declared names.
"""

import re
from collections.abc import Callable, Collection, Mapping
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from app.errors import InvalidInput
from app.money import parse_money

INVALID = "invalid_input"
"""The pydantic error type of the project's own validators (their message is the caller's)."""

_REFUSED_FIELD = "refused_field"


def refuse(message: str, *, field: str | None = None) -> PydanticCustomError:
    """The error a command validator raises: ``message`` reaches the caller as it is.

    ``field`` names the field a model validator (one that checks several fields) refuses.
    """
    # pydantic fills "{key}" of the message from the context: a key no message holds.
    return PydanticCustomError(INVALID, message, {_REFUSED_FIELD: field})


def _money(value: Any) -> Decimal:
    try:
        return parse_money(value)
    except ValueError as error:
        raise refuse(str(error)) from None


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise refuse("must be zero or more")
    return amount


_CURRENCY = re.compile(r"^[A-Za-z]{3}$")


def _currency(value: Any) -> str:
    if not isinstance(value, str) or not _CURRENCY.match(value.strip()):
        raise refuse("must be a three-letter currency code (e.g. EUR)")
    return value.strip().upper()


Money = Annotated[Decimal, BeforeValidator(_money)]
"""An amount in the currency's major unit under ``app.money``'s one rule (``MONEY_RULE``)."""

NonNegativeMoney = Annotated[Money, AfterValidator(_not_negative)]
"""A :data:`Money` amount of zero or more (credit limits, thresholds)."""

CurrencyCode = Annotated[str, BeforeValidator(_currency)]
"""A three-letter currency code, trimmed and upper-cased (``eur`` -> ``EUR``)."""


def refuse_null(message: str) -> Callable[[Any], Any]:
    """A field validator for a field that may be left out but not given as null (``message``
    says what it must be instead)."""

    def check(value: Any) -> Any:
        if value is None:
            raise refuse(message)
        return value

    return check


def _field_path(location: tuple[int | str, ...]) -> str:
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else part)
    return path


def _message(error: ErrorDetails) -> str:
    if error["type"] == INVALID:
        return error["msg"]
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "is not a field of this input"
    if error["type"] == "enum":
        expected = str(error.get("ctx", {}).get("expected", ""))
        return "must be one of " + expected.replace("'", "").replace(" or ", ", ")
    return error["msg"][:1].lower() + error["msg"][1:]


def invalid_input(error: ValidationError) -> InvalidInput:
    """The 400 for the first of pydantic's errors, naming its field path."""
    first = error.errors(include_url=False)[0]
    location = first["loc"]
    field = first.get("ctx", {}).get(_REFUSED_FIELD) if first["type"] == INVALID else None
    if field:
        location = (*location, field)
    return InvalidInput(_field_path(location) or "input", _message(first))


class Command(BaseModel):
    """Base of every command: frozen, no unknown fields, enum fields hold the enum's values."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=True)

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Self:
        """The command for ``data`` (keys left out stay unset); raises ``InvalidInput``."""
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise invalid_input(error) from None

    def given(self, *names: str) -> bool:
        """Whether the caller gave every one of ``names`` (null counts as given)."""
        return all(name in self.model_fields_set for name in names)


class CustomField(Command):
    """One custom field as stored on a row: a key and an optional value."""

    key: str
    value: str | None = None


def apply(command: Command, row: object, *, exclude: Collection[str] = ()) -> None:
    """Copy the fields the caller gave on ``command`` onto ``row`` by their declared names.

    Nested commands are stored as plain dictionaries (JSON columns); ``exclude`` names the
    fields the service handles itself (lists of related rows, ids to check first).
    """
    for name, value in given_fields(command, exclude=exclude).items():
        setattr(row, name, value)


def given_fields(command: Command, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """The fields the caller gave on ``command`` by their declared names, as :func:`apply`
    copies them (nested commands as plain dictionaries), but ``exclude``."""
    given = command.model_fields_set - set(exclude)
    return command.model_dump(include=given) if given else {}


class PostalAddress(Command):
    """The fields of a postal address shared by contacts' addresses and organisations'
    locations; with ``id`` a command changes that address, else it adds one."""

    id: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    state_province_county: str | None = None
    town_city: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    google_place_id: str | None = None
