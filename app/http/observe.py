"""One log line and the metrics of each request, from facts the doors note in the ASGI scope.

The doors know what the middleware cannot see: the REST door the route template of the row it
matched, the GraphQL door the operation's name and whether it was compiled, both the caller
(``Gateway.context_for``). They note these with :func:`note_route`, :func:`note_operation` and
:func:`note_principal` in the request's scope (one dict shared by every layer); without a note the
route is the Starlette route's path, or ``(unmatched)``.

The line (logger ``crm_gateway.access``, level info) holds ``method``, ``route`` (the template,
never the raw path), ``status``, ``duration_ms``, ``organisation_id``, ``credential`` (the kind:
``SECRET_KEY``, ``PUBLIC_KEY``, ``USER`` or ``none``), ``operation`` and ``path`` for GraphQL
operations, and the ``request_id`` (added by :func:`app.logs.add_request_id`); never a key, a
token, a password, a query string or a body.
"""

from time import perf_counter
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth.principal import Principal
from app.logs import ACCESS_LOGGER, access_logger
from app.metrics import count_operation, observe_request
from app.tracing import name_request_span

_ROUTE = "crm_gateway.route"
_OPERATION = "crm_gateway.operation"
_PRINCIPAL = "crm_gateway.principal"
UNMATCHED = "(unmatched)"


def note_route(scope: Scope, template: str) -> None:
    """Name the route template that answers this request (e.g. ``/backoffice/v1/contacts/{id}``)."""
    scope[_ROUTE] = template


def note_operation(scope: Scope, door: str, operation: str, compiled: bool) -> None:
    """Record the GraphQL operation a request ran: its ``door`` (``graphql``, ``rest``), name
    (bounded, see :func:`app.metrics.operation_label`) and path; counted once the request ends."""
    scope[_OPERATION] = (door, operation, compiled)


def note_principal(scope: Scope, principal: Principal | None) -> None:
    """Record who the caller is (its organisation and the kind of credential)."""
    scope[_PRINCIPAL] = principal


def route_of(scope: Scope) -> str:
    """The noted route template, else the matched Starlette route's path, else ``(unmatched)``."""
    noted = scope.get(_ROUTE)
    if noted is not None:
        return str(noted)
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class ObserveMiddleware:
    """Times each HTTP request and, once it is answered (or failed), writes its access line and
    counts it in the metrics. Runs inside :class:`~app.http.request_id.RequestIdMiddleware`, so
    the line carries the request id; an exception that escapes is a 500 here and is logged with
    its stack once, by the request id middleware. With ``access_log`` off no line is written
    (the metrics still count the request): the line costs a few per cent of a cheap request's
    CPU."""

    def __init__(self, app: ASGIApp, access_log: bool = True) -> None:
        self.app = app
        self._log = access_logger() if access_log else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = perf_counter()
        status = 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # Before the body: the server span ends with the response.
                name_request_span(scope["method"], route_of(scope))
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            self._finish(scope, status, perf_counter() - started)

    def _finish(self, scope: Scope, status: int, seconds: float) -> None:
        method = scope["method"]
        route = route_of(scope)
        observe_request(method, route, status, seconds)
        fields: dict[str, Any] = {}
        operation = scope.get(_OPERATION)
        if operation is not None:
            door, name, compiled = operation
            count_operation(door, name, compiled)
            fields["operation"] = name
            fields["path"] = "compiled" if compiled else "general"
        if self._log is None:
            return
        principal: Principal | None = scope.get(_PRINCIPAL)
        self._log.info(
            "request",
            logger=ACCESS_LOGGER,
            method=method,
            route=route,
            status=status,
            duration_ms=round(seconds * 1000, 3),
            organisation_id=principal.organisation_id if principal else None,
            credential=principal.kind.value if principal else "none",
            **fields,
        )
