"""GraphQL types, inputs and root fields for wallets, their commerce balances and journals."""

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from app.auth.permissions import Permission
from app.db import models
from app.errors import GatewayError
from app.metrics import journal_posted, journal_refused
from app.pagination import DEFAULT_PAGE_SIZE
from app.reference.enums import ProductIdType
from app.wallets.commands import CreateWallet, PostJournal, UpdateWallet
from app.wallets.enums import (
    JournalType,
    TopupFrequencyPeriod,
    WalletAction,
    WalletLifeCycleState,
    WalletLimitPeriod,
    WalletTransactionType,
)
from app.wallets.repository import (
    COMMERCE_DEFAULT_SORT,
    COMMERCE_SORT_COLUMNS,
    JOURNAL_DEFAULT_SORT,
    JOURNAL_SORT_COLUMNS,
    JournalFilter,
)
from resolvers import reference as resolve_reference
from resolvers import wallets as resolve
from resolvers.context import Info
from resolvers.inputs import filter_values, to_command
from schema.common import (
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    page_request,
    sort_argument,
    to_page,
)
from schema.mapping import json_document, maps, paged, relation
from schema.permissions import needs
from schema.reference import SpendConditionProduct, SpendConditionTiming
from schema.rows import shown_as

if TYPE_CHECKING:
    from schema.accounts import Account

JournalSortArgument = Annotated[
    str | None, sort_argument(JOURNAL_SORT_COLUMNS, JOURNAL_DEFAULT_SORT)
]


def _created_on(relation: str) -> Any:
    """A journal list's bound on ``created_on`` (the business date; REST ``created_on[..]``)."""
    return strawberry.field(
        default=None, description=f"Only journals created {relation} this time."
    )


CommerceBalanceSortArgument = Annotated[
    str | None, sort_argument(COMMERCE_SORT_COLUMNS, COMMERCE_DEFAULT_SORT)
]


strawberry.enum(WalletLifeCycleState, description="The life cycle state of a wallet.")
strawberry.enum(WalletAction, description="An action that changes a wallet's state.")
strawberry.enum(JournalType, description="Whether a journal credits or debits its wallet.")


@strawberry.input(
    name="JournalFilter",
    description="Which of a wallet's journals to return: those matching every field given.",
)
class JournalFilterInput:
    type: JournalType | None = strawberry.field(
        default=None, description="Only journals of this type."
    )
    created_on_gte: datetime | None = _created_on("at or after")
    created_on_gt: datetime | None = _created_on("after")
    created_on_lt: datetime | None = _created_on("before")
    created_on_lte: datetime | None = _created_on("at or before")


strawberry.enum(
    WalletTransactionType,
    description="The journals a limit rule counts: DEBIT, CREDIT, or TOPUP (credits of the"
    " open balance, i.e. without a spend condition).",
)
strawberry.enum(
    WalletLimitPeriod, description="The calendar period (UTC) over which a limit rule counts."
)
strawberry.enum(TopupFrequencyPeriod, description="The unit of a termed top-up's frequency.")


@strawberry.type(description="A limit rule of a wallet, for one transaction type and period.")
class WalletLimit:
    name: str | None = strawberry.field(description="The rule's name.")
    minimum_amount: Decimal | None = strawberry.field(
        description="The smallest amount a single journal may have."
    )
    maximum_amount: Decimal | None = strawberry.field(
        description="The most the journals of the period may add up to."
    )
    maximum_number: int | None = strawberry.field(
        description="The most journals the period may have."
    )
    period: WalletLimitPeriod = strawberry.field(description="The period counted.")
    transaction_type: WalletTransactionType = strawberry.field(description="The journals counted.")


@strawberry.type(description="A wallet's automatic top-up when its balance falls to a threshold.")
class WalletAutoTopup:
    threshold: Decimal | None = strawberry.field(
        description="The balance at which the top-up happens."
    )
    amount: Decimal = strawberry.field(description="The amount topped up.")
    payment_method: str | None = strawberry.field(
        description="The kind of payment method the funds come from (e.g. CARD)."
    )
    payment_method_id: str | None = strawberry.field(
        description="The contact's payment method identifier."
    )


@strawberry.type(description="How often a termed top-up happens.")
class TopupFrequency:
    period: TopupFrequencyPeriod = strawberry.field(description="DAYS, WEEKS, MONTHS or YEARS.")
    value: int = strawberry.field(description="Every this many periods.")


@strawberry.type(description="The day a termed top-up happens.")
class TopupDay:
    day_of_month: int | None = strawberry.field(description="The day of the month (1-31).")
    day_of_week: str | None = strawberry.field(description="The day of the week (MONDAY...).")


@strawberry.type(description="A wallet's top-up at regular terms.")
class WalletTermedTopup:
    amount: Decimal = strawberry.field(description="The amount topped up each time.")
    frequency: TopupFrequency | None = strawberry.field(description="How often.")
    topup_day: TopupDay | None = strawberry.field(description="On which day.")
    payment_method: str | None = strawberry.field(
        description="The kind of payment method the funds come from."
    )
    payment_method_id: str | None = strawberry.field(
        description="The contact's payment method identifier."
    )


@strawberry.type(description="One of the remaining amounts, by how soon it expires.")
class CommerceBalanceExpiration:
    zero_to_thirty: Decimal = strawberry.field(description="Expiring within 30 days.")
    thirty_to_sixty: Decimal = strawberry.field(description="Expiring in 30 to 60 days.")
    sixty_to_ninety: Decimal = strawberry.field(description="Expiring in 60 to 90 days.")
    ninety_plus: Decimal = strawberry.field(description="Expiring in 90 days or more, or never.")


@strawberry.type(description="A location of an organisation where a commerce balance is spent.")
class CommerceBalanceLocation:
    name: str | None = strawberry.field(description="The location's name.")
    address_line_1: str | None = strawberry.field(description="The address.")
    address_line_2: str | None = strawberry.field(description="More address information.")
    state_province_county: str | None = strawberry.field(description="State/province/county.")
    town_city: str | None = strawberry.field(description="Town or city.")
    postal_code: str | None = strawberry.field(description="Postal code.")
    country_code: str | None = strawberry.field(description="Country code.")
    lat: float | None = strawberry.field(description="Latitude.")
    lon: float | None = strawberry.field(description="Longitude.")
    google_place_id: str | None = strawberry.field(description="Google place identifier.")


@strawberry.type(description="An organisation where a commerce balance may be spent.")
class CommerceBalanceOrganisation:
    id: strawberry.ID = strawberry.field(description="The organisation identifier.")
    name: str = strawberry.field(description="The organisation name.")

    @strawberry.field(description="The organisation's locations.")
    async def locations(self, info: Info) -> list[CommerceBalanceLocation]:
        loader = info.context.loaders.get(resolve.LocationsByOrganisationIdLoader)
        return await loader.load(self.id)


@strawberry.type(
    description="The part of a wallet's commerce balance that one spend condition credited,"
    " with the condition's details."
)
class CommerceBalance:
    view: strawberry.Private[Any]

    @strawberry.field(description="The spend condition identifier.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.view.spend_condition.id)

    @strawberry.field(description="The spend condition's name.")
    def name(self) -> str:
        return str(self.view.spend_condition.name)

    @strawberry.field(description="The balance left to spend under the condition.")
    def amount(self) -> Decimal:
        return Decimal(self.view.amount)

    @strawberry.field(description="The wallet's currency.")
    def currency_code(self) -> str:
        return str(self.view.currency_code)

    @strawberry.field(description="The organisations where the balance may be spent.")
    async def organisations(self, info: Info) -> list[CommerceBalanceOrganisation]:
        ids: list[str] = self.view.spend_condition.organisation_ids or []
        loader = info.context.loaders.get(resolve_reference.OrganisationByIdLoader)
        rows = await loader.load_many(ids)
        return [
            CommerceBalanceOrganisation(id=strawberry.ID(row.id), name=row.name)
            for row in rows
            if row is not None
        ]

    @strawberry.field(description="The products the balance may be spent on.")
    def products(self) -> list[SpendConditionProduct]:
        return [
            SpendConditionProduct(
                id_type=ProductIdType(item["id_type"]),
                id=item["id"],
                name=item.get("name"),
                description=item.get("description"),
            )
            for item in self.view.spend_condition.products or []
        ]

    @strawberry.field(description="When the balance may be spent.")
    def timings(self) -> list[SpendConditionTiming]:
        return [
            SpendConditionTiming(
                month=item.get("month"),
                day=item.get("day"),
                start_time=item.get("start_time"),
                end_time=item.get("end_time"),
            )
            for item in self.view.spend_condition.timings or []
        ]

    @strawberry.field(
        description="The balance by how soon it expires; only when include_expiration is true."
    )
    def expiration(self) -> CommerceBalanceExpiration | None:
        if self.view.expiration is None:
            return None
        return CommerceBalanceExpiration(**self.view.expiration)


@maps(models.Journal)
@strawberry.type(description="One credit or debit of a wallet.")
class Journal:
    id: strawberry.ID = strawberry.field(description="The journal identifier.")
    wallet_id: strawberry.ID = strawberry.field(description="The wallet credited or debited.")
    type: JournalType = strawberry.field(description="CREDIT or DEBIT.")
    amount: Decimal = strawberry.field(description="The amount (positive).")
    currency_code: str = strawberry.field(description="The wallet's currency.")
    description: str | None = strawberry.field(description="What the journal is for.")
    spend_condition_id: strawberry.ID | None = strawberry.field(
        description="The spend condition whose commerce balance moved, if any."
    )
    valid_from: datetime | None = strawberry.field(description="From when the amount is valid.")
    valid_to: datetime | None = strawberry.field(description="Until when the amount is valid.")
    allow_negative_balance: bool = strawberry.field(
        description="Whether the debit was allowed to take the balance below zero."
    )
    balance_after: Decimal = strawberry.field(description="The wallet's balance after posting.")
    created_on: datetime = strawberry.field(
        description="The business date: when the journal actually happened (as the caller gave"
        " it, else the posting time)."
    )
    posted_on: datetime = strawberry.field(
        description="When the gateway posted the journal (server clock); limit periods count"
        " by this time."
    )

    wallet: "Wallet" = relation(
        resolve.WalletByIdLoader,
        description="The wallet the journal belongs to (needs WALLETS_READ).",
        parent_key="wallet_id",
        needs=Permission.WALLETS_READ,
    )


@maps(models.Wallet)
@strawberry.type(description="An account's wallet: its balances, limit rules and top-ups.")
class Wallet:
    id: strawberry.ID = strawberry.field(description="The wallet identifier.")
    code: str = strawberry.field(description="The wallet's unique 16-digit code.")
    life_cycle_state: WalletLifeCycleState = strawberry.field(
        description="EFFECTIVE or TERMINATED."
    )
    currency_code: str = strawberry.field(description="The wallet's currency (the account's).")
    balance: Decimal = strawberry.field(description="The total balance: open plus commerce.")
    open_balance: Decimal = strawberry.field(description="The balance that may be spent anywhere.")
    commerce_balance: Decimal = strawberry.field(
        description="The balance credited under spend conditions."
    )
    minimum_balance: Decimal | None = strawberry.field(
        description="The balance debits may not take the wallet below."
    )
    account_id: strawberry.ID = strawberry.field(description="The account the wallet belongs to.")
    created_on: datetime = strawberry.field(description="When the wallet was created.")
    terminated_on: datetime | None = strawberry.field(description="When the wallet was terminated.")
    limit_rules: strawberry.Private[list[dict[str, Any]] | None]
    auto_topup: strawberry.Private[dict[str, Any] | None]
    termed_topup: strawberry.Private[dict[str, Any] | None]

    # Declared as attributes, like the JSON fields after it, to keep the schema's field order.
    account: Annotated["Account", strawberry.lazy("schema.accounts")] | None = relation(
        resolve.AccountByIdLoader,
        parent_key="account_id",
        description="The account the wallet belongs to (needs ACCOUNTS_READ).",
        needs=Permission.ACCOUNTS_READ,
    )
    limits: list[WalletLimit] = json_document(
        "limit_rules", WalletLimit, many=True, description="The wallet's limit rules."
    )
    auto_topup_settings: WalletAutoTopup | None = json_document(
        "auto_topup",
        WalletAutoTopup,
        name="auto_topup",
        description="The wallet's automatic top-up, if set.",
    )
    termed_topup_settings: WalletTermedTopup | None = json_document(
        "termed_topup",
        WalletTermedTopup,
        name="termed_topup",
        description="The wallet's termed top-up, if set.",
    )

    @strawberry.field(
        description="The wallet's journals, newest first by default.",
        metadata=paged(resolve.JournalPageByWalletIdLoader),
    )
    async def journals(
        self,
        info: Info,
        filter_by: Annotated[
            JournalFilterInput | None,
            strawberry.argument(name="filter", description="Only journals matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: JournalSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Journal]:
        request = page_request(page, size, sort, order)
        filters = JournalFilter(**filter_values(filter_by, JournalFilterInput))
        key = (self.id, request, filters)
        loader = info.context.loaders.get(resolve.JournalPageByWalletIdLoader)
        return to_page(await loader.load(key))

    @strawberry.field(
        description="The wallet's commerce balances, one per spend condition that credited"
        " it (without expiration; see wallet_commerce_balances)."
    )
    async def commerce_balances(self, info: Info) -> list[CommerceBalance]:
        loader = info.context.loaders.get(resolve.CommerceBalancesByWalletIdLoader)
        return [CommerceBalance(view=view) for view in await loader.load(self.id)]


@strawberry.input(description="A limit rule; give at least one of the amounts or the number.")
class WalletLimitRuleInput:
    name: str | None = strawberry.field(default=None, description="The rule's name.")
    limit_amount: Decimal | None = strawberry.field(
        default=None, description="The maximum amount (the spec's example name)."
    )
    maximum_amount: Decimal | None = strawberry.field(
        default=None, description="The most the journals of the period may add up to."
    )
    minimum_amount: Decimal | None = strawberry.field(
        default=None, description="The smallest amount a single journal may have."
    )
    maximum_number: int | None = strawberry.field(
        default=None, description="The most journals the period may have."
    )
    transaction_type: list[WalletTransactionType] = strawberry.field(
        description="The journals counted: one type or a list (one rule per type is kept)."
    )
    period: WalletLimitPeriod = strawberry.field(description="The period counted.")


@strawberry.input(description="A new wallet for an account.")
class CreateWalletInput:
    minimum_balance: Decimal | None = strawberry.field(
        default=None, description="The balance debits may not take the wallet below."
    )
    limit_rules: list[WalletLimitRuleInput] | None = strawberry.field(
        default=None, description="The wallet's limit rules."
    )


@strawberry.input(description="A payment method: its kind and the contact's identifier of it.")
class PaymentMethodInput:
    type: str | None = strawberry.field(default=None, description="The kind (e.g. CARD).")
    id: str | None = strawberry.field(default=None, description="The payment method identifier.")


@strawberry.input(description="An automatic top-up when the balance falls to a threshold.")
class AutoTopupInput:
    threshold: Decimal = strawberry.field(description="The balance that triggers the top-up.")
    amount: Decimal = strawberry.field(description="The amount topped up (positive).")
    payment_method: PaymentMethodInput | None = strawberry.field(
        default=None, description="Where the funds come from."
    )


@strawberry.input(description="How often a termed top-up happens.")
class TopupFrequencyInput:
    period: TopupFrequencyPeriod = strawberry.field(description="DAYS, WEEKS, MONTHS or YEARS.")
    value: int = strawberry.field(default=1, description="Every this many periods.")


@strawberry.input(description="The day a termed top-up happens.")
class TopupDayInput:
    day_of_month: int | None = strawberry.field(default=None, description="Day of the month.")
    day_of_week: str | None = strawberry.field(default=None, description="MONDAY ... SUNDAY.")


@strawberry.input(description="A top-up at regular terms.")
class TermedTopupInput:
    amount: Decimal = strawberry.field(description="The amount topped up each time (positive).")
    frequency: TopupFrequencyInput | None = strawberry.field(default=None, description="How often.")
    topup_day: TopupDayInput | None = strawberry.field(default=None, description="On which day.")
    payment_method: PaymentMethodInput | None = strawberry.field(
        default=None, description="Where the funds come from."
    )


@strawberry.input(description="Changes to a wallet; fields left out stay as they are.")
class UpdateWalletInput:
    auto_topup: AutoTopupInput | None = strawberry.field(
        default=strawberry.UNSET, description="The automatic top-up; null removes it."
    )
    termed_topup: TermedTopupInput | None = strawberry.field(
        default=strawberry.UNSET, description="The termed top-up; null removes it."
    )
    limit_rules: list[WalletLimitRuleInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of limit rules."
    )
    minimum_balance: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description="The balance debits may not take the wallet below."
    )


@strawberry.input(description="A change of a wallet's state.")
class WalletActionInput:
    action: WalletAction = strawberry.field(
        description="TERMINATED: terminate the wallet (its balance must be zero)."
    )


@strawberry.input(description="A journal that credits or debits a wallet.")
class PostJournalInput:
    wallet_id: strawberry.ID = strawberry.field(description="The wallet (id or code).")
    amount: Decimal = strawberry.field(
        description="The amount: positive, with no more decimals than the wallet's currency"
        " (ISO 4217: EUR 2, JPY 0; at most 4)."
    )
    type: JournalType = strawberry.field(description="CREDIT or DEBIT.")
    currency_code: str | None = strawberry.field(
        default=None, description="The wallet's currency (the default); no other is accepted."
    )
    description: str | None = strawberry.field(default=None, description="What it is for.")
    spend_condition_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A credit goes to, a debit comes from, this spend condition's commerce"
        " balance.",
    )
    valid_from: datetime | None = strawberry.field(default=None, description="Valid from.")
    valid_to: datetime | None = strawberry.field(
        default=None, description="Valid to (credits: when the amount expires)."
    )
    created_on: datetime | None = strawberry.field(
        default=None,
        description="The business date: when the journal actually happened (default: now)."
        " At most 5 minutes ahead of the server's clock and 366 days behind it (else an"
        " INVALIDVALUE error naming created_on). Limits ignore it: they count by posting time.",
    )
    allow_negative_balance: bool = strawberry.field(
        default=False,
        description="Let a debit take the balance below zero and below the minimum balance.",
    )


@strawberry.input(description="Which commerce balances to return: those matching every field.")
class CommerceBalanceFilter:
    spend_condition_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this spend condition."
    )
    currency_code: str | None = strawberry.field(
        default=None, description="The wallet's currency (the only one accepted)."
    )


@strawberry.type
class Query:
    @strawberry.field(
        extensions=needs(Permission.WALLETS_READ), description="One wallet by id or code."
    )
    async def wallet(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Id or code.")],
    ) -> Wallet:
        return shown_as(Wallet, await resolve.wallet(info, id))

    @strawberry.field(
        extensions=needs(Permission.WALLETS_READ),
        description="A wallet's commerce balance by spend condition, with the conditions' details.",
    )
    async def wallet_commerce_balances(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Wallet id or code.")],
        filter_by: Annotated[
            CommerceBalanceFilter | None,
            strawberry.argument(name="filter", description="Only balances matching it."),
        ] = None,
        include_expiration: Annotated[
            bool, strawberry.argument(description="Also give the balance by expiry.")
        ] = False,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: CommerceBalanceSortArgument = None,
        order: OrderArgument = SortOrder.ASC,
    ) -> list[CommerceBalance]:
        filters = filter_values(filter_by, CommerceBalanceFilter)
        filters["include_expiration"] = include_expiration
        views = await resolve.wallet_commerce_balances(
            info, id, page_request(page, size, sort, order), filters
        )
        return [CommerceBalance(view=view) for view in views]

    @strawberry.field(extensions=needs(Permission.JOURNALS_READ), description="One journal by id.")
    async def journal(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The journal id.")],
    ) -> Journal:
        return shown_as(Journal, await resolve.journal(info, id))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=needs(Permission.WALLETS_WRITE),
        description="Add a wallet to an account that has no EFFECTIVE wallet (its currency).",
    )
    async def create_wallet(
        self,
        info: Info,
        account_id: Annotated[
            strawberry.ID, strawberry.argument(description="The account (id or number).")
        ],
        input: Annotated[CreateWalletInput, strawberry.argument(description="The wallet.")],
    ) -> Wallet:
        command = to_command(input, CreateWallet)
        return shown_as(Wallet, await resolve.create_wallet(info, account_id, command))

    @strawberry.mutation(
        extensions=needs(Permission.WALLETS_WRITE),
        description="Change a wallet's settings; fields left out stay.",
    )
    async def update_wallet(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Wallet id or code.")],
        input: Annotated[UpdateWalletInput, strawberry.argument(description="The changes.")],
    ) -> Wallet:
        command = to_command(input, UpdateWallet)
        return shown_as(Wallet, await resolve.update_wallet(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.WALLETS_WRITE),
        description="Change a wallet's state (TERMINATED: zero balance only).",
    )
    async def wallet_action(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Wallet id or code.")],
        input: Annotated[WalletActionInput, strawberry.argument(description="The action.")],
    ) -> Wallet:
        return shown_as(Wallet, await resolve.terminate_wallet(info, id))

    @strawberry.mutation(
        extensions=needs(Permission.JOURNALS_WRITE),
        description="Credit or debit a wallet with one journal.",
    )
    async def post_journal(
        self,
        info: Info,
        input: Annotated[PostJournalInput, strawberry.argument(description="The journal.")],
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="Sent again with the same input, answers with the first journal"
                " and posts nothing (default: the Idempotency-Key header)."
            ),
        ] = None,
    ) -> Journal:
        try:
            command = to_command(input, PostJournal)
            journal = await resolve.post_journal(info, command, idempotency_key)
        except GatewayError as error:
            journal_refused(error)
            raise
        journal_posted(str(command.type))
        return shown_as(Journal, journal)
