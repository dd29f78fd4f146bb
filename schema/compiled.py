"""Compiled execution of plain reads.

A query document whose every selected field is a column or a relation of a mapped type (see
:mod:`app.compiled.sql`) is answered by one SQL statement that builds the JSON in the
database. Plans are cached per document and operation. Anything else (other fields,
directives, mutations, invalid documents, missing rows, refused callers) goes through
Strawberry, which also reports the errors, so both paths answer alike.
"""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    Visitor,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
    visit,
)
from graphql.execution.values import get_argument_values, get_variable_values
from sqlalchemy.engine import Dialect
from strawberry.types import ExecutionResult

from app.compiled.plan import Field, Selection
from app.compiled.sql import (
    JSON_OBJECT_TYPES,
    PAGING_FIELDS,
    ROOTS,
    TYPENAME,
    TYPES,
    CompiledStatements,
)
from app.errors import GatewayError
from app.settings import Settings
from resolvers.context import Context
from schema.limits import QueryLimits, query_limit_rules

PAGING_TYPE = "Paging"
# Page types (ContactPage, AccountPage) and the type of their items.
PAGE_ITEMS = {root.type_name: root.item_type for root in ROOTS.values() if root.item_type}


class NotCompilable(Exception):
    """The document needs the general executor."""


@dataclass(frozen=True)
class RootPlan:
    """One root field of a compiled operation."""

    key: str
    name: str
    node: FieldNode
    definition: GraphQLField
    selection: Selection


@dataclass(frozen=True)
class OperationPlan:
    """A compiled query operation: its variables and its root fields."""

    variables: tuple[VariableDefinitionNode, ...]
    roots: tuple[RootPlan, ...]


def _fields(
    selection_set: SelectionSetNode,
    type_name: str,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> list[tuple[str, FieldNode]]:
    """The fields a selection set asks of an object of ``type_name``, fragments expanded."""
    found: dict[str, FieldNode] = {}
    for node in selection_set.selections:
        if node.directives:
            raise NotCompilable("directives")
        if isinstance(node, FieldNode):
            key = node.alias.value if node.alias else node.name.value
            if key in found and (node.selection_set or found[key].selection_set):
                raise NotCompilable("merged sub-selections")
            found.setdefault(key, node)
            continue
        condition: NamedTypeNode | None
        if isinstance(node, FragmentSpreadNode):
            fragment = fragments[node.name.value]
            condition, inner = fragment.type_condition, fragment.selection_set
        else:
            assert isinstance(node, InlineFragmentNode)
            condition, inner = node.type_condition, node.selection_set
        if condition is not None and condition.name.value != type_name:
            raise NotCompilable("type conditions")
        for key, field in _fields(inner, type_name, fragments):
            if key in found and (field.selection_set or found[key].selection_set):
                raise NotCompilable("merged sub-selections")
            found.setdefault(key, field)
    return list(found.items())


def _selection(
    selection_set: SelectionSetNode | None,
    type_name: str,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Selection:
    if selection_set is None:
        raise NotCompilable("object without selection")
    fields: list[Field] = []
    for key, node in _fields(selection_set, type_name, fragments):
        name = node.name.value
        if node.arguments:
            raise NotCompilable("arguments below the root")
        if name == TYPENAME:
            fields.append(Field(key, name))
        elif type_name in PAGE_ITEMS and name == "content":
            item_type = PAGE_ITEMS[type_name]
            fields.append(Field(key, name, _selection(node.selection_set, item_type, fragments)))
        elif type_name in PAGE_ITEMS and name == "paging":
            fields.append(Field(key, name, _selection(node.selection_set, PAGING_TYPE, fragments)))
        elif (
            (type_name == PAGING_TYPE and name in PAGING_FIELDS)
            or (type_name in TYPES and TYPES[type_name].has_leaf(name))
            or (type_name in JSON_OBJECT_TYPES and name in JSON_OBJECT_TYPES[type_name])
        ):
            fields.append(Field(key, name))
        elif type_name in TYPES and name in TYPES[type_name].json_lists:
            target = TYPES[type_name].json_lists[name]
            fields.append(Field(key, name, _selection(node.selection_set, target, fragments)))
        elif type_name in TYPES and name in TYPES[type_name].relations:
            target = TYPES[type_name].relations[name].target
            fields.append(Field(key, name, _selection(node.selection_set, target, fragments)))
        else:
            raise NotCompilable(f"{type_name}.{name}")
    return Selection(type_name, tuple(fields))


def _alias_count(document: DocumentNode) -> int:
    aliases = 0

    class AliasCounter(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            nonlocal aliases
            aliases += node.alias is not None

    visit(document, AliasCounter())
    return aliases


def build_plan(
    schema: GraphQLSchema, query: str, operation_name: str | None, settings: Settings
) -> OperationPlan | None:
    """The plan of a query operation made only of compilable fields, else ``None``."""
    try:
        document = parse(query, max_tokens=settings.max_query_tokens)
    except GraphQLError:
        return None
    limit_rules = query_limit_rules(QueryLimits.from_settings(settings))
    if validate(schema, document, (*specified_rules, *limit_rules)):
        return None  # the general path reports the errors, query limits included
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    if _alias_count(document) > settings.max_aliases:  # the general path reports the limit
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    query_type = schema.query_type
    assert query_type is not None
    roots: list[RootPlan] = []
    try:
        for key, node in _fields(operation.selection_set, "Query", fragments):
            name = node.name.value
            if name not in ROOTS:
                return None
            selection = _selection(node.selection_set, ROOTS[name].type_name, fragments)
            roots.append(RootPlan(key, name, node, query_type.fields[name], selection))
    except NotCompilable:
        return None
    return OperationPlan(tuple(operation.variable_definitions or ()), tuple(roots))


class CompiledReads:
    """Plans cached per (document, operation name), and their execution."""

    CACHE_SIZE = 512

    def __init__(self, schema: GraphQLSchema, settings: Settings) -> None:
        self._schema = schema
        self._settings = settings
        self._plans: OrderedDict[tuple[str, str | None], OperationPlan | None] = OrderedDict()
        self._statements: dict[str, CompiledStatements] = {}

    def _statements_for(self, dialect: Dialect) -> CompiledStatements:
        statements = self._statements.get(dialect.name)
        if statements is None:
            statements = self._statements[dialect.name] = CompiledStatements(dialect)
        return statements

    def plan_for(self, query: str, operation_name: str | None) -> OperationPlan | None:
        """The cached plan (or the cached verdict that there is none) of a document."""
        cache_key = (query, operation_name)
        if cache_key in self._plans:
            self._plans.move_to_end(cache_key)
            return self._plans[cache_key]
        plan = build_plan(self._schema, query, operation_name, self._settings)
        self._plans[cache_key] = plan
        if len(self._plans) > self.CACHE_SIZE:
            self._plans.popitem(last=False)
        return plan

    async def execute(
        self, plan: OperationPlan, variables: Mapping[str, Any] | None, context: Context
    ) -> ExecutionResult | None:
        """The answer of a planned operation, or ``None`` when the general path must answer."""
        principal = context.principal
        if principal is None or not principal.may_use_backoffice:
            return None
        coerced = get_variable_values(self._schema, plan.variables, dict(variables or {}))
        if isinstance(coerced, list):
            return None
        data: dict[str, Any] = {}
        for root in plan.roots:
            arguments = {
                name: value.value if isinstance(value, Enum) else value
                for name, value in get_argument_values(root.definition, root.node, coerced).items()
            }
            try:
                statements = self._statements_for(context.db.engine.dialect)
                found, value = await statements.run_root(
                    context.db, principal, root.name, arguments, root.selection, context.wire_format
                )
            except GatewayError:
                return None
            if not found:
                return None
            data[root.key] = value
        return ExecutionResult(data=data, errors=None)
