"""Logging: one structured pipeline (structlog) for the gateway's own lines and for the standard
library's (uvicorn, ``logging.getLogger("crm_gateway")``), as JSON lines or, for development,
human-readable ones.

Every line has ``time`` (ISO 8601, UTC), ``level``, ``event`` and, inside a request, its
``request_id``; an exception is rendered once with its stack (``exception``). What a line may
hold is decided where it is written: never keys, tokens, passwords, bodies or SQL parameters.
"""

import logging
import sys
from typing import Any, Literal, TextIO

import orjson
import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from app.http.request_id import current_request_id

LogFormat = Literal["json", "console"]
ACCESS_LOGGER = "crm_gateway.access"


def add_request_id(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
    """Adds the id of the request being served (see :mod:`app.http.request_id`)."""
    request_id = current_request_id()
    if request_id != "-":
        event.setdefault("request_id", request_id)
    return event


def _json(value: Any, **_kw: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def configure_logging(
    level: str = "info", fmt: LogFormat = "json", stream: TextIO | None = None
) -> None:
    """Send every log line at ``level`` or above to ``stream`` (standard output by default) in
    ``fmt``: ``json`` (one object a line) or ``console`` (aligned text for a terminal).

    Replaces the root logger's handlers; structlog loggers (the access log) are configured to
    write to the same stream.
    """
    stream = stream or sys.stdout
    numeric_level = logging.getLevelNamesMapping()[level.upper()]
    shared: list[Processor] = [
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True, key="time"),
        add_request_id,
    ]
    renderer: Processor
    if fmt == "json":
        shared_tail: list[Processor] = [structlog.processors.format_exc_info]
        renderer = structlog.processors.JSONRenderer(serializer=_json)
    else:
        shared_tail = []
        renderer = structlog.dev.ConsoleRenderer(colors=stream.isatty())
    structlog.configure(
        processors=[*shared, *shared_tail, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=structlog.WriteLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *shared_tail,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(numeric_level)


def access_logger() -> Any:
    """A logger for the one line per request (see :mod:`app.http.observe`); it takes the
    configuration in force at its first line and keeps it (structlog's logger cache)."""
    return structlog.get_logger(ACCESS_LOGGER)
