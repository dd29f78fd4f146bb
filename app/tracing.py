"""Optional OpenTelemetry traces: off (nothing imported, no cost) unless the standard ``OTEL_*``
variables ask for them.

Tracing starts when ``OTEL_TRACES_EXPORTER`` names an exporter (``otlp`` or ``console``) or an
OTLP endpoint is set (``OTEL_EXPORTER_OTLP_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``;
the exporter is then ``otlp``), and ``OTEL_SDK_DISABLED`` is not ``true``. OTLP is sent over
HTTP/protobuf; the exporter reads its own variables (endpoint, headers, timeout), the resource
reads ``OTEL_SERVICE_NAME`` (default ``crm-gateway``) and ``OTEL_RESOURCE_ATTRIBUTES``, and the
sampler ``OTEL_TRACES_SAMPLER`` / ``OTEL_TRACES_SAMPLER_ARG``.

Spans: one per HTTP request (``opentelemetry-instrumentation-asgi``, renamed to the method and
route template once the route is known), one per GraphQL execution (``graphql.execute`` on
Strawberry's path, ``graphql.compiled`` for a compiled read) and one per SQL statement
(``opentelemetry-instrumentation-sqlalchemy``: the statement's text, never its parameters).
"""

import os
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

TRACER_NAME = "crm_gateway"
DEFAULT_SERVICE_NAME = "crm-gateway"
EXPORTERS = ("otlp", "console")

_provider: Any = None  # the SDK's TracerProvider while tracing is on
_tracer: Any = None
_OFF: AbstractContextManager[None] = nullcontext()


def tracing_requested(environ: Mapping[str, str]) -> bool:
    """Whether the ``OTEL_*`` variables of ``environ`` ask for traces (see the module's doc)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def start_tracing(environ: Mapping[str, str] | None = None) -> Any:
    """Once per process: the SDK tracer provider with the exporter the variables name (batched),
    or ``None`` when they ask for no traces. Raises ``ValueError`` for an exporter other than
    ``otlp`` or ``console``."""
    global _provider, _tracer
    environ = os.environ if environ is None else environ
    if _provider is not None or not tracing_requested(environ):
        return _provider
    from opentelemetry.sdk.resources import SERVICE_NAME, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter

    exporter_name = environ.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() or "otlp"
    exporter: SpanExporter
    if exporter_name == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter()
    elif exporter_name == "console":
        from opentelemetry.sdk.trace.export import ConsoleSpanExporter

        exporter = ConsoleSpanExporter()
    else:
        raise ValueError(f"OTEL_TRACES_EXPORTER={exporter_name}: use one of {', '.join(EXPORTERS)}")
    service = {} if environ.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: DEFAULT_SERVICE_NAME}
    provider = TracerProvider(resource=Resource.create(service))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    _provider = provider
    _tracer = provider.get_tracer(TRACER_NAME)
    return provider


def stop_tracing() -> None:
    """Flush and stop the provider (at the process's end, or after a test); tracing is off."""
    global _provider, _tracer
    if _provider is not None:
        _provider.shutdown()
    _provider = _tracer = None


def tracing_on() -> bool:
    """Whether spans are being recorded."""
    return _tracer is not None


def span(name: str, attributes: Mapping[str, str] | None = None) -> AbstractContextManager[Any]:
    """A span ``name`` as the current span for the block; a no-op when tracing is off."""
    if _tracer is None:
        return _OFF
    return _tracer.start_as_current_span(name, attributes=attributes)


def add_request_spans(app: Starlette) -> None:
    """Put OpenTelemetry's ASGI middleware (one server span per request) outside ``app``'s
    middleware; nothing when tracing is off."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware

    app.add_middleware(
        OpenTelemetryMiddleware,
        tracer_provider=_provider,
        # Named by the method until the route template is known (never the raw path).
        default_span_details=lambda scope: (scope.get("method", "HTTP"), {}),
        exclude_spans=["receive", "send"],
    )


def name_request_span(method: str, route: str) -> None:
    """Name the current request's server span by its method and route template."""
    if _tracer is None:
        return
    from opentelemetry import trace

    current = trace.get_current_span()
    current.update_name(f"{method} {route}")
    current.set_attribute("http.route", route)


def trace_statements(engine: AsyncEngine) -> None:
    """A span for each SQL statement ``engine`` runs (its text, never its parameters); nothing
    when tracing is off."""
    if _provider is None:
        return
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    # What SQLAlchemyInstrumentor().instrument(engine=...) builds, for each engine of the process
    # (the instrumentor itself instruments once per process).
    usage = metrics.get_meter(TRACER_NAME).create_up_down_counter("db.client.connections.usage")
    EngineTracer(_provider.get_tracer(TRACER_NAME), engine.sync_engine, usage)
