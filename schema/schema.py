"""Builds the one Strawberry schema both doors execute against."""

from collections.abc import Iterable
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
from strawberry.types.graphql import OperationType

from app.errors import GatewayError
from app.settings import Settings, get_settings
from resolvers.context import Context
from schema import accounts, contacts, organisations, reference, users, wallets
from schema.compiled import CompiledReads
from schema.introspection import IntrospectionAnswers, IntrospectionGate
from schema.limits import QueryLimits, query_limit_rules
from schema.scalars import SCALAR_MAP

DOMAINS: tuple[ModuleType, ...] = (contacts, users, reference, accounts, wallets, organisations)
DOCUMENT_CACHE_SIZE = 512


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors to hide from callers: anything that is not a domain or a GraphQL error."""
    original = error.original_error
    return original is not None and not isinstance(original, GatewayError | GraphQLError)


class GatewaySchema(strawberry.Schema):
    """The Strawberry schema: plain reads compiled to one SQL statement, the rest executed by
    Strawberry, logging only the errors that are not the caller's doing."""

    def __init__(self, *args: Any, settings: Settings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compiled_reads = (
            CompiledReads(self._schema, settings) if settings.compiled_reads else None
        )

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        if (
            self.compiled_reads
            and query is not None
            and isinstance(context_value, Context)
            and context_value.principal is not None
            and context_value.principal.may_use_backoffice  # compiled reads answer no one else
        ):
            plan = self.compiled_reads.plan_for(query, operation_name)
            if plan is not None:
                answer = await self.compiled_reads.execute(plan, variable_values, context_value)
                if answer is not None:
                    return answer
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        unexpected = [error for error in errors if _is_unexpected(error)]
        if unexpected:
            super().process_errors(unexpected, execution_context)


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
            lambda: MaskErrors(should_mask_error=_is_unexpected, error_message="Unexpected error."),
        ],
    )
