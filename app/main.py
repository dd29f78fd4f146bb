"""ASGI assembly: the engine's lifespan, the GraphQL door, the REST door, health and readiness.

Every response is JSON: the spec's error body outside ``/graphql``, GraphQL's ``{"errors"}``
on it, for unknown paths, wrong methods, refused bodies and unexpected exceptions alike.
"""

import asyncio
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import orjson
from cross_web import HTTPException as GraphQLHTTPException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from strawberry import UNSET
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from app.api_docs import api_docs_html, redoc_bundle
from app.auth.authenticate import Authenticator, ensure_jwt_secret
from app.auth.principal import Principal
from app.auth.throttle import SignInThrottle
from app.db.engine import Database, create_engine
from app.db.migrate import migrations_are_current
from app.db.outages import outages_as_unavailable
from app.errors import GatewayError, MethodNotAllowed, NotFound, ServiceUnavailable
from app.files.content import FILE_CONTENT_PATH, serve_file_content
from app.graphiql import GRAPHIQL_ASSETS_PATH, graphiql_assets_app, offline_graphiql_html
from app.http.body_limits import BodyLimitsMiddleware
from app.http.cache_control import DefaultCacheControlMiddleware
from app.http.compression import CompressionMiddleware
from app.http.cors import GatewayCORSMiddleware
from app.http.observe import ObserveMiddleware, note_operation, note_principal
from app.http.request_id import RequestIdMiddleware, log_unexpected
from app.live import PostgresListener
from app.metrics import METRICS_CONTENT_TYPE, exposition, operation_label, pool_registry
from app.money import loads_exact
from app.persisted_queries import PersistedQueries, PersistedQueryError
from app.settings import Settings, get_settings
from app.tracing import add_request_spans, start_tracing, trace_statements
from app.worker.jobs import all_jobs
from app.worker.runner import Worker
from resolvers.context import Context
from resolvers.loaders import Loaders
from rest_compat.door import RestDoor, error_response
from rest_compat.insight_exports import EXPORT_FILE_ROUTE, export_download
from rest_compat.openapi import openapi_document
from rest_compat.routes import ROUTES
from rest_compat.table import RouteTable
from schema.encoding import GRAPHQL_VALUES, graphql_json
from schema.schema import GatewaySchema, build_schema, is_document_refusal
from schema.settings import SchemaSettings

REST_PREFIX = "/backoffice/v1"
GRAPHQL_PATH = "/graphql"
OPENAPI_PATH = f"{REST_PREFIX}/openapi.json"
DOCS_PATH = f"{REST_PREFIX}/docs"
REDOC_BUNDLE_PATH = f"{DOCS_PATH}/redoc.standalone.js"


def doors_index(graphiql: bool) -> dict[str, Any]:
    """What ``GET /`` answers: the gateway's doors and where each is documented (paths on
    this host; ``graphiql`` is null when the setting turns GraphiQL off)."""
    return {
        "name": "CRM Back-Office Gateway",
        "graphql": {
            "endpoint": GRAPHQL_PATH,
            "graphiql": GRAPHQL_PATH if graphiql else None,
        },
        "rest": {
            "prefix": REST_PREFIX,
            "docs": DOCS_PATH,
            "openapi": OPENAPI_PATH,
        },
        "health": "/health",
        "ready": "/ready",
    }


async def _api_docs(_request: Request) -> Response:
    page = api_docs_html(OPENAPI_PATH, REDOC_BUNDLE_PATH, "CRM Back-Office API: REST reference")
    return HTMLResponse(page)


async def _redoc_bundle(_request: Request) -> Response:
    return Response(
        redoc_bundle(),
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def graphql_error_response(error: GatewayError) -> Response:
    """A request-level GraphQL error: ``{"errors": [{"message", "extensions"}]}`` with the
    error's HTTP status (and ``Allow`` on a 405)."""
    body = {"errors": [{"message": error.message, "extensions": error.extensions}]}
    response = Response(
        graphql_json(body),
        status_code=error.status,
        headers=error.headers,
        media_type="application/json",
    )
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(error.parameters)
    return response


def render_error(scope: Scope, error: GatewayError) -> Response:
    """The error response of the door the request was for (GraphQL's or the spec's body)."""
    path: str = scope.get("path", "")
    if path == GRAPHQL_PATH or path.startswith(GRAPHQL_PATH + "/"):
        return graphql_error_response(error)
    return error_response(error)


def _http_error(status: int, message: str) -> GatewayError:
    """A refusal of Starlette or Strawberry (404, 405, 400 ...) as a domain error."""
    error = GatewayError(message)
    error.status = status
    return error


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's 404 (no route) and 405 (wrong method) in the door's JSON body."""
    assert isinstance(exc, HTTPException)
    error: GatewayError
    if exc.status_code == 404:
        error = NotFound("route", f"{request.method} {request.url.path}")
    elif exc.status_code == 405:
        # Routes check their methods themselves (see `EveryMethod`); what is left is the GraphiQL
        # assets' StaticFiles, which serves GET and HEAD and names no Allow header.
        allowed = (exc.headers or {}).get("Allow", "GET, HEAD")
        error = MethodNotAllowed([m.strip() for m in allowed.split(",") if m.strip()])
    else:
        error = _http_error(exc.status_code, exc.detail)
    return render_error(request.scope, error)


def file_content_endpoint(gateway: "Gateway") -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of a file's content by its signed link (``app/files/content.py``); its
    refusals in the spec's error body."""

    async def endpoint(request: Request) -> Response:
        runtime = gateway.runtime
        assert runtime is not None, "the gateway has not started"
        try:
            return await serve_file_content(
                runtime.db, runtime.authenticator.instance_secret, request
            )
        except GatewayError as error:
            return render_error(request.scope, error)

    return endpoint


GRAPHQL_METHODS = ("GET", "POST")


class EveryMethod:
    """A request -> response endpoint as an ASGI app, so that its route takes every method and
    a wrong one is answered here: a 405 naming ``methods`` (and HEAD with GET) in ``Allow`` and
    in the door's JSON body, TRACE and OPTIONS included. Without ``methods`` the endpoint
    decides (the REST door answers from its route table).

    (Starlette gives a function endpoint GET alone unless told its methods, and answers the
    others with its own 405.)
    """

    def __init__(
        self,
        endpoint: Callable[[Request], Awaitable[Response]],
        methods: Sequence[str] | None = None,
    ) -> None:
        self._endpoint = endpoint
        self._allowed = (
            None
            if methods is None
            else sorted({*methods, *(("HEAD",) if "GET" in methods else ())})
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send)
        if self._allowed is not None and request.method not in self._allowed:
            response = render_error(scope, MethodNotAllowed(self._allowed))
        else:
            response = await self._endpoint(request)
        await response(scope, receive, send)


@dataclass
class Runtime:
    """What the lifespan creates once per process."""

    db: Database
    authenticator: Authenticator
    worker: Worker | None = None


class Gateway:
    """Builds request contexts from the process runtime; shared by both doors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime: Runtime | None = None
        self._worker_task: asyncio.Task[None] | None = None
        self._live_listener: PostgresListener | None = None

    async def start(self) -> None:
        """Open the engine and load the signing secret."""
        settings = self.settings
        db = Database(
            create_engine(
                settings.database_url, settings.database_pool_size, settings.database_max_overflow
            )
        )
        trace_statements(db.engine)
        secret = await ensure_jwt_secret(db, self.settings.jwt_secret)
        throttle = SignInThrottle(
            self.settings.sign_in_max_failures, self.settings.sign_in_failure_window_seconds
        )
        authenticator = Authenticator(
            db,
            secret,
            self.settings.jwt_ttl_seconds,
            throttle,
            refresh_ttl_seconds=self.settings.refresh_token_ttl_seconds,
        )
        self.runtime = Runtime(db, authenticator)
        if not db.is_sqlite:  # GraphQL subscriptions see every process's live updates
            self._live_listener = PostgresListener()
            await self._live_listener.start(db.engine)
        if self.settings.worker == "inline":
            worker = Worker(
                db, all_jobs(self.settings), max_poll_seconds=self.settings.worker_max_poll_seconds
            )
            self.runtime.worker = worker
            self._worker_task = asyncio.create_task(worker.run(), name="crm-gateway worker")

    async def stop(self) -> None:
        """Stop the worker (its current round finishes) and close the engine."""
        if self.runtime is not None:
            if self.runtime.worker is not None and self._worker_task is not None:
                self.runtime.worker.stop()
                await self._worker_task
            if self._live_listener is not None:
                await self._live_listener.stop()
                self._live_listener = None
            await self.runtime.db.dispose()
            self.runtime = None

    async def websocket_context(self, websocket: HTTPConnection) -> Context:
        """The context of a GraphQL websocket: the caller of its handshake headers, if they
        name a valid one (browsers cannot set them: the ``connection_init`` payload does, see
        :meth:`GraphQLDoor.on_ws_connect`), else none yet."""
        try:
            return await self.context_for(websocket)
        except GatewayError:
            return await self.context_for_principal(websocket, None)

    async def authenticate_websocket(self, context: Context) -> None:
        """Take the caller of a websocket from its ``connection_init`` payload (``api_key``
        and/or ``authorization``: ``Bearer <token>``, as the HTTP headers), else keep the
        handshake's; raises ``ConnectionRejectionError`` (close 4403) for invalid credentials
        or none at all."""
        runtime = self.runtime
        assert runtime is not None, "the gateway has not started"
        params = {str(k).lower(): v for k, v in (context.connection_params or {}).items()}
        api_key = params.get("api_key") or params.get("api-key")
        authorization = params.get("authorization")
        if api_key or authorization:
            credentials = (
                str(api_key) if api_key else None,
                str(authorization) if authorization else None,
            )
            try:
                context.principal = await runtime.authenticator.principal_for(*credentials)
            except GatewayError:
                raise ConnectionRejectionError() from None
            context.credentials = credentials
            context.loaders = Loaders(runtime.db, context.principal)
        if context.principal is None:
            raise ConnectionRejectionError()

    async def context_for_principal(
        self,
        connection: HTTPConnection,
        principal: Principal | None,
        credentials: tuple[str | None, str | None] = (None, None),
    ) -> Context:
        """A context for ``principal`` (already authenticated with ``credentials``, or
        ``None``)."""
        runtime = self.runtime
        assert runtime is not None, "the gateway has not started"
        return Context(
            settings=self.settings,
            db=runtime.db,
            authenticator=runtime.authenticator,
            principal=principal,
            loaders=Loaders(runtime.db, principal),
            connection=connection,
            credentials=credentials,
        )

    async def context_for(self, request: HTTPConnection) -> Context:
        """The context of one operation: the caller (401 on bad credentials) and fresh loaders."""
        runtime = self.runtime
        assert runtime is not None, "the gateway has not started"
        credentials = (
            request.headers.get("api_key") or request.headers.get("api-key"),
            request.headers.get("authorization"),
        )
        principal = await runtime.authenticator.principal_for(*credentials)
        note_principal(request.scope, principal)
        return await self.context_for_principal(request, principal, credentials)


def refusal_status(result: ExecutionResult) -> int | None:
    """400 for a document the gateway refuses to run (it does not parse or validate, or it
    breaks a query limit: see :func:`schema.schema.is_document_refusal`); 503 when the database
    was not available (``app/db/outages.py``: the answer is not the data's, a client should
    retry); ``None`` (answer 200, as GraphQL does for errors of variables, input and fields)
    otherwise."""
    if not result.errors:
        return None
    if result.data is None and all(map(is_document_refusal, result.errors)):
        return 400
    if any(isinstance(error.original_error, ServiceUnavailable) for error in result.errors):
        return 503
    return None


def _json_param(value: str | None) -> Any:
    """A JSON-encoded query parameter (``variables``, ``extensions`` of a GET), or ``None``."""
    if value is None:
        return None
    try:
        return loads_exact(value)
    except ValueError:
        return None


async def _operation(request: Request) -> dict[str, Any] | None:
    """The operation of a request: the JSON body of a POST, or the query parameters of a GET
    (``query``, ``operationName``, and ``variables`` and ``extensions`` as JSON), when
    ``variables`` and ``extensions`` are objects or absent; else ``None`` (the GraphQL view
    answers, or refuses, it)."""
    if request.method == "GET":
        params = request.query_params
        body: Any = {
            "query": params.get("query"),
            "operationName": params.get("operationName"),
            "variables": _json_param(params.get("variables")),
            "extensions": _json_param(params.get("extensions")),
        }
    else:
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if request.method != "POST" or content_type != "application/json":
            return None
        try:
            body = loads_exact(await request.body())
        except ValueError:
            return None
    if not isinstance(body, dict) or not isinstance(body.get("query"), str | None):
        return None
    for name in ("variables", "extensions"):
        if body.get(name) is not None and not isinstance(body[name], dict):
            return None
    return body


#: The ``Cache-Control`` of a successful GraphQL query over GET: the browser keeps it and
#: revalidates it with its ETag (answers hold a tenant's data: never a shared cache's).
GET_QUERY_CACHE_CONTROL = "private, no-cache"
_GRAPHQL_ERRORS = "crm_gateway.graphql_errors"


def cacheable_get(request: Request, response: Response) -> Response:
    """A successful GraphQL answer to a GET, made revalidatable: ``Cache-Control``
    (:data:`GET_QUERY_CACHE_CONTROL`), ``Vary`` on the credentials, and an ``ETag`` of the body;
    a matching ``If-None-Match`` is answered 304 without the body. Any other answer is left as
    it is (``no-store`` by default)."""
    if (
        request.method != "GET"
        or response.status_code != 200
        or request.scope.get(_GRAPHQL_ERRORS, False)
        or response.media_type != "application/json"
    ):
        return response
    etag = f'W/"{hashlib.blake2b(bytes(response.body), digest_size=16).hexdigest()}"'
    headers = {
        "Cache-Control": GET_QUERY_CACHE_CONTROL,
        "Vary": "api_key, api-key, authorization, Origin",
        "ETag": etag,
    }
    given = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
    if etag in given or etag.removeprefix("W/") in given:
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


class GraphQLDoor(GraphQL[Context, None]):
    """Strawberry's ASGI view with the shared context, offline GraphiQL and exact JSON.

    Credentials come first: invalid ones are a 401 before any document is parsed or validated.
    A POSTed plain read of a Back-Office caller that compiles is then answered before Strawberry
    parses the request; all else (and every compiled read that must report an error) goes
    through Strawberry, with the context already built.
    """

    def __init__(
        self,
        gateway: Gateway,
        schema: GatewaySchema,
        persisted: PersistedQueries,
        **kwargs: Any,
    ) -> None:
        super().__init__(schema=schema, **kwargs)
        self._gateway = gateway
        self._gateway_schema = schema
        self._persisted = persisted

    async def _compiled_answer(self, request: Request, context: Context) -> Response | None:
        body = await _operation(request)
        if body is None:
            return None
        query = self._persisted.resolve(body.get("query"), body.get("extensions"))
        if not isinstance(query, str):
            return None
        body["query"] = query
        answer = await self._gateway_schema.compiled_answer(
            query, body.get("operationName"), body.get("variables"), context, GRAPHQL_VALUES
        )
        if answer is None:
            return None
        name = operation_label(body["query"], body.get("operationName"))
        note_operation(request.scope, "graphql", name, compiled=True)
        if isinstance(answer, ExecutionResult):
            errors = [error.formatted for error in answer.errors or ()]
            request.scope[_GRAPHQL_ERRORS] = True
            return Response(
                graphql_json({"data": None, "errors": errors}),
                status_code=refusal_status(answer) or 200,
                media_type="application/json",
            )
        return Response(graphql_json({"data": answer.fragments()}), media_type="application/json")

    async def execute_single(self, *args: Any, **kwargs: Any) -> ExecutionResult:
        """Strawberry's execution; an operation refused before any field ran answers with the
        refusal's 4xx status (see :func:`refusal_status`) instead of 200."""
        request, data = kwargs["request"], kwargs["request_data"]
        name = operation_label(data.query, data.operation_name)
        note_operation(request.scope, "graphql", name, compiled=False)
        result: ExecutionResult = await super().execute_single(*args, **kwargs)
        request.scope[_GRAPHQL_ERRORS] = bool(result.errors)
        status = refusal_status(result)
        if status is not None:  # Strawberry passes its arguments by name
            kwargs["sub_response"].status_code = status
        return result

    async def get_context(self, request: Any, response: Any) -> Context:
        if request.scope["type"] == "websocket":
            return await self._gateway.websocket_context(request)
        return await self._gateway.context_for(request)

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate a websocket at ``connection_init`` (graphql-transport-ws)."""
        await self._gateway.authenticate_websocket(context)
        return UNSET

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        # Revalidated at each load: the page names its assets by content hash.
        return HTMLResponse(offline_graphiql_html(), headers={"Cache-Control": "no-cache"})

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL for a browser's GET without an operation (a hash-only persisted query over
        GET has ``extensions`` and no ``query``: it is an operation)."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(
            request
        )

    async def parse_http_body(self, request: Any) -> Any:
        """Strawberry's reading of the request, with the document resolved from
        ``extensions.persistedQuery`` (:class:`~app.persisted_queries.PersistedQueries`)."""
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            item.query = self._persisted.resolve(item.query, item.extensions)
        return data

    def encode_json(self, data: object) -> bytes:
        return graphql_json(data)

    def decode_json(self, data: str | bytes) -> object:
        # Numbers keep their text, so that Money variables sent as JSON numbers stay exact.
        return loads_exact(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, Request) and request.method not in GRAPHQL_METHODS:
            return graphql_error_response(MethodNotAllowed(GRAPHQL_METHODS))
        try:
            if isinstance(request, Request) and context is UNSET:
                context = await self._gateway.context_for(request)
                answer = await self._compiled_answer(request, context)
                if answer is not None:
                    return cacheable_get(request, answer)
            response = await super().run(request, context, root_value)
            if isinstance(request, Request) and isinstance(response, Response):
                return cacheable_get(request, response)
            return response
        except PersistedQueryError as error:
            return graphql_error_response(error)
        except ServiceUnavailable as error:  # the database, met while checking credentials
            return graphql_error_response(error)
        except GatewayError as error:
            # Credentials that are present but invalid are refused at the door.
            return error_response(error)
        except GraphQLHTTPException as refusal:
            # Strawberry's own refusals (a body that is not JSON ...) would be plain text.
            if isinstance(refusal.__cause__, InvalidOperationTypeError):
                # A mutation over GET: 405 with Allow: POST (GraphQL over HTTP).
                wrong_method = MethodNotAllowed(["POST"])
                wrong_method.message = f"{refusal.reason}: send it with POST."
                return graphql_error_response(wrong_method)
            return graphql_error_response(_http_error(refusal.status_code, refusal.reason))


def middleware_stack(settings: Settings) -> list[Middleware]:
    """The HTTP middleware, outermost first: the request id (and last-resort 500), the access
    log and metrics, CORS (only when ``cors_origins`` names origins: preflights are answered
    there, before any door), gzip (only when ``compress_min_bytes`` > 0, and entered only by
    clients that accept it), the default ``Cache-Control: no-store``, and body limits. None of
    them buffers a response that is not compressed."""
    stack = [
        Middleware(RequestIdMiddleware, render_error=render_error),
        Middleware(ObserveMiddleware, access_log=settings.access_log),
    ]
    if settings.cors_origins:
        stack.append(
            Middleware(
                GatewayCORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_credentials=settings.cors_allow_credentials,
                render_error=render_error,
            )
        )
    if settings.compress_min_bytes > 0:
        stack.append(Middleware(CompressionMiddleware, minimum_size=settings.compress_min_bytes))
    stack += [
        Middleware(DefaultCacheControlMiddleware),
        Middleware(
            BodyLimitsMiddleware,
            max_body_bytes=settings.max_body_bytes,
            render_error=render_error,
            max_upload_bytes=settings.max_upload_bytes,
        ),
    ]
    return stack


@lru_cache(maxsize=8)
def schema_and_routes(settings: SchemaSettings) -> tuple[GatewaySchema, RouteTable]:
    """The schema and the REST door's route table (every saved document parsed and validated
    into the schema's document cache) for ``settings``.

    Built once per process for each value: they hold nothing of a running gateway (its
    database, worker and credentials are the :class:`Gateway`'s), and building them costs about
    half a second of CPU, which every app created in the process (the test suite creates one
    per test) would pay again.
    """
    schema = build_schema(settings)
    return schema, RouteTable(ROUTES, schema._schema, schema.documents.prepare)


def create_app(settings: Settings | None = None) -> Starlette:
    """The gateway's ASGI application."""
    settings = settings or get_settings()
    start_tracing()
    gateway = Gateway(settings)
    schema, table = schema_and_routes(SchemaSettings.of(settings))
    rest = RestDoor(table, schema, gateway.context_for)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await gateway.start()
        try:
            yield
        finally:
            await gateway.stop()

    async def health(_request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_request: Request) -> Response:
        """200 when the database answers at the newest migration; else 503 naming the check
        that failed (``database`` or ``migrations``), never the driver's message."""
        assert gateway.runtime is not None
        try:
            with outages_as_unavailable:
                current = await migrations_are_current(gateway.runtime.db.engine)
        except Exception as exc:  # the database is unreachable: not ready, whatever the cause
            if not isinstance(exc, ServiceUnavailable):  # an outage is logged as a warning
                log_unexpected(exc, "the readiness check")
            failed = ServiceUnavailable("Not ready: the database check failed.", ["database"])
            return error_response(failed)
        if not current:
            pending = ServiceUnavailable("Not ready: migrations are pending.", ["migrations"])
            return error_response(pending)
        worker = gateway.runtime.worker
        if worker is None:
            return JSONResponse({"status": "ready"})
        with outages_as_unavailable:
            return JSONResponse({"status": "ready", "worker": await worker.health()})

    @cache
    def openapi() -> bytes:
        # Built on first request from the schema already built (not at start-up: it costs
        # about half a second).
        return orjson.dumps(openapi_document(ROUTES, schema._schema))

    async def index(_request: Request) -> Response:
        return JSONResponse(doors_index(settings.graphiql))

    async def openapi_json(_request: Request) -> Response:
        return Response(openapi(), media_type="application/json")

    pool_metrics = pool_registry(lambda: gateway.runtime.db.engine if gateway.runtime else None)

    async def metrics(_request: Request) -> Response:
        """The Prometheus text exposition (see :mod:`app.metrics`)."""
        return Response(exposition(pool_metrics), media_type=METRICS_CONTENT_TYPE)

    graphql = GraphQLDoor(
        gateway,
        schema,
        PersistedQueries.from_settings(settings),
        graphql_ide="graphiql" if settings.graphiql else None,
        multipart_uploads_enabled=True,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        allowed_origins=settings.cors_origins,
    )
    # Every route takes every method and answers a wrong one itself (405 with Allow): the REST
    # door from its route table, GraphQL for GET and POST, the others through `EveryMethod`.
    app = Starlette(
        routes=[
            Route("/health", EveryMethod(health, ["GET"])),
            Route("/ready", EveryMethod(ready, ["GET"])),
            *([Route("/metrics", EveryMethod(metrics, ["GET"]))] if settings.metrics else []),
            Mount(GRAPHIQL_ASSETS_PATH, app=graphiql_assets_app()),
            Route(GRAPHQL_PATH, graphql),
            WebSocketRoute(GRAPHQL_PATH, graphql),
            Route("/", EveryMethod(index, ["GET"])),
            Route(OPENAPI_PATH, EveryMethod(openapi_json, ["GET"])),
            Route(DOCS_PATH, EveryMethod(_api_docs, ["GET"])),
            Route(REDOC_BUNDLE_PATH, EveryMethod(_redoc_bundle, ["GET"])),
            Route(FILE_CONTENT_PATH, EveryMethod(file_content_endpoint(gateway), ["GET"])),
            Route(EXPORT_FILE_ROUTE, EveryMethod(export_download(gateway.context_for), ["GET"])),
            Route(REST_PREFIX + "/{path:path}", EveryMethod(rest.handle)),
        ],
        lifespan=lifespan,
        middleware=middleware_stack(settings),
        exception_handlers={HTTPException: _http_exception},
    )
    add_request_spans(app)
    app.state.gateway = gateway
    app.state.schema = schema
    return app
