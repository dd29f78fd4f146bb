"""GraphQL types and root fields of analytics (spec: Analytics, routes 45-46)."""

from decimal import Decimal
from typing import Annotated

import strawberry

from app.analytics.periods import Frequency
from app.analytics.service import (
    ContactAnalytics as ContactAnalyticsResult,
)
from app.analytics.service import (
    ContactMetric,
    EventMetric,
    OrganisationMetric,
    PeriodValues,
)
from app.analytics.service import (
    OrganisationAnalytics as OrganisationAnalyticsRow,
)
from app.auth.permissions import Permission
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import analytics as resolve
from resolvers.context import Info
from schema.common import Page, PageArgument, SizeArgument, SortOrder, page_request, to_page
from schema.permissions import needs

strawberry.enum(
    Frequency,
    name="AnalyticsFrequency",
    description="DAILY (today so far; previous: yesterday), MONTHLY (this month so far; "
    "previous: last month), OVERALL (everything; no previous period). UTC.",
)
strawberry.enum(
    OrganisationMetric,
    description="NETWORK (merchants, venues), SIGN_UPS, REWARD_PARTICIPANTS, AWARDS (total "
    "awarded amount and number of awards, and previous period values), SPENDS (total spent "
    "amount and number of spends, and previous period values), PURCHASES, WALLETS.",
)
strawberry.enum(
    ContactMetric,
    description="USAGE (consumed and remaining usage), AWARDS, SPENDS, PURCHASES.",
)

MetricsDescription = "Which metrics are required (none or an empty list: all of them)."


@strawberry.type(description="The period-bound values of an organisation's analytics.")
class AnalyticsPeriodValues:
    new_sign_ups: int | None = strawberry.field(description="Contacts created in the period.")
    total_awards: Decimal | None = strawberry.field(description="The total awarded amount.")
    given_awards: int | None = strawberry.field(description="The number of awards.")
    total_spends: Decimal | None = strawberry.field(description="The total spent amount.")
    number_of_spends: int | None = strawberry.field(description="The number of spends.")
    total_purchase_amount: Decimal | None = strawberry.field(description="Purchases' total.")
    total_visits: int | None = strawberry.field(description="The number of purchases.")
    average_spend_per_visit: Decimal | None = strawberry.field(
        description="total_purchase_amount / total_visits."
    )

    @classmethod
    def of(cls, values: PeriodValues) -> "AnalyticsPeriodValues":
        """The GraphQL values of one period."""
        return cls(**vars(values))


@strawberry.type(description="The best offers (no offers in this gateway: never listed).")
class AnalyticsOffer:
    offer_id: strawberry.ID = strawberry.field(description="The offer.")
    offer_name: str = strawberry.field(description="The offer's name.")
    total_award_amount: Decimal = strawberry.field(description="Awarded through it.")


@strawberry.type(
    description="An organisation's analytics (with everything below it); fields of metrics "
    "not asked for, and those the gateway has no data for, are null."
)
class OrganisationAnalytics(AnalyticsPeriodValues):
    id: strawberry.ID = strawberry.field(description="The organisation identifier (the row's).")
    organisation_id: strawberry.ID = strawberry.field(description="The organisation.")
    organisation_name: str = strawberry.field(description="The organisation's name.")
    merchants: int | None = strawberry.field(description="Merchants below it.")
    venues: int | None = strawberry.field(description="Venues below it.")
    reward_participants: int | None = strawberry.field(
        description="Contacts with an account signed up to a reward scheme."
    )
    wallets_open_balance: Decimal | None = strawberry.field(
        description="The wallets' open balance."
    )
    wallets_commerse_balance: Decimal | None = strawberry.field(
        description="The wallets' commerce balance (the spec's spelling)."
    )
    previous_period: AnalyticsPeriodValues | None = strawberry.field(
        description="The previous period's values (null for OVERALL)."
    )
    trials: int | None = strawberry.field(default=None, description="No data: null.")
    referred_by: int | None = strawberry.field(default=None, description="No data: null.")
    reward_participants_per_tier: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    open_loop_reward_participants: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    close_loop_reward_participants: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    active_offers: int | None = strawberry.field(default=None, description="No data: null.")
    most_awarded_offer: str | None = strawberry.field(default=None, description="No data: null.")
    awards_spend: Decimal | None = strawberry.field(default=None, description="No data: null.")
    top_10_best_offers: list[AnalyticsOffer] | None = strawberry.field(
        default=None, description="No data: null."
    )
    most_visited_venues: str | None = strawberry.field(default=None, description="No data: null.")
    total_applications_usage: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    active_subscribers: int | None = strawberry.field(default=None, description="No data: null.")
    inactive_subscribers: int | None = strawberry.field(default=None, description="No data: null.")
    new_services: int | None = strawberry.field(default=None, description="No data: null.")
    cancelled_services: int | None = strawberry.field(default=None, description="No data: null.")
    regretted_services: int | None = strawberry.field(default=None, description="No data: null.")
    upgraded_services: int | None = strawberry.field(default=None, description="No data: null.")
    services_in_trial: int | None = strawberry.field(default=None, description="No data: null.")
    deactivated_services: int | None = strawberry.field(default=None, description="No data: null.")
    activated_services: int | None = strawberry.field(default=None, description="No data: null.")
    paid_services_in_trial: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    cancelled_services_in_trial: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    new_subscribers: int | None = strawberry.field(default=None, description="No data: null.")
    reactivated_subscriptions: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    removed_services_after_expiration: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    cancelled_services_in_contract: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    cancelled_services_not_in_contract: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    renewed_services: int | None = strawberry.field(default=None, description="No data: null.")
    expired_services: int | None = strawberry.field(default=None, description="No data: null.")
    active_subscriptions_per_billing_period: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    active_services_per_month: int | None = strawberry.field(
        default=None, description="No data: null."
    )
    downgraded_services: bool | None = strawberry.field(default=None, description="No data: null.")
    subscriber_churn_rate: Decimal | None = strawberry.field(
        default=None, description="No data: null."
    )

    @classmethod
    def of_row(cls, row: OrganisationAnalyticsRow) -> "OrganisationAnalytics":
        """The GraphQL row for a computed row."""
        return cls(
            **vars(row.current),
            id=strawberry.ID(row.organisation_id),
            organisation_id=strawberry.ID(row.organisation_id),
            organisation_name=row.organisation_name,
            merchants=row.merchants,
            venues=row.venues,
            reward_participants=row.reward_participants,
            wallets_open_balance=row.wallets_open_balance,
            wallets_commerse_balance=row.wallets_commerse_balance,
            previous_period=AnalyticsPeriodValues.of(row.previous) if row.previous else None,
        )


@strawberry.type(description="The contact analytics are about.")
class AnalyticsContact:
    id: strawberry.ID = strawberry.field(description="The contact identifier.")
    name: str = strawberry.field(description="The contact (full) name.")


@strawberry.type(description="A contact's usage.")
class AnalyticsUsage:
    consumed_usage: Decimal = strawberry.field(description="The amount spent in the period.")
    remaining_usage: Decimal = strawberry.field(
        description="The balance of the contact's wallets, now."
    )
    usage_percentage: Decimal | None = strawberry.field(
        description="consumed / (consumed + remaining) x 100 (null when both are 0)."
    )


@strawberry.type(
    description="How many events of a kind and their amount, with the previous period's."
)
class AnalyticsEventTotals:
    count: int = strawberry.field(description="The number of events in the period.")
    amount: Decimal = strawberry.field(description="Their total amount.")
    previous_count: int | None = strawberry.field(description="The previous period's number.")
    previous_amount: Decimal | None = strawberry.field(description="The previous period's amount.")

    @classmethod
    def of(cls, metric: EventMetric | None) -> "AnalyticsEventTotals | None":
        """The GraphQL totals (``None`` when not asked for)."""
        return None if metric is None else cls(**vars(metric))


@strawberry.type(description="A contact's analytics; metrics not asked for are null.")
class ContactAnalytics:
    contact: AnalyticsContact = strawberry.field(description="The contact.")
    usage: AnalyticsUsage | None = strawberry.field(description="The contact's usage.")
    awards: AnalyticsEventTotals | None = strawberry.field(description="Awards.")
    spends: AnalyticsEventTotals | None = strawberry.field(description="Spends.")
    purchases: AnalyticsEventTotals | None = strawberry.field(description="Purchases.")

    @classmethod
    def of(cls, result: ContactAnalyticsResult) -> "ContactAnalytics":
        """The GraphQL analytics of a computed result."""
        usage = result.usage
        return cls(
            contact=AnalyticsContact(id=strawberry.ID(result.contact.id), name=result.name),
            usage=AnalyticsUsage(**vars(usage)) if usage else None,
            awards=AnalyticsEventTotals.of(result.awards),
            spends=AnalyticsEventTotals.of(result.spends),
            purchases=AnalyticsEventTotals.of(result.purchases),
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Get analytics for an organisation (and, optionally, its children).",
        extensions=needs(Permission.ANALYTICS_READ),
    )
    async def organisation_analytics(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The organisation.")],
        metrics: Annotated[
            list[OrganisationMetric] | None, strawberry.argument(description=MetricsDescription)
        ] = None,
        frequency: Annotated[
            Frequency, strawberry.argument(description="The period of the metrics.")
        ] = Frequency.OVERALL,
        include_children: Annotated[
            bool,
            strawberry.argument(description="Also one row per organisation directly below it."),
        ] = False,
        currency_code: Annotated[
            str | None,
            strawberry.argument(description="Only amounts in this currency (default: all)."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
    ) -> Page[OrganisationAnalytics]:
        result = await resolve.organisation_analytics(
            info,
            id,
            [metric.value for metric in metrics or []],
            frequency,
            include_children,
            currency_code.upper() if currency_code else None,
            page_request(page, size, None, SortOrder.ASC),
        )
        return to_page(result, OrganisationAnalytics.of_row)

    @strawberry.field(
        description="Get analytics for a contact.",
        extensions=needs(Permission.ANALYTICS_READ),
    )
    async def contact_analytics(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The contact id or code.")],
        metrics: Annotated[
            list[ContactMetric] | None, strawberry.argument(description=MetricsDescription)
        ] = None,
        frequency: Annotated[
            Frequency, strawberry.argument(description="The period of the metrics.")
        ] = Frequency.OVERALL,
    ) -> ContactAnalytics:
        metric_values = [metric.value for metric in metrics or []]
        return ContactAnalytics.of(
            await resolve.contact_analytics(info, id, metric_values, frequency)
        )
