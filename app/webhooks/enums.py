"""Enumerations of the webhooks domain (spec: Webhooks)."""

from enum import StrEnum


class WebhookMethod(StrEnum):
    """The HTTP method a webhook's requests are sent with (POST Webhook / Put Webhook actions)."""

    POST = "POST"
    PUT = "PUT"


class UrlAuth(StrEnum):
    """How a webhook's requests authenticate to the receiver (spec: ``url_auth``)."""

    NO_AUTH = "NO_AUTH"
    """No credentials (the signature still proves the sender)."""
    USERNAME_PASSWORD = "USERNAME_PASSWORD"
    """HTTP basic authentication with ``username`` and ``password``."""
    API_KEY = "API_KEY"
    """The ``api_key`` sent in an ``api_key`` header."""


class WebhookRequestState(StrEnum):
    """Where a webhook request stands (spec: webhook request ``state``)."""

    PENDING = "PENDING"
    """Waiting for its first attempt or for a retry."""
    SUCCESS = "SUCCESS"
    """An attempt was answered with a 2xx status."""
    FAILED = "FAILED"
    """Every attempt allowed failed: dead-lettered until it is resent."""


class WebhookRequestsAction(StrEnum):
    """What ``POST /webhook_requests/actions`` does to the requests it names."""

    RESEND = "RESEND"
    """Queue FAILED requests again, with the webhook's retries allowed afresh."""
