"""Rules for insights: their definition (events, filters, breakdowns), results and previews.

- POST /insights/{id}/events, /filters and /breakdowns add to what the insight has (the spec:
  "Adds a set of ..."); an insight has at most ``MAX_BREAKDOWNS`` breakdown levels (400).
- Deleting an insight deletes its parts and its export records (their files stay until the
  folder is cleaned: they may be being downloaded).
- Results and previews are computed by :mod:`app.insights.query` in one statement.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.commands import apply
from app.db.models import Insight, InsightBreakdown, InsightEvent, InsightFilter
from app.errors import InvalidInput
from app.insights import repository
from app.insights.commands import (
    MAX_BREAKDOWNS,
    AddInsightBreakdowns,
    AddInsightEvents,
    AddInsightFilters,
    CreateInsight,
    Criterion,
    InsightBreakdownSpec,
    InsightEventSpec,
    InsightFilterSpec,
    PreviewInsight,
    ResultsWindow,
    Totals,
    UpdateInsight,
)
from app.insights.query import Definition, ResultRow, result_tree, results_statement

PREVIEW_SCOPE = "preview"


async def create_insight(
    session: AsyncSession, principal: Principal, command: CreateInsight
) -> Insight:
    """Create an insight of the caller's organisation."""
    insight = Insight(organisation_id=principal.organisation_id, is_test=principal.is_test)
    apply(command, insight)
    session.add(insight)
    await session.flush()
    return insight


async def update_insight(
    session: AsyncSession, principal: Principal, insight_id: str, command: UpdateInsight
) -> Insight:
    """Change an insight's name, description or refresh frequency."""
    insight = await repository.insight_for_change(session, principal, insight_id)
    apply(command, insight)
    await session.flush()
    return insight


async def delete_insight(session: AsyncSession, principal: Principal, insight_id: str) -> str:
    """Delete an insight with its parts; returns its id."""
    insight = await repository.insight_for_change(session, principal, insight_id)
    await repository.delete_insight_rows(session, insight)
    return insight_id


async def add_events(
    session: AsyncSession, principal: Principal, insight_id: str, command: AddInsightEvents
) -> Insight:
    """Add events to an insight."""
    insight = await repository.insight_for_change(session, principal, insight_id)
    position = await repository.next_position(session, InsightEvent, insight.id)
    for offset, event in enumerate(command.events):
        session.add(
            InsightEvent(
                insight_id=insight.id,
                position=position + offset,
                name=event.name,
                event_name=event.event_name,
                is_frequency=event.totals.is_frequency,
                property_name=event.totals.property_name,
                criteria=[criterion.model_dump(mode="json") for criterion in event.criteria],
            )
        )
    await session.flush()
    return insight


async def add_filters(
    session: AsyncSession, principal: Principal, insight_id: str, command: AddInsightFilters
) -> Insight:
    """Add filters to an insight."""
    insight = await repository.insight_for_change(session, principal, insight_id)
    position = await repository.next_position(session, InsightFilter, insight.id)
    for offset, spec in enumerate(command.filters):
        session.add(
            InsightFilter(
                insight_id=insight.id,
                position=position + offset,
                **spec.model_dump(mode="json"),
            )
        )
    await session.flush()
    return insight


async def add_breakdowns(
    session: AsyncSession, principal: Principal, insight_id: str, command: AddInsightBreakdowns
) -> Insight:
    """Add breakdown levels to an insight (at most ``MAX_BREAKDOWNS`` in all)."""
    insight = await repository.insight_for_change(session, principal, insight_id)
    position = await repository.next_position(session, InsightBreakdown, insight.id)
    if position + len(command.breakdowns) > MAX_BREAKDOWNS:
        raise InvalidInput(
            "breakdowns", f"an insight has at most {MAX_BREAKDOWNS} breakdown levels"
        )
    for offset, spec in enumerate(command.breakdowns):
        session.add(
            InsightBreakdown(
                insight_id=insight.id, position=position + offset, **spec.model_dump(mode="json")
            )
        )
    await session.flush()
    return insight


def event_spec(row: InsightEvent) -> InsightEventSpec:
    """The definition of a saved insight event."""
    return InsightEventSpec(
        name=row.name,
        event_name=row.event_name,  # type: ignore[arg-type]
        totals=Totals(is_frequency=row.is_frequency, property_name=row.property_name),
        criteria=[Criterion.parse(item) for item in row.criteria or []],
    )


def filter_spec(row: InsightFilter) -> InsightFilterSpec:
    """The definition of a saved insight filter."""
    return InsightFilterSpec.parse(
        {
            "name": row.name,
            "type": row.type,
            "property_name": row.property_name,
            "operator": row.operator,
            "min_value": row.min_value,
            "max_value": row.max_value,
            "value_list": row.value_list or [],
        }
    )


def breakdown_spec(row: InsightBreakdown) -> InsightBreakdownSpec:
    """The definition of a saved breakdown level."""
    return InsightBreakdownSpec.parse(
        {"name": row.name, "type": row.type, "property_name": row.property_name}
    )


async def saved_definition(
    session: AsyncSession, principal: Principal, insight_id: str, window: ResultsWindow
) -> tuple[Insight, Definition]:
    """An insight and its saved definition over ``window`` (404 naming the insight)."""
    insight = await repository.get_insight(session, principal, insight_id)
    events = await repository.parts(session, InsightEvent, insight.id)
    filters = await repository.parts(session, InsightFilter, insight.id)
    breakdowns = await repository.parts(session, InsightBreakdown, insight.id)
    return insight, Definition(
        events=[event_spec(row) for row in events],
        filters=[filter_spec(row) for row in filters],
        breakdowns=[breakdown_spec(row) for row in breakdowns],
        start_date=window.start_date,
        end_date=window.end_date,
    )


async def compute(
    session: AsyncSession, principal: Principal, scope: str, definition: Definition
) -> list[ResultRow]:
    """The results tree of a definition, in one SQL statement."""
    if not definition.events:
        return []
    dialect = session.get_bind().dialect.name
    statement = results_statement(principal, definition, dialect)
    rows: list[Any] = list((await session.execute(statement)).all())
    return result_tree(scope, definition, rows)


async def insight_results(
    session: AsyncSession, principal: Principal, insight_id: str, window: ResultsWindow
) -> list[ResultRow]:
    """A saved insight's results between two dates."""
    insight, definition = await saved_definition(session, principal, insight_id, window)
    return await compute(session, principal, insight.id, definition)


async def preview(
    session: AsyncSession, principal: Principal, insight_id: str, command: PreviewInsight
) -> list[ResultRow]:
    """The results of an unsaved definition (the insight must be the caller's: 404)."""
    insight = await repository.get_insight(session, principal, insight_id)
    definition = Definition(
        events=command.events,
        filters=command.filters,
        breakdowns=command.breakdowns,
        start_date=command.start_date,
        end_date=command.end_date,
    )
    return await compute(session, principal, f"{PREVIEW_SCOPE}:{insight.id}", definition)
