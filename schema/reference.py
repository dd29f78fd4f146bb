"""GraphQL types, inputs and root fields for reference data.

Classifications, payment terms, industries and their sectors, business activities, organisation
groups, reward schemes and tiers, and spend conditions: each has a type and create / update
inputs, written here, and a row of ``KINDS`` from which its query by id, its list query and its
create / update / delete mutations are built.
"""

import dataclasses
import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.tools import create_type
from strawberry.types.field import StrawberryField

from app.auth.permissions import Permission
from app.db import models
from app.pagination import DEFAULT_PAGE_SIZE
from app.reference import repository, service
from app.reference.enums import ProductIdType, SignUpMethod
from app.reference.service import ReferenceKind
from resolvers import reference as resolve
from resolvers.context import Info
from resolvers.inputs import filter_values, to_command
from schema.common import (
    IdArgument,
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
from schema.mapping import maps
from schema.permissions import needs

strawberry.enum(SignUpMethod, description="How customers may sign up to a reward scheme.")
strawberry.enum(ProductIdType, description="What the id of a spend condition's product names.")


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


@maps(models.Industry)
@strawberry.type(description='An industry organisations belong to (for example "Restaurant").')
class Industry(ReferenceFields):
    pass


@maps(models.IndustrySector)
@strawberry.type(description='A sector of an industry (for example "Bar").')
class IndustrySector(ReferenceFields):
    industry_id: strawberry.ID | None = strawberry.field(description="The sector's industry.")

    @strawberry.field(description="The industry the sector belongs to.")
    async def industry(self, info: Info) -> Industry | None:
        if self.industry_id is None:
            return None
        return await info.context.loaders.get(resolve.IndustryByIdLoader).load(self.industry_id)


@maps(models.BusinessActivity)
@strawberry.type(description='A business activity of organisations (for example "Bar & Grill").')
class BusinessActivity(ReferenceFields):
    pass


@maps(models.OrganisationGroup)
@strawberry.type(description='A group of merchants, venues or service points ("Seasonal").')
class OrganisationGroup(ReferenceFields):
    pass


@maps(models.RewardScheme)
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


@maps(models.RewardTier)
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


@maps(models.SpendCondition)
@strawberry.type(description="Where and when a commerce balance may be spent.")
class SpendCondition(ReferenceFields):
    is_active: bool = strawberry.field(description="Whether the condition is in use.")
    organisation_ids: strawberry.Private[list[str]]
    products: strawberry.Private[list[dict[str, Any]]]
    timings: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(description="The organisations where the amounts may be spent.")
    async def organisations(self, info: Info) -> list[SpendConditionOrganisation]:
        loader = info.context.loaders.get(resolve.OrganisationByIdLoader)
        rows = await loader.load_many(self.organisation_ids)
        return [
            SpendConditionOrganisation(id=strawberry.ID(row.id), name=row.name)
            for row in rows
            if row is not None
        ]

    @strawberry.field(name="products", description="The products the amounts may be spent on.")
    def products_list(self) -> list[SpendConditionProduct]:
        return _products(self.products)

    @strawberry.field(name="timings", description="When the amounts may be spent.")
    def timings_list(self) -> list[SpendConditionTiming]:
        return _timings(self.timings)


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


SEARCH_VALUE_DESCRIPTION = "Only rows whose name contains this text (any case)."


@dataclass(frozen=True, slots=True)
class ListFilter:
    """A field of a kind's list filter: only rows whose column ``name`` has the given value."""

    name: str
    type: Any
    description: str


@dataclass(frozen=True, slots=True)
class KindFields:
    """One kind of reference data in the graph: one row from which its root fields are built.

    Queries ``<kind>(id)`` and ``<list_field>(search_value, <filters>, page, size, sort, order)``,
    mutations ``create_<kind>``, ``update_<kind>`` and ``delete_<kind>``. Their descriptions are
    derived from ``a`` ("an industry"), ``many`` ("industries") and ``deletable`` ("no
    organisation uses"), except those ``descriptions`` gives by field name.
    """

    kind: ReferenceKind
    object_type: type[Any]
    create_input: type[Any]
    update_input: type[Any]
    a: str
    many: str
    deletable: str
    filters: tuple[ListFilter, ...] = ()
    descriptions: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def list_field(self) -> str:
        """The name of the kind's list query (``service.KINDS``: the compiled reads know it)."""
        return service.KINDS[self.kind].list_field

    def describe(self, field_name: str, derived: str) -> str:
        """The description of a root field: the row's own, else the derived one."""
        return self.descriptions.get(field_name, derived)


KINDS: tuple[KindFields, ...] = (
    KindFields(
        ReferenceKind.ACCOUNT_CLASSIFICATION,
        AccountClassification,
        CreateAccountClassificationInput,
        UpdateAccountClassificationInput,
        a="an account classification",
        many="account classifications",
        deletable="no account uses",
    ),
    KindFields(
        ReferenceKind.PAYMENT_TERMS,
        PaymentTerms,
        CreatePaymentTermsInput,
        UpdatePaymentTermsInput,
        a="payment terms",
        many="payment terms",
        deletable="no account uses",
        descriptions={"payment_terms": "One set of payment terms by id."},
    ),
    KindFields(
        ReferenceKind.INDUSTRY,
        Industry,
        CreateIndustryInput,
        UpdateIndustryInput,
        a="an industry",
        many="industries",
        deletable="no organisation or sector uses",
    ),
    KindFields(
        ReferenceKind.INDUSTRY_SECTOR,
        IndustrySector,
        CreateIndustrySectorInput,
        UpdateIndustrySectorInput,
        a="an industry sector",
        many="industry sectors",
        deletable="no organisation uses",
        filters=(ListFilter("industry_id", strawberry.ID, "Only sectors of this industry."),),
    ),
    KindFields(
        ReferenceKind.BUSINESS_ACTIVITY,
        BusinessActivity,
        CreateBusinessActivityInput,
        UpdateBusinessActivityInput,
        a="a business activity",
        many="business activities",
        deletable="no organisation uses",
    ),
    KindFields(
        ReferenceKind.ORGANISATION_GROUP,
        OrganisationGroup,
        CreateOrganisationGroupInput,
        UpdateOrganisationGroupInput,
        a="an organisation group",
        many="organisation groups",
        deletable="without members",
    ),
    KindFields(
        ReferenceKind.REWARD_SCHEME,
        RewardScheme,
        CreateRewardSchemeInput,
        UpdateRewardSchemeInput,
        a="a reward scheme",
        many="reward schemes",
        deletable="without sign-ups or tiers",
        filters=(ListFilter("sign_up_method", SignUpMethod, "Only schemes signed up so."),),
    ),
    KindFields(
        ReferenceKind.REWARD_TIER,
        RewardTier,
        CreateRewardTierInput,
        UpdateRewardTierInput,
        a="a reward tier",
        many="reward tiers",
        deletable="no account is in",
        filters=(ListFilter("reward_scheme_id", strawberry.ID, "Only tiers of this scheme."),),
        descriptions={"create_reward_tier": "Create a reward tier of a reward scheme."},
    ),
    KindFields(
        ReferenceKind.SPEND_CONDITION,
        SpendCondition,
        CreateSpendConditionInput,
        UpdateSpendConditionInput,
        a="a spend condition",
        many="spend conditions",
        deletable="that no commerce balance or journal uses",
        filters=(ListFilter("is_active", bool, "Only active (or inactive) ones."),),
        descriptions={
            "update_spend_condition": "Change a spend condition; given lists replace the old ones."
        },
    ),
)


def _parameter(
    name: str, annotation: Any, default: Any = inspect.Parameter.empty
) -> inspect.Parameter:
    """A GraphQL argument of a generated resolver."""
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _resolver(
    function: Callable[..., Awaitable[Any]], name: str, returns: Any, *arguments: inspect.Parameter
) -> Callable[..., Awaitable[Any]]:
    """``function`` as the resolver of root field ``name``: Strawberry reads the field's
    arguments and type from the signature given here, not from ``function``'s own."""
    function.__name__ = name
    function.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [_parameter("info", Info), *arguments], return_annotation=returns
    )
    return function


def _without_article(noun: str) -> str:
    """``noun`` without its leading "a" or "an"."""
    return noun.removeprefix("an ").removeprefix("a ")


def _filter_input(row: KindFields) -> type[Any]:
    """The filter input of a kind's list query (``IndustrySectorFilter``): ``search_value`` and
    the kind's own :class:`ListFilter` fields, each optional."""
    fields = (ListFilter("search_value", str, SEARCH_VALUE_DESCRIPTION), *row.filters)
    namespace: dict[str, Any] = {
        "__annotations__": {field.name: field.type | None for field in fields},
        **{
            field.name: strawberry.field(default=None, description=field.description)
            for field in fields
        },
    }
    filter_class = type(f"{row.object_type.__name__}Filter", (), namespace)
    return strawberry.input(
        filter_class, description=f"Which {row.many} to return: those matching every field given."
    )


def _list_arguments(row: KindFields, filter_input: type[Any]) -> list[inspect.Parameter]:
    """The arguments of a kind's list query: its filter, paging and sorting."""
    sort_columns = repository.sort_columns(service.KINDS[row.kind].model)
    sort = Annotated[str | None, sort_argument(sort_columns, repository.DEFAULT_SORT)]
    filter_argument = strawberry.argument(
        name="filter", description=f"Only {row.many} matching it."
    )
    return [
        _parameter("filter_by", Annotated[filter_input | None, filter_argument], None),
        _parameter("page", PageArgument, 1),
        _parameter("size", SizeArgument, DEFAULT_PAGE_SIZE),
        _parameter("sort", sort, None),
        _parameter("order", OrderArgument, SortOrder.DESC),
    ]


def _queries(row: KindFields) -> list[StrawberryField]:
    """``<kind>(id)`` and the list query of one kind."""
    kind, one = row.kind, row.kind.value

    async def get_one(info: Info, id: str) -> Any:
        return await resolve.get(info, kind, id)

    filter_input = _filter_input(row)

    async def search(
        info: Info,
        filter_by: Any | None,
        page: int,
        size: int,
        sort: str | None,
        order: SortOrder,
    ) -> Page[Any]:
        request = page_request(page, size, sort, order)
        equals = filter_values(filter_by, filter_input)
        search_value = equals.pop("search_value")
        return to_page(await resolve.search(info, kind, request, search_value, equals))

    page_type = Page[row.object_type]  # type: ignore[name-defined]
    return [
        strawberry.field(
            resolver=_resolver(get_one, one, row.object_type, _parameter("id", IdArgument)),
            description=row.describe(one, f"One {_without_article(row.a)} by id."),
            extensions=needs(Permission.REFERENCE_READ),
        ),
        strawberry.field(
            resolver=_resolver(
                search, row.list_field, page_type, *_list_arguments(row, filter_input)
            ),
            description=row.describe(row.list_field, f"The {row.many} of the caller's network."),
            extensions=needs(Permission.REFERENCE_READ),
        ),
    ]


def _mutations(row: KindFields) -> list[StrawberryField]:
    """``create_<kind>``, ``update_<kind>`` and ``delete_<kind>``."""
    kind, rules = row.kind, service.KINDS[row.kind]
    create, update, delete = f"create_{kind}", f"update_{kind}", f"delete_{kind}"
    id_argument = _parameter("id", IdArgument)

    async def create_row(info: Info, input: Any) -> Any:
        return await resolve.create(info, kind, to_command(input, rules.create))

    async def update_row(info: Info, id: str, input: Any) -> Any:
        return await resolve.update(info, kind, id, to_command(input, rules.update))

    async def delete_row(info: Info, id: str) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete(info, kind, id)))

    create_input = _parameter("input", row.create_input)
    update_input = _parameter("input", row.update_input)
    return [
        strawberry.mutation(
            resolver=_resolver(create_row, create, row.object_type, create_input),
            description=row.describe(create, f"Create {row.a}."),
            extensions=needs(Permission.REFERENCE_WRITE),
        ),
        strawberry.mutation(
            resolver=_resolver(update_row, update, row.object_type, id_argument, update_input),
            description=row.describe(update, f"Change {row.a}."),
            extensions=needs(Permission.REFERENCE_WRITE),
        ),
        strawberry.mutation(
            resolver=_resolver(delete_row, delete, Identifier, id_argument),
            description=row.describe(delete, f"Delete {row.a} {row.deletable}."),
            extensions=needs(Permission.REFERENCE_WRITE),
        ),
    ]


Query = create_type("Query", [field for row in KINDS for field in _queries(row)])
Mutation = create_type("Mutation", [field for row in KINDS for field in _mutations(row)])
