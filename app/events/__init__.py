"""Domain events: what happened, written in the transaction of the change (``emit``), with
every entity and event code in one place (``app.events.codes``)."""

from app.events.emit import described, emit, emit_many, payload

__all__ = ["described", "emit", "emit_many", "payload"]
