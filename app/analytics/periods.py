"""The periods analytics report on: the current one and the one before it (UTC, server clock).

DAILY: today so far, and yesterday. MONTHLY: this calendar month so far, and last month.
OVERALL: everything, with no previous period.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class Frequency(StrEnum):
    """Which period the metrics cover (spec: ``frequency``)."""

    DAILY = "DAILY"
    MONTHLY = "MONTHLY"
    OVERALL = "OVERALL"


@dataclass(frozen=True)
class Periods:
    """The current period's start (``None``: since the beginning) and the previous period's
    start (``None`` for OVERALL: no previous period); periods end at the next one's start."""

    current_start: datetime | None
    previous_start: datetime | None


def periods(frequency: Frequency, now: datetime | None = None) -> Periods:
    """The periods of ``frequency`` at ``now`` (the server's clock by default)."""
    now = now or datetime.now(UTC)
    if frequency == Frequency.DAILY:
        today = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return Periods(today, today - timedelta(days=1))
    if frequency == Frequency.MONTHLY:
        month = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        previous = (month - timedelta(days=1)).replace(day=1)
        return Periods(month, previous)
    return Periods(None, None)
