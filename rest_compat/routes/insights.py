"""Insight routes (spec: Insights, routes 27-38)."""

from typing import Any

from rest_compat.json_schema import JsonSchema, non_null, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier
from schema.insights import (
    DistinctValue,
    Insight,
    InsightBreakdown,
    InsightCriterionProperty,
    InsightExport,
    InsightMeasuredEvent,
    InsightPropertyFilter,
    InsightResultRow,
    InsightTotals,
)
from schema.selections import leaf_fields

SECTION = "Insights"

INSIGHT_FIELDS = f"""
    {leaf_fields(Insight)}
    events {{
        {leaf_fields(InsightMeasuredEvent)}
        totals {{ {leaf_fields(InsightTotals)} }}
        criteria {{ name property {{ {leaf_fields(InsightCriterionProperty)} }} }}
    }}
    filters {{ {leaf_fields(InsightPropertyFilter)} }}
    breakdowns {{ {leaf_fields(InsightBreakdown)} }}
"""
RESULT_FIELDS = f"content {{ breakdown {{ {leaf_fields(InsightResultRow)} }} }}"

EVENTS_EXAMPLE = [
    {
        "name": "Purchases",
        "event_name": "SPEND",
        "totals": {"is_frequency": False, "property_name": "amount"},
        "criteria": [
            {
                "name": "A",
                "property": {
                    "property": "venue.name",
                    "operator": "IS",
                    "value_list": ["Costa Coffee Nicosia"],
                },
            }
        ],
    }
]
FORM_NOTES = (
    "A criterion, filter or breakdown whose property name is blank, and blank values of a"
    " value list, are kept as given and left out of the results (the spec's examples send"
    " such empty form rows).",
)
PROPERTY_NOTES = (
    "EVENT properties: amount, currency_code, type, contact_id, organisation_id, or a dotted"
    " path into the event's properties (venue.name). CONTACT properties: code, contact_type,"
    " first_name, last_name, company_name, email_address, id, and from the contact's primary"
    " address city (town_city), country (country_code), postal_code, state_province_county.",
    "Operators: IS (one of value_list), IS_NOT and NOT_EQUAL (none of them; a missing property"
    " counts), CONTAINS (text contains one of them, ignoring case), DOES_NOT_CONTAIN,"
    " BETWEEN (an EVENT number between min_value and max_value, either may be blank).",
)
RESULT_NOTES = (
    "content[].breakdown: level 0 (EVENTS) has one row per event of the insight"
    " (property_value: the event's name), level 1 one row per value of the first breakdown"
    " under it, and so on; parent_id links a row to the one above; ids are stable for the"
    " same insight, event and values. count is the number of events, amount the total of"
    " totals.property_name (the event's amount when blank). Rows are listed depth first,"
    " siblings with most events first. list_name is always null (breakdowns over list items"
    " are not supported).",
    "Computed in the database with one SQL statement per result.",
)


def _results(data: Any) -> dict[str, Any]:
    return {"content": data["content"]}


def _results_schema(selected: JsonSchema) -> JsonSchema:
    content = non_null(selected["properties"]["content"])
    return object_schema({"content": content}, ["content"], "The insight's results.")


results = Shape(_results, _results_schema)
"""Results as the spec shows them: ``{"content": [{"breakdown": {...}}]}``."""


def _values(data: Any) -> list[Any]:
    return list(data)


distinct_values = Shape(_values, non_null)
"""Distinct values as the spec shows them: a top-level array of ``{"property_value"}``."""

ROUTES = [
    RestRoute(
        method="POST",
        path="/insights",
        section=SECTION,
        summary="Create a new insight",
        document="""mutation ($body: CreateInsightInput!) {
            create_insight(input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "name": "Marketing customers",
            "description": "A list of customers that own an account",
        },
        notes=("Events, filters and breakdowns are added with the routes below.",),
    ),
    RestRoute(
        method="PUT",
        path="/insights/{id}",
        section=SECTION,
        summary="Updates the basic information of an insight",
        document="""mutation ($id: ID!, $body: UpdateInsightInput!) {
            update_insight(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "name": "Rewards Award",
            "description": "List of contacts owning a non-terminated account",
            "refresh_frequency": 1,
        },
        notes=("Fields left out stay as they are; refresh_frequency is kept as given.",),
    ),
    RestRoute(
        method="DELETE",
        path="/insights/{id}",
        section=SECTION,
        summary="Delete an existing insight",
        document="""mutation ($id: ID!) { delete_insight(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "The spec's path has a trailing slash (/insights/{id}/); both are accepted. The"
            " insight's events, filters, breakdowns and export records go with it.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/insights",
        section=SECTION,
        summary="Returns a list of insights",
        document=f"""query ($page: Int = 1, $size: Int = 20, $sort: String,
                $order: SortOrder = DESC) {{
            insights(page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {leaf_fields(Insight)} }} {PAGING}
            }}
        }}""",
        query={name: name for name in ("page", "size", "sort", "order")},
        notes=(
            "The spec's example shows descripion (a typo): the field is description.",
            "sort: created_on (default) or name; order DESC (default) or ASC.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/insights/{id}",
        section=SECTION,
        summary="Get all data for a single insight",
        document=f"""query ($id: ID!) {{ insight(id: $id) {{ {INSIGHT_FIELDS} }} }}""",
    ),
    RestRoute(
        method="POST",
        path="/insights/{id}/events",
        section=SECTION,
        summary="Adds a set of events on an insight",
        document="""mutation ($id: ID!, $body: AddInsightEventsInput!) {
            add_insight_events(id: $id, input: $body) { id }
        }""",
        body="body",
        status=201,
        shape=identifier,
        example_body={"events": EVENTS_EXAMPLE},
        notes=(
            "The spec shows no response: 201 with the insight's id, as filters and"
            " breakdowns answer. The events are added after those the insight has.",
            "event_name: PURCHASE, SPEND, AWARD, REFERRAL, ACHIEVEMENT or SIGN_UP (wallet"
            " journals count as SPEND and AWARD, contacts' creation as SIGN_UP).",
            *FORM_NOTES,
            *PROPERTY_NOTES,
        ),
    ),
    RestRoute(
        method="POST",
        path="/insights/{id}/filters",
        section=SECTION,
        summary="Adds a set of filters on an insight",
        document="""mutation ($id: ID!, $body: AddInsightFiltersInput!) {
            add_insight_filters(id: $id, input: $body) { id }
        }""",
        body="body",
        status=201,
        shape=identifier,
        example_body={
            "filters": [
                {
                    "name": "",
                    "type": "EVENT",
                    "property_name": "",
                    "operator": "IS_NOT",
                    "min_value": "",
                    "max_value": "",
                    "value_list": [""],
                }
            ]
        },
        notes=(*FORM_NOTES, *PROPERTY_NOTES),
    ),
    RestRoute(
        method="POST",
        path="/insights/{id}/breakdowns",
        section=SECTION,
        summary="Adds a set of breakdowns on an insight",
        document="""mutation ($id: ID!, $body: AddInsightBreakdownsInput!) {
            add_insight_breakdowns(id: $id, input: $body) { id }
        }""",
        body="body",
        status=201,
        shape=identifier,
        example_body={"breakdowns": [{"name": "", "type": "CONTACT", "property_name": ""}]},
        notes=(
            "Each breakdown is the next level (at most 4 levels in all, 400 beyond).",
            *FORM_NOTES,
            *PROPERTY_NOTES,
        ),
    ),
    RestRoute(
        method="GET",
        path="/insights/{id}/results",
        section=SECTION,
        summary="Retrieve results of a specific insight",
        document=f"""query ($id: ID!, $start_date: DateTime, $end_date: DateTime) {{
            insight_results(id: $id, start_date: $start_date, end_date: $end_date) {{
                {RESULT_FIELDS}
            }}
        }}""",
        query={"start_date": "start_date", "end_date": "end_date"},
        shape=results,
        notes=(
            "start_date and end_date (epoch seconds) bound the events' dates, both included;"
            " either may be left out (unbounded).",
            *RESULT_NOTES,
        ),
    ),
    RestRoute(
        method="POST",
        path="/insights/{id}/preview",
        section=SECTION,
        summary="Preview the results of a specific insight",
        document=f"""query ($id: ID!, $body: PreviewInsightInput!) {{
            insight_preview(id: $id, input: $body) {{ {RESULT_FIELDS} }}
        }}""",
        body="body",
        shape=results,
        example_body={
            "start_date": 1612953199,
            "end_date": 1612953199,
            "events": [
                {
                    "name": "Purchases",
                    "event_name": "PURCHASE",
                    "totals": {"is_frequency": True, "property_name": ""},
                    "criteria": [
                        {
                            "name": "A",
                            "property": {
                                "property": "venue.name",
                                "operator": "IS_NOT",
                                "value_list": [""],
                            },
                        }
                    ],
                }
            ],
            "filters": [
                {
                    "name": "",
                    "type": "CONTACT",
                    "property_name": "",
                    "operator": "DOES_NOT_CONTAIN",
                    "min_value": "",
                    "max_value": "",
                    "value_list": [""],
                }
            ],
            "breakdowns": [{"name": "", "type": "CONTACT", "property_name": ""}],
        },
        notes=(
            "The body's definition is computed as given and saved nowhere; the insight in the"
            " path must be the caller's (404).",
            *RESULT_NOTES,
            *FORM_NOTES,
        ),
    ),
    RestRoute(
        method="GET",
        path="/distincts",
        section=SECTION,
        summary="Get a list of distinct values for a contact or event property",
        document=f"""query ($collection: InsightPropertyType!, $property: String!) {{
            distincts(collection: $collection, property: $property) {{
                {leaf_fields(DistinctValue)}
            }}
        }}""",
        query={"collection": "collection", "property": "property"},
        shape=distinct_values,
        notes=(
            "The spec names no parameters: collection (CONTACT or EVENT) and property (e.g."
            " city). Answers a top-level array of the caller's network's distinct non-null"
            " values, in order, at most 1,000.",
            *PROPERTY_NOTES[:1],
        ),
    ),
    RestRoute(
        method="POST",
        path="/insights/{id}/exports",
        section=SECTION,
        summary="Export the results of a specific insight",
        document=f"""mutation ($id: ID!, $body: ExportInsightInput!) {{
            export_insight(id: $id, input: $body) {{ {leaf_fields(InsightExport)} }}
        }}""",
        body="body",
        example_body={"type": "UGD", "format": "csv"},
        notes=(
            "type: TABULAR (the results, as GET /insights/{id}/results lists them; the spec"
            " shows no code for it) or UGD (all underlying granular data: one row per event"
            " counted, with its breakdown values and properties). format: CSV (csv is read"
            " alike). start_date and end_date bound the dates as for results.",
            "The spec shows no response: the export with its download_url"
            " (GET /backoffice/v1/insight_exports/{id}/file, the same credentials, text/csv).",
        ),
    ),
]
