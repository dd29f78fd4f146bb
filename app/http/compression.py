"""gzip for responses over a size threshold, for clients that accept it (Starlette's GZip).

A request whose ``Accept-Encoding`` does not name gzip goes straight to the application (no
buffering, no wrapper). Responses smaller than ``minimum_size`` go out as they are: compressing
a small JSON answer costs more than it saves. Responses that already carry a
``Content-Encoding`` (the precompressed static assets of :mod:`app.http.static`) are left alone.
"""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: zlib level: close to level 9's ratio on JSON at a fraction of its CPU.
COMPRESS_LEVEL = 6


class CompressionMiddleware:
    """Dispatches to Starlette's :class:`GZipMiddleware` only when the client accepts gzip."""

    def __init__(self, app: ASGIApp, minimum_size: int) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size, compresslevel=COMPRESS_LEVEL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _accepts_gzip(scope):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _accepts_gzip(scope: Scope) -> bool:
    """Whether the request's ``Accept-Encoding`` names gzip (raw headers: no parsing on the
    hot path)."""
    return any(name == b"accept-encoding" and b"gzip" in value for name, value in scope["headers"])
