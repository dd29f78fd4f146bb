"""Expiring signed links to a file's content.

A link is ``<gateway>/backoffice/v1/files/{id}/content?expires=<epoch seconds>&signature=<hex>``
where the signature is HMAC-SHA256 over ``"{id}:{expires}"`` with a key derived from the
instance secret (the one that signs tokens, see ``app.auth.authenticate``) for this purpose
alone. The link is the credential: whoever holds it may read the file until it expires, so
its lifetime (setting ``file_link_ttl_seconds``) is short. A changed id, time or signature is
a 403; an expired link a 410.
"""

import hashlib
import hmac
import time
from urllib.parse import urlencode

from app.errors import Forbidden, LinkExpired

CONTENT_PATH = "/backoffice/v1/files/{id}/content"
_PURPOSE = b"crm-gateway file content links v1"


def signing_key(instance_secret: str) -> bytes:
    """The key of file links, derived from the instance secret (never the secret itself)."""
    return hmac.new(instance_secret.encode(), _PURPOSE, hashlib.sha256).digest()


def _signature(key: bytes, file_id: str, expires: int) -> str:
    return hmac.new(key, f"{file_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def content_url(base_url: str, key: bytes, file_id: str, ttl_seconds: int) -> str:
    """The absolute signed URL of a file's content, valid ``ttl_seconds`` from now."""
    expires = int(time.time()) + ttl_seconds
    query = urlencode({"expires": expires, "signature": _signature(key, file_id, expires)})
    return f"{base_url.rstrip('/')}{CONTENT_PATH.format(id=file_id)}?{query}"


def check_link(key: bytes, file_id: str, expires: str | None, signature: str | None) -> None:
    """Refuse a link that was not made by :func:`content_url` (403 ``FORBIDDENEXCEPTION``
    naming ``signature``) or whose time has passed (410 naming ``expires``)."""
    if not expires or not expires.isdigit() or not signature:
        raise Forbidden("The link is not valid.", ["signature"])
    if not hmac.compare_digest(_signature(key, file_id, int(expires)), signature):
        raise Forbidden("The link is not valid.", ["signature"])
    if int(expires) < time.time():
        raise LinkExpired()
