"""Analytics routes (spec: Analytics, routes 45-46)."""

from rest_compat.route import PAGING, RestRoute
from schema.analytics import (
    AnalyticsContact,
    AnalyticsEventTotals,
    AnalyticsOffer,
    AnalyticsPeriodValues,
    AnalyticsUsage,
    OrganisationAnalytics,
)
from schema.selections import leaf_fields

SECTION = "Analytics"

ROUTES = [
    RestRoute(
        method="GET",
        path="/organisations/{id}/analytics",
        section=SECTION,
        summary="Get analytics for an organisation",
        document=f"""query ($id: ID!, $metrics: [OrganisationMetric!],
                $frequency: AnalyticsFrequency = OVERALL, $include_children: Boolean = false,
                $currency_code: String, $page: Int = 1, $size: Int = 20) {{
            organisation_analytics(id: $id, metrics: $metrics, frequency: $frequency,
                    include_children: $include_children, currency_code: $currency_code,
                    page: $page, size: $size) {{
                content {{
                    {leaf_fields(OrganisationAnalytics)}
                    top_10_best_offers {{ {leaf_fields(AnalyticsOffer)} }}
                    previous_period {{ {leaf_fields(AnalyticsPeriodValues)} }}
                }}
                {PAGING}
            }}
        }}""",
        query={
            "metrics": "metrics",
            "frequency": "frequency",
            "include_children": "include_children",
            "currency_code": "currency_code",
            "page": "page",
            "size": "size",
        },
        notes=(
            "metrics (comma-separated): NETWORK (merchants, venues below it),"
            " SIGN_UPS (new_sign_ups), REWARD_PARTICIPANTS, AWARDS (total_awards: the awarded"
            " amount, given_awards: the number of awards; wallet credits included), SPENDS"
            " (total_spends, number_of_spends; wallet debits included), PURCHASES"
            " (total_purchase_amount, total_visits, average_spend_per_visit), WALLETS"
            " (wallets_open_balance, wallets_commerse_balance, now). The spec asks for at"
            " least one metric but its example request sends none: none means all of them;"
            " an unknown one is a 400.",
            "frequency: DAILY (today so far, previous: yesterday), MONTHLY (this month so far,"
            " previous: last month) or OVERALL (default; no previous period), UTC;"
            " previous_period holds the period-bound values of the period before.",
            "Each row covers the organisation and everything below it; include_children=true"
            " adds one row per organisation directly below it (by name). The spec names no"
            " parameter for that (include_children is ours).",
            "Fields the gateway has no data for (trials, offers, subscriptions, services...)"
            " and those of metrics not asked for are null, never invented. Amounts add up"
            " every currency unless currency_code picks one.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/contacts/{contact_id}/analytics",
        section=SECTION,
        summary="Get analytics for a contact",
        document=f"""query ($contact_id: ID!, $metrics: [ContactMetric!],
                $frequency: AnalyticsFrequency = OVERALL) {{
            contact_analytics(id: $contact_id, metrics: $metrics, frequency: $frequency) {{
                contact {{ {leaf_fields(AnalyticsContact)} }}
                usage {{ {leaf_fields(AnalyticsUsage)} }}
                awards {{ {leaf_fields(AnalyticsEventTotals)} }}
                spends {{ {leaf_fields(AnalyticsEventTotals)} }}
                purchases {{ {leaf_fields(AnalyticsEventTotals)} }}
            }}
        }}""",
        query={"metrics": "metrics", "frequency": "frequency"},
        notes=(
            "metrics (comma-separated; none: all of them): USAGE, AWARDS, SPENDS, PURCHASES."
            " USAGE: consumed_usage is the amount the contact spent in the period (SPEND"
            " events, wallet debits included), remaining_usage the balance of its wallets now,"
            " usage_percentage consumed / (consumed + remaining) x 100 (null when both are 0).",
            "contact_id takes the contact's id or code; frequency as for organisations.",
        ),
    ),
]
