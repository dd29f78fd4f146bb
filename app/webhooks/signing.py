"""Signing webhook requests as the Standard Webhooks specification says.

https://www.standardwebhooks.com: each request carries ``webhook-id`` (the request's id, the
same on every attempt, so receivers can drop duplicates), ``webhook-timestamp`` (epoch
seconds of this attempt) and ``webhook-signature`` (``v1,`` and the base64 HMAC-SHA256, keyed
by the secret's bytes, of ``"{id}.{timestamp}.{body}"``). Secrets are ``whsec_`` and the
base64 of 32 random bytes.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MAX_RESPONSE_CHARS = 2000
"""How much of a receiver's answer is kept with an attempt (the rest is dropped)."""


def new_signing_secret() -> str:
    """A new webhook signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header value for one attempt (``v1,<base64>``)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, message_id, timestamp, body),
    }
