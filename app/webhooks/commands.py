"""Commands of the webhooks domain (spec: Webhooks).

- ``url_endpoint`` is an absolute ``http`` or ``https`` URL with a host (400 otherwise).
- ``retries`` (times to retry after the first attempt) is 0 to :data:`MAX_RETRIES`, default
  3; ``wait_period`` (seconds before the first retry; each later one waits twice as long as
  the one before) is 0 to :data:`MAX_WAIT_PERIOD`, default 60.
- The credentials a webhook needs follow ``url_auth``: USERNAME_PASSWORD needs ``username``
  and ``password``, API_KEY needs ``api_key``; those ``url_auth`` does not use are not kept
  (the spec's examples send all three with NO_AUTH). The rule is checked by the service on
  the webhook as it will be stored, so that an update giving only some fields is checked too.
"""

from urllib.parse import urlsplit

from pydantic import Field, field_validator

from app.commands import Command, refuse
from app.webhooks.enums import UrlAuth, WebhookMethod, WebhookRequestsAction

MAX_RETRIES = 10
MAX_WAIT_PERIOD = 86_400
DEFAULT_RETRIES = 3
DEFAULT_WAIT_PERIOD = 60


def check_url_endpoint(value: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host (the pydantic error otherwise)."""
    parts = urlsplit(value.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise refuse("must be an absolute http:// or https:// URL")
    return value.strip()


def _url(value: str | None) -> str | None:
    return None if value is None else check_url_endpoint(value)


def _not_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise refuse("may not be blank")
    return value


class _WebhookFields(Command):
    """The fields a webhook's create and update share."""

    name: str | None = None
    method: WebhookMethod | None = None
    url_endpoint: str | None = None
    url_auth: UrlAuth | None = None
    username: str | None = None
    password: str | None = None
    api_key: str | None = None
    retries: int | None = Field(default=None, ge=0, le=MAX_RETRIES)
    wait_period: int | None = Field(default=None, ge=0, le=MAX_WAIT_PERIOD)

    _url = field_validator("url_endpoint")(_url)
    _named = field_validator("name")(_not_blank)


class CreateWebhook(_WebhookFields):
    """A new webhook of the caller's organisation."""

    name: str
    url_endpoint: str
    method: WebhookMethod = WebhookMethod.POST
    url_auth: UrlAuth = UrlAuth.NO_AUTH
    retries: int = Field(default=DEFAULT_RETRIES, ge=0, le=MAX_RETRIES)
    wait_period: int = Field(default=DEFAULT_WAIT_PERIOD, ge=0, le=MAX_WAIT_PERIOD)


class UpdateWebhook(_WebhookFields):
    """Changes to a webhook: fields left out stay as they are."""


class WebhookRequestsActionCommand(Command):
    """An action on several webhook requests (``POST /webhook_requests/actions``)."""

    action: WebhookRequestsAction
    webhook_requests: list[str] = Field(min_length=1, max_length=100)
