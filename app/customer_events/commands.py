"""Commands of customer events: recording one (``POST /customer_events``).

- The contact is named by exactly one of ``contact_id`` (its id or code), ``contact_code`` or
  ``wallet_code`` (the contact whose account holds that wallet).
- ``amount`` and ``currency_code`` come together; the amount is in the currency's major unit,
  zero or more, with at most the currency's minor units (``app.currencies``).
- ``properties`` is a JSON object of at most :data:`MAX_PROPERTIES_CHARS` characters once
  serialised and :data:`MAX_PROPERTIES_DEPTH` levels deep.
"""

import json
from datetime import datetime
from typing import Any, Self

from pydantic import field_validator, model_validator

from app.commands import Command, CurrencyCode, NonNegativeMoney, refuse
from app.customer_events.enums import RecordedEventType

MAX_PROPERTIES_CHARS = 10_000
MAX_PROPERTIES_DEPTH = 8


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    return 0


class RecordCustomerEvent(Command):
    """A customer event to record for a contact at an organisation of the caller's network."""

    type: RecordedEventType
    contact_id: str | None = None
    contact_code: str | None = None
    wallet_code: str | None = None
    organisation_id: str | None = None
    amount: NonNegativeMoney | None = None
    currency_code: CurrencyCode | None = None
    occurred_on: datetime | None = None
    properties: dict[str, Any] = {}

    @field_validator("properties", mode="before")
    @classmethod
    def _object(cls, value: Any) -> Any:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise refuse("must be a JSON object")
        if _depth(value) > MAX_PROPERTIES_DEPTH:
            raise refuse(f"may be nested at most {MAX_PROPERTIES_DEPTH} levels deep")
        if len(json.dumps(value, default=str)) > MAX_PROPERTIES_CHARS:
            raise refuse(f"may be at most {MAX_PROPERTIES_CHARS} characters as JSON")
        return value

    @model_validator(mode="after")
    def _one_contact(self) -> Self:
        named = [v for v in (self.contact_id, self.contact_code, self.wallet_code) if v]
        if len(named) != 1:
            raise refuse(
                "give exactly one of contact_id, contact_code or wallet_code", field="contact_id"
            )
        return self

    @model_validator(mode="after")
    def _money_pair(self) -> Self:
        if (self.amount is None) != (self.currency_code is None):
            missing = "currency_code" if self.currency_code is None else "amount"
            raise refuse("amount and currency_code are given together", field=missing)
        return self
