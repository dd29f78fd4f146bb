"""The settings a schema is built from.

A schema (its types, limit rules, document caches and compiled-read plans) depends on these
fields of :class:`~app.settings.Settings` only; the rest belong to the running gateway (its
database, worker, keys). The value is hashable, so that a process builds one schema for each
(``app.main.schema_and_routes``), and typed apart, so that the schema cannot read another
setting without adding it here.
"""

from dataclasses import dataclass, fields

from app.settings import Settings
from schema.introspection import IntrospectionPolicy


@dataclass(frozen=True)
class SchemaSettings:
    """The query limits (depth, aliases, fields, cost, page size, tokens, bytes), the
    introspection policy and whether compiled reads are on; see their descriptions in
    :class:`~app.settings.Settings`."""

    max_query_depth: int
    max_aliases: int
    max_query_fields: int
    max_query_cost: int
    max_page_size: int
    max_query_tokens: int
    max_query_bytes: int
    introspection: IntrospectionPolicy
    compiled_reads: bool

    @classmethod
    def of(cls, settings: Settings) -> "SchemaSettings":
        """The schema's part of ``settings``."""
        return cls(**{field.name: getattr(settings, field.name) for field in fields(cls)})
