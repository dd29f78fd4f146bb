"""The one check of the text an operation receives, whichever door and executor it goes through.

Every ``String`` value of every field argument (literal or variable, at any depth of an input
object) is refused with :class:`~app.errors.InvalidInput` naming the field when it holds a
character the database cannot store, or when it is longer than the column that stores it
(:mod:`app.db.text_limits`). ``ID`` values are left alone: an identifier the database cannot
hold finds nothing, which the engine makes a plain miss (:func:`app.db.engine.create_engine`),
so the caller gets the 404 of that entity.
"""

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLString,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_operation_ast,
    visit,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.values import get_argument_values, get_variable_values
from strawberry.extensions import SchemaExtension

from app.db.text_limits import has_unstorable_character, max_length
from app.errors import InvalidInput


def _strings(
    value: Any, type_: GraphQLInputType, path: str, owner: str | None, field: str
) -> Iterator[tuple[str, str, int]]:
    """Each string in ``value`` with its field path and its maximum length."""
    if isinstance(type_, GraphQLNonNull):
        yield from _strings(value, type_.of_type, path, owner, field)
    elif value is None:
        return
    elif isinstance(type_, GraphQLList) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, type_.of_type, f"{path}[{index}]", owner, field)
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, Mapping):
        for name, item in value.items():
            definition = type_.fields.get(name)
            if definition is not None:
                inner = f"{path}.{name}" if path else name
                yield from _strings(item, definition.type, inner, type_.name, name)
    elif type_ is GraphQLString and isinstance(value, str):
        yield value, path, max_length(owner, field)


def argument_problem(
    definition: GraphQLField, node: FieldNode, variable_values: Any
) -> InvalidInput | None:
    """The first string argument of one field that the database cannot take, as an error.

    Fields are named as the REST door names them: an input object's fields by their own path
    (``phones[0].number``), any other argument by its name (``search_value``).
    """
    try:
        arguments = get_argument_values(definition, node, variable_values)
    except GraphQLError:  # invalid arguments: execution reports them
        return None
    return arguments_problem(definition, arguments)


def arguments_problem(
    definition: GraphQLField, arguments: Mapping[str, Any]
) -> InvalidInput | None:
    """:func:`argument_problem` for arguments already coerced (``get_argument_values``)."""
    for name, value in arguments.items():
        type_ = definition.args[name].type
        nullable = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        top = "" if isinstance(nullable, GraphQLInputObjectType) else name
        for text, path, limit in _strings(value, type_, top, None, name):
            if has_unstorable_character(text):
                return InvalidInput(
                    path, "holds a character that cannot be stored (U+0000 or a lone surrogate)"
                )
            if len(text) > limit:
                return InvalidInput(path, f"is longer than {limit} characters")
    return None


class _ArgumentChecker(Visitor):
    def __init__(self, type_info: TypeInfo, variable_values: Any) -> None:
        super().__init__()
        self.type_info = type_info
        self.variable_values = variable_values
        self.problem: InvalidInput | None = None

    def enter_field(self, node: FieldNode, *_args: Any) -> Any:
        definition = self.type_info.get_field_def()
        if definition is not None and node.arguments:
            self.problem = argument_problem(definition, node, self.variable_values)
            if self.problem is not None:
                return self.BREAK
        return None


def operation_problem(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> InvalidInput | None:
    """The first string argument of the operation (and the fragments it may spread) refused."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):  # bad variables: execution reports them
        return None
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    for definition in (operation, *fragments):
        type_info = TypeInfo(schema)
        checker = _ArgumentChecker(type_info, coerced)
        visit(definition, TypeInfoVisitor(type_info, checker))
        if checker.problem is not None:
            return checker.problem
    return None


class InputChecks(SchemaExtension):
    """Refuses, before execution, an operation whose text input :func:`operation_problem` finds."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            problem = operation_problem(
                context.schema._schema, document, context.operation_name, context.variables
            )
            if problem is not None:
                error = GraphQLError(problem.message, original_error=problem)
                context.result = GraphQLExecutionResult(data=None, errors=[error])
        yield
