"""Commands of insights (spec: Insights, routes 27-38).

Property names are dotted paths (``venue.name``): letters, digits and ``_`` per segment. The
spec's examples send rows of an unfilled form (``"property_name": ""``, ``"value_list": [""]``):
such rows are kept as given, and a criterion, filter or breakdown without a property name, like
blank values in a value list and blank ``min_value``/``max_value``, is left out of the results.
"""

import re
from datetime import datetime
from typing import Any, Self

from pydantic import field_validator, model_validator

from app.commands import Command, refuse
from app.customer_events.enums import CustomerEventType
from app.insights.enums import ExportFormat, ExportType, Operator, PropertyType
from app.insights.properties import CONTACT_PROPERTIES

PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,7}$")
MAX_BREAKDOWNS = 4
"""The most breakdown levels an insight may have."""
MAX_VALUES = 100
"""The most values a value list may hold."""


def _property(value: str | None) -> str | None:
    if value is None or not value.strip():
        return value
    if len(value) > 200 or not PROPERTY_NAME.match(value.strip()):
        raise refuse(
            "must be a property name: dotted segments of letters, digits and _ (venue.name)"
        )
    return value.strip()


def _values(value: list[str] | None) -> list[str]:
    if value is None:
        return []
    if len(value) > MAX_VALUES:
        raise refuse(f"may hold at most {MAX_VALUES} values")
    return value


def _number(value: str | None) -> str | None:
    if value is None or not str(value).strip():
        return value
    try:
        float(str(value))
    except ValueError:
        raise refuse("must be a number") from None
    return str(value).strip()


def _listed(value: Any) -> Any:
    return [] if value is None else value


def blank(text: str | None) -> bool:
    """Whether a value of a form was left empty (``None`` or only spaces)."""
    return text is None or not text.strip()


def _check_property(kind: PropertyType, name: str | None, operator: Operator | None) -> None:
    """Refuse a property that cannot be read as asked: an unknown CONTACT property, BETWEEN
    on a CONTACT property (text), the EVENT amount compared or broken down as text."""
    if blank(name):
        return
    if kind == PropertyType.CONTACT:
        if name not in CONTACT_PROPERTIES:
            raise refuse(
                f"unknown contact property {name!r}; use one of {', '.join(CONTACT_PROPERTIES)}",
                field="property_name",
            )
        if operator == Operator.BETWEEN:
            raise refuse("BETWEEN applies to EVENT properties", field="operator")
    elif name == "amount" and operator != Operator.BETWEEN:
        raise refuse("amount is a number: compare it with BETWEEN", field="property_name")


class CreateInsight(Command):
    """A new insight: its name and description (events, filters and breakdowns follow)."""

    name: str
    description: str | None = None
    refresh_frequency: int | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise refuse("may not be blank")
        return value


class UpdateInsight(Command):
    """Changes to an insight's basic information; fields left out stay."""

    name: str | None = None
    description: str | None = None
    refresh_frequency: int | None = None

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            raise refuse("may not be blank")
        return value


class Totals(Command):
    """What an event measures: its frequency (a count) or the total of a property."""

    is_frequency: bool = True
    property_name: str | None = None

    _property = field_validator("property_name")(_property)


class CriterionProperty(Command):
    """A criterion's comparison of an event property."""

    property: str | None = None
    operator: Operator = Operator.IS
    value_list: list[str] = []

    _property = field_validator("property")(_property)
    _values = field_validator("value_list", mode="before")(_values)


class Criterion(Command):
    """A criterion the events must meet; ``name`` (A, B, C...) orders them."""

    name: str | None = None
    property: CriterionProperty


class InsightEventSpec(Command):
    """One event an insight measures."""

    name: str | None = None
    event_name: CustomerEventType
    totals: Totals = Totals()
    criteria: list[Criterion] = []

    @field_validator("totals", mode="before")
    @classmethod
    def _default_totals(cls, value: Any) -> Any:
        return Totals() if value is None else value

    _criteria = field_validator("criteria", mode="before")(_listed)


class InsightFilterSpec(Command):
    """A filter on a CONTACT or EVENT property."""

    name: str | None = None
    type: PropertyType
    property_name: str | None = None
    operator: Operator = Operator.IS
    min_value: str | None = None
    max_value: str | None = None
    value_list: list[str] = []

    _property = field_validator("property_name")(_property)
    _numbers = field_validator("min_value", "max_value", mode="before")(_number)
    _values = field_validator("value_list", mode="before")(_values)

    @model_validator(mode="after")
    def _readable(self) -> Self:
        _check_property(self.type, self.property_name, self.operator)
        return self


class InsightBreakdownSpec(Command):
    """A breakdown level by a CONTACT or EVENT property."""

    name: str | None = None
    type: PropertyType
    property_name: str | None = None

    _property = field_validator("property_name")(_property)

    @model_validator(mode="after")
    def _readable(self) -> Self:
        _check_property(self.type, self.property_name, None)
        return self


class AddInsightEvents(Command):
    """Events to add to an insight (after those it has)."""

    events: list[InsightEventSpec]


class AddInsightFilters(Command):
    """Filters to add to an insight (after those it has)."""

    filters: list[InsightFilterSpec]


class AddInsightBreakdowns(Command):
    """Breakdown levels to add to an insight (after those it has)."""

    breakdowns: list[InsightBreakdownSpec]


class ResultsWindow(Command):
    """The dates an insight's results cover (epoch seconds, both ends included; either may be
    left out)."""

    start_date: datetime | None = None
    end_date: datetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise refuse("may not be before start_date", field="end_date")
        return self


class PreviewInsight(ResultsWindow):
    """An unsaved definition whose results to compute."""

    events: list[InsightEventSpec] = []
    filters: list[InsightFilterSpec] = []
    breakdowns: list[InsightBreakdownSpec] = []

    _lists = field_validator("events", "filters", "breakdowns", mode="before")(_listed)

    @field_validator("breakdowns")
    @classmethod
    def _levels(cls, value: list[Any]) -> list[Any]:
        if len(value) > MAX_BREAKDOWNS:
            raise refuse(f"an insight has at most {MAX_BREAKDOWNS} breakdown levels")
        return value


class ExportInsight(Command):
    """What to export from an insight and in which format."""

    type: ExportType = ExportType.TABULAR
    format: ExportFormat = ExportFormat.CSV
    start_date: datetime | None = None
    end_date: datetime | None = None

    @field_validator("format", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value
