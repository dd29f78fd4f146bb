"""Request bodies: JSON only, and no larger than the setting ``max_body_bytes``.

A body over the limit is refused with 413 as soon as it is known to be too large: from its
``Content-Length`` before any of it is read, or while a chunked body is counted. A POST, PUT or
PATCH whose ``content-type`` is not JSON is refused with 415 (a request without one is read as
JSON, as the spec's examples send it). A JSON body that is not an object is refused with 400.
The body is then handed to the application in one piece. A request of another method whose
headers announce no body (most GETs) goes through untouched.
"""

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import GatewayError, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from app.http.request_id import ErrorRenderer

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
_WHITESPACE = b" \t\r\n"
MULTIPART_ENVELOPE_BYTES = 65_536
"""What a multipart body may hold besides the file: boundaries, part headers, form fields."""


def is_json_media_type(content_type: str) -> bool:
    """Whether a ``content-type`` names JSON (``application/json`` or ``application/*+json``)."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def is_multipart_form(content_type: str | None) -> bool:
    """Whether a ``content-type`` names ``multipart/form-data``."""
    return (content_type or "").split(";", 1)[0].strip().lower() == "multipart/form-data"


def _announces_body(scope: Scope) -> bool:
    """Whether the request's headers announce a body (a non-zero length, or chunks)."""
    for name, value in scope["headers"]:
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() != b"0"):
            return True
    return False


class BodyLimitsMiddleware:
    """Refuses oversized, non-JSON and non-object request bodies before the application runs."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        render_error: ErrorRenderer,
        max_upload_bytes: int | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.render_error = render_error
        self.max_multipart_bytes = (
            max_body_bytes if max_upload_bytes is None else max_upload_bytes
        ) + MULTIPART_ENVELOPE_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            scope["method"] not in BODY_METHODS and not _announces_body(scope)
        ):
            # Nothing to check (a GET, a DELETE without a body): no buffering on the hot path.
            await self.app(scope, receive, send)
            return
        try:
            body = await self._read_body(scope, receive)
        except GatewayError as error:
            await self.render_error(scope, error)(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        headers = Headers(scope=scope)
        content_type = headers.get("content-type")
        multipart = is_multipart_form(content_type)
        limit = self.max_multipart_bytes if multipart else self.max_body_bytes
        length = headers.get("content-length", "")
        if length.strip().isdigit() and int(length) > limit:
            raise PayloadTooLarge(limit)
        method = scope["method"]
        if (
            method in BODY_METHODS
            and content_type
            and not multipart
            and not is_json_media_type(content_type)
        ):
            raise UnsupportedMediaType(content_type.split(";", 1)[0].strip())
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        start = body.lstrip(_WHITESPACE)[:1]
        if method in BODY_METHODS and start and start != b"{" and not multipart:
            raise InvalidInput("body", "must be a JSON object")
        return body
