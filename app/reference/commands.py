"""Commands of reference data: creating and changing each of the nine kinds.

Each kind has a create and an update command (carried by its row of ``service.KINDS``); they
normalise and check the fields themselves. The rules that need the database or the row being
changed (visibility of the ids named, a reward scheme's method and its domains or code) stay in
``app.reference.service``.
"""

import re
from decimal import Decimal
from typing import Self, TypeVar

from pydantic import field_validator, model_validator

from app.commands import Command, refuse, refuse_null
from app.reference.enums import ProductIdType, SignUpMethod

MAX_NAME_LENGTH = 200
MAX_SIGN_UP_CODE_LENGTH = 100
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_COLOR = re.compile(r"^#?([0-9a-f]{3}|[0-9a-f]{6})$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _checked_name(value: str | None) -> str:
    name = (value or "").strip()
    if not name:
        raise refuse("must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise refuse(f"must be at most {MAX_NAME_LENGTH} characters")
    return name


def _required(value: str | None) -> str:
    if not value:
        raise refuse("is required")
    return value


def _checked_days(days: int | None) -> int:
    if days is None or days < 0:
        raise refuse("must be 0 or more")
    return days


def _checked_threshold(threshold: Decimal | None) -> Decimal:
    if threshold is None or threshold < 0:
        raise refuse("must be 0 or more")
    return threshold


def _checked_color(value: str | None) -> str | None:
    if value is None:
        return None
    color = value.strip().lower()
    if not _COLOR.match(color):
        raise refuse('must be a hexadecimal colour code such as "#d4af37"')
    return "#" + color.lstrip("#")


def _checked_domains(values: list[str] | None) -> list[str]:
    domains = []
    for value in values or []:
        domain = value.strip().lower().lstrip("@")
        if not _DOMAIN.match(domain):
            raise refuse(f"{value!r} is not an e-mail domain")
        domains.append(domain)
    return list(dict.fromkeys(domains))


def _checked_code(value: str | None) -> str | None:
    code = (value or "").strip() or None
    if code is not None and len(code) > MAX_SIGN_UP_CODE_LENGTH:
        raise refuse(f"must be at most {MAX_SIGN_UP_CODE_LENGTH} characters")
    return code


def _distinct(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(values or []))


_Item = TypeVar("_Item")


def _or_empty(values: list[_Item] | None) -> list[_Item]:
    return values or []


class CreateReference(Command):
    """The name and description every new row of reference data has."""

    name: str
    description: str | None = None

    _name = field_validator("name")(_checked_name)


class UpdateReference(Command):
    """Changes to any row of reference data: fields left out stay."""

    name: str | None = None
    description: str | None = None

    _name = field_validator("name")(_checked_name)


class CreateAccountClassification(CreateReference):
    """A new account classification."""


class UpdateAccountClassification(UpdateReference):
    """Changes to an account classification."""


class CreatePaymentTerms(CreateReference):
    """New payment terms."""

    days: int = 0

    _days = field_validator("days")(_checked_days)


class UpdatePaymentTerms(UpdateReference):
    """Changes to payment terms."""

    days: int | None = None

    _days = field_validator("days")(_checked_days)


class CreateIndustry(CreateReference):
    """A new industry."""


class UpdateIndustry(UpdateReference):
    """Changes to an industry."""


class CreateIndustrySector(CreateReference):
    """A new sector of an industry the caller sees."""

    industry_id: str

    _industry = field_validator("industry_id")(_required)


class UpdateIndustrySector(UpdateReference):
    """Changes to an industry sector; ``industry_id`` may not be given as null."""

    industry_id: str | None = None

    _industry = field_validator("industry_id")(_required)


class CreateBusinessActivity(CreateReference):
    """A new business activity."""


class UpdateBusinessActivity(UpdateReference):
    """Changes to a business activity."""


class CreateOrganisationGroup(CreateReference):
    """A new organisation group."""


class UpdateOrganisationGroup(UpdateReference):
    """Changes to an organisation group."""


class CreateRewardScheme(CreateReference):
    """A new reward scheme; e-mail domains are stored in lower case, without @, once each."""

    sign_up_method: SignUpMethod = SignUpMethod.OPEN
    email_domains: list[str] | None = None
    sign_up_code: str | None = None

    _domains = field_validator("email_domains")(_checked_domains)
    _code = field_validator("sign_up_code")(_checked_code)


class UpdateRewardScheme(UpdateReference):
    """Changes to a reward scheme; ``email_domains`` replaces the list."""

    sign_up_method: SignUpMethod | None = None
    email_domains: list[str] | None = None
    sign_up_code: str | None = None

    _method = field_validator("sign_up_method")(
        refuse_null("must be one of " + ", ".join(SignUpMethod))
    )
    _domains = field_validator("email_domains")(_checked_domains)
    _code = field_validator("sign_up_code")(_checked_code)


class CreateRewardTier(CreateReference):
    """A new tier of a reward scheme the caller sees."""

    reward_scheme_id: str
    color: str | None = None
    threshold_value_units: Decimal

    _scheme = field_validator("reward_scheme_id")(_required)
    _color = field_validator("color")(_checked_color)
    _threshold = field_validator("threshold_value_units")(_checked_threshold)


class UpdateRewardTier(UpdateReference):
    """Changes to a reward tier; ``color`` given as null removes it."""

    reward_scheme_id: str | None = None
    color: str | None = None
    threshold_value_units: Decimal | None = None

    _scheme = field_validator("reward_scheme_id")(_required)
    _color = field_validator("color")(_checked_color)
    _threshold = field_validator("threshold_value_units")(_checked_threshold)


class SpendConditionProduct(Command):
    """A product a spend condition's amounts may be spent on."""

    id_type: ProductIdType
    id: str
    name: str | None = None
    description: str | None = None

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        """Trimmed, and not blank."""
        return _required(value.strip())


class SpendConditionTiming(Command):
    """A time when a spend condition's amounts may be spent; the times go together."""

    month: int | None = None
    day: int | None = None
    start_time: str | None = None
    end_time: str | None = None

    @field_validator("month")
    @classmethod
    def _month(cls, month: int | None) -> int | None:
        """From 1 to 12."""
        if month is not None and not 1 <= month <= 12:
            raise refuse("must be between 1 and 12")
        return month

    @field_validator("day")
    @classmethod
    def _day(cls, day: int | None) -> int | None:
        """A day of the week, from 1 (Sunday) to 7."""
        if day is not None and not 1 <= day <= 7:
            raise refuse("must be between 1 (Sunday) and 7")
        return day

    @field_validator("start_time", "end_time")
    @classmethod
    def _time(cls, value: str | None) -> str | None:
        """A 24-hour time "HH:MM"."""
        if value is not None and not _HH_MM.match(value):
            raise refuse('must be a 24-hour time "HH:MM"')
        return value

    @model_validator(mode="after")
    def _period(self) -> Self:
        """Both times or neither, the end later than the start."""
        start, end = self.start_time, self.end_time
        if (start is None) != (end is None):
            missing = "end_time" if end is None else "start_time"
            raise refuse("start_time and end_time go together", field=missing)
        if start is not None and end is not None and start >= end:
            raise refuse("must be later than start_time", field="end_time")
        return self


class CreateSpendCondition(CreateReference):
    """A new spend condition; organisations are named once each."""

    organisation_ids: list[str] | None = None
    products: list[SpendConditionProduct] | None = None
    timings: list[SpendConditionTiming] | None = None
    is_active: bool = True

    _organisations = field_validator("organisation_ids")(_distinct)
    _lists = field_validator("products", "timings")(_or_empty)


class UpdateSpendCondition(UpdateReference):
    """Changes to a spend condition: given lists replace the old ones (null empties them)."""

    organisation_ids: list[str] | None = None
    products: list[SpendConditionProduct] | None = None
    timings: list[SpendConditionTiming] | None = None
    is_active: bool | None = None

    _organisations = field_validator("organisation_ids")(_distinct)
    _lists = field_validator("products", "timings")(_or_empty)
    _active = field_validator("is_active")(refuse_null("must be true or false"))
