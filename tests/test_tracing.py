"""OpenTelemetry traces: off unless the ``OTEL_*`` variables ask; when on, a span for the
request (named by its route template), the GraphQL execution and each SQL statement."""

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from app import tracing
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings


def test_tracing_is_off_unless_the_standard_variables_ask() -> None:
    assert not tracing.tracing_requested({})
    assert not tracing.tracing_requested({"OTEL_SERVICE_NAME": "crm"})
    assert not tracing.tracing_requested({"OTEL_TRACES_EXPORTER": "none"})
    assert tracing.tracing_requested({"OTEL_TRACES_EXPORTER": "console"})
    assert tracing.tracing_requested({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})
    disabled = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_SDK_DISABLED": "true"}
    assert not tracing.tracing_requested(disabled)
    assert tracing.start_tracing({}) is None
    assert not tracing.tracing_on()


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    """Tracing on (console exporter, as the variables say) with every span also kept here."""
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_SERVICE_NAME", "crm-gateway-test")
    provider = tracing.start_tracing()
    assert provider is not None
    kept = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(kept))
    yield kept
    tracing.stop_tracing()


@pytest.fixture
async def traced_client(
    spans: InMemorySpanExporter, database_url: str
) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
    app = create_app(Settings(database_url=database_url, jwt_secret="tracing-secret-0123456789abc"))
    async with app.router.lifespan_context(app):
        tenant = await bootstrap(app.state.gateway.runtime.db)
        assert tenant is not None
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            yield client, tenant.secret_api_key


def _children(of: ReadableSpan, among: list[ReadableSpan]) -> list[ReadableSpan]:
    assert of.context is not None
    return [s for s in among if s.parent is not None and s.parent.span_id == of.context.span_id]


async def test_spans_for_the_request_the_execution_and_each_statement(
    traced_client: Any, spans: InMemorySpanExporter
) -> None:
    client, key = traced_client
    spans.clear()
    created = await client.post(
        "/backoffice/v1/contacts",
        json={"contact_type": "PERSON", "first_name": "Ann", "last_name": "Lee"},
        headers={"api_key": key},
    )
    assert created.status_code == 200
    contact_id = created.json()["id"]
    read = await client.get(f"/backoffice/v1/contacts/{contact_id}", headers={"api_key": key})
    assert read.status_code == 200
    finished = list(spans.get_finished_spans())

    servers = [s for s in finished if s.kind is SpanKind.SERVER]
    assert [s.name for s in servers] == [
        "POST /backoffice/v1/contacts",
        "GET /backoffice/v1/contacts/{id}",
    ]
    assert all(contact_id not in s.name for s in finished)
    write_request, read_request = servers
    (execution,) = [s for s in _children(write_request, finished) if s.name.startswith("graphql")]
    assert execution.name == "graphql.execute"  # a mutation: Strawberry's path
    (compiled,) = [s for s in _children(read_request, finished) if s.name.startswith("graphql")]
    assert compiled.name == "graphql.compiled"  # a plain read: one SQL statement
    statements = [s for s in finished if s.kind is SpanKind.CLIENT]
    assert statements, [s.name for s in finished]
    trace_ids = {s.context.trace_id for s in servers if s.context}
    assert len(trace_ids) == 2
    read_trace = read_request.context.trace_id if read_request.context else None
    read_statements = [s for s in statements if s.context and s.context.trace_id == read_trace]
    assert read_statements and all(
        s.parent is not None and compiled.context and s.parent.span_id == compiled.context.span_id
        for s in read_statements
    )
    for statement in statements:
        text = str(statement.attributes)
        assert "Lee" not in text and "Ann" not in text  # statement text, never parameters
