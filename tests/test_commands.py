"""Typed commands: validation naming the field path, given vs left-out fields, enums, and the
unchanged 400 bodies of both doors for bad enums, currencies and amounts."""

from decimal import Decimal

import pytest

from app.accounts.commands import (
    AddAccountMerchants,
    ChangeLifeCycleState,
    CreateAccount,
    UpdateAccount,
    UpdateAccountRewards,
)
from app.accounts.enums import AccountLifeCycleState
from app.commands import apply
from app.contacts.commands import CreateContact, UpdateContact
from app.contacts.enums import ContactType
from app.db.engine import Database
from app.db.models import Contact, RewardTier
from app.errors import InvalidInput
from app.onboarding import BootstrapResult
from app.organisations.commands import (
    CreateNetworkOrganisation,
    RegisterOrganisation,
    UpdateOrganisation,
)
from app.organisations.enums import OrganisationType
from app.reference.commands import (
    CreateIndustry,
    CreateRewardTier,
    CreateSpendCondition,
    UpdateIndustrySector,
    UpdateRewardScheme,
    UpdateRewardTier,
    UpdateSpendCondition,
)
from app.reference.enums import ProductIdType
from app.wallets.commands import PostJournal, UpdateWallet
from app.wallets.enums import JournalType
from tests.conftest import Api
from tests.test_contacts import NEW_CONTACT
from tests.test_wallets import make_account, make_wallet, post


def refusal(command: type, data: dict[str, object]) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as caught:
        command.parse(data)  # type: ignore[attr-defined]
    return caught.value.field, caught.value.message


# Contacts


def test_contact_email_is_normalised_and_checked() -> None:
    command = CreateContact.parse({"contact_type": "PERSON", "email_address": " Jo@Ex.COM "})
    assert command.email_address == "jo@ex.com"
    assert refusal(CreateContact, {"contact_type": "PERSON", "email_address": "jo"}) == (
        "email_address",
        "email_address: is not an e-mail address",
    )


def test_contact_refusals_name_the_field_path() -> None:
    two_primaries = [{"number": "1", "is_primary": True}, {"number": "2", "is_primary": True}]
    assert refusal(UpdateContact, {"phones": two_primaries})[0] == "phones"
    assert refusal(UpdateContact, {"phones": [{"is_primary": True}]}) == (
        "phones[0].number",
        "phones[0].number: is required",
    )
    assert refusal(UpdateContact, {"shoe_size": 44})[0] == "shoe_size"
    assert refusal(CreateContact, {})[0] == "contact_type"


def test_contact_type_is_the_one_enum() -> None:
    assert CreateContact.parse({"contact_type": ContactType.COMPANY}).contact_type == "COMPANY"
    assert refusal(CreateContact, {"contact_type": "ROBOT"}) == (
        "contact_type",
        "contact_type: must be one of PERSON, COMPANY",
    )


def test_update_tells_null_from_left_out() -> None:
    command = UpdateContact.parse({"first_name": None, "last_name": "Smith"})
    assert command.model_fields_set == {"first_name", "last_name"}
    contact = Contact(first_name="John", last_name="Doe", company_name="Acme")
    apply(command, contact)
    assert (contact.first_name, contact.last_name, contact.company_name) == (None, "Smith", "Acme")


def test_commands_are_frozen() -> None:
    command = UpdateContact.parse({"first_name": "Jo"})
    with pytest.raises(ValueError):
        command.first_name = "Joe"  # type: ignore[misc]


async def test_contact_bad_enum_and_email_through_rest_keep_their_400s(api: Api) -> None:
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "contact_type": "ROBOT"})
    assert (response.status_code, response.json()) == (
        400,
        {
            "status": 400,
            "message": "Variable '$body' has invalid value at .contact_type: Value 'ROBOT' does"
            " not exist in 'ContactType' enum.",
            "error": "CRM.EXCEPTIONS.BADREQUESTEXCEPTION",
            "parameters": ["contact_type"],
        },
    )
    response = await api.rest("POST", "/contacts", {**NEW_CONTACT, "email_address": "nobody"})
    assert (response.status_code, response.json()) == (
        400,
        {
            "status": 400,
            "message": "email_address: is not an e-mail address",
            "error": "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION",
            "parameters": ["email_address"],
        },
    )


# Accounts


def test_account_currency_is_checked_and_upper_cased() -> None:
    assert CreateAccount.parse({"currency_code": " eur "}).currency_code == "EUR"
    for bad in ("EU1", "", 978):
        assert refusal(CreateAccount, {"currency_code": bad}) == (
            "currency_code",
            "currency_code: must be a three-letter currency code (e.g. EUR)",
        )


def test_account_money_uses_the_one_money_rule() -> None:
    assert UpdateAccount.parse({"credit_limit": "12.5"}).credit_limit == Decimal("12.5")
    assert refusal(UpdateAccount, {"credit_limit": -1}) == (
        "credit_limit",
        "credit_limit: must be zero or more",
    )
    assert refusal(UpdateAccount, {"credit_limit": "1e3"})[1].startswith(
        "credit_limit: must be a plain decimal number"
    )
    assert refusal(UpdateAccount, {"credit_limit": "0.00001"}) == (
        "credit_limit",
        "credit_limit: has at most 4 decimal places",
    )
    assert refusal(UpdateAccount, {"credit_limit": 0.5})[0] == "credit_limit"
    nested = {"automatic_spend_settings": {"minimum_wallet_balance": -2}}
    assert refusal(UpdateAccountRewards, nested)[0] == (
        "automatic_spend_settings.minimum_wallet_balance"
    )


def test_account_null_is_refused_only_where_given() -> None:
    assert UpdateAccount.parse({}).model_fields_set == set()
    assert UpdateAccount.parse({"classification_id": None}).given("classification_id")
    assert refusal(UpdateAccount, {"is_primary": None}) == (
        "is_primary",
        "is_primary: must be true or false",
    )
    assert refusal(UpdateAccount, {"credit_limit": None}) == (
        "credit_limit",
        "credit_limit: must be an amount, not null",
    )
    settings = {"automatic_spend_settings": {"enable_automatic_spend": None}}
    assert refusal(UpdateAccountRewards, settings)[0] == (
        "automatic_spend_settings.enable_automatic_spend"
    )
    assert refusal(AddAccountMerchants, {"merchants": [{"organisation_id": ""}]}) == (
        "merchants[0].organisation_id",
        "merchants[0].organisation_id: is required",
    )


def test_account_life_cycle_state_is_the_one_enum() -> None:
    command = ChangeLifeCycleState.parse({"life_cycle_state": AccountLifeCycleState.SUSPENDED})
    assert command.life_cycle_state == "SUSPENDED"
    assert refusal(ChangeLifeCycleState, {"life_cycle_state": "ASLEEP"}) == (
        "life_cycle_state",
        "life_cycle_state: must be one of ACTIVE, SUSPENDED, TERMINATED",
    )


async def test_account_bad_enum_currency_and_money_through_rest_keep_their_400s(api: Api) -> None:
    contact_id = (await api.rest("POST", "/contacts", NEW_CONTACT)).json()["id"]
    path = f"/contacts/{contact_id}/accounts"

    def invalid(field: str, message: str) -> tuple[int, dict[str, object]]:
        body = {"error": "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION", "parameters": [field]}
        return 400, {"status": 400, "message": f"{field}: {message}", **body}

    response = await api.rest("POST", path, {"currency_code": "EURO"})
    assert (response.status_code, response.json()) == invalid(
        "currency_code", "is longer than 3 characters"
    )
    response = await api.rest("POST", path, {"currency_code": "EU1"})
    assert (response.status_code, response.json()) == invalid(
        "currency_code", "must be a three-letter currency code (e.g. EUR)"
    )
    account_id = (await api.rest("POST", path, {"currency_code": "EUR"})).json()["id"]
    response = await api.rest("PUT", f"/accounts/{account_id}", {"credit_limit": -5})
    assert (response.status_code, response.json()) == invalid(
        "credit_limit", "must be zero or more"
    )
    response = await api.rest("PUT", f"/accounts/{account_id}", {"credit_limit": "1e3"})
    assert (response.status_code, response.json()) == invalid(
        "credit_limit", "must be a plain decimal number such as 1234.56, got '1e3'"
    )
    response = await api.rest("PUT", f"/accounts/{account_id}", {"credit_limit": None})
    assert (response.status_code, response.json()) == invalid(
        "credit_limit", "must be an amount, not null"
    )
    response = await api.rest(
        "POST", f"/accounts/{account_id}/life_cycle_state", {"life_cycle_state": "ASLEEP"}
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "status": 400,
            "message": "Variable '$body' has invalid value at .life_cycle_state: Value 'ASLEEP'"
            " does not exist in 'AccountLifeCycleState' enum.",
            "error": "CRM.EXCEPTIONS.BADREQUESTEXCEPTION",
            "parameters": ["life_cycle_state"],
        },
    )


# Wallets


def test_journal_amount_type_and_dates() -> None:
    journal = {"wallet_id": "W-1", "amount": "2.50", "type": "DEBIT"}
    command = PostJournal.parse(journal)
    assert (command.amount, command.type) == (Decimal("2.50"), JournalType.DEBIT)
    assert not command.given("currency_code")
    assert refusal(PostJournal, {**journal, "amount": 0}) == (
        "amount",
        "amount: must be a positive amount",
    )
    assert refusal(PostJournal, {**journal, "type": "REFUND"})[0] == "type"
    late = {"valid_from": "2024-01-02T00:00:00Z", "valid_to": "2024-01-01T00:00:00Z"}
    assert refusal(PostJournal, {**journal, **late}) == (
        "valid_to",
        "valid_to: is before valid_from",
    )


def test_wallet_update_null_removes_and_nested_paths_are_named() -> None:
    command = UpdateWallet.parse({"auto_topup": None})
    assert command.given("auto_topup") and command.auto_topup is None
    assert not command.given("termed_topup")
    day = {"termed_topup": {"amount": 1, "topup_day": {"day_of_week": "FUNDAY"}}}
    assert refusal(UpdateWallet, day)[0] == "termed_topup.topup_day.day_of_week"
    blank_day = {"termed_topup": {"amount": 1, "topup_day": {"day_of_week": ""}}}
    topup = UpdateWallet.parse(blank_day).termed_topup
    assert topup is not None and topup.topup_day is not None
    assert topup.topup_day.day_of_week is None


async def test_wallet_bad_enum_and_money_through_rest_keep_their_400s(
    api: Api, db: Database, tenant: BootstrapResult
) -> None:
    def invalid(field: str, message: str) -> tuple[int, dict[str, object]]:
        body = {"error": "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION", "parameters": [field]}
        return 400, {"status": 400, "message": f"{field}: {message}", **body}

    account_id = await make_account(db, tenant.organisation_id)
    response = await api.rest("POST", f"/accounts/{account_id}/wallets", {"minimum_balance": -1})
    assert (response.status_code, response.json()) == invalid(
        "minimum_balance", "must not be negative"
    )
    wallet_id = await make_wallet(api, account_id)
    response = await post(api, wallet_id, 5, "REFUND")
    assert (response.status_code, response.json()) == (
        400,
        {
            "status": 400,
            "message": "Variable '$body' has invalid value at .type: Value 'REFUND' does not"
            " exist in 'JournalType' enum.",
            "error": "CRM.EXCEPTIONS.BADREQUESTEXCEPTION",
            "parameters": ["type"],
        },
    )
    response = await post(api, wallet_id, "1.00001")
    assert (response.status_code, response.json()) == invalid(
        "amount", "has at most 4 decimal places"
    )
    response = await post(api, wallet_id, -5)
    assert (response.status_code, response.json()) == invalid("amount", "must be a positive amount")
    response = await post(api, wallet_id, 5, currency_code="USD")
    assert (response.status_code, response.json()) == invalid(
        "currency_code", "must be the wallet's currency (EUR)"
    )
    body = {"termed_topup": {"amount": 1, "frequency": {"period": "DAYS", "value": 0}}}
    response = await api.rest("PUT", f"/wallets/{wallet_id}", body)
    assert (response.status_code, response.json()) == invalid(
        "termed_topup.frequency.value", "must be 1 or more"
    )


# Reference data


def test_reference_product_id_type_is_the_one_enum() -> None:
    product = {"id_type": ProductIdType.BRAND, "id": " B-1 "}
    command = CreateSpendCondition.parse({"name": "Bar", "products": [product]})
    assert command.model_dump()["products"] == [
        {"id_type": "BRAND", "id": "B-1", "name": None, "description": None}
    ]
    assert refusal(UpdateSpendCondition, {"products": [{"id_type": "SHOE", "id": "1"}]}) == (
        "products[0].id_type",
        "products[0].id_type: must be one of BRAND, PRODUCT, CATEGORY",
    )
    assert refusal(UpdateRewardScheme, {"sign_up_method": "MAGIC"})[1] == (
        "sign_up_method: must be one of OPEN, EMAIL_DOMAIN, SIGN_UP_CODE"
    )


def test_reference_refusals_name_the_field() -> None:
    assert refusal(CreateRewardTier, {"name": "Gold"}) == (
        "reward_scheme_id",
        "reward_scheme_id: is required",
    )
    assert refusal(CreateIndustry, {"name": "  "}) == ("name", "name: must not be empty")
    timing = {"start_time": "10:00"}
    assert refusal(UpdateSpendCondition, {"timings": [{}, timing]}) == (
        "timings[1].end_time",
        "timings[1].end_time: start_time and end_time go together",
    )
    domains = {"email_domains": ["@Ex.COM", "ex.com", " EX.com"]}
    assert UpdateRewardScheme.parse(domains).email_domains == ["ex.com"]


def test_reference_update_tells_null_from_left_out() -> None:
    command = UpdateRewardTier.parse({"color": None})
    assert command.model_fields_set == {"color"}
    tier = RewardTier(name="Gold", color="#d4af37", threshold_value_units=Decimal(100))
    apply(command, tier)
    assert (tier.name, tier.color, tier.threshold_value_units) == ("Gold", None, Decimal(100))
    assert UpdateRewardTier.parse({}).model_fields_set == set()
    assert refusal(UpdateRewardTier, {"threshold_value_units": None})[0] == "threshold_value_units"
    assert refusal(UpdateIndustrySector, {"industry_id": None}) == (
        "industry_id",
        "industry_id: is required",
    )
    assert refusal(UpdateSpendCondition, {"is_active": None})[1] == (
        "is_active: must be true or false"
    )


# Organisations


def test_organisation_type_is_the_one_enum() -> None:
    command = CreateNetworkOrganisation.parse({"org_type": OrganisationType.VENUE, "name": "V"})
    assert command.org_type == "VENUE"
    assert refusal(CreateNetworkOrganisation, {"org_type": "CASTLE", "name": "C"}) == (
        "org_type",
        "org_type: must be one of " + ", ".join(OrganisationType),
    )
    tap = {"name": "T", "code": "1", "tap_type": "PIGEON"}
    new_venue = {"org_type": "VENUE", "name": "V", "taps": [tap]}
    assert refusal(CreateNetworkOrganisation, new_venue)[0] == "taps[0].tap_type"


def test_organisation_refusals_name_the_field() -> None:
    assert refusal(RegisterOrganisation, {"name": "Shop"}) == ("owner", "owner: is required")
    owner = {"contact_info": [{"type": "EMAIL"}]}
    assert refusal(RegisterOrganisation, {"name": "Shop", "owner": owner}) == (
        "owner.contact_info[0].value",
        "owner.contact_info[0].value: is required",
    )
    assert refusal(UpdateOrganisation, {"name": " "}) == ("name", "name: may not be empty")
    assert refusal(UpdateOrganisation, {"cloud_name": "a b"})[0] == "cloud_name"


def test_organisation_update_tells_null_from_left_out() -> None:
    command = UpdateOrganisation.parse({"description": None, "organisation_tags": ["a"]})
    assert command.model_fields_set == {"description", "organisation_tags"}
    assert UpdateOrganisation.parse({}).model_fields_set == set()
    for name in ("name", "organisation_tags", "custom_fields", "inherit_from_parent"):
        assert refusal(UpdateOrganisation, {name: None}) == (name, f"{name}: may not be null")
