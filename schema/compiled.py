"""Compiled execution of plain reads.

A query document whose every selected field is a leaf, a JSON list or a relation of a mapped
type is answered by one SQL statement that builds the JSON in the database. The mapped types
come from the schema itself (:func:`derive_registry`: ``@maps`` types and ``relation`` fields,
see :mod:`schema.mapping`). Plans are cached per document and operation. Anything else (other
fields, directives, mutations, invalid documents, missing rows, refused callers, callers
without the permission a root field declares) goes through
Strawberry, which also reports the errors, so both paths answer alike.
"""

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson
from graphql import (
    BooleanValueNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NamedTypeNode,
    NullValueNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableDefinitionNode,
    Visitor,
    get_named_type,
    get_operation_ast,
    visit,
)
from graphql.execution.values import (
    VariableValues,
    get_argument_values,
    get_variable_values,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter

from app.auth.principal import Principal
from app.compiled.plan import Field, Parameter, Selection, ValueFormat
from app.compiled.registry import (
    JsonDocument,
    JsonList,
    JsonObjectType,
    JsonValue,
    MappedType,
    PagedRelation,
    Registry,
    Relation,
    holds_floats,
    holds_numerics,
    is_json_column,
    leaf_problem,
)
from app.compiled.sql import PAGE_ARGUMENTS, PAGING_FIELDS, ROOTS, TYPENAME, CompiledStatements
from app.db.engine import Database
from app.errors import GatewayError, ServiceUnavailable
from app.money import loads_exact
from app.tracing import span
from resolvers.context import Context
from schema.documents import DocumentCache
from schema.input_checks import arguments_problem
from schema.mapping import (
    ALWAYS_NULL,
    JSON_DOCUMENT,
    PAGED_RELATION,
    RELATION,
    JsonDocumentField,
    PagedRelationField,
    RelationField,
    mapped_model,
)
from schema.permissions import Access, access_of
from schema.settings import SchemaSettings

PAGING_TYPE = "Paging"
# Argument values a paged relation below the root may be given (not variables, lists or objects).
_LITERALS = (IntValueNode, StringValueNode, EnumValueNode, BooleanValueNode, NullValueNode)
# Page types (ContactPage, AccountPage) and the type of their items.
PAGE_ITEMS = {root.type_name: root.item_type for root in ROOTS.values() if root.item_type}
DEFINITION = GraphQLCoreConverter.DEFINITION_BACKREF
# Scalars whose JSON text is the stored JSON value's, as the objects of JSON lists need.
JSON_SCALARS = frozenset({"String", "ID", "Int", "Boolean"})
# Scalars of lists held in a JSON column that compiled reads re-encode (organisation_tags).
JSON_TEXT_SCALARS = frozenset({"String", "ID"})
# The scalar of money (schema/scalars.py).
MONEY_SCALAR = "Money"


def _strings(field_type: GraphQLOutputType) -> bool:
    """Whether ``field_type`` is a list of strings (or ids)."""
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    if not isinstance(field_type, GraphQLList):
        return False
    item = field_type.of_type
    if isinstance(item, GraphQLList) or (
        isinstance(item, GraphQLNonNull) and isinstance(item.of_type, GraphQLList)
    ):
        return False
    return get_named_type(item).name in JSON_TEXT_SCALARS


def _is_list(field_type: GraphQLOutputType) -> bool:
    """Whether ``field_type`` is a list type (nullable or not)."""
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    return isinstance(field_type, GraphQLList)


def _plain_objects(field_type: GraphQLOutputType) -> GraphQLObjectType | None:
    """The object type of a list type whose objects hold only plain scalars, else ``None``."""
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    if not isinstance(field_type, GraphQLList):
        return None
    item = get_named_type(field_type)
    if not isinstance(item, GraphQLObjectType):
        return None
    for field in item.fields.values():
        plain = get_named_type(field.type).name in JSON_SCALARS
        if not plain or field.extensions[DEFINITION].base_resolver is not None:
            return None
    return item


class _Derivation:
    """Collects the mapped types of a schema and the problems found on the way."""

    def __init__(self) -> None:
        self.types: dict[str, MappedType] = {}
        self.json_objects: dict[str, frozenset[str]] = {}
        self.page_items: dict[str, str] = {}
        self.json_types: dict[str, JsonObjectType] = {}
        self.problems: list[str] = []

    def add(self, graphql_type: GraphQLObjectType, model: Any) -> None:
        """Derive the mapped type of ``graphql_type`` (whose class ``maps`` ``model``)."""
        name = graphql_type.name
        leaves: dict[str, str] = {}
        relations: dict[str, Relation] = {}
        json_lists: dict[str, JsonList] = {}
        json_values: dict[str, str] = {}
        pages: dict[str, PagedRelation] = {}
        json_documents: dict[str, JsonDocument] = {}
        nulls: set[str] = set()
        for field_name, field in graphql_type.fields.items():
            definition = field.extensions[DEFINITION]
            declared: RelationField | None = definition.metadata.get(RELATION)
            declared_pages: PagedRelationField | None = definition.metadata.get(PAGED_RELATION)
            declared_json: JsonDocumentField | None = definition.metadata.get(JSON_DOCUMENT)
            objects = _plain_objects(field.type)
            if definition.metadata.get(ALWAYS_NULL):
                nulls.add(field_name)
            elif declared_json is not None:
                target = get_named_type(field.type)
                assert isinstance(target, GraphQLObjectType), field_name
                problem = self.add_json_type(target)
                if problem is None:
                    json_documents[field_name] = JsonDocument(
                        target.name, declared_json.column, declared_json.many
                    )
                else:
                    self.problems.append(f"{name}.{field_name}: {problem}")
            elif declared is not None:
                target = get_named_type(field.type).name
                relations[field_name] = Relation(
                    target, declared.loader.related, declared.parent_key
                )
            elif declared_pages is not None:
                page_type = get_named_type(field.type)
                assert isinstance(page_type, GraphQLObjectType), field_name
                item_type = get_named_type(page_type.fields["content"].type).name
                pages[field_name] = PagedRelation(
                    page_type.name,
                    item_type,
                    declared_pages.loader.related,
                    declared_pages.parent_key,
                )
                self.page_items[page_type.name] = item_type
            elif (
                definition.base_resolver is None
                and is_json_column(model, definition.python_name)
                and _strings(field.type)
            ):
                json_values[field_name] = definition.python_name
            elif definition.base_resolver is None:
                problem = leaf_problem(model, definition.python_name)
                if problem is None:
                    leaves[field_name] = definition.python_name
                else:
                    self.problems.append(f"{name}.{field_name}: {problem}")
            elif objects is not None and is_json_column(model, field_name):
                json_lists[field_name] = JsonList(objects.name, field_name)
                self.json_objects[objects.name] = frozenset(objects.fields)
        self.types[name] = MappedType(
            name,
            model,
            leaves,
            relations,
            json_lists,
            json_values,
            pages,
            json_documents,
            frozenset(nulls),
        )

    def add_json_type(self, graphql_type: GraphQLObjectType) -> str | None:
        """Derive the :class:`JsonObjectType` of ``graphql_type`` (and of the object types of
        its fields); why it cannot be written from JSON, or ``None``. Its fields must be plain
        (no resolver), each a string, id, enum, integer, money or such an object."""
        if graphql_type.name in self.json_types:
            return None
        keys: dict[str, str] = {}
        values: dict[str, JsonValue] = {}
        objects: dict[str, str] = {}
        for field_name, field in graphql_type.fields.items():
            definition = field.extensions[DEFINITION]
            named = get_named_type(field.type)
            where = f"{graphql_type.name}.{field_name}"
            if definition.base_resolver is not None or _is_list(field.type):
                return f"{where} is not a plain value"
            keys[field_name] = definition.python_name
            if isinstance(named, GraphQLObjectType):
                problem = self.add_json_type(named)
                if problem is not None:
                    return problem
                objects[field_name] = named.name
            elif named.name == MONEY_SCALAR:
                values[field_name] = JsonValue.MONEY
            elif isinstance(named, GraphQLEnumType) or named.name in JSON_TEXT_SCALARS:
                values[field_name] = JsonValue.TEXT
            elif named.name == "Int":
                values[field_name] = JsonValue.NUMBER
            else:
                return f"{where}: {named.name} is not written from JSON"
        self.json_types[graphql_type.name] = JsonObjectType(
            graphql_type.name, keys, values, objects
        )
        return None

    def registry(self) -> Registry:
        """The registry, with relations to types that are not mapped listed as problems."""
        for mapped in self.types.values():
            for field_name, relation in mapped.relations.items():
                if relation.target not in self.types:
                    problem = f"{relation.target} is not mapped"
                    self.problems.append(f"{mapped.name}.{field_name}: {problem}")
            for field_name, paged in mapped.pages.items():
                if paged.item_type not in self.types:
                    problem = f"{paged.item_type} is not mapped"
                    self.problems.append(f"{mapped.name}.{field_name}: {problem}")
        return Registry(
            self.types, self.json_objects, tuple(self.problems), self.page_items, self.json_types
        )


def derive_registry(schema: GraphQLSchema) -> Registry:
    """The mapped types of ``schema``: each object type whose Strawberry class ``maps`` a model.

    Its leaves are its fields without resolvers, which must be mapper columns or hybrids
    (those that are not are left out and named in ``problems``), or JSON columns holding a list
    of strings; its relations are the fields built by ``relation``, its paged relations the
    fields marked ``paged``; its JSON lists are resolved fields named after a JSON column whose
    type is a list of plain objects (the custom fields).
    """
    derivation = _Derivation()
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        definition = (graphql_type.extensions or {}).get(DEFINITION)
        model = mapped_model(definition.origin) if definition is not None else None
        if model is not None:
            derivation.add(graphql_type, model)
    return derivation.registry()


class NotCompilable(Exception):
    """The document needs the general executor."""


@dataclass(frozen=True)
class NestedArguments:
    """The arguments of a paged relation below the root that are not all plain literals
    (variables, a ``filter`` object): coerced with each request's variables. ``path`` is the
    response keys from the root's selection down to the field."""

    path: tuple[str, ...]
    definition: GraphQLField
    node: FieldNode


@dataclass(frozen=True)
class RootPlan:
    """One root field of a compiled operation."""

    key: str
    name: str
    node: FieldNode
    definition: GraphQLField
    selection: Selection
    # False when the answer holds floats, whose JSON text the database writes differently.
    exact: bool
    # Whether the answer holds money, whose digits a decoder must keep.
    holds_money: bool
    # What the field declares it needs (schema/permissions.py); checked before answering.
    access: Access | None
    # What the relations selected below it declare they need (Contact.accounts: ACCOUNTS_READ).
    nested_access: tuple[Access, ...] = ()
    # The paged relations below it whose arguments are coerced per request (variables).
    nested_arguments: tuple[NestedArguments, ...] = ()

    def selection_for(self, variables: VariableValues) -> Selection | None:
        """The selection with the arguments below the root coerced with ``variables``; ``None``
        when the general path must answer (arguments it refuses: it reports them).

        ``size``, ``sort``, ``order`` and absent filters shape the statement; the page number
        and a given filter value are :class:`~app.compiled.plan.Parameter` markers, so one statement
        serves every page and every ``created_on`` bound.
        """
        selection = self.selection
        for index, site in enumerate(self.nested_arguments):
            try:
                arguments = get_argument_values(site.definition, site.node, variables)
            except GraphQLError:
                return None
            if arguments_problem(site.definition, arguments):
                return None
            shape: list[tuple[str, Any]] = []
            values: list[tuple[str, Any]] = []
            for name, value in sorted(_plain_arguments(arguments).items()):
                if name == "page" and value < 1:
                    return None  # the general path's 400 naming page
                if (name in PAGE_ARGUMENTS and name != "page") or value is None:
                    shape.append((name, value))
                else:
                    parameter = f"nested_{index}_{name}"
                    shape.append((name, Parameter(parameter)))
                    values.append((parameter, value))
            selection = _with_arguments(selection, site.path, tuple(shape), tuple(values))
        return selection

    def allows(self, principal: Principal) -> bool:
        """Whether the caller may read the root field and every relation selected below it."""
        if self.access is None or not self.access.allows(principal):
            return False
        return all(access.allows(principal) for access in self.nested_access)


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
    schema: GraphQLSchema,
    registry: Registry,
    sites: list[NestedArguments] | None = None,
    path: tuple[str, ...] = (),
) -> Selection:
    """The selection of ``selection_set`` on ``type_name``; the paged relations below whose
    arguments depend on the request are added to ``sites`` (without ``sites``, they do not
    compile)."""
    if selection_set is None:
        raise NotCompilable("object without selection")
    mapped = registry.types.get(type_name)
    page_items = {**PAGE_ITEMS, **registry.page_items}
    fields: list[Field] = []
    for key, node in _fields(selection_set, type_name, fragments):
        name = node.name.value
        paged = mapped.pages.get(name) if mapped is not None else None
        if node.arguments and paged is None:
            raise NotCompilable("arguments below the root")
        target: str | None = None
        arguments: tuple[tuple[str, Any], ...] = ()
        if type_name in page_items and name == "content":
            target = page_items[type_name]
        elif type_name in page_items and name == "paging":
            target = PAGING_TYPE
        elif paged is not None:
            target = paged.page_type
            if all(isinstance(argument.value, _LITERALS) for argument in node.arguments or ()):
                arguments = _nested_arguments(schema, type_name, node)
            elif sites is None:
                raise NotCompilable("a variable below the root")
            else:
                graphql_type = schema.type_map[type_name]
                assert isinstance(graphql_type, GraphQLObjectType)
                sites.append(NestedArguments((*path, key), graphql_type.fields[name], node))
        elif mapped is not None and name in mapped.json_lists:
            target = mapped.json_lists[name].target
        elif mapped is not None and name in mapped.json_documents:
            target = mapped.json_documents[name].target
        elif type_name in registry.json_types and name in registry.json_types[type_name].objects:
            target = registry.json_types[type_name].objects[name]
        elif mapped is not None and name in mapped.relations:
            target = mapped.relations[name].target
        elif not (
            name == TYPENAME
            or (type_name == PAGING_TYPE and name in PAGING_FIELDS)
            or (mapped is not None and (name in mapped.leaves or name in mapped.json_values))
            or name in registry.json_objects.get(type_name, ())
            or (mapped is not None and name in mapped.nulls)
            or (type_name in registry.json_types and name in registry.json_types[type_name].values)
        ):
            raise NotCompilable(f"{type_name}.{name}")
        if target is None:
            fields.append(Field(key, name))
        else:
            inner = _selection(
                node.selection_set, target, fragments, schema, registry, sites, (*path, key)
            )
            fields.append(Field(key, name, inner, arguments))
    return Selection(type_name, tuple(fields))


def _with_arguments(
    selection: Selection,
    path: tuple[str, ...],
    arguments: tuple[tuple[str, Any], ...],
    values: tuple[tuple[str, Any], ...],
) -> Selection:
    """``selection`` with the field at ``path`` (response keys) given these arguments."""
    key, below = path[0], path[1:]
    fields = []
    for item in selection.fields:
        if item.key == key:
            assert item.selection is not None
            if below:
                inner = _with_arguments(item.selection, below, arguments, values)
                item = Field(item.key, item.name, inner, item.arguments)
            else:
                item = Field(item.key, item.name, item.selection, arguments, values)
        fields.append(item)
    return Selection(selection.type_name, tuple(fields))


def _nested_arguments(
    schema: GraphQLSchema, type_name: str, node: FieldNode
) -> tuple[tuple[str, Any], ...]:
    """The arguments of a paged relation below the root, defaults filled in, as plain values.

    They shape the statement, so only literals compile (a variable leaves the document to the
    general path), and input the general path refuses is left to it to report.
    """
    if any(not isinstance(argument.value, _LITERALS) for argument in node.arguments or ()):
        raise NotCompilable("a variable below the root")
    graphql_type = schema.type_map[type_name]
    assert isinstance(graphql_type, GraphQLObjectType)
    definition = graphql_type.fields[node.name.value]
    try:
        arguments = get_argument_values(definition, node)
    except GraphQLError as invalid:
        raise NotCompilable("invalid arguments") from invalid
    if arguments_problem(definition, arguments):
        raise NotCompilable("refused arguments")
    return tuple(sorted(_plain_arguments(arguments).items()))


def _nested_accesses(schema: GraphQLSchema, selection: Selection) -> list[Access]:
    """The declared accesses of the fields selected below ``selection`` (relations into
    other domains declare one)."""
    found: list[Access] = []
    graphql_type = schema.type_map.get(selection.type_name)
    for item in selection.fields:
        if item.selection is None:
            continue
        if isinstance(graphql_type, GraphQLObjectType) and item.name in graphql_type.fields:
            access = access_of(graphql_type.fields[item.name])
            if access is not None:
                found.append(access)
        found.extend(_nested_accesses(schema, item.selection))
    return found


def _alias_count(document: DocumentNode) -> int:
    aliases = 0

    class AliasCounter(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            nonlocal aliases
            aliases += node.alias is not None

    visit(document, AliasCounter())
    return aliases


def build_plan(
    schema: GraphQLSchema,
    registry: Registry,
    query: str,
    operation_name: str | None,
    documents: DocumentCache,
    max_aliases: int,
) -> OperationPlan | None:
    """The plan of a query operation made only of compilable fields, else ``None`` (also for a
    document the general path refuses: it reports why). ``documents`` is the schema's cache:
    the document is parsed and validated (query limits included) once for both paths."""
    try:
        document = documents.parsed(query)
    except GraphQLError:
        return None
    if documents.validated(document):
        return None  # the general path reports the errors, query limits included
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    if _alias_count(document) > max_aliases:  # the general path reports the limit
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
            root_type = ROOTS[name].type_name
            sites: list[NestedArguments] = []
            selection = _selection(
                node.selection_set, root_type, fragments, schema, registry, sites
            )
            definition = query_type.fields[name]
            roots.append(
                RootPlan(
                    key,
                    name,
                    node,
                    definition,
                    selection,
                    exact=not holds_floats(registry, selection),
                    holds_money=holds_numerics(registry, selection),
                    access=access_of(definition),
                    nested_access=tuple(_nested_accesses(schema, selection)),
                    nested_arguments=tuple(sites),
                )
            )
    except NotCompilable:
        return None
    return OperationPlan(tuple(operation.variable_definitions or ()), tuple(roots))


@dataclass(frozen=True)
class CompiledAnswer:
    """The JSON text the database wrote for each root field, by response key; ``inexact``
    names the answers whose text must be re-encoded (they hold floats), ``moneyless`` those
    that hold no money (plain JSON decoding keeps every number they hold)."""

    texts: Mapping[str, str]
    inexact: frozenset[str] = frozenset()
    moneyless: frozenset[str] = frozenset()

    def fragments(self) -> dict[str, Any]:
        """The answers to embed in a response encoded by ``orjson``: the database's text as it
        is (``orjson.Fragment``), decoded only where it is inexact."""
        return {
            # GraphQL writes money as text, so floats may go through orjson's own reading.
            key: orjson.loads(text) if key in self.inexact else orjson.Fragment(text)
            for key, text in self.texts.items()
        }

    def value(self, key: str) -> Any:
        """One root field's answer decoded, for a door that reshapes it; money keeps its
        digits, as it does in request bodies."""
        if key in self.moneyless:
            return orjson.loads(self.texts[key])
        return loads_exact(self.texts[key])


def _plain_arguments(arguments: Mapping[str, Any]) -> dict[str, Any]:
    """A root's coerced arguments as the compiler takes them: enums as their values, and the
    fields of its ``filter`` input object as arguments of their own."""
    flat = dict(arguments)
    flat.update(flat.pop("filter", None) or {})
    return {name: value.value if isinstance(value, Enum) else value for name, value in flat.items()}


class CompiledReads:
    """The registry of mapped types, plans cached per (document, operation name), and their
    execution."""

    CACHE_SIZE = 512

    def __init__(
        self, schema: GraphQLSchema, settings: SchemaSettings, documents: DocumentCache
    ) -> None:
        self._schema = schema
        self._settings = settings
        self._documents = documents
        self.registry = derive_registry(schema)
        self._plans: OrderedDict[tuple[str, str | None], OperationPlan | None] = OrderedDict()
        self._statements: dict[str, CompiledStatements] = {}

    def _statements_for(self, db: Database) -> CompiledStatements:
        dialect = db.engine.dialect
        statements = self._statements.get(dialect.name)
        if statements is None:
            statements = CompiledStatements(dialect, self.registry)
            self._statements[dialect.name] = statements
        return statements

    def plan_for(self, query: str, operation_name: str | None) -> OperationPlan | None:
        """The cached plan (or the cached verdict that there is none) of a document."""
        cache_key = (query, operation_name)
        if cache_key in self._plans:
            self._plans.move_to_end(cache_key)
            return self._plans[cache_key]
        plan = build_plan(
            self._schema,
            self.registry,
            query,
            operation_name,
            self._documents,
            self._settings.max_aliases,
        )
        self._plans[cache_key] = plan
        if len(self._plans) > self.CACHE_SIZE:
            self._plans.popitem(last=False)
        return plan

    async def answer(
        self,
        query: str,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        context: Context,
        values: ValueFormat,
    ) -> CompiledAnswer | None:
        """The answer of a compilable query with its values written as ``values`` says, or
        ``None`` when the general path must answer (and report any error)."""
        principal = context.principal
        if principal is None or not principal.may_use_backoffice:
            return None  # compiled reads answer only Back-Office callers: skip planning
        plan = self.plan_for(query, operation_name)
        if plan is None:
            return None
        # The permissions the root fields and the relations below them declare, checked as the
        # general path checks them; a refused caller is left to it, which reports the 403.
        if not all(root.allows(principal) for root in plan.roots):
            return None
        coerced = get_variable_values(self._schema, plan.variables, dict(variables or {}))
        if isinstance(coerced, list):
            return None  # bad variables: the general path reports them
        try:
            arguments_by_root = [
                get_argument_values(root.definition, root.node, coerced) for root in plan.roots
            ]
        except GraphQLError:
            return None  # invalid arguments: the general path reports them
        # Input the general path refuses (schema/input_checks.py) is left to it to report.
        if any(
            arguments_problem(root.definition, arguments)
            for root, arguments in zip(plan.roots, arguments_by_root, strict=True)
        ):
            return None
        selections = [root.selection_for(coerced) for root in plan.roots]
        if any(selection is None for selection in selections):
            return None  # arguments below a root the general path refuses: it reports them
        with span("graphql.compiled", {"graphql.operation.name": operation_name or ""}):
            return await self._run(plan, arguments_by_root, context, values, selections)

    async def _run(
        self,
        plan: OperationPlan,
        arguments_by_root: list[dict[str, Any]],
        context: Context,
        values: ValueFormat,
        selections: list[Selection | None],
    ) -> CompiledAnswer | None:
        """Run the plan's statements with each root's coerced arguments (graphql-core's) and
        its selection with the arguments below it (:meth:`RootPlan.selection_for`)."""
        principal = context.principal
        assert principal is not None
        statements = self._statements_for(context.db)
        texts: dict[str, str] = {}
        for root, arguments, selection in zip(
            plan.roots, arguments_by_root, selections, strict=True
        ):
            assert selection is not None
            plain = _plain_arguments(arguments)
            try:
                text = await statements.run_root(
                    context.db, principal, root.name, plain, selection, values
                )
            except ServiceUnavailable:
                raise  # the general path would meet the same outage
            except GatewayError:
                return None
            if text is None:
                return None
            texts[root.key] = text
        inexact = frozenset(root.key for root in plan.roots if not root.exact)
        moneyless = frozenset(root.key for root in plan.roots if not root.holds_money)
        return CompiledAnswer(texts, inexact, moneyless)
