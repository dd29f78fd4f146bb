"""Builds the one Strawberry schema both doors execute against."""

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.compiled.plan import ValueFormat
from app.errors import GatewayError
from app.settings import Settings, get_settings
from resolvers.context import Context
from schema import accounts, contacts, organisations, reference, users, wallets
from schema.compiled import CompiledAnswer, CompiledReads
from schema.scalars import SCALAR_MAP

DOMAINS: tuple[ModuleType, ...] = (contacts, users, reference, accounts, wallets, organisations)
DOCUMENT_CACHE_SIZE = 512


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors to hide from callers: anything that is not a domain or a GraphQL error."""
    original = error.original_error
    return original is not None and not isinstance(original, GatewayError | GraphQLError)


class GatewaySchema(strawberry.Schema):
    """The Strawberry schema, with the hook that answers plain reads with one SQL statement;
    Strawberry logs only the errors that are not the caller's doing."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compiled_reads = (
            CompiledReads(self._schema, settings) if settings.compiled_reads else None
        )

    async def compiled_answer(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        context: Context,
        values: ValueFormat,
    ) -> CompiledAnswer | None:
        """The hook both doors call before executing an operation: its answer as a compiled
        read (values written as the door's ``values`` say), or ``None`` when the general path
        must answer (compiled reads off, a document that does not compile, an error to report).
        """
        if self.compiled_reads is None:
            return None
        return await self.compiled_reads.answer(query, operation_name, variables, context, values)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [error for error in errors if _is_unexpected(error)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


def build_schema(settings: Settings | None = None) -> GatewaySchema:
    """The schema with every domain's root fields, limits and document caches."""
    settings = settings or get_settings()
    query = merge_types("Query", tuple(d.Query for d in DOMAINS if hasattr(d, "Query")))
    mutation = merge_types("Mutation", tuple(d.Mutation for d in DOMAINS if hasattr(d, "Mutation")))
    return GatewaySchema(
        settings=settings,
        query=query,
        mutation=mutation,
        config=StrawberryConfig(auto_camel_case=False, scalar_map=SCALAR_MAP),
        extensions=[
            lambda: ParserCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            lambda: QueryDepthLimiter(max_depth=settings.max_query_depth),
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=settings.max_aliases),
            lambda: MaskErrors(should_mask_error=_is_unexpected, error_message="Unexpected error."),
        ],
    )
