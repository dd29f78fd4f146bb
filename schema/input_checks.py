"""The one check of the text an operation receives, whichever door and executor it goes through.

Every ``String`` value of every field argument (literal or variable, at any depth of an input
object) is refused with :class:`~app.errors.InvalidInput` naming the field when it holds a
character the database cannot store, or when it is longer than the column that stores it
(:mod:`app.db.text_limits`). ``ID`` values are left alone: an identifier the database cannot
hold finds nothing, which the engine makes a plain miss (:func:`app.db.engine.create_engine`),
so the caller gets the 404 of that entity.
"""

from collections import OrderedDict
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


class _FieldsWithArguments(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.found: list[tuple[GraphQLField, FieldNode]] = []

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        definition = self.type_info.get_field_def()
        if definition is not None and node.arguments:
            self.found.append((definition, node))


ArgumentFields = tuple[tuple[GraphQLField, FieldNode], ...]

_FIELDS_KEPT = 512
_fields_by_document: OrderedDict[tuple[int, int, str | None], tuple[Any, ...]] = OrderedDict()


def fields_with_arguments(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> ArgumentFields:
    """The fields of the operation (and of the fragments it may spread) that take arguments,
    in document order, with their definitions; worked out once per parsed document (the
    schema's document cache hands out the same one each time: kept by identity, at most
    :data:`_FIELDS_KEPT`)."""
    key = (id(schema), id(document), operation_name)
    kept = _fields_by_document.get(key)
    if kept is not None:
        _fields_by_document.move_to_end(key)
        fields: ArgumentFields = kept[2]
        return fields
    operation = get_operation_ast(document, operation_name)
    found: list[tuple[GraphQLField, FieldNode]] = []
    if operation is not None:
        fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
        for definition in (operation, *fragments):
            type_info = TypeInfo(schema)
            collector = _FieldsWithArguments(type_info)
            visit(definition, TypeInfoVisitor(type_info, collector))
            found.extend(collector.found)
    # The schema and the document are kept with their fields, so that their ids stay theirs.
    _fields_by_document[key] = (schema, document, tuple(found))
    while len(_fields_by_document) > _FIELDS_KEPT:
        _fields_by_document.popitem(last=False)
    return tuple(found)


def operation_problem(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> InvalidInput | None:
    """The first string argument of the operation (and the fragments it may spread) refused."""
    fields = fields_with_arguments(schema, document, operation_name)
    if not fields:
        return None
    operation = get_operation_ast(document, operation_name)
    assert operation is not None  # it has fields
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):  # bad variables: execution reports them
        return None
    for definition, node in fields:
        problem = argument_problem(definition, node, coerced)
        if problem is not None:
            return problem
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
