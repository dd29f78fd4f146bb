"""Prometheus metrics of the process (prometheus-client), served at ``GET /metrics``.

Every label has a bounded set of values: route templates (never raw paths), known HTTP methods,
status codes, error codes, and GraphQL operation names capped at :data:`MAX_OPERATION_NAMES`
distinct names per process (later ones count as ``(other)``), so that callers cannot grow the
registry. The names, labels and meanings are listed in the README ("Operating the gateway").
"""

import re
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import GatewayError

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_OPERATION_NAMES = 200
OTHER = "(other)"
ANONYMOUS = "(anonymous)"

_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
# Seconds; the REST single reads answer in about a millisecond, pages in tens.
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter(
    "crm_gateway_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "crm_gateway_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, in seconds.",
    ["method", "route", "status"],
    buckets=_LATENCY_BUCKETS,
)
GRAPHQL_OPERATIONS = Counter(
    "crm_gateway_graphql_operations",
    "GraphQL operations run, by door (graphql, rest), operation name (the REST route template on "
    "the REST door) and path (compiled: one SQL statement; general: Strawberry's execution).",
    ["door", "operation", "path"],
)
JOURNAL_POSTINGS = Counter(
    "crm_gateway_journal_postings",
    "Journals accepted (POST /journals, post_journal), idempotent replays included, by type.",
    ["type"],
)
JOURNAL_REFUSALS = Counter(
    "crm_gateway_journal_refusals",
    "Journal postings refused, by reason (the error's code, e.g. WALLETBALANCETOOLOW).",
    ["reason"],
)
WEBHOOK_DELIVERIES = Counter(
    "crm_gateway_webhook_deliveries",
    "Webhook delivery attempts recorded, by outcome (success: a 2xx answer; retry: failed, "
    "tried again later; dead_lettered: failed with no retry left, the request is FAILED; "
    "lease_lost: the claim ran out before the outcome was recorded, so it was not).",
    ["outcome"],
)
WEBHOOK_QUEUE_DEPTH = Gauge(
    "crm_gateway_webhook_queue_depth",
    "PENDING webhook requests of every organisation, as last counted by this process's worker.",
)
WEBHOOK_OUTCOMES = ("success", "retry", "dead_lettered", "lease_lost")

_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
_NAMED_OPERATION = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
_seen_operations: set[str] = set()


def method_label(method: str) -> str:
    """The method as a label: one of the HTTP methods, else ``OTHER``."""
    return method if method in _KNOWN_METHODS else "OTHER"


def operation_label(query: str | None, given: str | None) -> str:
    """The name a GraphQL operation is counted and logged under: ``given`` (the request's
    ``operationName``), else the first operation's name in ``query``, else ``(anonymous)``;
    a name that is not a GraphQL name of at most 64 characters, or one beyond the first
    :data:`MAX_OPERATION_NAMES` seen, is ``(other)``."""
    name = given
    if name is None and query is not None:
        found = _NAMED_OPERATION.search(query, 0, 2000)
        name = found.group(1) if found else None
    if name is None:
        return ANONYMOUS
    if name in _seen_operations:
        return name
    if not _OPERATION_NAME.fullmatch(name) or len(_seen_operations) >= MAX_OPERATION_NAMES:
        return OTHER
    _seen_operations.add(name)
    return name


# The labelled children by (method, route, status): looking them up by label values costs
# more than counting, and the label sets are bounded.
_request_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    key = (method_label(method), route, status)
    children = _request_children.get(key)
    if children is None:
        labels = (key[0], route, str(status))
        children = (HTTP_REQUESTS.labels(*labels), HTTP_REQUEST_DURATION.labels(*labels))
        _request_children[key] = children
    children[0].inc()
    children[1].observe(seconds)


_operation_children: dict[tuple[str, str, bool], Any] = {}


def count_operation(door: str, operation: str, compiled: bool) -> None:
    """Count one GraphQL operation of ``door`` (``graphql`` or ``rest``)."""
    key = (door, operation, compiled)
    child = _operation_children.get(key)
    if child is None:
        child = GRAPHQL_OPERATIONS.labels(door, operation, "compiled" if compiled else "general")
        _operation_children[key] = child
    child.inc()


def journal_posted(journal_type: str) -> None:
    """Count one accepted journal of ``journal_type`` (CREDIT, DEBIT)."""
    JOURNAL_POSTINGS.labels(journal_type).inc()


def journal_refused(error: GatewayError) -> None:
    """Count one refused journal under its error's code."""
    JOURNAL_REFUSALS.labels(error.code).inc()


def webhook_delivered(outcome: str) -> None:
    """Count one webhook delivery attempt under its outcome (one of :data:`WEBHOOK_OUTCOMES`)."""
    WEBHOOK_DELIVERIES.labels(outcome if outcome in WEBHOOK_OUTCOMES else OTHER).inc()


def webhook_queue_depth(depth: int) -> None:
    """Set the webhook queue depth gauge."""
    WEBHOOK_QUEUE_DEPTH.set(depth)


class PoolCollector(Collector):
    """The database pool's connections in use and idle, read at scrape time."""

    def __init__(self, engine: Callable[[], AsyncEngine | None]) -> None:
        self._engine = engine

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "crm_gateway_db_pool_connections",
            "Connections of the database pool, by state (in_use: checked out; idle: pooled).",
            labels=["state"],
        )
        engine = self._engine()
        pool = engine.pool if engine is not None else None
        checked_out = getattr(pool, "checkedout", None)
        checked_in = getattr(pool, "checkedin", None)
        if checked_out is not None and checked_in is not None:
            family.add_metric(["in_use"], float(checked_out()))
            family.add_metric(["idle"], float(checked_in()))
        yield family


def pool_registry(engine: Callable[[], AsyncEngine | None]) -> CollectorRegistry:
    """A registry holding one application's pool gauges (the counters are process-wide)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(PoolCollector(engine))
    return registry


def exposition(*registries: CollectorRegistry) -> bytes:
    """The text exposition of the process-wide registry followed by ``registries``."""
    return b"".join(generate_latest(registry) for registry in (REGISTRY, *registries))
