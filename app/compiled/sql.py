"""Building and running the one statement of a compiled read.

The roots listed here compile; the types below them come from a
:class:`~app.compiled.registry.Registry` (columns, hybrids, JSON lists and relations declared
once, for the dataloaders too). Values are rendered exactly as the general path writes them,
in the :class:`~app.compiled.plan.ValueFormat` the door asks for, and the statement returns
the answer as compact JSON text that goes to the response as it is.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import reduce
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy import Text as SqlText
from sqlalchemy.dialects.postgresql import JSONB, aggregate_order_by
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter

from app.accounts.repository import DEFAULT_SORT as ACCOUNT_DEFAULT_SORT
from app.accounts.repository import SORT_COLUMNS as ACCOUNT_SORT_COLUMNS
from app.accounts.repository import account_by_id_or_number, matching_contact_accounts
from app.auth.principal import Principal
from app.compiled.plan import (
    Field,
    MoneyFormat,
    Parameter,
    Selection,
    TimeFormat,
    ValueFormat,
)
from app.compiled.registry import JsonDocument, JsonValue, PagedRelation, Registry, Relation
from app.contacts.repository import (
    DEFAULT_SORT,
    SORT_COLUMNS,
    contact_by_id_or_code,
    matching_contacts,
)
from app.db.base import Money as MoneyType
from app.db.base import UtcDateTime
from app.db.driver import PreparedStatement
from app.db.engine import Database
from app.db.models import Account, Contact, Journal, Organisation, Wallet
from app.db.repository import repository_of
from app.organisations.enums import NETWORK_FILTERS
from app.organisations.repository import DEFAULT_SORT as ORGANISATION_DEFAULT_SORT
from app.organisations.repository import ORGANISATIONS, network_rows
from app.organisations.repository import SORT_COLUMNS as ORGANISATION_SORT_COLUMNS
from app.organisations.service import network_filters
from app.pagination import PageRequest, SortOrder, count_of, page_order
from app.reference.repository import DEFAULT_SORT as REFERENCE_DEFAULT_SORT
from app.reference.repository import matching as reference_rows
from app.reference.repository import sort_columns as reference_sort_columns
from app.reference.service import KINDS as REFERENCE_KINDS
from app.tenancy import CALLER_AS_PARAMETERS, caller_values
from app.wallets.repository import JOURNALS, wallet_by_id_or_code

TYPENAME = "__typename"


PAGING_FIELDS = frozenset({"page", "size", "total", "has_more"})
# The arguments of a page that are not filters.
PAGE_ARGUMENTS = frozenset({"page", "size", "sort", "order"})
CONTACT_FILTERS = ("search_value", "contact_type", "email_address", "code", "organisation_id")


@dataclass(frozen=True)
class Root:
    """A compilable root field: the type it answers, its page's item type (for lists), and the
    argument passed as a parameter (it varies per request; the others shape the statement)."""

    type_name: str
    item_type: str | None = None
    parameter: str | None = None


ROOTS = {
    "contacts": Root("ContactPage", item_type="Contact"),
    "contact": Root("Contact", parameter="id"),
    "contact_accounts": Root("AccountPage", item_type="Account", parameter="contact_id"),
    "organisation": Root("Organisation", parameter="id"),
    "organisation_network": Root("OrganisationPage", item_type="Organisation", parameter="id"),
    "wallet": Root("Wallet", parameter="id"),
    "journal": Root("Journal", parameter="id"),
    "account": Root("Account", parameter="id"),
}
# Reference data: each kind's query by id and its list query; their types are named as their
# models (tests/test_compiled_reads.py plans every one of them).
REFERENCE_BY_ID = {kind.value: rules.model for kind, rules in REFERENCE_KINDS.items()}
REFERENCE_LISTS = {rules.list_field: rules.model for rules in REFERENCE_KINDS.values()}
ROOTS.update(
    {name: Root(model.__name__, parameter="id") for name, model in REFERENCE_BY_ID.items()}
)
ROOTS.update(
    {
        name: Root(f"{model.__name__}Page", item_type=model.__name__)
        for name, model in REFERENCE_LISTS.items()
    }
)
REFERENCE_FILTER_EXCLUDED = PAGE_ARGUMENTS | {"search_value"}


def _checked(name: str) -> str:
    """A GraphQL name (letters, digits and underscores only), safe inside a SQL literal."""
    assert name.replace("_", "").isalnum(), name
    return name


def _text(value: str) -> Any:
    """A SQL string literal for a GraphQL name."""
    return literal_column(f"'{_checked(value)}'")


def _json_text(text: str) -> Any:
    """A SQL string literal holding JSON punctuation around checked names."""
    assert "'" not in text, text
    return literal_column(f"'{text}'", SqlText)


def _concat(parts: list[Any]) -> Any:
    """``parts`` joined by ``||`` (no argument limit, unlike ``concat()``), unparenthesised:
    ``a || b || c`` keeps SQLite's parser stack shallow however many parts there are."""
    texts: list[ColumnElement[str]] = [type_coerce(part, SqlText) for part in parts]
    return reduce(lambda left, right: left.concat(right), texts)


class _Renderer:
    """Renders values and JSON objects for one database dialect and one value format.

    Objects and arrays are concatenated text around each value's JSON (``to_json`` on
    PostgreSQL, ``json_quote`` on SQLite), byte for byte what the general path encodes:
    PostgreSQL's ``json_build_object`` and ``json_agg`` add spaces, and SQLite's
    ``json_object`` needs a ``json()`` around every nested value, which makes nested pages
    too deep for SQLite's parser (its stack is fixed: about 100 entries).
    """

    def __init__(self, dialect: str, values: ValueFormat) -> None:
        self.postgres = dialect == "postgresql"
        self.values = values
        # The JSON expressions that are never NULL (objects, arrays): no coalesce() around
        # them, which would deepen the statement. By identity: they live as long as it does.
        self._never_null: set[int] = set()

    def never_null(self, expression: Any) -> Any:
        """``expression``, noted as never NULL."""
        self._never_null.add(id(expression))
        return expression

    def typename(self, key: str, type_name: str) -> tuple[str, Any, bool]:
        """The ``__typename`` pair of an answer object."""
        return (key, _json_text(f'"{_checked(type_name)}"'), True)

    def object(self, pairs: list[tuple[str, Any, bool]]) -> Any:
        """A JSON object of ``(key, expression, expression is already JSON)`` pairs."""
        if not pairs:
            return self.never_null(_json_text("{}"))
        parts: list[Any] = []
        for index, (key, expression, is_json) in enumerate(pairs):
            parts.append(_json_text(("," if index else "{") + f'"{_checked(key)}":'))
            if self.postgres:
                value = expression if is_json else cast(func.to_json(expression), SqlText)
                parts.append(func.coalesce(value, _json_text("null")))
            elif id(expression) in self._never_null:
                parts.append(expression)
            elif is_json:
                parts.append(func.coalesce(expression, _json_text("null")))
            else:  # json_quote writes SQL NULL as null
                parts.append(func.json_quote(expression))
        parts.append(_json_text("}"))
        return self.never_null(_concat(parts))

    def array(self, value: Any) -> Any:
        """The aggregate writing the JSON ``value`` of each row as a JSON array, in the order
        the rows come (``[]`` when there are none); SQLite only."""
        items = func.group_concat(value, _json_text(","))
        return func.coalesce(_concat([_json_text("["), items, _json_text("]")]), _json_text("[]"))

    def boolean(self, condition: Any) -> tuple[Any, bool]:
        """A SQL condition as a JSON ``true`` / ``false`` (already JSON)."""
        return case((condition, _json_text("true")), else_=_json_text("false")), True

    def leaf(self, expression: Any) -> tuple[Any, bool]:
        """The rendered value of a column (or hybrid) and whether it is already JSON."""
        column_type = expression.type
        if isinstance(column_type, MoneyType):
            return self._money(expression)
        if isinstance(column_type, UtcDateTime):
            return self._datetime(expression), False
        if isinstance(column_type, Boolean) and not self.postgres:
            return (
                case(
                    (expression.is_(None), None),
                    (expression, _json_text("true")),
                    else_=_json_text("false"),
                ),
                True,
            )
        return expression, False

    def _money(self, value: Any) -> tuple[Any, bool]:
        # The general path writes canonical decimals: "9.99" and "200" as text, else exact
        # numbers (never through a double: the JSON number is written from the digits).
        as_text = self.values.money is MoneyFormat.TEXT
        if self.postgres:
            trimmed = func.trim_scale(value)
            return (cast(trimmed, SqlText) if as_text else trimmed), False
        # SQLite keeps money as integer 1/10,000 units; plain integer arithmetic on them (the
        # Money type would scale the constants too). REST turns the digits into a JSON number.
        value = type_coerce(value, BigInteger)
        magnitude = func.abs(value)
        fraction = func.rtrim(func.printf("%04d", magnitude % 10000), "0")
        whole = func.printf("%d", magnitude // 10000)
        sign = case((value < 0, "-"), else_="")
        text = sign + whole + case((fraction == "", ""), else_="." + fraction)
        return case((value.is_(None), None), else_=text), not as_text

    def _datetime(self, value: Any) -> Any:
        # The general path writes ISO 8601 like Python's isoformat(), or epoch seconds.
        epoch = self.values.times is TimeFormat.EPOCH
        if self.postgres:
            if epoch:
                return cast(func.floor(func.extract("epoch", value)), BigInteger)
            utc = func.timezone("UTC", value)
            micro = func.to_char(utc, ".US")
            return (
                func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS')
                + case((micro == ".000000", ""), else_=micro)
                + "+00:00"
            )
        if epoch:
            # Whole seconds first: SQLite's date functions round fractions to milliseconds, so
            # "...:24.9996" would become 25 where the general path truncates to 24.
            return cast(func.strftime("%s", func.substr(value, 1, 19)), BigInteger)
        micro = func.substr(value, 21, 6)
        iso = func.replace(func.substr(value, 1, 19), " ", "T") + case(
            (micro == "000000", ""), else_="." + micro
        )
        return case((value.is_(None), None), else_=iso + "+00:00")

    def json_list(self, column: Any, selection: Selection) -> Any:
        """The objects of a JSON list column, with only the selected keys, in stored order."""
        if self.postgres:
            elements = (
                func.json_array_elements(column)
                .table_valued("value", with_ordinality="position")
                .render_derived()
            )
            pairs = [
                self.typename(item.key, selection.type_name)
                if item.name == TYPENAME
                else (item.key, self._json_member(elements.c.value, item.name), True)
                for item in selection.fields
            ]
            return self.many(select(elements), self.object(pairs), [elements.c.position])
        elements = func.json_each(column).table_valued("value", "key")
        pairs = [
            self.typename(item.key, selection.type_name)
            if item.name == TYPENAME
            else (item.key, func.json_extract(elements.c.value, f"$.{_checked(item.name)}"), False)
            for item in selection.fields
        ]
        ordered = (
            select(self.object(pairs).label("value"))
            .select_from(elements)
            .order_by(elements.c.key)
            .correlate_except(elements)
            .subquery()
        )
        return self.never_null(select(self.array(ordered.c.value)).scalar_subquery())

    def _json_member(self, element: Any, name: str) -> Any:
        """The JSON of member ``name`` of a JSON object ``element`` (PostgreSQL): strings
        re-encoded (the stored text may escape what the general path writes raw), numbers and
        booleans as stored, SQL NULL when the member is missing."""
        member = element.op("->")(_text(name))
        as_string = cast(func.to_json(element.op("->>")(_text(name))), SqlText)
        return case((func.json_typeof(member) == "string", as_string), else_=cast(member, SqlText))

    def json_values(self, column: Any) -> Any:
        """The strings of a JSON list column, re-encoded as the general path writes them."""
        if self.postgres:
            elements = (
                func.json_array_elements_text(column)
                .table_valued("value", with_ordinality="position")
                .render_derived()
            )
            value = cast(func.to_json(type_coerce(elements.c.value, SqlText)), SqlText)
            return self.many(select(elements), value, [elements.c.position])
        elements = func.json_each(column).table_valued("value", "key")
        ordered = (
            select(elements.c.value)
            .select_from(elements)
            .order_by(elements.c.key)
            .correlate_except(elements)
            .subquery()
        )
        array = select(self.array(func.json_quote(ordered.c.value))).scalar_subquery()
        return self.never_null(array)

    def json_document(
        self, column: Any, many: bool, render: Callable[[Any], Any], nonempty: bool = True
    ) -> Any:
        """The JSON a field holding objects stored in the JSON ``column`` writes: with
        ``many``, an array of ``render(element)`` over the stored list in stored order
        (``[]`` for a null or non-list value); else ``render(column)`` for an object (null
        for a null value, or an empty object when ``nonempty``: the general path's
        ``if not value``). ``render`` takes a JSON value and returns the object's JSON text."""
        if many:
            if self.postgres:
                listed = case((func.json_typeof(column) == "array", column), else_=None)
                elements = (
                    func.json_array_elements(listed)
                    .table_valued("value", with_ordinality="position")
                    .render_derived()
                )
                return self.many(select(elements), render(elements.c.value), [elements.c.position])
            elements = func.json_each(column).table_valued("value", "key")
            ordered = (
                select(render(elements.c.value).label("value"))
                .select_from(elements)
                .where(func.json_type(column) == "array")
                .order_by(elements.c.key)
                .correlate_except(elements)
                .subquery()
            )
            return self.never_null(select(self.array(ordered.c.value)).scalar_subquery())
        if self.postgres:
            is_object = func.json_typeof(column) == "object"
            if nonempty:
                is_object = and_(is_object, cast(column, JSONB) != literal_column("'{}'::jsonb"))
        else:
            is_object = func.json_type(column) == "object"
            if nonempty:
                is_object = and_(is_object, func.json(column) != "{}")
        return case((is_object, render(column)), else_=None)

    def json_member(self, value: Any, key: str, kind: JsonValue | None) -> tuple[Any, bool]:
        """The member ``key`` of the JSON object ``value``, written as ``kind`` says (``None``:
        the member's JSON, for a nested object); and whether that is already JSON."""
        if self.postgres:
            text = value.op("->>")(_text(key))
            member = value.op("->")(_text(key))
        else:
            text = func.json_extract(value, f"$.{_checked(key)}")
            member = text
        if kind is None:
            return member, True
        if kind is JsonValue.NUMBER:
            return (cast(member, SqlText), True) if self.postgres else (text, False)
        if kind is JsonValue.TEXT:
            return text, False
        # Money: the stored decimal string, canonical as the general path writes Decimals
        # ("0.50" -> 0.5, "200" -> 200): trailing zeros of a fraction, then a bare point, go.
        digits = cast(text, SqlText)
        has_point = (func.strpos if self.postgres else func.instr)(digits, ".") > 0
        canonical = case((has_point, func.rtrim(func.rtrim(digits, "0"), ".")), else_=digits)
        return canonical, self.values.money is MoneyFormat.NUMBER

    def page_content(self, rows: Select[Any], value: Any, order: list[Any]) -> Any:
        """A JSON array of ``value`` over ``rows``, which select from a page already cut in
        ``order``.

        On SQLite the page's rows are aggregated as the page sub-query yields them, without
        another ordered sub-query around them: nested pages would otherwise be too deep for
        SQLite's parser.
        """
        if self.postgres:
            return self.many(rows, value, order)
        content = rows.with_only_columns(self.array(value), maintain_column_froms=True)
        return self.never_null(content.scalar_subquery())

    def many(self, rows: Select[Any], value: Any, order: list[Any]) -> Any:
        """A JSON array of ``value`` over ``rows`` in ``order`` (``[]`` when there are none).

        ``rows`` keeps its FROM even when ``value`` reads its rows only through a correlated
        relation (``content { accounts { id } }`` selects no column of the contact itself).
        """
        if self.postgres:
            separator = _json_text(",")
            aggregated = func.string_agg(
                value, aggregate_order_by(separator, *order) if order else separator
            )
            array = func.coalesce(
                _concat([_json_text("["), aggregated, _json_text("]")]), _json_text("[]")
            )
            return self.never_null(
                rows.with_only_columns(array, maintain_column_froms=True)
                .order_by(None)
                .scalar_subquery()
            )
        ordered = (
            rows.with_only_columns(value.label("value"), maintain_column_froms=True)
            .order_by(*order)
            .subquery()
        )
        return self.never_null(select(self.array(ordered.c.value)).scalar_subquery())


class Compiler:
    """Turns selections into expressions over aliased models."""

    def __init__(self, renderer: _Renderer, registry: Registry, caller: Principal) -> None:
        self.render = renderer
        self.registry = registry
        # Whose rows the paged relations read (the tenant filters of the general path's loaders).
        self.caller = caller

    def object_of(self, selection: Selection, entity: Any) -> Any:
        """The JSON object ``selection`` asks for, for one row of ``entity``."""
        mapped = self.registry.types[selection.type_name]
        pairs: list[tuple[str, Any, bool]] = []
        for item in selection.fields:
            if item.name == TYPENAME:
                pairs.append(self.render.typename(item.key, selection.type_name))
            elif item.name in mapped.relations:
                assert item.selection is not None
                relation = mapped.relations[item.name]
                pairs.append((item.key, self.related(relation, item.selection, entity), True))
            elif item.name in mapped.pages:
                assert item.selection is not None
                paged = mapped.pages[item.name]
                pairs.append((item.key, self.paged(paged, item, entity), True))
            elif item.name in mapped.json_lists:
                assert item.selection is not None
                column = getattr(entity, mapped.json_lists[item.name].column)
                pairs.append((item.key, self.render.json_list(column, item.selection), True))
            elif item.name in mapped.json_values:
                column = getattr(entity, mapped.json_values[item.name])
                pairs.append((item.key, self.render.json_values(column), True))
            elif item.name in mapped.json_documents:
                assert item.selection is not None
                document = mapped.json_documents[item.name]
                column = getattr(entity, document.column)
                pairs.append((item.key, self.json_document(document, column, item.selection), True))
            elif item.name in mapped.nulls:
                pairs.append((item.key, _json_text("null"), True))
            else:
                expression = getattr(entity, mapped.leaves[item.name])
                rendered, is_json = self.render.leaf(expression)
                pairs.append((item.key, rendered, is_json))
        return self.render.object(pairs)

    def json_document(self, document: JsonDocument, column: Any, selection: Selection) -> Any:
        """The JSON of a field holding objects stored in a JSON column (a wallet's limit rules,
        its top-ups), written as the general path's conversion writes them."""

        def render(value: Any) -> Any:
            return self.json_object(value, selection)

        return self.render.json_document(column, document.many, render)

    def json_object(self, value: Any, selection: Selection) -> Any:
        """The JSON object ``selection`` asks of the stored JSON object ``value``."""
        json_type = self.registry.json_types[selection.type_name]
        pairs: list[tuple[str, Any, bool]] = []
        for item in selection.fields:
            if item.name == TYPENAME:
                pairs.append(self.render.typename(item.key, selection.type_name))
                continue
            key = json_type.keys[item.name]
            if item.name in json_type.objects:
                assert item.selection is not None
                inner = item.selection
                member, _ = self.render.json_member(value, key, None)

                def render(nested: Any, inner: Selection = inner) -> Any:
                    return self.json_object(nested, inner)

                nested = self.render.json_document(member, False, render, nonempty=False)
                pairs.append((item.key, nested, True))
            else:
                rendered, is_json = self.render.json_member(value, key, json_type.values[item.name])
                pairs.append((item.key, rendered, is_json))
        return self.render.object(pairs)

    def related(self, relation: Relation, selection: Selection, parent: Any) -> Any:
        """The JSON of a relation of one ``parent`` row: an array or one object (or null)."""
        child = aliased(relation.related.model)
        value = self.object_of(selection, child)
        # Correlated explicitly: on SQLite the rows sit in a FROM sub-query of the aggregate.
        rows = select(child).where(relation.link(child, parent)).correlate(parent)
        order = relation.related.order(child)
        if relation.related.many:
            return self.render.many(rows, value, order)
        return (rows.with_only_columns(value).order_by(*order).limit(1)).scalar_subquery()

    def paged(self, paged: PagedRelation, item: Field, parent: Any) -> Any:
        """The JSON of one page of a paged relation of one ``parent`` row, read as the general
        path's page loader reads it (the caller's rows, its sorts, the same page)."""
        assert item.selection is not None
        related = paged.related
        parent_key = getattr(parent, paged.parent_key)
        # Correlated explicitly: the rows sit in a FROM sub-query (the page is cut there).
        base = related.of_parent(self.caller, parent_key).correlate(parent)
        arguments = dict(item.arguments)
        if related.filters is not None:
            values = {
                name: bindparam(value.name) if isinstance(value, Parameter) else value
                for name, value in arguments.items()
                if name not in PAGE_ARGUMENTS
            }
            base = base.where(*related.filters(values))
        return self.page(
            base,
            base.column_descriptions[0]["entity"],
            related.sort_columns,
            related.default_sort,
            arguments,
            item.selection,
        )

    def page(
        self,
        base: Select[Any],
        model: Any,
        sort_columns: Mapping[str, Any],
        default_sort: str,
        arguments: Mapping[str, Any],
        selection: Selection,
    ) -> Any:
        """The JSON of one page (``content`` and ``paging``) of the rows ``base`` selects.

        The page number is a literal, or a :class:`~app.compiled.plan.Parameter` (a variable
        below the root, 1 or more): one statement then serves every page.
        """
        number = arguments["page"]
        request = PageRequest(
            page=1 if isinstance(number, Parameter) else number,
            size=arguments["size"],
            sort=arguments.get("sort"),
            order=SortOrder(arguments["order"]),
        )
        page_number: Any
        if isinstance(number, Parameter):
            page_number = bindparam(number.name, type_=Integer)
            first, end = (page_number - 1) * request.size, page_number * request.size
        else:
            page_number = literal_column(str(request.page))
            first, end = request.offset, request.page * request.size
        order = page_order(base, request, sort_columns, default_sort)
        # The page is cut first (a top-N sort), then its rows are aggregated in the same order.
        page = base.order_by(*order).limit(request.size).offset(first).subquery()
        row = aliased(model, page)
        order_again = [ClauseAdapter(page).traverse(expression) for expression in order]
        pairs: list[tuple[str, Any, bool]] = []
        for item in selection.fields:
            assert item.name == TYPENAME or item.selection is not None
            if item.name == TYPENAME:
                pairs.append(self.render.typename(item.key, selection.type_name))
            elif item.name == "content":
                assert item.selection is not None
                value = self.object_of(item.selection, row)
                content = self.render.page_content(select(row), value, order_again)
                pairs.append((item.key, content, True))
            else:
                assert item.selection is not None
                total = count_of(base).scalar_subquery()
                if any(sub.name == "total" for sub in item.selection.fields):
                    # As `Page.has_more`: items beyond this page's end.
                    more = total > end
                else:  # one row past the page's end, not a count of them all
                    more = base.order_by(None).limit(1).offset(end).exists()
                paging = {
                    "page": (page_number, False),
                    "size": (literal_column(str(request.size)), False),
                    "total": (total, False),
                    "has_more": self.render.boolean(more),
                }
                fields = [
                    self.render.typename(sub.key, item.selection.type_name)
                    if sub.name == TYPENAME
                    else (sub.key, *paging[sub.name])
                    for sub in item.selection.fields
                ]
                pairs.append((item.key, self.render.object(fields), True))
        return self.render.object(pairs)

    def contact_page(
        self, principal: Principal, arguments: Mapping[str, Any], selection: Selection
    ) -> Select[Any]:
        """The statement answering ``contacts(...)``."""
        filters = {name: arguments.get(name) for name in CONTACT_FILTERS}
        base = matching_contacts(principal, **filters)
        return select(self.page(base, Contact, SORT_COLUMNS, DEFAULT_SORT, arguments, selection))

    def contact_account_page(
        self,
        principal: Principal,
        contact_id_or_code: Any,
        arguments: Mapping[str, Any],
        selection: Selection,
    ) -> Select[Any]:
        """The statement answering ``contact_accounts(...)``: no row when the contact is not
        visible (the general path then reports it)."""
        contact_id = (
            contact_by_id_or_code(principal, contact_id_or_code)
            .with_only_columns(Contact.id)
            .scalar_subquery()
        )
        base = matching_contact_accounts(
            principal,
            contact_id,
            is_primary=arguments.get("is_primary"),
            life_cycle_state=arguments.get("life_cycle_state"),
        )
        value = self.page(
            base, Account, ACCOUNT_SORT_COLUMNS, ACCOUNT_DEFAULT_SORT, arguments, selection
        )
        return select(value).where(contact_id.is_not(None))

    def one(self, model: Any, found: Select[Any], selection: Selection) -> Select[Any]:
        """The statement answering a root of one row: the row ``found`` selects (the caller's,
        looked up as the general path looks it up) is the statement's FROM, so there is no row
        when it names none, also when only fields below it are selected (the general path then
        reports the 404)."""
        row = aliased(model, found.subquery())
        return select(self.object_of(selection, row)).select_from(row)

    def contact(self, principal: Principal, id_or_code: Any, selection: Selection) -> Select[Any]:
        """The statement answering ``contact(id)`` (an id or a code)."""
        return self.one(Contact, contact_by_id_or_code(principal, id_or_code), selection)

    def organisation(
        self, principal: Principal, organisation_id: Any, selection: Selection
    ) -> Select[Any]:
        """The statement answering ``organisation(id)`` (in the caller's network)."""
        return self.one(Organisation, ORGANISATIONS.with_id(principal, organisation_id), selection)

    def wallet(self, principal: Principal, id_or_code: Any, selection: Selection) -> Select[Any]:
        """The statement answering ``wallet(id)`` (an id or a code)."""
        return self.one(Wallet, wallet_by_id_or_code(principal, id_or_code), selection)

    def account(self, principal: Principal, id_or_number: Any, selection: Selection) -> Select[Any]:
        """The statement answering ``account(id)`` (an id or a number)."""
        return self.one(Account, account_by_id_or_number(principal, id_or_number), selection)

    def reference(
        self, principal: Principal, model: Any, row_id: Any, selection: Selection
    ) -> Select[Any]:
        """The statement answering a kind of reference data by id (``industry(id)``)."""
        return self.one(model, repository_of(model).with_id(principal, row_id), selection)

    def reference_page(
        self,
        principal: Principal,
        model: Any,
        arguments: Mapping[str, Any],
        selection: Selection,
    ) -> Select[Any]:
        """The statement answering a list of reference data (``industries(filter, ...)``):
        the filter's ``search_value`` and exact values, as the general path reads them."""
        equals = {
            name: value
            for name, value in arguments.items()
            if name not in REFERENCE_FILTER_EXCLUDED
        }
        base = reference_rows(
            principal, model, search_value=arguments.get("search_value"), equals=equals
        )
        sorts = reference_sort_columns(model)
        return select(self.page(base, model, sorts, REFERENCE_DEFAULT_SORT, arguments, selection))

    def journal(self, principal: Principal, journal_id: Any, selection: Selection) -> Select[Any]:
        """The statement answering ``journal(id)``."""
        return self.one(Journal, JOURNALS.with_id(principal, journal_id), selection)

    def organisation_network(
        self,
        principal: Principal,
        parent_id: Any,
        arguments: Mapping[str, Any],
        selection: Selection,
    ) -> Select[Any]:
        """The statement answering ``organisation_network(id, filter, ...)``: no row when the
        parent is not in the caller's network (the general path then reports it). A filter the
        general path refuses raises its error here (``custom_fields`` without ``;``)."""
        parent = (
            ORGANISATIONS.readable(principal)
            .where(Organisation.id == parent_id)
            .with_only_columns(Organisation.id)
            .scalar_subquery()
        )
        filters = network_filters({name: arguments.get(name) for name in NETWORK_FILTERS})
        dialect = "postgresql" if self.render.postgres else "sqlite"
        base = network_rows(principal, parent, dialect, **filters)
        value = self.page(
            base,
            Organisation,
            ORGANISATION_SORT_COLUMNS,
            ORGANISATION_DEFAULT_SORT,
            arguments,
            selection,
        )
        return select(value).where(parent.is_not(None))


def _hashable(value: Any) -> Any:
    """An argument's value as part of a statement's cache key (lists as tuples)."""
    return tuple(value) if isinstance(value, list) else value


class CompiledStatements:
    """The statements of compiled reads, built once per shape and reused with new values.

    A shape is the root field, its selection, the value format, and the root's arguments
    except those passed as parameters (the looked-up id of ``contact``); one instance serves
    one dialect.
    """

    CACHE_SIZE = 512

    def __init__(self, dialect: Dialect, registry: Registry) -> None:
        self._dialect = dialect
        self._registry = registry
        self._statements: OrderedDict[Hashable, PreparedStatement] = OrderedDict()

    def _prepared(
        self, root: str, arguments: Mapping[str, Any], selection: Selection, values: ValueFormat
    ) -> "PreparedStatement":
        parameter = ROOTS[root].parameter
        shape_arguments = tuple(
            sorted((k, _hashable(v)) for k, v in arguments.items() if k != parameter)
        )
        shape = (root, shape_arguments, selection, values)
        prepared = self._statements.get(shape)
        if prepared is not None:
            self._statements.move_to_end(shape)
        else:
            statement = self.statement(root, arguments, selection, values)
            prepared = PreparedStatement.of(statement, self._dialect)
            self._statements[shape] = prepared
            if len(self._statements) > self.CACHE_SIZE:
                self._statements.popitem(last=False)
        # The values of the arguments below the root that are parameters (not in the shape).
        return prepared.bound(selection.parameters) if selection.parameters else prepared

    def statement(
        self, root: str, arguments: Mapping[str, Any], selection: Selection, values: ValueFormat
    ) -> Select[Any]:
        """The statement of one root field, its caller and looked-up id left as parameters."""
        caller = CALLER_AS_PARAMETERS
        compiler = Compiler(_Renderer(self._dialect.name, values), self._registry, caller)
        if root == "contacts":
            return compiler.contact_page(caller, arguments, selection)
        if root in REFERENCE_LISTS:
            return compiler.reference_page(caller, REFERENCE_LISTS[root], arguments, selection)
        parameter = bindparam("parameter", type_=String())
        if root in REFERENCE_BY_ID:
            return compiler.reference(caller, REFERENCE_BY_ID[root], parameter, selection)
        if root == "contact":
            return compiler.contact(caller, parameter, selection)
        if root == "organisation":
            return compiler.organisation(caller, parameter, selection)
        if root == "organisation_network":
            return compiler.organisation_network(caller, parameter, arguments, selection)
        if root == "wallet":
            return compiler.wallet(caller, parameter, selection)
        if root == "journal":
            return compiler.journal(caller, parameter, selection)
        if root == "account":
            return compiler.account(caller, parameter, selection)
        return compiler.contact_account_page(caller, parameter, arguments, selection)

    async def run_root(
        self,
        db: Database,
        principal: Principal,
        root: str,
        arguments: Mapping[str, Any],
        selection: Selection,
        values: ValueFormat,
    ) -> str | None:
        """The JSON text answering one root field, from one statement; ``None`` when the
        general path must answer (for instance to report that nothing was found)."""
        prepared = self._prepared(root, arguments, selection, values)
        parameters = caller_values(principal)
        parameter = ROOTS[root].parameter
        if parameter is not None:
            parameters["parameter"] = arguments[parameter]
        answer: str | None = await db.read_value(prepared.sql, prepared.parameters(parameters))
        return answer
