"""GraphQL types, inputs and root fields for reference data.

Classifications, payment terms, industries and their sectors, business activities, organisation
groups, reward schemes and tiers, and spend conditions: each has a type, a list query, a query by
id and create / update / delete mutations.
"""

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

import strawberry

from app.db import models
from app.reference.service import ReferenceKind
from resolvers import reference as resolve
from resolvers.context import Info
from resolvers.inputs import given_fields
from schema.common import (
    ORDER_DESCRIPTION,
    PAGE_DESCRIPTION,
    SIZE_DESCRIPTION,
    SORT_DESCRIPTION,
    Identifier,
    Page,
    SortOrder,
    page_request,
    to_page,
)
from schema.mapping import maps


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


@maps(models.AccountClassification)
@strawberry.type(description='A classification of accounts (for example "Delivery Purchase").')
class AccountClassification(ReferenceFields):
    pass


@maps(models.PaymentTerms)
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


@strawberry.input(description="The name and description of new reference data.")
class CreateReferenceInput:
    name: str = strawberry.field(description="The name shown to users (not empty).")
    description: str | None = strawberry.field(default=None, description="A longer description.")


@strawberry.input(description="Changes to reference data; fields left out stay as they are.")
class UpdateReferenceInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The name shown to users (not empty)."
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="A longer description."
    )


@strawberry.input(description="A new account classification.")
class CreateAccountClassificationInput(CreateReferenceInput):
    pass


@strawberry.input(description="Changes to an account classification.")
class UpdateAccountClassificationInput(UpdateReferenceInput):
    pass


@strawberry.input(description="New payment terms.")
class CreatePaymentTermsInput(CreateReferenceInput):
    days: int = strawberry.field(default=0, description="The days within which payment is due.")


@strawberry.input(description="Changes to payment terms.")
class UpdatePaymentTermsInput(UpdateReferenceInput):
    days: int | None = strawberry.field(
        default=strawberry.UNSET, description="The days within which payment is due (0 or more)."
    )


@strawberry.input(description="A new industry.")
class CreateIndustryInput(CreateReferenceInput):
    pass


@strawberry.input(description="Changes to an industry.")
class UpdateIndustryInput(UpdateReferenceInput):
    pass


@strawberry.input(description="A new industry sector.")
class CreateIndustrySectorInput(CreateReferenceInput):
    industry_id: strawberry.ID = strawberry.field(description="The industry of the sector.")


@strawberry.input(description="Changes to an industry sector.")
class UpdateIndustrySectorInput(UpdateReferenceInput):
    industry_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The industry of the sector."
    )


@strawberry.input(description="A new business activity.")
class CreateBusinessActivityInput(CreateReferenceInput):
    pass


@strawberry.input(description="Changes to a business activity.")
class UpdateBusinessActivityInput(UpdateReferenceInput):
    pass


@strawberry.input(description="A new organisation group.")
class CreateOrganisationGroupInput(CreateReferenceInput):
    pass


@strawberry.input(description="Changes to an organisation group.")
class UpdateOrganisationGroupInput(UpdateReferenceInput):
    pass


@strawberry.input(description="A new reward scheme.")
class CreateRewardSchemeInput(CreateReferenceInput):
    sign_up_method: SignUpMethod = strawberry.field(
        default=SignUpMethod.OPEN, description="How customers may sign up."
    )
    email_domains: list[str] | None = strawberry.field(
        default=None,
        description="E-mail domains of an EMAIL_DOMAIN scheme (at least one; stored in lower"
        " case without @).",
    )
    sign_up_code: str | None = strawberry.field(
        default=None, description="The code customers give to join a SIGN_UP_CODE scheme."
    )


@strawberry.input(description="Changes to a reward scheme.")
class UpdateRewardSchemeInput(UpdateReferenceInput):
    sign_up_method: SignUpMethod | None = strawberry.field(
        default=strawberry.UNSET, description="How customers may sign up."
    )
    email_domains: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of e-mail domains."
    )
    sign_up_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="The code customers give to join the scheme."
    )


@strawberry.input(description="A new reward tier.")
class CreateRewardTierInput(CreateReferenceInput):
    reward_scheme_id: strawberry.ID = strawberry.field(description="The tier's reward scheme.")
    threshold_value_units: Decimal = strawberry.field(
        description="The value units from which an account reaches the tier (0 or more)."
    )
    color: str | None = strawberry.field(
        default=None, description='A hexadecimal colour code ("#d4af37").'
    )


@strawberry.input(description="Changes to a reward tier.")
class UpdateRewardTierInput(UpdateReferenceInput):
    reward_scheme_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The tier's reward scheme."
    )
    threshold_value_units: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="The value units from which an account reaches it."
    )
    color: str | None = strawberry.field(
        default=strawberry.UNSET, description='A hexadecimal colour code ("#d4af37").'
    )


@strawberry.input(description="A product a spend condition's amounts may be spent on.")
class SpendConditionProductInput:
    id_type: ProductIdType = strawberry.field(description="What `id` names.")
    id: str = strawberry.field(description="The brand, product or category identifier.")
    name: str | None = strawberry.field(default=None, description="The product name.")
    description: str | None = strawberry.field(default=None, description="The product description.")


@strawberry.input(description="A time when a spend condition's amounts may be spent.")
class SpendConditionTimingInput:
    month: int | None = strawberry.field(default=None, description="The month (1-12).")
    day: int | None = strawberry.field(
        default=None, description="The day of the week (1-7, 1 is Sunday)."
    )
    start_time: str | None = strawberry.field(
        default=None, description='The start ("HH:MM", 24-hour); give it with end_time.'
    )
    end_time: str | None = strawberry.field(
        default=None, description='The end ("HH:MM", 24-hour), later than start_time.'
    )


@strawberry.input(description="A new spend condition.")
class CreateSpendConditionInput(CreateReferenceInput):
    organisation_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Organisations of the caller's network where it applies."
    )
    products: list[SpendConditionProductInput] | None = strawberry.field(
        default=None, description="The products the amounts may be spent on."
    )
    timings: list[SpendConditionTimingInput] | None = strawberry.field(
        default=None, description="When the amounts may be spent."
    )
    is_active: bool = strawberry.field(default=True, description="Whether it is in use.")


@strawberry.input(description="Changes to a spend condition; lists replace the old ones.")
class UpdateSpendConditionInput(UpdateReferenceInput):
    organisation_ids: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of organisations."
    )
    products: list[SpendConditionProductInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of products."
    )
    timings: list[SpendConditionTimingInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of timings."
    )
    is_active: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Whether it is in use."
    )


IdArgument = Annotated[strawberry.ID, strawberry.argument(description="The identifier.")]
SearchValueArgument = Annotated[
    str | None,
    strawberry.argument(description="Only rows whose name contains this text (any case)."),
]
PageArgument = Annotated[int, strawberry.argument(description=PAGE_DESCRIPTION)]
SizeArgument = Annotated[int, strawberry.argument(description=SIZE_DESCRIPTION)]
SortArgument = Annotated[
    str | None, strawberry.argument(description=SORT_DESCRIPTION + " created_on (default), name.")
]
OrderArgument = Annotated[SortOrder, strawberry.argument(description=ORDER_DESCRIPTION)]


@strawberry.type
class Query:
    @strawberry.field(description="One account classification by id.")
    async def account_classification(self, info: Info, id: IdArgument) -> AccountClassification:
        return await resolve.get(info, ReferenceKind.ACCOUNT_CLASSIFICATION, id)

    @strawberry.field(description="The account classifications of the caller's network.")
    async def account_classifications(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[AccountClassification]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.ACCOUNT_CLASSIFICATION
        return to_page(await resolve.search(info, kind, request, search_value))

    @strawberry.field(description="One set of payment terms by id.")
    async def payment_terms(self, info: Info, id: IdArgument) -> PaymentTerms:
        return await resolve.get(info, ReferenceKind.PAYMENT_TERMS, id)

    @strawberry.field(description="The payment terms of the caller's network.")
    async def payment_terms_list(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: Annotated[
            str | None,
            strawberry.argument(
                description=SORT_DESCRIPTION + " created_on (default), name, days."
            ),
        ] = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[PaymentTerms]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.PAYMENT_TERMS
        return to_page(await resolve.search(info, kind, request, search_value))

    @strawberry.field(description="One industry by id.")
    async def industry(self, info: Info, id: IdArgument) -> Industry:
        return await resolve.get(info, ReferenceKind.INDUSTRY, id)

    @strawberry.field(description="The industries of the caller's network.")
    async def industries(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Industry]:
        request = page_request(page, size, sort, order)
        return to_page(await resolve.search(info, ReferenceKind.INDUSTRY, request, search_value))

    @strawberry.field(description="One industry sector by id.")
    async def industry_sector(self, info: Info, id: IdArgument) -> IndustrySector:
        return await resolve.get(info, ReferenceKind.INDUSTRY_SECTOR, id)

    @strawberry.field(description="The industry sectors of the caller's network.")
    async def industry_sectors(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        industry_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only sectors of this industry.")
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[IndustrySector]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.INDUSTRY_SECTOR
        equals = {"industry_id": industry_id}
        return to_page(await resolve.search(info, kind, request, search_value, equals))

    @strawberry.field(description="One business activity by id.")
    async def business_activity(self, info: Info, id: IdArgument) -> BusinessActivity:
        return await resolve.get(info, ReferenceKind.BUSINESS_ACTIVITY, id)

    @strawberry.field(description="The business activities of the caller's network.")
    async def business_activities(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[BusinessActivity]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.BUSINESS_ACTIVITY
        return to_page(await resolve.search(info, kind, request, search_value))

    @strawberry.field(description="One organisation group by id.")
    async def organisation_group(self, info: Info, id: IdArgument) -> OrganisationGroup:
        return await resolve.get(info, ReferenceKind.ORGANISATION_GROUP, id)

    @strawberry.field(description="The organisation groups of the caller's network.")
    async def organisation_groups(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[OrganisationGroup]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.ORGANISATION_GROUP
        return to_page(await resolve.search(info, kind, request, search_value))

    @strawberry.field(description="One reward scheme by id.")
    async def reward_scheme(self, info: Info, id: IdArgument) -> RewardScheme:
        return await resolve.get(info, ReferenceKind.REWARD_SCHEME, id)

    @strawberry.field(description="The reward schemes of the caller's network.")
    async def reward_schemes(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        sign_up_method: Annotated[
            SignUpMethod | None, strawberry.argument(description="Only schemes signed up so.")
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[RewardScheme]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.REWARD_SCHEME
        equals = {"sign_up_method": sign_up_method.value if sign_up_method else None}
        return to_page(await resolve.search(info, kind, request, search_value, equals))

    @strawberry.field(description="One reward tier by id.")
    async def reward_tier(self, info: Info, id: IdArgument) -> RewardTier:
        return await resolve.get(info, ReferenceKind.REWARD_TIER, id)

    @strawberry.field(description="The reward tiers of the caller's network.")
    async def reward_tiers(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        reward_scheme_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only tiers of this scheme.")
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: Annotated[
            str | None,
            strawberry.argument(
                description=SORT_DESCRIPTION + " created_on (default), name, threshold_value_units."
            ),
        ] = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[RewardTier]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.REWARD_TIER
        equals = {"reward_scheme_id": reward_scheme_id}
        return to_page(await resolve.search(info, kind, request, search_value, equals))

    @strawberry.field(description="One spend condition by id.")
    async def spend_condition(self, info: Info, id: IdArgument) -> SpendCondition:
        return await resolve.get(info, ReferenceKind.SPEND_CONDITION, id)

    @strawberry.field(description="The spend conditions of the caller's network.")
    async def spend_conditions(
        self,
        info: Info,
        search_value: SearchValueArgument = None,
        is_active: Annotated[
            bool | None, strawberry.argument(description="Only active (or inactive) ones.")
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = 20,
        sort: SortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[SpendCondition]:
        request = page_request(page, size, sort, order)
        kind = ReferenceKind.SPEND_CONDITION
        equals = {"is_active": is_active}
        return to_page(await resolve.search(info, kind, request, search_value, equals))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an account classification.")
    async def create_account_classification(
        self, info: Info, input: CreateAccountClassificationInput
    ) -> AccountClassification:
        kind = ReferenceKind.ACCOUNT_CLASSIFICATION
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change an account classification.")
    async def update_account_classification(
        self, info: Info, id: IdArgument, input: UpdateAccountClassificationInput
    ) -> AccountClassification:
        kind = ReferenceKind.ACCOUNT_CLASSIFICATION
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete an account classification no account uses.")
    async def delete_account_classification(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.ACCOUNT_CLASSIFICATION
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create payment terms.")
    async def create_payment_terms(
        self, info: Info, input: CreatePaymentTermsInput
    ) -> PaymentTerms:
        kind = ReferenceKind.PAYMENT_TERMS
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change payment terms.")
    async def update_payment_terms(
        self, info: Info, id: IdArgument, input: UpdatePaymentTermsInput
    ) -> PaymentTerms:
        kind = ReferenceKind.PAYMENT_TERMS
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete payment terms no account uses.")
    async def delete_payment_terms(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.PAYMENT_TERMS
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create an industry.")
    async def create_industry(self, info: Info, input: CreateIndustryInput) -> Industry:
        kind = ReferenceKind.INDUSTRY
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change an industry.")
    async def update_industry(
        self, info: Info, id: IdArgument, input: UpdateIndustryInput
    ) -> Industry:
        kind = ReferenceKind.INDUSTRY
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete an industry no organisation or sector uses.")
    async def delete_industry(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.INDUSTRY
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create an industry sector.")
    async def create_industry_sector(
        self, info: Info, input: CreateIndustrySectorInput
    ) -> IndustrySector:
        kind = ReferenceKind.INDUSTRY_SECTOR
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change an industry sector.")
    async def update_industry_sector(
        self, info: Info, id: IdArgument, input: UpdateIndustrySectorInput
    ) -> IndustrySector:
        kind = ReferenceKind.INDUSTRY_SECTOR
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete an industry sector no organisation uses.")
    async def delete_industry_sector(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.INDUSTRY_SECTOR
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create a business activity.")
    async def create_business_activity(
        self, info: Info, input: CreateBusinessActivityInput
    ) -> BusinessActivity:
        kind = ReferenceKind.BUSINESS_ACTIVITY
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change a business activity.")
    async def update_business_activity(
        self, info: Info, id: IdArgument, input: UpdateBusinessActivityInput
    ) -> BusinessActivity:
        kind = ReferenceKind.BUSINESS_ACTIVITY
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete a business activity no organisation uses.")
    async def delete_business_activity(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.BUSINESS_ACTIVITY
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create an organisation group.")
    async def create_organisation_group(
        self, info: Info, input: CreateOrganisationGroupInput
    ) -> OrganisationGroup:
        kind = ReferenceKind.ORGANISATION_GROUP
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change an organisation group.")
    async def update_organisation_group(
        self, info: Info, id: IdArgument, input: UpdateOrganisationGroupInput
    ) -> OrganisationGroup:
        kind = ReferenceKind.ORGANISATION_GROUP
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete an organisation group without members.")
    async def delete_organisation_group(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.ORGANISATION_GROUP
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create a reward scheme.")
    async def create_reward_scheme(
        self, info: Info, input: CreateRewardSchemeInput
    ) -> RewardScheme:
        kind = ReferenceKind.REWARD_SCHEME
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change a reward scheme.")
    async def update_reward_scheme(
        self, info: Info, id: IdArgument, input: UpdateRewardSchemeInput
    ) -> RewardScheme:
        kind = ReferenceKind.REWARD_SCHEME
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete a reward scheme without sign-ups or tiers.")
    async def delete_reward_scheme(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.REWARD_SCHEME
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create a reward tier of a reward scheme.")
    async def create_reward_tier(self, info: Info, input: CreateRewardTierInput) -> RewardTier:
        kind = ReferenceKind.REWARD_TIER
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change a reward tier.")
    async def update_reward_tier(
        self, info: Info, id: IdArgument, input: UpdateRewardTierInput
    ) -> RewardTier:
        kind = ReferenceKind.REWARD_TIER
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(description="Delete a reward tier no account is in.")
    async def delete_reward_tier(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.REWARD_TIER
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    @strawberry.mutation(description="Create a spend condition.")
    async def create_spend_condition(
        self, info: Info, input: CreateSpendConditionInput
    ) -> SpendCondition:
        kind = ReferenceKind.SPEND_CONDITION
        return await resolve.create(info, kind, given_fields(input))

    @strawberry.mutation(description="Change a spend condition; given lists replace the old ones.")
    async def update_spend_condition(
        self, info: Info, id: IdArgument, input: UpdateSpendConditionInput
    ) -> SpendCondition:
        kind = ReferenceKind.SPEND_CONDITION
        return await resolve.update(info, kind, id, given_fields(input))

    @strawberry.mutation(
        description="Delete a spend condition that no commerce balance or journal uses."
    )
    async def delete_spend_condition(self, info: Info, id: IdArgument) -> Identifier:
        kind = ReferenceKind.SPEND_CONDITION
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))
