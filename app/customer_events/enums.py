"""Enumerations of customer events."""

from enum import StrEnum


class CustomerEventType(StrEnum):
    """What a contact did. PURCHASE, SPEND, AWARD, REFERRAL and ACHIEVEMENT are recorded
    through ``POST /customer_events``; wallet journals also count as SPEND (debits) and AWARD
    (credits), and a contact's creation as SIGN_UP (see :mod:`app.customer_events.source`)."""

    PURCHASE = "PURCHASE"
    SPEND = "SPEND"
    AWARD = "AWARD"
    REFERRAL = "REFERRAL"
    ACHIEVEMENT = "ACHIEVEMENT"
    SIGN_UP = "SIGN_UP"


class RecordedEventType(StrEnum):
    """The event types a caller may record with ``POST /customer_events``."""

    PURCHASE = "PURCHASE"
    SPEND = "SPEND"
    AWARD = "AWARD"
    REFERRAL = "REFERRAL"
    ACHIEVEMENT = "ACHIEVEMENT"


class EventSource(StrEnum):
    """Where an event comes from: recorded, a wallet journal, or a contact's sign-up."""

    CUSTOMER_EVENT = "CUSTOMER_EVENT"
    JOURNAL = "JOURNAL"
    CONTACT = "CONTACT"
