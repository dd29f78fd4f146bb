"""Wallet and journal routes (spec routes 12-16), plus reads of a wallet and a journal."""

from typing import Any

from rest_compat.json_schema import JsonSchema, non_null
from rest_compat.route import PAGING, RestRoute, Shape, identifier

SECTION = "Wallets"
JOURNALS_SECTION = "Journals"
ID_OR_CODE = "`{id}` accepts the wallet's id or its 16-digit code."
LIMIT_NOTES = (
    "limit_rules[]: {name, limit_amount or maximum_amount (the same thing: the spec's example"
    " says limit_amount, its field list maximum_amount), minimum_amount, maximum_number,"
    " transaction_type (CREDIT, DEBIT or TOPUP, one or a list), period (DAILY, WEEKLY,"
    " MONTHLY, ANNUAL)}. A rule given for several transaction types is kept as one rule per"
    " type, each counted separately. TOPUP counts credits without a spend condition.",
    "Limits count, per rule, the wallet's journals of that type posted in the current"
    " calendar period (UTC; weeks start on Monday) by the server's clock (the journal's"
    " posted_on), never by the created_on a caller sends: their sum plus the new amount may"
    " not exceed maximum_amount, their number plus one may not exceed maximum_number, and a"
    " single amount must be at least minimum_amount"
    ' (400 CRM.EXCEPTIONS.WALLETLIMITEXCEEDEDEXCEPTION, parameters ["wallet", id]).',
    "There are no global wallet rules in this gateway: a wallet without minimum_balance or"
    " limit_rules has no minimum (other than zero) and no limits.",
)
WALLET_FIELDS = """
    id code life_cycle_state currency_code balance open_balance commerce_balance
    minimum_balance account_id created_on terminated_on
    limits { name minimum_amount maximum_amount maximum_number period transaction_type }
    auto_topup { threshold amount payment_method payment_method_id }
    termed_topup {
        amount frequency { period value } topup_day { day_of_month day_of_week }
        payment_method payment_method_id
    }
"""
JOURNAL_FIELDS = """
    id wallet_id type amount currency_code description spend_condition_id valid_from valid_to
    allow_negative_balance balance_after created_on posted_on
"""
COMMERCE_FIELDS = """
    id name amount currency_code
    organisations {
        id name
        locations {
            name address_line_1 address_line_2 state_province_county town_city postal_code
            country_code lat lon google_place_id
        }
    }
    products { id_type id name description }
    timings { month day start_time end_time }
    expiration { zero_to_thirty thirty_to_sixty sixty_to_ninety ninety_plus }
"""


def _commerce_balances(data: Any) -> list[dict[str, Any]]:
    return [
        {key: value for key, value in item.items() if key != "expiration" or value is not None}
        for item in data
    ]


def _commerce_balances_schema(selected: JsonSchema) -> JsonSchema:
    item = dict(selected["items"])
    properties = dict(item["properties"])
    properties["expiration"] = non_null(properties["expiration"])
    required = [name for name in item["required"] if name != "expiration"]
    return {**selected, "items": {**item, "properties": properties, "required": required}}


commerce_balances = Shape(_commerce_balances, _commerce_balances_schema)
"""The top-level array; ``expiration`` is left out unless include_expiration asked for it."""


def _wallet_journals_schema(selected: JsonSchema) -> JsonSchema:
    return non_null(selected["properties"]["journals"])


wallet_journals = Shape(lambda data: data["journals"], _wallet_journals_schema)
"""The wallet's page of journals (``content`` and ``paging``), without the wallet around it."""

# The spec's date-range filter (`created_on[gte]=...&created_on[lt]=...`, epoch seconds).
CREATED_ON_BOUNDS = {f"created_on[{op}]": f"created_on_{op}" for op in ("gte", "gt", "lt", "lte")}


ROUTES = [
    RestRoute(
        method="POST",
        path="/accounts/{id}/wallets",
        section=SECTION,
        summary="Add a new Wallet to an Account that has no Effective Wallet",
        document="""mutation ($id: ID!, $body: CreateWalletInput!) {
            create_wallet(account_id: $id, input: $body) { id }
        }""",
        body="body",
        status=201,
        shape=identifier,
        example_body={
            "minimum_balance": 10.99,
            "limit_rules": [
                {"limit_amount": 100.99, "transaction_type": "DEBIT", "period": "MONTHLY"}
            ],
        },
        notes=(
            "`{id}` accepts the account's id or its number.",
            'Refused with 409 (parameters ["wallet", <effective wallet id>]) while the account'
            ' has an EFFECTIVE wallet, and with 400 (parameters ["account", id]) when the'
            " account is TERMINATED.",
            "The wallet takes the account's currency; its code is a unique random 16-digit number.",
            "minimum_balance may not be negative; debits may not take the total balance below it.",
            *LIMIT_NOTES,
        ),
    ),
    RestRoute(
        method="PUT",
        path="/wallets/{id}",
        section=SECTION,
        summary="Update a single Wallet",
        document="""mutation ($id: ID!, $body: UpdateWalletInput!) {
            update_wallet(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "auto_topup": {
                "threshold": 0.01,
                "amount": 10.5,
                "payment_method": {"type": "CARD", "id": "4dc0809f-ed91-4b68-b912-5bd6064d901e"},
            },
            "termed_topup": {
                "amount": 10.5,
                "frequency": {"period": "MONTHS", "value": 1},
                "topup_day": {"day_of_month": 1, "day_of_week": "MONDAY"},
                "payment_method": {"type": "", "id": ""},
            },
            "limit_rules": [
                {
                    "name": "VIP",
                    "maximum_amount": 9.99,
                    "maximum_number": 10,
                    "period": "ANNUAL",
                    "transaction_type": ["TOPUP"],
                }
            ],
        },
        notes=(
            ID_OR_CODE,
            "Fields left out stay as they are; auto_topup or termed_topup null removes the"
            " setting; limit_rules replaces the whole list.",
            "auto_topup.payment_method {type, id} is stored and shown (GET /wallets/{id}, account"
            " financials) as payment_method (the type) and payment_method_id, the financials"
            " shape. Empty strings count as not given.",
            "Amounts (auto_topup.amount, termed_topup.amount, limit amounts) must be positive,"
            " auto_topup.threshold and minimum_balance not negative: 400 naming the field.",
            "termed_topup.frequency.period is DAYS, WEEKS, MONTHS or YEARS.",
            "A TERMINATED wallet cannot be changed (400).",
            *LIMIT_NOTES,
        ),
    ),
    RestRoute(
        method="POST",
        path="/wallets/{id}/actions",
        section=SECTION,
        summary="Update an existing Wallet's state (terminate it)",
        document="""mutation ($id: ID!, $body: WalletActionInput!) {
            wallet_action(id: $id, input: $body) { id }
        }""",
        body="body",
        status=201,
        shape=identifier,
        example_body={"action": "TERMINATED"},
        notes=(
            ID_OR_CODE,
            "The spec documents the public API key for this route; the gateway requires a secret"
            " key (or a signed-in user): a public key must not be able to change money (403).",
            "action TERMINATED terminates the wallet only when its open balance and every"
            ' commerce balance are zero; otherwise 400 (parameters ["wallet", id]): money is'
            " never dropped silently. Debit it, or terminate the account with"
            " transfer_to_account_id, which moves the balance first.",
            "Terminating a wallet that is TERMINATED already changes nothing and answers 201.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/wallets/{id}/commerce_balances",
        section=SECTION,
        summary="Retrieve a wallet's business (commerce) balance breakdown per spend condition",
        document=f"""query ($id: ID!, $spend_condition_id: ID, $currency_code: String,
                $include_expiration: Boolean = false, $page: Int = 1, $size: Int = 20,
                $sort: String, $order: SortOrder = ASC) {{
            wallet_commerce_balances(id: $id,
                filter: {{spend_condition_id: $spend_condition_id, currency_code: $currency_code}},
                include_expiration: $include_expiration,
                page: $page, size: $size, sort: $sort, order: $order) {{ {COMMERCE_FIELDS} }}
        }}""",
        query={
            name: name
            for name in (
                "spend_condition_id",
                "currency_code",
                "include_expiration",
                "sort",
                "order",
                "page",
                "size",
            )
        },
        shape=commerce_balances,
        notes=(
            ID_OR_CODE,
            "The answer is a top-level JSON array as in the spec (paged by page and size; sort"
            " by name (default) or amount, order ASC (default) or DESC).",
            "The spec's example field curency_code is answered as currency_code.",
            "One item per spend condition that ever credited the wallet, including those whose"
            " balance is now zero.",
            "currency_code, if given, must be the wallet's currency (400 otherwise).",
            "expiration appears only with include_expiration=true: the remaining balance split by"
            " the valid_to of the credits that make it up, assuming the earliest-expiring"
            " credits are spent first; credits without valid_to count as ninety_plus, credits"
            " already past valid_to as zero_to_thirty (nothing expires balances here).",
        ),
    ),
    RestRoute(
        method="POST",
        path="/journals",
        section=JOURNALS_SECTION,
        summary="Create a Wallet Journal Entry that either debits or credits the wallet",
        document="""mutation ($body: PostJournalInput!, $idempotency_key: String) {
            post_journal(input: $body, idempotency_key: $idempotency_key) { id }
        }""",
        body="body",
        headers={"idempotency-key": "idempotency_key"},
        shape=identifier,
        example_body={
            "wallet_id": "4AD9C84FA60F9FE407140E20F707726A",
            "amount": 10,
            "type": "DEBIT",
            "description": "Credit adjustment by 10 EUR",
            "spend_condition_id": "4AD9C84FA60F9FE407140E20F707726A",
            "valid_from": 1587988965,
            "valid_to": 1587988965,
            "created_on": 1588081851,
        },
        notes=(
            "wallet_id accepts the wallet's id or code. amount must be positive with no more"
            " decimals than the wallet's currency has (ISO 4217 minor unit: EUR 2, JPY 0,"
            ' BHD 3; at most 4): EUR 0.001 is a 400 naming amount (parameters ["amount"]);'
            " currency_code defaults to the wallet's and no other is accepted (400).",
            "The documented but unnamed flag that lets a debit take the balance below zero is"
            " named allow_negative_balance (boolean, default false); it also lifts the wallet's"
            " minimum_balance.",
            "A credit with spend_condition_id goes to that spend condition's commerce balance, a"
            " debit with one comes from it; without one the open balance moves. A debit that"
            " would take the balance it draws from below zero, or the wallet's total below its"
            " minimum_balance, is refused: 400 CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION,"
            ' parameters ["wallet", id].',
            "A TERMINATED wallet takes no journals (400).",
            'created_on is the journal\'s business date ("when the journal actually created"),'
            " default now; it is stored and shown as given but changes no rule: limits count"
            " by posted_on, the server's clock at posting. It may lead the server's clock by"
            " at most 5 minutes and lag it by at most 366 days; outside that window 400"
            ' naming created_on (parameters ["created_on"]). The spec example\'s created_on'
            " (April 2020) is therefore refused today; send a recent time.",
            "Idempotency-Key header (optional): the same key (per organisation and mode) with"
            " the same body answers with the first journal's id and posts nothing; with another"
            " body 409 CRM.EXCEPTIONS.IDEMPOTENCYKEYREUSEDEXCEPTION. Refused requests are not"
            " remembered, so a corrected retry may reuse the key.",
            *LIMIT_NOTES,
        ),
    ),
    RestRoute(
        method="GET",
        path="/wallets/{id}",
        section=SECTION,
        summary="Get a single wallet with its balances and settings (not in the spec)",
        document=f"""query ($id: ID!) {{ wallet(id: $id) {{ {WALLET_FIELDS} }} }}""",
        notes=(ID_OR_CODE, "Not in the spec; the wallet fields of the account financials."),
    ),
    RestRoute(
        method="GET",
        path="/wallets/{id}/journals",
        section=JOURNALS_SECTION,
        summary="List a wallet's journal entries (not in the spec)",
        document=f"""query ($id: ID!, $type: JournalType, $created_on_gte: DateTime,
                $created_on_gt: DateTime, $created_on_lt: DateTime, $created_on_lte: DateTime,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            wallet(id: $id) {{
                journals(filter: {{type: $type, created_on_gte: $created_on_gte,
                        created_on_gt: $created_on_gt, created_on_lt: $created_on_lt,
                        created_on_lte: $created_on_lte}},
                    page: $page, size: $size, sort: $sort, order: $order) {{
                    content {{ {JOURNAL_FIELDS} }} {PAGING}
                }}
            }}
        }}""",
        query={
            "type": "type",
            **CREATED_ON_BOUNDS,
            **{name: name for name in ("page", "size", "sort", "order")},
        },
        shape=wallet_journals,
        notes=(
            ID_OR_CODE,
            "Not in the spec: the wallet's journals, newest first by default, paged like the"
            " spec's lists (page from 1, size 1 or more, served at most 100 a page; paging"
            " says the size served, the total and has_more).",
            "type: CREDIT or DEBIT. created_on[gte], created_on[gt], created_on[lt] and"
            " created_on[lte] (epoch seconds, as the spec's searches take them) bound the"
            " journals' business date (created_on); give up to four.",
            "sort: created_on (default), posted_on, amount or type; order DESC (default) or ASC."
            " Ties are broken by the journal id in the same direction.",
            "In GraphQL: wallet(id) { journals(...) }, the same field.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/journals/{id}",
        section=JOURNALS_SECTION,
        summary="Get a single wallet journal entry (not in the spec)",
        document=f"""query ($id: ID!) {{ journal(id: $id) {{ {JOURNAL_FIELDS} }} }}""",
        notes=("Not in the spec.",),
    ),
]
