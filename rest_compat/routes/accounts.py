"""Account routes (spec routes 1-11)."""

from typing import Any

from rest_compat.json_schema import JsonSchema, non_null, nullable, object_schema
from rest_compat.route import PAGING, RestRoute, Shape, identifier

SECTION = "Accounts"
ID_OR_NUMBER = "`{id}` accepts the account's id or its number."
ADDRESS_FIELDS = """
    id address_line_1 address_line_2 state_province_county town_city postal_code country_code
"""
LIST_ITEM_FIELDS = """
    id is_primary name number life_cycle_state currency_code
    classification { id name }
    balance credit_limit overdue_amount
    payment_terms { id name }
    wallet { id code balance currency_code life_cycle_state }
"""
ACCOUNT_FIELDS = f"""
    {LIST_ITEM_FIELDS}
    opening_balance contact_id created_on terminated_on
    billing_address {{ {ADDRESS_FIELDS} }}
"""
FINANCIAL_FIELDS = f"""
    id name number is_primary life_cycle_state currency_code
    balance overdue_amount credit_limit opening_balance
    classification {{ id name }}
    accounting_period {{ id name }}
    billing_address {{ {ADDRESS_FIELDS} }}
    payment_terms {{ id name }}
    wallet {{
        id code life_cycle_state balance open_balance commerce_balance currency_code
        minimum_balance
        limits {{ minimum_amount maximum_amount period transaction_type }}
        auto_topup {{ threshold amount payment_method payment_method_id }}
    }}
"""
REWARD_FIELDS = (
    "signed_up_on",
    "signed_up_organisation",
    "spending_blocked_status",
    "automatic_spend_settings",
    "preferred_payment_method_id",
    "reward_tier",
    "reward_schemes",
    "merchants",
    "organisations",
)


IDENTITY_FIELDS = ("id", "name", "number", "currency_code")


def _account_rewards(data: Any) -> dict[str, Any]:
    rewards = data.get("rewards") or {}
    flat = {key: data[key] for key in IDENTITY_FIELDS}
    return flat | {key: rewards.get(key) for key in REWARD_FIELDS}


def _account_rewards_schema(selected: JsonSchema) -> JsonSchema:
    account = selected["properties"]
    rewards = non_null(account["rewards"])["properties"]
    properties = {key: account[key] for key in IDENTITY_FIELDS} | {
        key: nullable(non_null(rewards[key])) for key in REWARD_FIELDS
    }
    return object_schema(properties, properties, selected.get("description"))


account_rewards = Shape(_account_rewards, _account_rewards_schema)
"""The account's identity with its reward attributes beside it (null on other accounts)."""


ROUTES = [
    RestRoute(
        method="POST",
        path="/contacts/{contact_id}/accounts",
        section=SECTION,
        summary="Add a new customer account to an existing contact",
        document="""mutation ($contact_id: ID!, $body: CreateAccountInput!) {
            create_account(contact_id: $contact_id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "classification_id": "4AD9C84FA60F9FE407140E20F707726A",
            "currency_code": "EUR",
            "is_primary": True,
            "billing_address_id": "E407140E20F707726A4AD9C84FA60F9F",
        },
        notes=(
            "`{contact_id}` accepts the contact's id or code.",
            "Answers 200 with the new account's id (the spec documents the body, not the status).",
            "A contact's first account (or its first while it has no non-terminated primary"
            " account) is primary whatever is_primary says; is_primary=true moves the primary"
            " flag from the previous primary account.",
            'The account number is generated ("AC" and eight digits, unique per organisation'
            ' and mode) and the name is "<contact name> <number>".',
            "billing_address_id must be one of the contact's addresses (404 naming `address`).",
        ),
    ),
    RestRoute(
        method="PUT",
        path="/accounts/{id}",
        section=SECTION,
        summary="Update the account of a contact",
        document="""mutation ($id: ID!, $body: UpdateAccountInput!) {
            update_account(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "classification_id": "4AD9C84FA60F9FE407140E20F707726A",
            "is_primary": True,
            "billing_address_id": "4AD9C84FA60F9FE407140E20F707726A",
            "credit_limit": 200,
            "payment_terms_id": "4AD9C84FA60F9FE407140E20F707726A",
        },
        notes=(
            ID_OR_NUMBER,
            "is_primary=false on the contact's primary account is a 400: a contact keeps one"
            " primary account; make another one primary instead.",
            "A TERMINATED account cannot be changed (400).",
        ),
    ),
    RestRoute(
        method="GET",
        path="/contacts/{contact_id}/accounts",
        section=SECTION,
        summary="Get a list of Contact Accounts",
        document=f"""query ($contact_id: ID!, $is_primary: Boolean,
                $life_cycle_state: AccountLifeCycleState,
                $page: Int = 1, $size: Int = 20, $sort: String, $order: SortOrder = DESC) {{
            contact_accounts(contact_id: $contact_id,
                filter: {{is_primary: $is_primary, life_cycle_state: $life_cycle_state}},
                page: $page, size: $size, sort: $sort, order: $order) {{
                content {{ {LIST_ITEM_FIELDS} }} {PAGING}
            }}
        }}""",
        query={
            name: name
            for name in ("is_primary", "life_cycle_state", "page", "size", "sort", "order")
        },
        notes=(
            "`{contact_id}` accepts the contact's id or code.",
            'The spec\'s example key "life_cycle _state" is answered as life_cycle_state.',
            "sort: created_on (default), number, name, currency_code, balance, life_cycle_state.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/accounts/{id}/life_cycle_state",
        section=SECTION,
        summary="Change the life cycle state of the Account",
        document="""mutation ($id: ID!, $body: ChangeAccountLifeCycleStateInput!) {
            change_account_life_cycle_state(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "life_cycle_state": "SUSPENDED",
            "transfer_to_account_id": "CAD1E31269B76D7A65ACCE45B2E68DFD",
        },
        notes=(
            ID_OR_NUMBER,
            "ACTIVE and SUSPENDED switch freely; TERMINATED is final (any later change is a 400).",
            "Terminating requires transfer_to_account_id (id or number): another visible,"
            " non-terminated account in the same currency. The account's balance and its"
            " wallet's balance move there in the same transaction, and its wallet is"
            " terminated. transfer_to_account_id is ignored for other states.",
            "A primary account whose contact has other non-terminated accounts must transfer"
            " to one of them, which becomes the contact's primary account.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/accounts/{id}/financials",
        section=SECTION,
        summary="Get a single Account with its financial information",
        document=f"""query ($id: ID!) {{ account(id: $id) {{ {FINANCIAL_FIELDS} }} }}""",
        notes=(
            ID_OR_NUMBER,
            "accounting_period is always null: this gateway keeps no accounting periods.",
            'is_primary is a JSON boolean (the spec\'s example shows the string "true").',
            "The answer also carries the account's id.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/accounts/{id}",
        section=SECTION,
        summary="Get a single account (not in the spec)",
        document=f"""query ($id: ID!) {{ account(id: $id) {{ {ACCOUNT_FIELDS} }} }}""",
        notes=(
            ID_OR_NUMBER,
            "Not in the spec (which documents PUT on this path): the account as the list of a"
            " contact's accounts shows it, with its contact, dates and billing address. Its"
            " financial details are GET /accounts/{id}/financials, its rewards"
            " GET /accounts/{id}/rewards, its wallet's journals GET /wallets/{id}/journals.",
        ),
    ),
    RestRoute(
        method="PUT",
        path="/accounts/{id}/rewards",
        section=SECTION,
        summary="Update the reward attributes of the primary account of a contact",
        document="""mutation ($id: ID!, $body: UpdateAccountRewardsInput!) {
            update_account_rewards(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "signed_up_on": 1583846865,
            "signed_up_organisation_id": "CAD1E31269B76D7A65ACCE45B2E68DFD",
            "spending_blocked_status": "true",
            "automatic_spend_settings": {
                "enable_automatic_spend": "false",
                "automatic_spend_preference": "ALL_MERCHANT_PURCHASE",
                "minimum_wallet_balance": 1,
                "from_purchase_amount": 1.76,
            },
            "preferred_payment_method_id": "CAD1E31269B76D7A65ACCE45B2E68DCD",
        },
        notes=(
            ID_OR_NUMBER,
            "Only a contact's primary account holds reward information: other accounts answer"
            " 400 (CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION naming the account).",
            "signed_up_organisation_id must be an organisation of the caller's network (404).",
            "minimum_wallet_balance and from_purchase_amount apply only to"
            " ALL_MERCHANT_PURCHASE (400 otherwise); NEXT_MERCHANT_PURCHASE clears them.",
            "preferred_payment_method_id is accepted (the example sends it) and stored as given.",
        ),
    ),
    RestRoute(
        method="GET",
        path="/accounts/{id}/rewards",
        section=SECTION,
        summary="Get a single account, along with its reward details",
        document="""query ($id: ID!) {
            account(id: $id) {
                id name number currency_code
                rewards {
                    signed_up_on
                    signed_up_organisation { id name }
                    spending_blocked_status
                    automatic_spend_settings {
                        enable_automatic_spend automatic_spend_preference
                        minimum_wallet_balance from_purchase_amount
                    }
                    preferred_payment_method_id
                    reward_tier {
                        id name color period_value_units lifetime_value_units
                        next_tier_progression
                    }
                    reward_schemes { id name signed_up_on email_address sign_up_method }
                    merchants { id is_next_visit }
                    organisations { id name is_next_visit }
                }
            }
        }""",
        shape=account_rewards,
        notes=(
            ID_OR_NUMBER,
            "Only a contact's primary account holds reward information: other accounts answer"
            " id, name, number and currency_code with every reward field null.",
            "merchants is deprecated (replaced by organisations) and still answered.",
            "next_tier_progression: percent of the next tier's threshold that the account's"
            " period value units reach (null on the highest tier).",
            "The spending-status change date and user, and the per-tier progression details,"
            " are not kept by this gateway and are left out.",
        ),
    ),
    RestRoute(
        method="POST",
        path="/accounts/{id}/reward_schemes",
        section=SECTION,
        summary="Sign up the account to a specific reward scheme",
        document="""mutation ($id: ID!, $body: RewardSchemeSignUpInput!) {
            sign_up_account_to_reward_scheme(id: $id, input: $body) { id }
        }""",
        body="body",
        shape=identifier,
        example_body={
            "reward_scheme_id": "CAD1E31269B76D7A65ACCE45B2E68DFD",
            "email_address": "johndoe@crm.com",
            "sign_up_code": "ABCDEFG1234",
        },
        notes=(
            ID_OR_NUMBER,
            "Answers the reward scheme's id.",
            "OPEN schemes take anyone; EMAIL_DOMAIN schemes need an email_address of one of"
            " their domains (400 naming email_address); SIGN_UP_CODE schemes need their"
            " sign_up_code (400 naming sign_up_code). Signing up twice is a 409.",
            "Only a contact's primary account signs up (400 otherwise); signed_up_on defaults"
            " to now.",
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/accounts/{id}/reward_schemes/{reward_scheme_id}",
        section=SECTION,
        summary="Sign out the account from a specific reward scheme",
        document="""mutation ($id: ID!, $reward_scheme_id: ID!) {
            sign_out_account_from_reward_scheme(id: $id, reward_scheme_id: $reward_scheme_id) {
                id
            }
        }""",
        shape=identifier,
        notes=(
            ID_OR_NUMBER,
            "404 naming reward_scheme when the account has not signed up to it.",
            "Answers the account's id (the spec shows no body).",
        ),
    ),
    RestRoute(
        method="POST",
        path="/accounts/{id}/merchants",
        section=SECTION,
        summary="Add a set of new merchants for automatic spends for that account",
        document="""mutation ($id: ID!, $body: AddAccountMerchantsInput!) {
            add_account_merchants(id: $id, input: $body) { merchants { id } }
        }""",
        body="body",
        example_body={
            "merchants": [
                {"organisation_id": "CAD1E31269B76D7A65ACCE45B2E68DFD", "is_next_visit": "false"}
            ]
        },
        notes=(
            ID_OR_NUMBER,
            "Each organisation_id must be an organisation of the caller's network (404 naming"
            " organisation); naming a merchant the account has already updates its"
            " is_next_visit.",
            "Answers all the account's merchants; a merchant's id is its organisation's id.",
            "Only a contact's primary account holds merchants (400 otherwise).",
        ),
    ),
    RestRoute(
        method="DELETE",
        path="/accounts/{id}/merchants/{merchant_id}",
        section=SECTION,
        summary="Remove an existing merchant from an account's automatic spend preferences",
        document="""mutation ($id: ID!, $merchant_id: ID!) {
            remove_account_merchant(id: $id, merchant_id: $merchant_id) { id }
        }""",
        shape=identifier,
        notes=(
            ID_OR_NUMBER,
            "`{merchant_id}` is the merchant's organisation id; 404 naming merchant when it is"
            " not one of the account's merchants.",
            "Answers the account's id (the spec shows no body).",
        ),
    ),
]
