"""Resolvers and dataloaders for insights."""

from collections.abc import Sequence

from app.db.models import Insight, InsightBreakdown, InsightEvent, InsightExport, InsightFilter
from app.db.relations import Related
from app.insights import exports, repository, service
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
from app.insights.enums import PropertyType
from app.insights.query import ResultRow
from app.pagination import Page, PageRequest
from resolvers.context import Info
from resolvers.relations import RelationLoader


class EventsByInsightIdLoader(RelationLoader):
    """An insight's events, in the order they were added."""

    related = Related(InsightEvent, "insight_id", repository.part_order, many=True)


class FiltersByInsightIdLoader(RelationLoader):
    """An insight's filters, in the order they were added."""

    related = Related(InsightFilter, "insight_id", repository.part_order, many=True)


class BreakdownsByInsightIdLoader(RelationLoader):
    """An insight's breakdown levels, in order."""

    related = Related(InsightBreakdown, "insight_id", repository.part_order, many=True)


async def insight(info: Info, id: str) -> Insight:
    """One insight."""
    return await info.context.reads(repository.get_insight, id)


async def insights(info: Info, request: PageRequest) -> Page[Insight]:
    """A page of insights."""
    return await info.context.reads(repository.list_insights, request)


async def create_insight(info: Info, command: CreateInsight) -> Insight:
    """Create an insight."""
    return await info.context.writes(service.create_insight, command)


async def update_insight(info: Info, id: str, command: UpdateInsight) -> Insight:
    """Update an insight's basic information."""
    return await info.context.writes(service.update_insight, id, command)


async def delete_insight(info: Info, id: str) -> str:
    """Delete an insight; returns its id."""
    return await info.context.writes(service.delete_insight, id)


async def add_insight_events(info: Info, id: str, command: AddInsightEvents) -> Insight:
    """Add events to an insight."""
    return await info.context.writes(service.add_events, id, command)


async def add_insight_filters(info: Info, id: str, command: AddInsightFilters) -> Insight:
    """Add filters to an insight."""
    return await info.context.writes(service.add_filters, id, command)


async def add_insight_breakdowns(info: Info, id: str, command: AddInsightBreakdowns) -> Insight:
    """Add breakdown levels to an insight."""
    return await info.context.writes(service.add_breakdowns, id, command)


async def insight_results(info: Info, id: str, window: ResultsWindow) -> list[ResultRow]:
    """A saved insight's results (the level-0 rows with their children)."""
    return await info.context.reads(service.insight_results, id, window)


async def preview_insight(info: Info, id: str, command: PreviewInsight) -> list[ResultRow]:
    """The results of an unsaved definition."""
    return await info.context.reads(service.preview, id, command)


async def distincts(info: Info, collection: PropertyType, name: str) -> Sequence[str]:
    """The distinct values of a property."""
    return await info.context.reads(repository.distinct_values, collection, name)


async def export_insight(info: Info, id: str, command: ExportInsight) -> InsightExport:
    """Write an insight's export file, then save its record."""
    folder = info.context.settings.insight_exports_dir
    written = await info.context.reads(exports.write_export_file, id, command, folder)
    return await info.context.writes(exports.record_export, written, folder)
