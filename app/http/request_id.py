"""Request ids and the last-resort error: every response carries ``X-Request-ID`` and is JSON.

The id is the caller's ``X-Request-ID`` when it is a short token, else a new UUID4; it is kept in
a context variable so that every log line about the request can name it.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import GatewayError, InternalServerError

REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_request_id: ContextVar[str] = ContextVar("request_id", default="-")

logger = logging.getLogger("crm_gateway")

ErrorRenderer = Callable[[Scope, GatewayError], Response]


def current_request_id() -> str:
    """The id of the request being served (``-`` outside of one)."""
    return _request_id.get()


def log_unexpected(error: BaseException, where: str) -> None:
    """Log an unexpected exception once, with its stack and the request id."""
    logger.error(
        "Unexpected error in %s [request_id=%s]",
        where,
        current_request_id(),
        exc_info=(type(error), error, error.__traceback__),
    )


class RequestIdMiddleware:
    """Outermost middleware: sets the request id, returns it on the response, and answers an
    exception that escaped everything else with a 500 in the door's JSON error body."""

    def __init__(self, app: ASGIApp, render_error: ErrorRenderer) -> None:
        self.app = app
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = given if _ACCEPTED_ID.fullmatch(given) else str(uuid.uuid4())
        token = _request_id.set(request_id)
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            log_unexpected(error, f"{scope.get('method')} {scope.get('path')}")
            if not started:
                response = self.render_error(scope, InternalServerError())
                await response(scope, receive, send_with_id)
        finally:
            _request_id.reset(token)
