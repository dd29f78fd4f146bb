"""The spec's schedule expressions (Quartz style cron) translated for croniter.

The spec gives a report's ``scheduler_options.frequency`` as a Quartz cron expression:
``seconds minutes hours day-of-month month day-of-week [year]`` with ``?`` for "no specific
value" (e.g. ``0 0 12 * * ?``: every day at 12:00). Quartz numbers the days of the week 1
(SUN) to 7 (SAT), cron 0 to 6; names (``MON``, ``JAN``) are the same. Quartz's ``L`` (last),
``W`` (nearest weekday) and ``#`` (nth weekday of the month) are refused with a 400 naming the
field, as is an expression that would run a report more than once a minute (the seconds field
must be one value). Times are UTC.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

from app.errors import InvalidInput

FIELDS = ("seconds", "minutes", "hours", "day_of_month", "month", "day_of_week", "year")
_BOUNDS = {
    "seconds": (0, 59),
    "minutes": (0, 59),
    "hours": (0, 23),
    "day_of_month": (1, 31),
    "month": (1, 12),
    "day_of_week": (1, 7),
    "year": (1970, 2099),
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_UNSUPPORTED = {
    "L": "'L' (last) is not supported",
    "W": "'W' (nearest weekday) is not supported",
    "#": "'#' (nth day of the week in the month) is not supported",
}
_ALLOWED = re.compile(r"^[0-9*,/\-?]+$")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Schedule:
    """A checked schedule: the caller's Quartz text and the croniter expression it means
    (seconds first)."""

    quartz: str
    cron: str

    def next_after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after ``moment`` (timezone-aware, UTC); None when
        there is none (a year field that has passed)."""
        try:
            following: datetime = croniter(
                self.cron, moment, second_at_beginning=True, max_years_between_matches=100
            ).get_next(datetime)
        except CroniterBadDateError:
            return None
        return following


def _refuse(field: str, message: str) -> InvalidInput:
    return InvalidInput("scheduler_options.frequency", f"{field}: {message}")


def _names_to_numbers(field: str, text: str) -> str:
    names = _MONTHS if field == "month" else _DAYS if field == "day_of_week" else ()
    for index, name in enumerate(names):
        text = text.replace(name, str(index + 1))
    return text


def _check_field(field: str, text: str) -> str:
    """One field in Quartz numbering, names replaced, checked for what croniter cannot do."""
    upper = _names_to_numbers(field, text.upper())
    for mark, message in _UNSUPPORTED.items():
        if mark in upper:
            raise _refuse(field, message)
    if not _ALLOWED.match(upper):
        raise _refuse(field, f"{text!r} is not a cron field (digits, names, * , - / ?)")
    if "?" in upper and (upper != "?" or field not in ("day_of_month", "day_of_week")):
        raise _refuse(field, "'?' stands alone, in day_of_month or day_of_week only")
    low, high = _BOUNDS[field]
    for part in upper.split(","):
        values, _, step = part.partition("/")
        if step and (not step.isdigit() or int(step) < 1):
            raise _refuse(field, f"the step of {part!r} must be a number of 1 or more")
        for number in _NUMBER.findall(values):
            if not low <= int(number) <= high:
                raise _refuse(field, f"{number} is outside {low}-{high}")
    return upper


def _quartz_day_of_week(text: str) -> str:
    """Quartz 1-7 (SUN-SAT) as cron 0-6, steps kept."""
    if text in ("?", "*"):
        return "*"
    out = []
    for part in text.split(","):
        values, slash, step = part.partition("/")
        values = _NUMBER.sub(lambda m: str(int(m.group()) - 1), values)
        out.append(values + slash + step)
    return ",".join(out)


def parse_schedule(expression: str) -> Schedule:
    """The schedule of a Quartz cron expression; ``InvalidInput`` (400) naming
    ``scheduler_options.frequency`` and the cron field at fault otherwise."""
    parts = expression.split()
    if len(parts) not in (6, 7):
        raise InvalidInput(
            "scheduler_options.frequency",
            "must have 6 or 7 fields: seconds minutes hours day_of_month month day_of_week "
            "[year] (e.g. '0 0 12 * * ?')",
        )
    checked = {field: _check_field(field, text) for field, text in zip(FIELDS, parts, strict=False)}
    if not checked["seconds"].isdigit():
        raise _refuse("seconds", "reports run at most once a minute: give one second (e.g. 0)")
    day_of_month, day_of_week = checked["day_of_month"], checked["day_of_week"]
    if day_of_month not in ("?", "*") and day_of_week not in ("?", "*"):
        raise _refuse("day_of_week", "with a day_of_month, day_of_week must be '?'")
    fields = [
        checked["seconds"],
        checked["minutes"],
        checked["hours"],
        "*" if day_of_month == "?" else day_of_month,
        checked["month"],
        _quartz_day_of_week(day_of_week),
    ]
    if "year" in checked:
        fields.append(checked["year"])
    cron = " ".join(fields)
    try:
        croniter(cron, second_at_beginning=True)
    except (CroniterBadCronError, ValueError) as error:
        raise InvalidInput("scheduler_options.frequency", str(error)) from None
    schedule = Schedule(quartz=" ".join(parts), cron=cron)
    if schedule.next_after(datetime.now(UTC)) is None:
        raise InvalidInput("scheduler_options.frequency", "has no occurrence after now")
    return schedule
