"""Builds the one Strawberry schema both doors execute against."""

from collections.abc import Mapping
from types import ModuleType
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult

from app.compiled.plan import ValueFormat
from app.errors import GatewayError, InternalServerError
from app.http.request_id import log_unexpected
from app.settings import Settings, get_settings
from resolvers.context import Context
from schema import accounts, contacts, organisations, reference, users, wallets
from schema.compiled import CompiledAnswer, CompiledReads
from schema.input_checks import InputChecks
from schema.introspection import IntrospectionAnswers, IntrospectionGate
from schema.limits import QueryLimits, query_limit_rules
from schema.scalars import SCALAR_MAP

DOMAINS: tuple[ModuleType, ...] = (contacts, users, reference, accounts, wallets, organisations)
DOCUMENT_CACHE_SIZE = 512


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors to hide from callers: anything that is not a domain or a GraphQL error."""
    original = error.original_error
    return original is not None and not isinstance(original, GatewayError | GraphQLError)


def masked_error(error: GraphQLError | None = None) -> GraphQLError:
    """What the caller sees of an unexpected error: its place, a generic message, and
    ``extensions.code`` ``INTERNALSERVEREXCEPTION``; ``original_error`` is an
    :class:`~app.errors.InternalServerError` so that the REST door answers 500."""
    internal = InternalServerError()
    return GraphQLError(
        message=internal.message,
        nodes=error.nodes if error else None,
        source=error.source if error else None,
        positions=error.positions if error else None,
        path=error.path if error else None,
        original_error=internal,
        extensions=internal.extensions,
    )


class MaskUnexpectedErrors(MaskErrors):
    """Strawberry's masking, keeping the marker both doors classify (see :func:`masked_error`)."""

    def __init__(self) -> None:
        super().__init__(
            should_mask_error=_is_unexpected, error_message=InternalServerError.default_message
        )

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked_error(error)


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
    ) -> CompiledAnswer | ExecutionResult | None:
        """The hook both doors call before executing an operation: its answer as a compiled
        read (values written as the door's ``values`` say), or ``None`` when the general path
        must answer (compiled reads off, a document that does not compile, input the general
        path refuses, an error to report). An unexpected exception is logged and answered as
        on the general path: an ``ExecutionResult`` with a masked error.
        """
        if self.compiled_reads is None:
            return None
        try:
            return await self.compiled_reads.answer(
                query, operation_name, variables, context, values
            )
        except Exception as error:
            log_unexpected(error, "a compiled read")
            return ExecutionResult(data=None, errors=[masked_error()])

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log each unexpected error once, with its stack and the request id."""
        for error in errors:
            if _is_unexpected(error):
                assert error.original_error is not None
                log_unexpected(error.original_error, f"GraphQL field {error.path}")


def build_schema(settings: Settings | None = None) -> GatewaySchema:
    """The schema with every domain's root fields, limits and document caches.

    The limit rules are built once here (the validation cache's key holds their classes), and
    the introspection answers are cached per schema.
    """
    settings = settings or get_settings()
    limit_rules = list(query_limit_rules(QueryLimits.from_settings(settings)))
    introspection_answers = IntrospectionAnswers()
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
            lambda: MaxTokensLimiter(max_token_count=settings.max_query_tokens),
            lambda: AddValidationRules(limit_rules),
            lambda: IntrospectionGate(settings.introspection, introspection_answers),
            InputChecks,
            MaskUnexpectedErrors,
        ],
    )
