"""ASGI assembly: the engine's lifespan, the GraphQL door, the REST door, health and readiness."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from strawberry import UNSET
from strawberry.asgi import GraphQL

from app.auth.authenticate import Authenticator, ensure_jwt_secret
from app.db.engine import Database, create_engine
from app.db.migrate import migrations_are_current
from app.errors import GatewayError
from app.graphiql import GRAPHIQL_ASSETS_PATH, graphiql_assets_app, offline_graphiql_html
from app.settings import Settings, get_settings
from resolvers.context import Context
from resolvers.loaders import Loaders
from rest_compat.door import RestDoor, error_response
from rest_compat.openapi import openapi_document
from rest_compat.routes import ROUTES
from rest_compat.table import RouteTable
from schema.compiled import CompiledReads
from schema.encoding import graphql_json
from schema.schema import build_schema

REST_PREFIX = "/backoffice/v1"


@dataclass
class Runtime:
    """What the lifespan creates once per process."""

    db: Database
    authenticator: Authenticator


class Gateway:
    """Builds request contexts from the process runtime; shared by both doors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runtime: Runtime | None = None

    async def start(self) -> None:
        """Open the engine and load the signing secret."""
        db = Database(create_engine(self.settings.database_url, self.settings.database_pool_size))
        secret = await ensure_jwt_secret(db, self.settings.jwt_secret)
        self.runtime = Runtime(db, Authenticator(db, secret, self.settings.jwt_ttl_seconds))

    async def stop(self) -> None:
        """Close the engine."""
        if self.runtime is not None:
            await self.runtime.db.dispose()
            self.runtime = None

    async def context_for(self, request: Request) -> Context:
        """The context of one operation: the caller (401 on bad credentials) and fresh loaders."""
        runtime = self.runtime
        assert runtime is not None, "the gateway has not started"
        principal = await runtime.authenticator.principal_for(
            request.headers.get("api_key") or request.headers.get("api-key"),
            request.headers.get("authorization"),
        )
        return Context(
            settings=self.settings,
            db=runtime.db,
            authenticator=runtime.authenticator,
            principal=principal,
            loaders=Loaders(runtime.db, principal),
            request_headers={k.lower(): v for k, v in request.headers.items()},
        )


class GraphQLDoor(GraphQL[Context, None]):
    """Strawberry's ASGI view with the shared context, offline GraphiQL and exact JSON.

    Credentials come first: invalid ones are a 401 before any document is parsed or validated.
    A POSTed plain read of a Back-Office caller that compiles is then answered before Strawberry
    parses the request; all else (and every compiled read that must report an error) goes
    through Strawberry, with the context already built.
    """

    def __init__(
        self, gateway: Gateway, compiled_reads: CompiledReads | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._gateway = gateway
        self._compiled_reads = compiled_reads

    async def _compiled_answer(self, request: Request, context: Context) -> Response | None:
        compiled = self._compiled_reads
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if compiled is None or request.method != "POST" or content_type != "application/json":
            return None
        if context.principal is None or not context.principal.may_use_backoffice:
            return None  # compiled reads answer only Back-Office callers: skip planning
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return None
        variables = body.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return None
        plan = compiled.plan_for(body["query"], body.get("operationName"))
        if plan is None:
            return None
        result = await compiled.execute(plan, variables, context)
        if result is None:
            return None
        return Response(graphql_json({"data": result.data}), media_type="application/json")

    async def get_context(self, request: Any, response: Any) -> Context:
        return await self._gateway.context_for(request)

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        return HTMLResponse(offline_graphiql_html())

    def encode_json(self, data: object) -> bytes:
        return graphql_json(data)

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            if isinstance(request, Request) and context is UNSET:
                context = await self._gateway.context_for(request)
                answer = await self._compiled_answer(request, context)
                if answer is not None:
                    return answer
            return await super().run(request, context, root_value)
        except GatewayError as error:
            # Credentials that are present but invalid are refused at the door.
            return error_response(error)


def create_app(settings: Settings | None = None) -> Starlette:
    """The gateway's ASGI application."""
    settings = settings or get_settings()
    gateway = Gateway(settings)
    schema = build_schema(settings)
    rest = RestDoor(RouteTable(ROUTES, schema._schema), schema, gateway.context_for)
    openapi = openapi_document(ROUTES)

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
        assert gateway.runtime is not None
        try:
            current = await migrations_are_current(gateway.runtime.db.engine)
        except Exception as exc:  # the database is unreachable: not ready, whatever the cause
            return JSONResponse({"status": "unavailable", "detail": str(exc)}, status_code=503)
        if not current:
            return JSONResponse({"status": "migrations pending"}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def openapi_json(_request: Request) -> Response:
        return JSONResponse(openapi)

    graphql = GraphQLDoor(
        gateway,
        schema.compiled_reads,
        schema=schema,
        graphql_ide="graphiql" if settings.graphiql else None,
    )
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            Mount(GRAPHIQL_ASSETS_PATH, app=graphiql_assets_app()),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route(f"{REST_PREFIX}/openapi.json", openapi_json, methods=["GET"]),
            Route(REST_PREFIX + "/{path:path}", rest.handle, methods=methods),
        ],
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    app.state.schema = schema
    return app
