"""Resolvers for analytics."""

from collections.abc import Sequence

from app.analytics import service
from app.analytics.periods import Frequency
from app.analytics.service import ContactAnalytics, OrganisationAnalytics
from app.pagination import Page, PageRequest
from resolvers.context import Info


async def organisation_analytics(
    info: Info,
    id: str,
    metrics: Sequence[str] | None,
    frequency: Frequency,
    include_children: bool,
    currency_code: str | None,
    request: PageRequest,
) -> Page[OrganisationAnalytics]:
    """An organisation's analytics (and its children's)."""
    return await info.context.reads(
        service.organisation_analytics,
        id,
        metrics,
        frequency,
        include_children,
        currency_code,
        request,
    )


async def contact_analytics(
    info: Info, id: str, metrics: Sequence[str] | None, frequency: Frequency
) -> ContactAnalytics:
    """A contact's analytics."""
    return await info.context.reads(service.contact_analytics, id, metrics, frequency)
