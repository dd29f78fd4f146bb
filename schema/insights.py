"""GraphQL types, inputs and root fields of insights (spec: Insights, routes 27-38): saved
definitions (events, filters, breakdowns), their results as a tree, previews, distinct values
of a property and CSV exports."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from app.auth.permissions import Permission
from app.customer_events.enums import CustomerEventType
from app.db.models import Insight as InsightRow
from app.db.models import InsightBreakdown as InsightBreakdownRow
from app.db.models import InsightEvent as InsightEventRow
from app.db.models import InsightExport as InsightExportRow
from app.db.models import InsightFilter as InsightFilterRow
from app.insights.commands import (
    AddInsightBreakdowns,
    AddInsightEvents,
    AddInsightFilters,
    CreateInsight,
    ExportInsight,
    PreviewInsight,
    ResultsWindow,
    UpdateInsight,
)
from app.insights.enums import ExportFormat, ExportType, Operator, PropertyType
from app.insights.query import ResultRow, flatten
from app.insights.repository import DEFAULT_SORT, SORT_COLUMNS
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import insights as resolve
from resolvers.context import Info
from resolvers.inputs import to_command
from schema.common import (
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.permissions import needs

InsightSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]
IdArgument = Annotated[strawberry.ID, strawberry.argument(description="The insight identifier.")]
StartDate = Annotated[
    datetime | None,
    strawberry.argument(description="The start date of the insight sequence (included)."),
]
EndDate = Annotated[
    datetime | None,
    strawberry.argument(description="The end date of the insight sequence (included)."),
]
EXPORT_FILE_PATH = "/backoffice/v1/insight_exports/{id}/file"

strawberry.enum(PropertyType, name="InsightPropertyType", description="CONTACT or EVENT.")
strawberry.enum(
    Operator,
    name="InsightOperator",
    description="IS (one of the values), IS_NOT / NOT_EQUAL (none of them; a missing property "
    "counts), CONTAINS (text contains one of them, ignoring case), DOES_NOT_CONTAIN, BETWEEN "
    "(a number between min_value and max_value).",
)
strawberry.enum(
    ExportType,
    name="InsightExportType",
    description="TABULAR (the results) or UGD (all underlying granular data: the events).",
)
strawberry.enum(ExportFormat, name="InsightExportFormat", description="CSV.")


@strawberry.type(description="What an event measures: its frequency or the total of a property.")
class InsightTotals:
    is_frequency: bool = strawberry.field(
        description="Whether the measurement is the frequency (a count) or a total of property."
    )
    property_name: str | None = strawberry.field(
        description="Name of the property to sum for a total (the event's amount if blank)."
    )


@strawberry.type(description="A criterion's comparison of an event property.")
class InsightCriterionProperty:
    property: str | None = strawberry.field(description="The event property (venue.name).")
    operator: Operator = strawberry.field(description="The selection operator.")
    value_list: list[str] = strawberry.field(
        description="Values if the operator is contains, or a single item if matching."
    )


@strawberry.type(description="A criterion the events must meet.")
class InsightCriterion:
    name: str | None = strawberry.field(description="A, B, C... (ordering).")
    property: InsightCriterionProperty = strawberry.field(description="The comparison.")


@strawberry.type(description="An event an insight measures.")
class InsightMeasuredEvent:
    id: strawberry.ID = strawberry.field(description="The identifier.")
    name: str | None = strawberry.field(description="The name given to it (Purchases).")
    event_name: CustomerEventType = strawberry.field(description="The event type.")
    totals: InsightTotals = strawberry.field(description="Frequency or total of a property.")
    criteria: list[InsightCriterion] = strawberry.field(description="Criteria, all met.")

    @classmethod
    def of(cls, row: InsightEventRow) -> "InsightMeasuredEvent":
        """The GraphQL event for a saved insight event."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            event_name=CustomerEventType(row.event_name),
            totals=InsightTotals(is_frequency=row.is_frequency, property_name=row.property_name),
            criteria=[
                InsightCriterion(
                    name=item.get("name"),
                    property=InsightCriterionProperty(
                        property=item["property"].get("property"),
                        operator=Operator(item["property"].get("operator", "IS")),
                        value_list=list(item["property"].get("value_list") or []),
                    ),
                )
                for item in row.criteria or []
            ],
        )


@strawberry.type(description="A filter of an insight on a CONTACT or EVENT property.")
class InsightPropertyFilter:
    id: strawberry.ID = strawberry.field(description="The identifier.")
    name: str | None = strawberry.field(description="The filter's name.")
    type: PropertyType = strawberry.field(description="CONTACT or EVENT.")
    property_name: str | None = strawberry.field(description="The property.")
    operator: Operator | None = strawberry.field(description="The operator.")
    min_value: str | None = strawberry.field(description="The least value (BETWEEN).")
    max_value: str | None = strawberry.field(description="The greatest value (BETWEEN).")
    value_list: list[str] = strawberry.field(description="The values (e.g. Venue1, Venue2).")

    @classmethod
    def of(cls, row: InsightFilterRow) -> "InsightPropertyFilter":
        """The GraphQL filter for a saved filter."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            type=PropertyType(row.type),
            property_name=row.property_name,
            operator=Operator(row.operator) if row.operator else None,
            min_value=row.min_value,
            max_value=row.max_value,
            value_list=list(row.value_list or []),
        )


@strawberry.type(description="A breakdown level of an insight by a CONTACT or EVENT property.")
class InsightBreakdown:
    id: strawberry.ID = strawberry.field(description="The identifier.")
    name: str | None = strawberry.field(description="The breakdown's name.")
    type: PropertyType = strawberry.field(description="CONTACT or EVENT.")
    property_name: str | None = strawberry.field(description="The property to break down by.")

    @classmethod
    def of(cls, row: InsightBreakdownRow) -> "InsightBreakdown":
        """The GraphQL breakdown for a saved breakdown level."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            type=PropertyType(row.type),
            property_name=row.property_name,
        )


@strawberry.type(description="One row of an insight's results.")
class InsightResultRow:
    id: strawberry.ID = strawberry.field(
        description="The row's identifier (stable; links child levels)."
    )
    parent_id: strawberry.ID | None = strawberry.field(description="The row one level up.")
    level: int = strawberry.field(description="0 = EVENTS, 1 = first breakdown, ...")
    property_name: str | None = strawberry.field(description="The breakdown's property.")
    property_value: str | None = strawberry.field(
        description="The breakdown's value (level 0: the event's name)."
    )
    event_name: str = strawberry.field(description="The event type.")
    count: int = strawberry.field(description="The number of events.")
    amount: Decimal = strawberry.field(description="The total of the event's property.")
    list_name: str | None = strawberry.field(
        description="The list property a row breaks down (not supported: always null)."
    )
    children: list["InsightResultRow"] = strawberry.field(description="The next level's rows.")

    @classmethod
    def of(cls, row: ResultRow) -> "InsightResultRow":
        """The GraphQL row (with its children) for a computed row."""
        return cls(
            id=strawberry.ID(row.id),
            parent_id=strawberry.ID(row.parent_id) if row.parent_id else None,
            level=row.level,
            property_name=row.property_name,
            property_value=row.property_value,
            event_name=row.event_name,
            count=row.count,
            amount=row.amount,
            list_name=row.list_name,
            children=[cls.of(child) for child in row.children],
        )


@strawberry.type(description="A result row as the spec lists it.")
class InsightResultEntry:
    breakdown: InsightResultRow = strawberry.field(description="The row.")


@strawberry.type(description="An insight's results: flat (as the spec lists them) and as a tree.")
class InsightResults:
    content: list[InsightResultEntry] = strawberry.field(
        description="Every row, each followed by its children (depth first)."
    )
    tree: list[InsightResultRow] = strawberry.field(
        description="The level-0 rows (one per event) with their children."
    )

    @classmethod
    def of(cls, rows: list[ResultRow]) -> "InsightResults":
        """The results of a computed tree."""
        return cls(
            content=[InsightResultEntry(breakdown=InsightResultRow.of(r)) for r in flatten(rows)],
            tree=[InsightResultRow.of(row) for row in rows],
        )


@strawberry.type(description="A saved insight.")
class Insight:
    id: strawberry.ID = strawberry.field(description="The insight identifier.")
    name: str = strawberry.field(description="The insight name.")
    description: str | None = strawberry.field(description="The insight description.")
    refresh_frequency: int | None = strawberry.field(description="The refresh frequency.")
    created_on: datetime = strawberry.field(description="When it was created.")
    updated_on: datetime = strawberry.field(description="When it was last changed.")

    @strawberry.field(description="The events the insight measures.")
    async def events(self, info: Info) -> list[InsightMeasuredEvent]:
        rows = await info.context.loaders.get(resolve.EventsByInsightIdLoader).load(self.id)
        return [InsightMeasuredEvent.of(row) for row in rows]

    @strawberry.field(description="The filters of the insight.")
    async def filters(self, info: Info) -> list[InsightPropertyFilter]:
        rows = await info.context.loaders.get(resolve.FiltersByInsightIdLoader).load(self.id)
        return [InsightPropertyFilter.of(row) for row in rows]

    @strawberry.field(description="The breakdown levels of the insight.")
    async def breakdowns(self, info: Info) -> list[InsightBreakdown]:
        rows = await info.context.loaders.get(resolve.BreakdownsByInsightIdLoader).load(self.id)
        return [InsightBreakdown.of(row) for row in rows]

    @strawberry.field(description="The insight's results between two dates.")
    async def results(
        self, info: Info, start_date: StartDate = None, end_date: EndDate = None
    ) -> InsightResults:
        window = ResultsWindow.parse({"start_date": start_date, "end_date": end_date})
        return InsightResults.of(await resolve.insight_results(info, self.id, window))

    @classmethod
    def of(cls, row: InsightRow) -> "Insight":
        """The GraphQL insight for a saved insight."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            description=row.description,
            refresh_frequency=row.refresh_frequency,
            created_on=row.created_on,
            updated_on=row.updated_on,
        )


@strawberry.type(description="A distinct value of a property.")
class DistinctValue:
    property_value: str = strawberry.field(description="The value.")


@strawberry.type(description="A CSV file exported from an insight.")
class InsightExport:
    id: strawberry.ID = strawberry.field(description="The export identifier.")
    insight_id: strawberry.ID = strawberry.field(description="The insight.")
    type: ExportType = strawberry.field(description="TABULAR or UGD.")
    format: ExportFormat = strawberry.field(description="The file format.")
    rows: int = strawberry.field(description="The number of data rows (the header aside).")
    size: int = strawberry.field(description="The file's size in bytes.")
    created_on: datetime = strawberry.field(description="When it was made.")
    download_url: str = strawberry.field(
        description="Where to download the file (same credentials as the API)."
    )

    @classmethod
    def of(cls, row: InsightExportRow) -> "InsightExport":
        """The GraphQL export for an export record."""
        return cls(
            id=strawberry.ID(row.id),
            insight_id=strawberry.ID(row.insight_id),
            type=ExportType(row.type),
            format=ExportFormat(row.format),
            rows=row.rows,
            size=row.size,
            created_on=row.created_on,
            download_url=EXPORT_FILE_PATH.format(id=row.id),
        )


@strawberry.input(description="A new insight.")
class CreateInsightInput:
    name: str = strawberry.field(description="The insight name.")
    description: str | None = strawberry.field(default=None, description="The description.")
    refresh_frequency: int | None = strawberry.field(
        default=None, description="The refresh frequency."
    )


@strawberry.input(description="Changes to an insight's basic information.")
class UpdateInsightInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="The description."
    )
    refresh_frequency: int | None = strawberry.field(
        default=strawberry.UNSET, description="The refresh frequency."
    )


@strawberry.input(description="What an event measures.")
class InsightTotalsInput:
    is_frequency: bool = strawberry.field(
        default=True, description="Frequency (a count) or total of a property."
    )
    property_name: str | None = strawberry.field(
        default=None, description="The property to sum for a total (the amount if blank)."
    )


@strawberry.input(description="A criterion's comparison of an event property.")
class InsightCriterionPropertyInput:
    property: str | None = strawberry.field(default=None, description="The event property.")
    operator: Operator = strawberry.field(default=Operator.IS, description="The operator.")
    value_list: list[str] | None = strawberry.field(default=None, description="The values.")


@strawberry.input(description="A criterion the events must meet.")
class InsightCriterionInput:
    name: str | None = strawberry.field(default=None, description="A, B, C... (ordering).")
    property: InsightCriterionPropertyInput = strawberry.field(description="The comparison.")


@strawberry.input(description="An event to measure.")
class InsightEventInput:
    name: str | None = strawberry.field(default=None, description="A name for it.")
    event_name: CustomerEventType = strawberry.field(description="The event type.")
    totals: InsightTotalsInput | None = strawberry.field(
        default=None, description="Frequency (default) or total of a property."
    )
    criteria: list[InsightCriterionInput] | None = strawberry.field(
        default=None, description="Criteria the events must all meet."
    )


@strawberry.input(description="A filter on a CONTACT or EVENT property.")
class InsightPropertyFilterInput:
    name: str | None = strawberry.field(default=None, description="A name for it.")
    type: PropertyType = strawberry.field(description="CONTACT or EVENT.")
    property_name: str | None = strawberry.field(default=None, description="The property.")
    operator: Operator = strawberry.field(default=Operator.IS, description="The operator.")
    min_value: str | None = strawberry.field(default=None, description="The least (BETWEEN).")
    max_value: str | None = strawberry.field(default=None, description="The greatest (BETWEEN).")
    value_list: list[str] | None = strawberry.field(default=None, description="The values.")


@strawberry.input(description="A breakdown level.")
class InsightBreakdownInput:
    name: str | None = strawberry.field(default=None, description="A name for it.")
    type: PropertyType = strawberry.field(description="CONTACT or EVENT.")
    property_name: str | None = strawberry.field(default=None, description="The property.")


@strawberry.input(description="Events to add to an insight.")
class AddInsightEventsInput:
    events: list[InsightEventInput] = strawberry.field(description="The events.")


@strawberry.input(description="Filters to add to an insight.")
class AddInsightFiltersInput:
    filters: list[InsightPropertyFilterInput] = strawberry.field(description="The filters.")


@strawberry.input(description="Breakdown levels to add to an insight.")
class AddInsightBreakdownsInput:
    breakdowns: list[InsightBreakdownInput] = strawberry.field(description="The breakdowns.")


@strawberry.input(description="An unsaved definition and the dates its results cover.")
class PreviewInsightInput:
    start_date: datetime | None = strawberry.field(default=None, description="From (included).")
    end_date: datetime | None = strawberry.field(default=None, description="To (included).")
    events: list[InsightEventInput] | None = strawberry.field(default=None, description="Events.")
    filters: list[InsightPropertyFilterInput] | None = strawberry.field(
        default=None, description="Filters."
    )
    breakdowns: list[InsightBreakdownInput] | None = strawberry.field(
        default=None, description="Breakdown levels."
    )


@strawberry.input(description="What to export from an insight.")
class ExportInsightInput:
    type: ExportType = strawberry.field(default=ExportType.TABULAR, description="TABULAR or UGD.")
    format: str = strawberry.field(
        default=ExportFormat.CSV.value,
        description="The file format: CSV (the spec's example sends csv; any case is read).",
    )
    start_date: datetime | None = strawberry.field(default=None, description="From (included).")
    end_date: datetime | None = strawberry.field(default=None, description="To (included).")


@strawberry.type
class Query:
    @strawberry.field(
        description="Get all data for a single insight.",
        extensions=needs(Permission.INSIGHTS_READ),
    )
    async def insight(self, info: Info, id: IdArgument) -> Insight:
        return Insight.of(await resolve.insight(info, id))

    @strawberry.field(
        description="Returns a list of insights.", extensions=needs(Permission.INSIGHTS_READ)
    )
    async def insights(
        self,
        info: Info,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: InsightSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Insight]:
        result = await resolve.insights(info, page_request(page, size, sort, order))
        return to_page(result, Insight.of)

    @strawberry.field(
        description="Retrieve results of a specific insight between two dates.",
        extensions=needs(Permission.INSIGHTS_READ),
    )
    async def insight_results(
        self, info: Info, id: IdArgument, start_date: StartDate = None, end_date: EndDate = None
    ) -> InsightResults:
        window = ResultsWindow.parse({"start_date": start_date, "end_date": end_date})
        return InsightResults.of(await resolve.insight_results(info, id, window))

    @strawberry.field(
        description="Preview the results of an unsaved definition (nothing is saved).",
        extensions=needs(Permission.INSIGHTS_READ),
    )
    async def insight_preview(
        self, info: Info, id: IdArgument, input: PreviewInsightInput
    ) -> InsightResults:
        command = to_command(input, PreviewInsight)
        return InsightResults.of(await resolve.preview_insight(info, id, command))

    @strawberry.field(
        description="Get a list of distinct values for a contact or event property.",
        extensions=needs(Permission.INSIGHTS_READ),
    )
    async def distincts(
        self,
        info: Info,
        collection: Annotated[PropertyType, strawberry.argument(description="CONTACT or EVENT.")],
        property: Annotated[str, strawberry.argument(description="The property (city).")],
    ) -> list[DistinctValue]:
        values = await resolve.distincts(info, collection, property)
        return [DistinctValue(property_value=value) for value in values]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a new insight.", extensions=needs(Permission.INSIGHTS_WRITE)
    )
    async def create_insight(self, info: Info, input: CreateInsightInput) -> Insight:
        return Insight.of(await resolve.create_insight(info, to_command(input, CreateInsight)))

    @strawberry.mutation(
        description="Updates the basic information of an insight.",
        extensions=needs(Permission.INSIGHTS_WRITE),
    )
    async def update_insight(
        self, info: Info, id: IdArgument, input: UpdateInsightInput
    ) -> Insight:
        command = to_command(input, UpdateInsight)
        return Insight.of(await resolve.update_insight(info, id, command))

    @strawberry.mutation(
        description="Delete an existing insight with its events, filters and breakdowns.",
        extensions=needs(Permission.INSIGHTS_WRITE),
    )
    async def delete_insight(self, info: Info, id: IdArgument) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_insight(info, id)))

    @strawberry.mutation(
        description="Adds a set of events on an insight (after those it has).",
        extensions=needs(Permission.INSIGHTS_WRITE),
    )
    async def add_insight_events(
        self, info: Info, id: IdArgument, input: AddInsightEventsInput
    ) -> Insight:
        command = to_command(input, AddInsightEvents)
        return Insight.of(await resolve.add_insight_events(info, id, command))

    @strawberry.mutation(
        description="Adds a set of filters on an insight (after those it has).",
        extensions=needs(Permission.INSIGHTS_WRITE),
    )
    async def add_insight_filters(
        self, info: Info, id: IdArgument, input: AddInsightFiltersInput
    ) -> Insight:
        command = to_command(input, AddInsightFilters)
        return Insight.of(await resolve.add_insight_filters(info, id, command))

    @strawberry.mutation(
        description="Adds a set of breakdown levels on an insight (after those it has).",
        extensions=needs(Permission.INSIGHTS_WRITE),
    )
    async def add_insight_breakdowns(
        self, info: Info, id: IdArgument, input: AddInsightBreakdownsInput
    ) -> Insight:
        command = to_command(input, AddInsightBreakdowns)
        return Insight.of(await resolve.add_insight_breakdowns(info, id, command))

    @strawberry.mutation(
        description="Export the results of an insight (or its underlying data) as a CSV file.",
        extensions=needs(Permission.INSIGHTS_READ),
    )
    async def export_insight(
        self, info: Info, id: IdArgument, input: ExportInsightInput
    ) -> InsightExport:
        command = to_command(input, ExportInsight)
        return InsightExport.of(await resolve.export_insight(info, id, command))
