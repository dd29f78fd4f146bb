"""Builds the one Strawberry schema both doors execute against."""

from collections.abc import Iterable, Iterator, Mapping
from types import ModuleType
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    GraphQLError,
    GraphQLSyntaxError,
    specified_rules,
)
from graphql import (
    execute as graphql_execute,
)
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from app.compiled.plan import ValueFormat
from app.errors import GatewayError, InternalServerError, ServiceUnavailable
from app.http.request_id import log_unexpected
from app.settings import Settings, get_settings
from app.tracing import span
from resolvers.context import Context
from schema import (
    access,
    accounts,
    activities,
    adaptors,
    analytics,
    approvals,
    automations,
    contacts,
    customer_events,
    files,
    identity,
    imports,
    insights,
    media,
    messages,
    organisations,
    reference,
    reports,
    users,
    wallets,
    webhooks,
)
from schema.compiled import CompiledAnswer, CompiledReads
from schema.documents import DOCUMENT_CACHE_SIZE, DocumentCache
from schema.input_checks import InputChecks, operation_problem
from schema.introspection import IntrospectionAnswers, IntrospectionGate
from schema.limits import (
    QueryLimitExceeded,
    QueryLimits,
    document_size_refusal,
    query_limit_rules,
)
from schema.scalars import SCALAR_MAP
from schema.settings import SchemaSettings

DOMAINS: tuple[ModuleType, ...] = (
    contacts,
    users,
    identity,
    access,
    reference,
    accounts,
    wallets,
    organisations,
    activities,
    files,
    imports,
    media,
    automations,
    approvals,
    webhooks,
    adaptors,
    customer_events,
    insights,
    analytics,
    reports,
    messages,
)

# ``extensions.code`` of the errors graphql-core reports about the request itself (they carry
# no domain error): a document that does not parse, one that does not validate against the
# schema, and variables (or an operation name) that do not fit the document. Each is a 400
# ``CRM.EXCEPTIONS.BADREQUESTEXCEPTION``; the REST door names the field they name.
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"


# The codes of a document the gateway refuses to run at all: the GraphQL door answers it with
# HTTP 400 rather than 200 (variables, input and fields that fail answer 200 with errors).
DOCUMENT_REFUSALS = frozenset(
    {GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, QueryLimitExceeded.code_of_class()}
)


def is_document_refusal(error: GraphQLError) -> bool:
    """Whether ``error`` refuses the document itself (see :data:`DOCUMENT_REFUSALS`)."""
    return (error.extensions or {}).get("code") in DOCUMENT_REFUSALS


def _has_code(error: GraphQLError) -> bool:
    return "code" in (error.extensions or {})


def _is_unexpected(error: GraphQLError) -> bool:
    """Errors to hide from callers: anything that is not a domain or a GraphQL error, and a
    GraphQL error without a code raised while executing (a result the schema cannot represent)."""
    original = error.original_error
    if original is not None and not isinstance(original, GatewayError | GraphQLError):
        return True
    return error.path is not None and not _has_code(error)


def request_error(error: GraphQLError, code: str) -> GraphQLError:
    """``error`` (about the request itself) with ``extensions`` in the domain errors' shape:
    ``code``, ``status`` 400, ``error`` and ``parameters``."""
    bad_request = GatewayError(error.message)
    return GraphQLError(
        message=error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), **bad_request.extensions, "code": code},
    )


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


def domain_error(error: GatewayError) -> GraphQLError:
    """A domain error raised outside any field (the whole operation failed), as GraphQL reports
    it: its message and ``extensions``."""
    return GraphQLError(error.message, original_error=error, extensions=error.extensions)


def coded_errors(errors: Iterable[GraphQLError], *, invalid_document: bool) -> list[GraphQLError]:
    """``errors``, each with an ``extensions.code``: unexpected ones masked (see
    :func:`masked_error`), and those graphql-core reports about the request coded
    :data:`GRAPHQL_PARSE_FAILED`, :data:`GRAPHQL_VALIDATION_FAILED` (when ``invalid_document``:
    validation refused the document) or :data:`BAD_USER_INPUT` (variables, operation name)."""
    coded: list[GraphQLError] = []
    for error in errors:
        if _is_unexpected(error):
            coded.append(masked_error(error))
        elif _has_code(error):
            coded.append(error)
        elif isinstance(error, GraphQLSyntaxError):
            coded.append(request_error(error, GRAPHQL_PARSE_FAILED))
        elif invalid_document:
            coded.append(request_error(error, GRAPHQL_VALIDATION_FAILED))
        else:  # refused by execution before any field ran
            coded.append(request_error(error, BAD_USER_INPUT))
    return coded


class GatewayErrors(MaskErrors):
    """Gives every error of an operation its ``extensions.code`` (:func:`coded_errors`),
    knowing whether validation refused the document. Errors raised before the operation's
    extensions could see them (a parse error from the parser cache, an exception in a hook)
    are coded by :meth:`GatewaySchema.execute`. The compiled path reports no such errors: it
    leaves them to the general one.
    """

    def __init__(self) -> None:
        super().__init__(
            should_mask_error=_is_unexpected, error_message=InternalServerError.default_message
        )
        self._invalid_document = False

    def on_validate(self) -> Iterator[None]:
        yield
        self._invalid_document = bool(self.execution_context.pre_execution_errors)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return coded_errors(errors, invalid_document=self._invalid_document)


class CachedDocuments(SchemaExtension):
    """Parses and validates through the schema's :class:`DocumentCache` (Strawberry's
    ``ParserCache``, ``ValidationCache``, ``MaxTokensLimiter`` and ``AddValidationRules`` in
    one, with a cache owned by the schema and a key that is the document alone)."""

    def _cache(self) -> DocumentCache:
        schema = self.execution_context.schema
        assert isinstance(schema, GatewaySchema)
        return schema.documents

    def on_operation(self) -> Iterator[None]:
        self.execution_context.validation_rules = self._cache().rules
        yield

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query is not None:  # else Strawberry reports the missing query
            self.execution_context.graphql_document = self._cache().parsed(query)
        yield

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        if document is not None:
            self.execution_context.pre_execution_errors = self._cache().validated(document)
        yield


class GatewaySchema(strawberry.Schema):
    """The Strawberry schema, with the hook that answers plain reads with one SQL statement;
    Strawberry logs only the errors that are not the caller's doing."""

    def __init__(
        self,
        *args: Any,
        settings: SchemaSettings,
        limit_rules: Iterable[type[ASTValidationRule]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.documents = DocumentCache(
            self._schema,
            (*specified_rules, *limit_rules),
            settings.max_query_tokens,
            DOCUMENT_CACHE_SIZE,
        )
        self.compiled_reads = (
            CompiledReads(self._schema, settings, self.documents)
            if settings.compiled_reads
            else None
        )
        self.max_query_bytes = settings.max_query_bytes

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
        """Strawberry's execution, after refusing a document longer than ``max_query_bytes``
        before it is parsed; every error of the result has an ``extensions.code``."""
        refusal = document_size_refusal(query, self.max_query_bytes)
        if refusal is not None:
            return ExecutionResult(data=None, errors=[refusal])
        with span("graphql.execute", {"graphql.operation.name": operation_name or ""}):
            result = await super().execute(
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        if result.errors:  # those raised before the extensions saw them (see GatewayErrors)
            result.errors = coded_errors(result.errors, invalid_document=False)
        return result

    async def execute_saved(
        self, query: str, variable_values: dict[str, Any], context_value: Context
    ) -> ExecutionResult:
        """Execute one of the gateway's own saved documents (the REST door's operations, parsed
        and validated into :attr:`documents` when the gateway starts): the same resolvers,
        input checks (:func:`~schema.input_checks.operation_problem`), error logging and error
        codes as :meth:`execute`, without Strawberry's per-request pipeline of extensions (a
        third of a small mutation's CPU). A saved document holds one operation and never
        introspects, and the REST door reads no extensions' results, so the extensions would
        have nothing else to do. A document over limits an operator lowered is refused as in
        :meth:`execute` (``GRAPHQL_VALIDATION_FAILED``).
        """
        document = self.documents.parsed(query)
        invalid = self.documents.validated(document)
        if invalid:
            return ExecutionResult(data=None, errors=coded_errors(invalid, invalid_document=True))
        problem = operation_problem(self._schema, document, None, variable_values)
        if problem is not None:
            refused = [GraphQLError(problem.message, original_error=problem)]
            return ExecutionResult(data=None, errors=coded_errors(refused, invalid_document=False))
        with span("graphql.execute", {"graphql.operation.name": ""}):
            result = await await_maybe(
                graphql_execute(
                    self._schema,
                    document,
                    variable_values=variable_values,
                    context_value=context_value,
                    is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # a TypeGuard there
                    executor_class=self.execution_context_class,
                )
            )
        if not result.errors:
            return ExecutionResult(data=result.data, errors=None)
        self.process_errors(result.errors)
        return ExecutionResult(
            data=result.data, errors=coded_errors(result.errors, invalid_document=False)
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
        on the general path: an ``ExecutionResult`` with a masked error; a database outage as an
        ``ExecutionResult`` with the :class:`~app.errors.ServiceUnavailable` error.
        """
        if self.compiled_reads is None:
            return None
        refusal = document_size_refusal(query, self.max_query_bytes)
        if refusal is not None:
            return ExecutionResult(data=None, errors=[refusal])
        try:
            return await self.compiled_reads.answer(
                query, operation_name, variables, context, values
            )
        except ServiceUnavailable as error:  # an outage: logged where it was met
            return ExecutionResult(data=None, errors=[domain_error(error)])
        except Exception as error:
            log_unexpected(error, "a compiled read")
            return ExecutionResult(data=None, errors=[masked_error()])

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log each unexpected error once, with its stack and the request id."""
        for error in errors:
            if _is_unexpected(error):
                log_unexpected(error.original_error or error, f"GraphQL field {error.path}")


def build_schema(settings: Settings | SchemaSettings | None = None) -> GatewaySchema:
    """The schema with every domain's root fields, limits and document caches.

    The limit rules are built once here, with the schema's document cache
    (:class:`~schema.documents.DocumentCache`), and the introspection answers are cached per
    schema.
    """
    settings = settings or get_settings()
    if isinstance(settings, Settings):
        settings = SchemaSettings.of(settings)
    policy = settings.introspection
    limit_rules = query_limit_rules(QueryLimits.from_settings(settings))
    introspection_answers = IntrospectionAnswers()
    query = merge_types("Query", tuple(d.Query for d in DOMAINS if hasattr(d, "Query")))
    mutation = merge_types("Mutation", tuple(d.Mutation for d in DOMAINS if hasattr(d, "Mutation")))
    subscriptions = tuple(d.Subscription for d in DOMAINS if hasattr(d, "Subscription"))
    subscription = merge_types("Subscription", subscriptions) if subscriptions else None
    return GatewaySchema(
        settings=settings,
        limit_rules=limit_rules,
        query=query,
        mutation=mutation,
        subscription=subscription,
        config=StrawberryConfig(auto_camel_case=False, scalar_map=SCALAR_MAP),
        extensions=[
            CachedDocuments,
            lambda: IntrospectionGate(policy, introspection_answers),
            InputChecks,
            GatewayErrors,
        ],
    )
