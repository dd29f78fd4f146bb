"""Report routes (spec: Reports, routes 39-44): previews, runs and scheduled reports."""

from rest_compat.route import PAGING, RestRoute, identifier
from schema.reports import (
    ReportColumnSetting,
    ReportField,
    ReportFilterSetting,
    ReportRecipient,
    ReportSchedulerOptions,
    ScheduledReport,
)
from schema.selections import leaf_fields

SECTION = "Reports"
REPORT_FIELDS = f"""
    {leaf_fields(ScheduledReport)}
    filters_set {{ {leaf_fields(ReportFilterSetting)} }}
    columns_set {{ {leaf_fields(ReportColumnSetting)} }}
    group_by_set {{ {leaf_fields(ReportColumnSetting)} }}
    scheduler_options {{ {leaf_fields(ReportSchedulerOptions)} }}
    recipients {{ {leaf_fields(ReportRecipient)} }}
"""
TYPES_NOTE = (
    "Reports: contacts_summary (columns code, name, contact_type, first_name, last_name,"
    " company_name, email_address, registration_date, id; filters period_from, period_to,"
    " contact_type) and journals_summary (credits, debits, net and number of journals per"
    " wallet and currency: columns wallet_code, currency_code, credits, debits, net, journals,"
    " wallet_id; filters period_from, period_to, currency_code, wallet_code). GraphQL's"
    " report_types lists them. An unknown report is a 404; an unknown column or filter key a"
    " 400 naming columns_set[i].key / filters_set[i].key.",
    "The spec's example keys product_code (label Code) and product_type (label Type) are"
    " accepted for contacts_summary as aliases of code and contact_type.",
    "period_from / period_to take a period (TODAY, YESTERDAY, THIS_WEEK, LAST_WEEK,"
    ' THIS_MONTH, LAST_MONTH, THIS_YEAR, LAST_YEAR; display text such as "This month" too),'
    " epoch seconds or YYYY-MM-DD (UTC). A period given to period_from bounds both ends."
    " Values are strings, as in the spec's examples; periods are evaluated at each run.",
    "group_by_set orders the rows by its fields (rows of one group together, groups in the"
    " order given); columns_set gives the columns, in their order (up to 10 by default).",
)
SCHEDULE_NOTES = (
    "scheduler_options.frequency is a Quartz cron expression: seconds minutes hours"
    " day_of_month month day_of_week [year], UTC, with ? for no specific value (e.g."
    ' "0 0 12 * * ?" every day at 12:00, "0 * * * * ?" every minute). Quartz\'s L, W and #'
    " are not supported (400 naming scheduler_options.frequency and the cron field); the"
    " seconds field must be one value (at most one run a minute). A period without a frequency"
    " runs at 00:00 UTC of each period (DAILY, WEEKLY on Monday, MONTHLY on the 1st, YEARLY).",
    "Without scheduler_options the report is delivered once, at once. Delivery: an e-mail with"
    " the report attached as CSV or PDF, queued in the outbox (GET /outbox_messages) and sent"
    " by SMTP when the gateway has one (CRM_GATEWAY_SMTP_HOST).",
    "recipients: USER (a member of an organisation the caller may see) or TEAM (every member"
    " of a team of the caller's network), 404 naming the one not found. Without recipients"
    " the report goes to the requesting user; asked for with an API key, to the owners of the"
    " caller's organisation. The spec's third recipient type (\"Applicable only to Business"
    ' organisations") is not named there and is not offered.',
)

PREVIEW_EXAMPLE = {
    "filters_set": [{"key": "period_from", "value": "This month"}],
    "columns_set": [{"key": "product_code"}],
}
RUN_EXAMPLE = {
    "format": "CSV",
    "filters_set": [
        {
            "label": "Registration date",
            "key": "period_from",
            "value": "THIS_MONTH",
            "type": "INTEGER",
        }
    ],
    "columns_set": [{"order": 1, "label": "Code", "key": "product_code", "type": "INTEGER"}],
    "group_by_set": [{"order": 1, "label": "Type", "key": "product_type", "type": "TEXT"}],
}

ROUTES = [
    RestRoute(
        method="POST",
        path="/reports/{name}/preview",
        section=SECTION,
        summary="Runs the report in preview mode (at most 10 records in the response)",
        document=f"""query ($name: String!, $body: PreviewReportInput!) {{
            report_preview(name: $name, input: $body) {{
                content {{ fields {{ {leaf_fields(ReportField)} }} }}
            }}
        }}""",
        body="body",
        example_body=PREVIEW_EXAMPLE,
        notes=(
            "Answers content[].fields[] {key, value}: key is the column's label, value the"
            " value as text (times in UTC, amounts exact, empty for none). At most 10 rows.",
            *TYPES_NOTE,
        ),
    ),
    RestRoute(
        method="POST",
        path="/reports/{name}",
        section=SECTION,
        summary="Schedule a report and send its results via email to a group of recipients",
        document="""mutation ($name: String!, $body: RunReportInput!) {
            run_report(name: $name, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body=RUN_EXAMPLE,
        notes=(
            "The spec answers 200 with no body; the gateway answers the scheduled report's id"
            " (GET /reports/{id} shows it, with next_scheduled).",
            "The name defaults to the report's title (e.g. Contacts Summary).",
            *SCHEDULE_NOTES,
            *TYPES_NOTE,
        ),
    ),
    RestRoute(
        method="PUT",
        path="/reports/{id}",
        section=SECTION,
        summary="Update a scheduled report (format, schedule, recipients)",
        document="""mutation ($id: ID!, $body: UpdateScheduledReportInput!) {
            update_scheduled_report(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "format": "CSV",
            "scheduler_options": {"period": "DAILY", "frequency": "0 0 12 * * ?"},
        },
        notes=(
            "Fields left out stay; name, filters_set, columns_set and group_by_set may be"
            " changed too (lists replace theirs). A new scheduler_options restarts the schedule"
            " (next_scheduled is the next occurrence); null makes the report run once more, at"
            " once. The spec's summary is POST's.",
            *SCHEDULE_NOTES,
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/reports/{id}",
        section=SECTION,
        summary="Delete a scheduled report",
        document="""mutation ($id: ID!) { delete_scheduled_report(id: $id) { id } }""",
        shape=identifier,
        notes=(
            "The path's id is the scheduled report's identifier (the spec's description says"
            " unique name, its example a GUID). Messages already queued stay in the outbox.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/reports",
        section=SECTION,
        summary="Retrieve all scheduled reports",
        document=f"""query ($name: String, $type: String, $page: Int = 1, $size: Int = 20,
                $sort: String, $order: SortOrder = DESC) {{
            scheduled_reports(filter: {{name: $name, type: $type}}, page: $page, size: $size,
                    sort: $sort, order: $order) {{
                content {{ {REPORT_FIELDS} }} {PAGING}
            }}
        }}""",
        query={name: name for name in ("name", "type", "page", "size", "sort", "order")},
        notes=(
            "name matches reports whose name contains it, ignoring case; type is the report's"
            " unique name (contacts_summary, journals_summary).",
            "scheduler_options.next_scheduled is epoch seconds (null once a one-off report has"
            " run). recipients carry both spellings: type / recipient_type, recipient_id, and"
            " the user's or team's name and the user's username.",
            "sort: created_on (default), name, type or next_scheduled; order DESC or ASC.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/reports/{id}",
        section=SECTION,
        summary="Get details for a specific (scheduled) report",
        document=f"""query ($id: ID!) {{ scheduled_report(id: $id) {{ {REPORT_FIELDS} }} }}""",
        notes=(
            "runs, last_run_on and last_error tell how its deliveries went; filters_set,"
            " columns_set and group_by_set are as the user gave them.",
        ),
    ),
]
