"""Enumerations of insights (spec: Insights)."""

from enum import StrEnum


class PropertyType(StrEnum):
    """Whose property a filter or breakdown reads: the event's contact's, or the event's."""

    CONTACT = "CONTACT"
    EVENT = "EVENT"


class Operator(StrEnum):
    """How a criterion or filter compares a property with its values.

    IS: the property is one of ``value_list``; IS_NOT and NOT_EQUAL: it is none of them (a
    missing property counts as none); CONTAINS: its text contains one of the values (ignoring
    case); DOES_NOT_CONTAIN: it contains none of them (a missing property counts as none);
    BETWEEN: its number is between ``min_value`` and ``max_value`` (either may be left out).
    """

    IS = "IS"
    IS_NOT = "IS_NOT"
    NOT_EQUAL = "NOT_EQUAL"
    CONTAINS = "CONTAINS"
    DOES_NOT_CONTAIN = "DOES_NOT_CONTAIN"
    BETWEEN = "BETWEEN"


class ExportType(StrEnum):
    """What an export holds: TABULAR results (the spec shows no code for it) or UGD, all the
    underlying granular data (the events the insight counted)."""

    TABULAR = "TABULAR"
    UGD = "UGD"


class ExportFormat(StrEnum):
    """The file format of an export (the spec documents CSV only; ``csv`` is read alike)."""

    CSV = "CSV"
