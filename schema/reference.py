"""GraphQL types, inputs and root fields for reference data.

Classifications, payment terms, industries and their sectors, business activities, organisation
groups, reward schemes and tiers, and spend conditions: each has a type, a list query, a query by
id and create / update / delete mutations.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import strawberry

from resolvers import reference as resolve
from resolvers.context import Info


@strawberry.enum(description="How customers may sign up to a reward scheme.")
class SignUpMethod(StrEnum):
    OPEN = "OPEN"
    EMAIL_DOMAIN = "EMAIL_DOMAIN"
    SIGN_UP_CODE = "SIGN_UP_CODE"


@strawberry.enum(description="What the id of a spend condition's product names.")
class ProductIdType(StrEnum):
    BRAND = "BRAND"
    PRODUCT = "PRODUCT"
    CATEGORY = "CATEGORY"


@strawberry.type(description="The fields every kind of reference data has.")
class ReferenceFields:
    id: strawberry.ID = strawberry.field(description="The identifier (UUID).")
    name: str = strawberry.field(description="The name shown to users.")
    description: str | None = strawberry.field(description="A longer description.")
    created_on: datetime = strawberry.field(description="When it was created.")


@strawberry.type(description='A classification of accounts (for example "Delivery Purchase").')
class AccountClassification(ReferenceFields):
    pass


@strawberry.type(description='Payment terms of accounts (for example "Net 7").')
class PaymentTerms(ReferenceFields):
    days: int = strawberry.field(description="The days within which payment is due.")


@strawberry.type(description='An industry organisations belong to (for example "Restaurant").')
class Industry(ReferenceFields):
    pass


@strawberry.type(description='A sector of an industry (for example "Bar").')
class IndustrySector(ReferenceFields):
    industry_id: strawberry.ID | None = strawberry.field(description="The sector's industry.")

    @strawberry.field(description="The industry the sector belongs to.")
    async def industry(self, info: Info) -> Industry | None:
        if self.industry_id is None:
            return None
        return await info.context.loaders.get(resolve.IndustryByIdLoader).load(self.industry_id)


@strawberry.type(description='A business activity of organisations (for example "Bar & Grill").')
class BusinessActivity(ReferenceFields):
    pass


@strawberry.type(description='A group of merchants, venues or service points ("Seasonal").')
class OrganisationGroup(ReferenceFields):
    pass


@strawberry.type(description="A reward scheme accounts sign up to.")
class RewardScheme(ReferenceFields):
    sign_up_method: SignUpMethod = strawberry.field(
        description="OPEN (anyone), EMAIL_DOMAIN (an e-mail address of one of `email_domains`)"
        " or SIGN_UP_CODE (the customer gives `sign_up_code`)."
    )
    email_domains: list[str] = strawberry.field(
        description="The e-mail domains (lower case, without @) of an EMAIL_DOMAIN scheme."
    )
    sign_up_code: str | None = strawberry.field(
        description="The code customers give to join a SIGN_UP_CODE scheme."
    )


@strawberry.type(description='A tier of a reward scheme (for example "Gold").')
class RewardTier(ReferenceFields):
    reward_scheme_id: strawberry.ID | None = strawberry.field(description="The tier's scheme.")
    color: str | None = strawberry.field(description='The tier\'s colour code ("#d4af37").')
    threshold_value_units: Decimal = strawberry.field(
        description="The value units from which an account reaches the tier (inclusive)."
    )

    @strawberry.field(description="The reward scheme the tier belongs to.")
    async def reward_scheme(self, info: Info) -> RewardScheme | None:
        if self.reward_scheme_id is None:
            return None
        loader = info.context.loaders.get(resolve.RewardSchemeByIdLoader)
        return await loader.load(self.reward_scheme_id)


@strawberry.type(description="An organisation where a spend condition's amounts may be spent.")
class SpendConditionOrganisation:
    id: strawberry.ID = strawberry.field(description="The organisation identifier.")
    name: str = strawberry.field(description="The organisation name.")


@strawberry.type(description="A product a spend condition's amounts may be spent on.")
class SpendConditionProduct:
    id_type: ProductIdType = strawberry.field(description="What `id` names.")
    id: str = strawberry.field(description="The brand, product or category identifier.")
    name: str | None = strawberry.field(description="The product name.")
    description: str | None = strawberry.field(description="The product description.")


@strawberry.type(description="A time when a spend condition's amounts may be spent.")
class SpendConditionTiming:
    month: int | None = strawberry.field(description="The month (1-12); none means any month.")
    day: int | None = strawberry.field(
        description="The day of the week (1-7, 1 is Sunday); none means any day."
    )
    start_time: str | None = strawberry.field(description='The start of the period ("HH:MM").')
    end_time: str | None = strawberry.field(description='The end of the period ("HH:MM").')


def _products(values: list[dict[str, Any]] | None) -> list[SpendConditionProduct]:
    return [
        SpendConditionProduct(
            id_type=ProductIdType(item["id_type"]),
            id=item["id"],
            name=item.get("name"),
            description=item.get("description"),
        )
        for item in values or []
    ]


def _timings(values: list[dict[str, Any]] | None) -> list[SpendConditionTiming]:
    return [
        SpendConditionTiming(
            month=item.get("month"),
            day=item.get("day"),
            start_time=item.get("start_time"),
            end_time=item.get("end_time"),
        )
        for item in values or []
    ]


@strawberry.type(description="Where and when a commerce balance may be spent.")
class SpendCondition(ReferenceFields):
    is_active: bool = strawberry.field(description="Whether the condition is in use.")

    @strawberry.field(description="The organisations where the amounts may be spent.")
    async def organisations(self, info: Info) -> list[SpendConditionOrganisation]:
        ids: list[str] = self.organisation_ids  # type: ignore[attr-defined]
        rows = await info.context.loaders.get(resolve.OrganisationByIdLoader).load_many(ids)
        return [
            SpendConditionOrganisation(id=strawberry.ID(row.id), name=row.name)
            for row in rows
            if row is not None
        ]

    @strawberry.field(name="products", description="The products the amounts may be spent on.")
    def products_list(self) -> list[SpendConditionProduct]:
        return _products(self.products)  # type: ignore[attr-defined]

    @strawberry.field(name="timings", description="When the amounts may be spent.")
    def timings_list(self) -> list[SpendConditionTiming]:
        return _timings(self.timings)  # type: ignore[attr-defined]
