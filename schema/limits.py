"""Query limits as one GraphQL validation rule that runs in time linear in the document's size.

Each operation is measured once, fragments memoised (a fragment is measured once however often
it is spread, so a chain of fragments that each spread the next one twice costs nothing to
measure), and refused when it breaks one of the limits of :class:`app.settings.Settings`:

- ``max_query_bytes``: the document's length in bytes, checked before it is parsed (the
  token limit counts tokens, however long each one is; see :func:`document_size_refusal`);
- ``max_query_depth``: nesting of selections below the root fields (introspection excluded);
- ``max_aliases``: aliases, a fragment's counted once per spread;
- ``max_query_fields``: field selections once fragments are expanded (a fragment bomb);
- ``max_query_cost``: the objects the answer may hold, page sizes multiplied down the tree
  (a field's ``size`` argument: the literal, the largest page for a variable, else its default;
  see :func:`_multiplier`). Introspection is excluded (``MaxIntrospectionDepthRule`` bounds it).

Fragment cycles are left to graphql-core's ``NoFragmentCyclesRule``; the measure skips them.
The rule classes are built once per set of limits (:func:`query_limit_rules`), so that the
validation cache, whose key holds the rule classes, hits for a repeated document.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    ValidationContext,
    get_named_type,
    is_composite_type,
)
from graphql.validation import MaxIntrospectionDepthRule

from app.errors import GatewayError
from app.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.settings import Settings
from schema.settings import SchemaSettings

INTROSPECTION_ROOTS = {"__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}
SIZE_ARGUMENT = "size"


class QueryLimitExceeded(GatewayError):
    """A GraphQL document breaks one of the query limits; ``parameters`` are the setting's name,
    its value and the document's measure."""

    error = "CRM.EXCEPTIONS.QUERYLIMITEXCEEDEDEXCEPTION"

    def __init__(self, message: str, limit: str, allowed: int, found: int) -> None:
        super().__init__(
            f"{message} (limit {limit} = {allowed}).", [limit, str(allowed), str(found)]
        )
        self.limit = limit

    @classmethod
    def code_of_class(cls) -> str:
        """The ``extensions.code`` of every refusal of this kind (``QUERYLIMITEXCEEDED``)."""
        return cls.error.rsplit(".", 1)[-1].removesuffix("EXCEPTION")


def document_size_refusal(query: str | None, max_bytes: int) -> GraphQLError | None:
    """The refusal of a document longer than ``max_bytes`` bytes of UTF-8, else ``None``.

    Cheap enough to run before parsing: a character is at most four bytes, so only a document
    of more than a quarter of the limit in characters is encoded to be measured.
    """
    if query is None or len(query) <= max_bytes // 4:
        return None
    size = len(query.encode("utf-8", "surrogatepass"))
    if size <= max_bytes:
        return None
    refusal = QueryLimitExceeded(
        f"The document is {size} bytes long", "max_query_bytes", max_bytes, size
    )
    return GraphQLError(refusal.message, original_error=refusal, extensions=refusal.extensions)


@dataclass(frozen=True)
class QueryLimits:
    """The limits one rule enforces (see the module docstring for what each one counts)."""

    max_depth: int
    max_aliases: int
    max_fields: int
    max_cost: int
    max_page_size: int

    @classmethod
    def from_settings(cls, settings: Settings | SchemaSettings) -> "QueryLimits":
        """The limits an operator configured."""
        return cls(
            max_depth=settings.max_query_depth,
            max_aliases=settings.max_aliases,
            max_fields=settings.max_query_fields,
            max_cost=settings.max_query_cost,
            max_page_size=settings.max_page_size,
        )


@dataclass(frozen=True)
class Measure:
    """What a selection set asks for: its depth, aliases, expanded fields and cost."""

    depth: int = 0
    aliases: int = 0
    fields: int = 0
    cost: int = 0

    def __add__(self, other: "Measure") -> "Measure":
        return Measure(
            max(self.depth, other.depth),
            self.aliases + other.aliases,
            self.fields + other.fields,
            self.cost + other.cost,
        )


NOTHING = Measure()


class DocumentMeasurer:
    """Measures the operations of one document; each fragment is measured once."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        max_page_size: int,
    ) -> None:
        self._schema = schema
        self._fragments = fragments
        self._max_page_size = max_page_size
        self._measured: dict[str, Measure] = {}
        self._in_progress: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> Measure:
        """The measure of one operation (``NOTHING`` for an operation type the schema lacks)."""
        root = self._schema.get_root_type(operation.operation)
        if root is None:
            return NOTHING
        return self._selection_set(operation.selection_set, root)

    def _selection_set(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> Measure:
        total = NOTHING
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = parent
                if selection.type_condition is not None:
                    named = self._schema.get_type(selection.type_condition.name.value)
                    condition = named if named is not None else parent
                total += self._selection_set(selection.selection_set, condition)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value)
        return total

    def _fragment(self, name: str) -> Measure:
        if name in self._measured:
            return self._measured[name]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._in_progress:
            return NOTHING  # unknown fragments and cycles are reported by graphql-core's rules
        condition = self._schema.get_type(fragment.type_condition.name.value)
        if condition is None:
            return NOTHING
        self._in_progress.add(name)
        try:
            measure = self._selection_set(fragment.selection_set, condition)
        finally:
            self._in_progress.discard(name)
        self._measured[name] = measure
        return measure

    def _definition(self, node: FieldNode, parent: GraphQLNamedType) -> GraphQLField | None:
        name = node.name.value
        if name in INTROSPECTION_ROOTS and parent is self._schema.query_type:
            return INTROSPECTION_ROOTS[name]
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return parent.fields.get(name)
        return None

    def _field(self, node: FieldNode, parent: GraphQLNamedType) -> Measure:
        own = Measure(aliases=1 if node.alias else 0, fields=1)
        definition = self._definition(node, parent)
        if definition is None or node.selection_set is None:
            return own  # a leaf, or an unknown field that graphql-core reports
        named = get_named_type(definition.type)
        if not is_composite_type(named):
            return own
        size = self._page_size(node, definition)
        inner = self._selection_set(node.selection_set, named)
        if node.name.value in INTROSPECTION_ROOTS:
            return Measure(0, own.aliases + inner.aliases, own.fields + inner.fields, 0)
        multiplier = _multiplier(size)
        return Measure(
            depth=1 + inner.depth,
            aliases=own.aliases + inner.aliases,
            fields=own.fields + inner.fields,
            cost=multiplier * (1 + inner.cost),
        )

    def _page_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page size a field with a ``size`` argument asks for: the literal, the largest
        page for a variable (its value is not known to validation), else the default."""
        argument = definition.args.get(SIZE_ARGUMENT)
        if argument is None:
            return None
        for given in node.arguments or ():
            if given.name.value != SIZE_ARGUMENT:
                continue
            if isinstance(given.value, IntValueNode):
                # A size above the largest page is served at it (app.pagination).
                return min(max(int(given.value.value), 0), MAX_PAGE_SIZE)
            return self._max_page_size
        default = argument.default_value
        return default if isinstance(default, int) else DEFAULT_PAGE_SIZE


def _multiplier(size: int | None) -> int:
    """How many objects a composite field may answer per parent: its page size if it takes
    ``size``, else 1. The list of a page is counted at the paged field; a list without ``size``
    (phones, an account's merchants) is bounded by the data, not by the caller, and counts once."""
    return 1 if size is None else size


def _refusals(measure: Measure, limits: QueryLimits) -> list[QueryLimitExceeded]:
    checks = (
        (measure.depth, limits.max_depth, "max_query_depth", "The query is {} levels deep"),
        (measure.aliases, limits.max_aliases, "max_aliases", "The document has {} aliases"),
        (
            measure.fields,
            limits.max_fields,
            "max_query_fields",
            "The document has {} fields once its fragments are expanded",
        ),
        (
            measure.cost,
            limits.max_cost,
            "max_query_cost",
            "The query may answer {} objects (page sizes multiplied down the tree)",
        ),
    )
    return [
        QueryLimitExceeded(template.format(found), name, allowed, found)
        for found, allowed, name, template in checks
        if found > allowed
    ]


@cache
def query_limit_rules(limits: QueryLimits) -> tuple[type[ASTValidationRule], ...]:
    """The validation rules enforcing ``limits``: the same classes for the same limits."""

    class QueryLimitsRule(ASTValidationRule):
        """Refuses operations that break the query limits, with ``QUERYLIMITEXCEEDED``.

        It measures when the document has been visited, after graphql-core refused fragments
        nested too deeply (more than its parser's nesting limit) to be walked recursively.
        """

        def leave_document(self, document: DocumentNode, *_args: object) -> None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            context = self.context
            assert isinstance(context, ValidationContext)
            measurer = DocumentMeasurer(context.schema, fragments, limits.max_page_size)
            for definition in document.definitions:
                if isinstance(definition, OperationDefinitionNode):
                    for refusal in _refusals(measurer.operation(definition), limits):
                        self.report(refusal, definition)

        def report(self, refusal: QueryLimitExceeded, node: OperationDefinitionNode) -> None:
            """Report one broken limit on the operation that breaks it."""
            self.report_error(
                GraphQLError(
                    refusal.message, node, original_error=refusal, extensions=refusal.extensions
                )
            )

    return (QueryLimitsRule, MaxIntrospectionDepthRule)
