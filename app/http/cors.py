"""CORS for browser clients (single-page apps on another origin), from Starlette's middleware.

Configured by ``CRM_GATEWAY_CORS_ORIGINS`` (none by default: then the middleware is not even
installed). Preflights (``OPTIONS`` with ``Access-Control-Request-Method``) on any path are
answered here, before the doors' method checks; actual requests get
``Access-Control-Allow-Origin`` (the caller's origin) and ``Access-Control-Expose-Headers``.

A preflight that is refused (origin, method or headers not allowed) is answered 403 in the
door's JSON error body with no CORS header at all, so the browser blocks the request and a
developer reading the network tab sees why. A request without ``Origin`` passes straight through.
"""

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import Forbidden
from app.http.request_id import REQUEST_ID_HEADER, ErrorRenderer

#: The request headers the gateway reads (credentials, body type, idempotency, tracing).
CORS_ALLOW_HEADERS: tuple[str, ...] = (
    "api_key",
    "api-key",
    "authorization",
    "content-type",
    "Idempotency-Key",
    REQUEST_ID_HEADER,
)
#: The response headers a browser script may read.
CORS_EXPOSE_HEADERS: tuple[str, ...] = (REQUEST_ID_HEADER, "Retry-After")
CORS_METHODS: tuple[str, ...] = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: How long (seconds) a browser may reuse a preflight's answer.
CORS_MAX_AGE = 600


class GatewayCORSMiddleware:
    """Starlette's :class:`CORSMiddleware` with the gateway's headers and JSON refusals."""

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Sequence[str],
        allow_credentials: bool,
        render_error: ErrorRenderer,
    ) -> None:
        self.app = app
        self.render_error = render_error
        self.cors = CORSMiddleware(
            app,
            allow_origins=allow_origins,
            allow_methods=CORS_METHODS,
            allow_headers=CORS_ALLOW_HEADERS,
            allow_credentials=allow_credentials,
            expose_headers=CORS_EXPOSE_HEADERS,
            max_age=CORS_MAX_AGE,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if "origin" not in headers:  # not a cross-origin browser request: no work at all
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(scope, headers)(scope, receive, send)
            return
        if self.cors.is_allowed_origin(headers["origin"]):
            await self.cors(scope, receive, send)
        else:  # no CORS header at all: the browser keeps the answer from the page
            await self.app(scope, receive, send)

    def _preflight(self, scope: Scope, headers: Headers) -> Response:
        answer = self.cors.preflight_response(request_headers=headers)
        if answer.status_code == 200:
            cors_headers = {
                name: value
                for name, value in answer.headers.items()
                if name.startswith("access-control-") or name == "vary"
            }
            return Response(status_code=204, headers=cors_headers)
        reason = bytes(answer.body).decode().removeprefix("Disallowed CORS ")
        refusal = Forbidden(
            f"Cross-origin request refused: its {reason} is not allowed "
            "(CRM_GATEWAY_CORS_ORIGINS lists the allowed origins).",
            [part.strip() for part in reason.split(",")],
        )
        return self.render_error(scope, refusal)
