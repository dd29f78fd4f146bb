"""Who may introspect the schema, and the cache of introspection answers.

Introspection (the root fields ``__schema`` and ``__type``; ``__typename`` is always allowed)
is answered to authenticated callers only by default (setting ``introspection``: ``always``,
``authenticated`` or ``never``). An operation made only of introspection fields has the same
answer for every caller of a schema, so it is computed once per (document, operation,
variables) and kept in a bounded cache held by the schema.
"""

from collections import OrderedDict
from collections.abc import Iterator
from typing import Literal

import orjson
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from app.errors import Forbidden, GatewayError, Unauthenticated
from resolvers.context import Context

IntrospectionPolicy = Literal["authenticated", "always", "never"]
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
TYPENAME = "__typename"
AnswerKey = tuple[str, str | None, bytes]


class IntrospectionAnswers:
    """A bounded LRU cache of introspection-only answers of one schema."""

    def __init__(self, maxsize: int = 32) -> None:
        self._maxsize = maxsize
        self._answers: OrderedDict[AnswerKey, ExecutionResult] = OrderedDict()

    def get(self, key: AnswerKey) -> ExecutionResult | None:
        """The cached answer, if any."""
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def put(self, key: AnswerKey, answer: ExecutionResult) -> None:
        """Keep an answer, dropping the least recently used beyond ``maxsize``."""
        self._answers[key] = answer
        if len(self._answers) > self._maxsize:
            self._answers.popitem(last=False)


def _root_field_names(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> set[str]:
    """The names of the root fields an operation selects (root fragments expanded once each)."""
    names: set[str] = set()
    pending = [selection_set]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return names


class IntrospectionGate(SchemaExtension):
    """Refuses introspection to the callers the policy excludes and answers it from the cache."""

    def __init__(self, policy: IntrospectionPolicy, answers: IntrospectionAnswers) -> None:
        self._policy = policy
        self._answers = answers

    def _refusal(self) -> GatewayError | None:
        if self._policy == "never":
            return Forbidden("Introspection is disabled on this gateway.")
        if self._policy == "authenticated":
            context = self.execution_context.context
            if not isinstance(context, Context) or context.principal is None:
                return Unauthenticated(
                    "Introspection needs credentials: send an api_key or a Bearer token."
                )
        return None

    def on_execute(self) -> Iterator[None]:
        execution_context = self.execution_context
        document = execution_context.graphql_document
        operation = execution_context.operation_name
        chosen = [
            d
            for d in (document.definitions if document else ())
            if isinstance(d, OperationDefinitionNode)
            and (operation is None or (d.name is not None and d.name.value == operation))
        ]
        if document is None or len(chosen) != 1:
            yield
            return
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        roots = _root_field_names(chosen[0].selection_set, fragments)
        if not roots & INTROSPECTION_FIELDS:
            yield
            return
        refusal = self._refusal()
        if refusal is not None:
            error = GraphQLError(
                refusal.message, original_error=refusal, extensions=refusal.extensions
            )
            execution_context.result = ExecutionResult(data=None, errors=[error])
            yield
            return
        if not roots <= INTROSPECTION_FIELDS | {TYPENAME}:
            yield
            return
        key = (
            execution_context.query or "",
            operation,
            orjson.dumps(execution_context.variables or {}, option=orjson.OPT_SORT_KEYS),
        )
        cached = self._answers.get(key)
        if cached is not None:
            execution_context.result = cached
            yield
            return
        yield
        result = execution_context.result
        if isinstance(result, ExecutionResult) and not result.errors:
            self._answers.put(key, result)
