"""core schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 23:14:01.135898
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.base

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "instance_secrets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_instance_secrets")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("org_type", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("is_business", sa.Boolean(), nullable=False),
        sa.Column("test_mode", sa.Boolean(), nullable=False),
        sa.Column("is_sandbox_on", sa.Boolean(), nullable=False),
        sa.Column("vat_number", sa.String(length=64), nullable=True),
        sa.Column("country_agreement", sa.String(length=3), nullable=True),
        sa.Column("base_currency", sa.String(length=3), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("industry_id", sa.String(length=36), nullable=True),
        sa.Column("inherit_from_parent", sa.Boolean(), nullable=False),
        sa.Column("cloud_name", sa.String(length=100), nullable=True),
        sa.Column("contact_registry", sa.Boolean(), nullable=False),
        sa.Column("organisation_profile", sa.JSON(), nullable=True),
        sa.Column("organisation_tags", sa.JSON(), nullable=False),
        sa.Column("custom_fields", sa.JSON(), nullable=False),
        sa.Column("wifi_platform", sa.JSON(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["organisations.id"],
            name=op.f("fk_organisations_parent_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisations_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index("ix_organisations_path", ["path"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "account_classifications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_account_classifications_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_classifications")),
    )
    with op.batch_alter_table("account_classifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_classifications_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_prefix", sa.String(length=16), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("revoked_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_api_keys_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_keys_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "business_activities",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_business_activities_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_activities")),
    )
    with op.batch_alter_table("business_activities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_business_activities_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "contacts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=True),
        sa.Column("contact_type", sa.String(length=16), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=True),
        sa.Column("last_name", sa.String(length=100), nullable=True),
        sa.Column("company_name", sa.String(length=200), nullable=True),
        sa.Column("email_address", sa.String(length=320), nullable=True),
        sa.Column("custom_fields", sa.JSON(), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contacts_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint(
            "organisation_id",
            "is_test",
            "code",
            name=op.f("uq_contacts_organisation_id_is_test_code"),
        ),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contacts_email_address"), ["email_address"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contacts_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_contacts_tenant_created", ["organisation_id", "is_test", "created_on"], unique=False
        )

    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("resource_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_idempotency_records_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint(
            "organisation_id",
            "is_test",
            "operation",
            "key",
            name=op.f("uq_idempotency_records_organisation_id_is_test_operation_key"),
        ),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_records_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "industries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_industries_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industries")),
    )
    with op.batch_alter_table("industries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_industries_organisation_id"), ["organisation_id"], unique=False
        )
    # organisations -> industries closes a cycle, so that key is added once both tables exist.
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_organisations_industry_id_industries", "industries", ["industry_id"], ["id"]
        )

    op.create_table(
        "memberships",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_memberships_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "user_id", "organisation_id", name=op.f("uq_memberships_user_id_organisation_id")
        ),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_memberships_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "organisation_contact_info",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_contact_info_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_contact_info")),
    )
    with op.batch_alter_table("organisation_contact_info", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_contact_info_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "organisation_groups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_groups_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_groups")),
    )
    with op.batch_alter_table("organisation_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_groups_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "organisation_locations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("address_line_1", sa.String(length=200), nullable=True),
        sa.Column("address_line_2", sa.String(length=200), nullable=True),
        sa.Column("state_province_county", sa.String(length=100), nullable=True),
        sa.Column("town_city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country_code", sa.String(length=3), nullable=True),
        sa.Column("care_of", sa.String(length=200), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("google_place_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_locations_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_locations")),
    )
    with op.batch_alter_table("organisation_locations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organisation_locations_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "organisation_partners",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_partners_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_partners_partner_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "partner_id", name=op.f("pk_organisation_partners")
        ),
    )
    op.create_table(
        "organisation_service_organisations",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("service_organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_service_organisations_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["service_organisation_id"],
            ["organisations.id"],
            name=op.f(
                "fk_organisation_service_organisations_service_organisation_id_organisations"
            ),
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "service_organisation_id",
            name=op.f("pk_organisation_service_organisations"),
        ),
    )
    op.create_table(
        "organisation_taps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("external_ip", sa.String(length=64), nullable=True),
        sa.Column("external_port", sa.String(length=8), nullable=True),
        sa.Column("tap_type", sa.String(length=32), nullable=False),
        sa.Column("external_type", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_taps_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_taps")),
    )
    with op.batch_alter_table("organisation_taps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_taps_code"), ["code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_organisation_taps_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "payment_terms",
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_payment_terms_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_terms")),
    )
    with op.batch_alter_table("payment_terms", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_terms_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "reward_schemes",
        sa.Column("sign_up_method", sa.String(length=16), nullable=False),
        sa.Column("email_domains", sa.JSON(), nullable=False),
        sa.Column("sign_up_code", sa.String(length=100), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_reward_schemes_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_schemes")),
    )
    with op.batch_alter_table("reward_schemes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reward_schemes_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "spend_conditions",
        sa.Column("organisation_ids", sa.JSON(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_spend_conditions_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spend_conditions")),
    )
    with op.batch_alter_table("spend_conditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_spend_conditions_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "contact_addresses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("address_type", sa.String(length=16), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("address_line_1", sa.String(length=200), nullable=True),
        sa.Column("address_line_2", sa.String(length=200), nullable=True),
        sa.Column("state_province_county", sa.String(length=100), nullable=True),
        sa.Column("town_city", sa.String(length=100), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country_code", sa.String(length=3), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("google_place_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_addresses_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_addresses")),
    )
    with op.batch_alter_table("contact_addresses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_addresses_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "contact_phones",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("phone_type", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("country_code", sa.String(length=3), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_phones_contact_id_contacts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_phones")),
    )
    with op.batch_alter_table("contact_phones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_phones_contact_id"), ["contact_id"], unique=False
        )

    op.create_table(
        "industry_sectors",
        sa.Column("industry_id", sa.String(length=36), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["industry_id"],
            ["industries.id"],
            name=op.f("fk_industry_sectors_industry_id_industries"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_industry_sectors_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_industry_sectors")),
    )
    with op.batch_alter_table("industry_sectors", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_industry_sectors_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "organisation_business_activities",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("business_activity_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["business_activity_id"],
            ["business_activities.id"],
            name=op.f(
                "fk_organisation_business_activities_business_activity_id_business_activities"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_business_activities_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id",
            "business_activity_id",
            name=op.f("pk_organisation_business_activities"),
        ),
    )
    op.create_table(
        "organisation_group_members",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["organisation_groups.id"],
            name=op.f("fk_organisation_group_members_group_id_organisation_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_group_members_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "group_id", name=op.f("pk_organisation_group_members")
        ),
    )
    op.create_table(
        "reward_tiers",
        sa.Column("reward_scheme_id", sa.String(length=36), nullable=True),
        sa.Column("color", sa.String(length=16), nullable=True),
        sa.Column(
            "threshold_value_units", app.db.base.Money(precision=20, scale=4), nullable=False
        ),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_reward_tiers_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["reward_scheme_id"],
            ["reward_schemes.id"],
            name=op.f("fk_reward_tiers_reward_scheme_id_reward_schemes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_tiers")),
    )
    with op.batch_alter_table("reward_tiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reward_tiers_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("contact_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("life_cycle_state", sa.String(length=16), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("classification_id", sa.String(length=36), nullable=True),
        sa.Column("payment_terms_id", sa.String(length=36), nullable=True),
        sa.Column("billing_address_id", sa.String(length=36), nullable=True),
        sa.Column("balance", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("credit_limit", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("overdue_amount", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("opening_balance", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("signed_up_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("signed_up_organisation_id", sa.String(length=36), nullable=True),
        sa.Column("spending_blocked_status", sa.Boolean(), nullable=False),
        sa.Column("enable_automatic_spend", sa.Boolean(), nullable=False),
        sa.Column("automatic_spend_preference", sa.String(length=32), nullable=True),
        sa.Column(
            "minimum_wallet_balance", app.db.base.Money(precision=20, scale=4), nullable=True
        ),
        sa.Column("from_purchase_amount", app.db.base.Money(precision=20, scale=4), nullable=True),
        sa.Column("preferred_payment_method_id", sa.String(length=36), nullable=True),
        sa.Column("reward_tier_id", sa.String(length=36), nullable=True),
        sa.Column("period_value_units", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("lifetime_value_units", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("terminated_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["billing_address_id"],
            ["contact_addresses.id"],
            name=op.f("fk_accounts_billing_address_id_contact_addresses"),
        ),
        sa.ForeignKeyConstraint(
            ["classification_id"],
            ["account_classifications.id"],
            name=op.f("fk_accounts_classification_id_account_classifications"),
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_accounts_contact_id_contacts")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_accounts_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_terms_id"],
            ["payment_terms.id"],
            name=op.f("fk_accounts_payment_terms_id_payment_terms"),
        ),
        sa.ForeignKeyConstraint(
            ["reward_tier_id"],
            ["reward_tiers.id"],
            name=op.f("fk_accounts_reward_tier_id_reward_tiers"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_up_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_accounts_signed_up_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint(
            "organisation_id",
            "is_test",
            "number",
            name=op.f("uq_accounts_organisation_id_is_test_number"),
        ),
    )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.create_index("ix_accounts_contact", ["contact_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_accounts_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "organisation_industry_sectors",
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("industry_sector_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["industry_sector_id"],
            ["industry_sectors.id"],
            name=op.f("fk_organisation_industry_sectors_industry_sector_id_industry_sectors"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_organisation_industry_sectors_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint(
            "organisation_id", "industry_sector_id", name=op.f("pk_organisation_industry_sectors")
        ),
    )
    op.create_table(
        "account_merchants",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("merchant_id", sa.String(length=36), nullable=False),
        sa.Column("is_next_visit", sa.Boolean(), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_merchants_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["organisations.id"],
            name=op.f("fk_account_merchants_merchant_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("account_id", "merchant_id", name=op.f("pk_account_merchants")),
    )
    op.create_table(
        "account_reward_schemes",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("reward_scheme_id", sa.String(length=36), nullable=False),
        sa.Column("signed_up_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("email_address", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_reward_schemes_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["reward_scheme_id"],
            ["reward_schemes.id"],
            name=op.f("fk_account_reward_schemes_reward_scheme_id_reward_schemes"),
        ),
        sa.PrimaryKeyConstraint(
            "account_id", "reward_scheme_id", name=op.f("pk_account_reward_schemes")
        ),
    )
    op.create_table(
        "wallets",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("life_cycle_state", sa.String(length=16), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("open_balance", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("commerce_balance", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("minimum_balance", app.db.base.Money(precision=20, scale=4), nullable=True),
        sa.Column("limit_rules", sa.JSON(), nullable=False),
        sa.Column("auto_topup", sa.JSON(), nullable=True),
        sa.Column("termed_topup", sa.JSON(), nullable=True),
        sa.Column("terminated_on", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_wallets_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_wallets_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallets")),
        sa.UniqueConstraint(
            "organisation_id",
            "is_test",
            "code",
            name=op.f("uq_wallets_organisation_id_is_test_code"),
        ),
    )
    with op.batch_alter_table("wallets", schema=None) as batch_op:
        batch_op.create_index("ix_wallets_account", ["account_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_wallets_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "journals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("wallet_id", sa.String(length=36), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("amount", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("currency_code", sa.String(length=3), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("spend_condition_id", sa.String(length=36), nullable=True),
        sa.Column("valid_from", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("valid_to", app.db.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("allow_negative_balance", sa.Boolean(), nullable=False),
        sa.Column("balance_after", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.Column("created_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("posted_on", app.db.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_journals_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["spend_condition_id"],
            ["spend_conditions.id"],
            name=op.f("fk_journals_spend_condition_id_spend_conditions"),
        ),
        sa.ForeignKeyConstraint(
            ["wallet_id"], ["wallets.id"], name=op.f("fk_journals_wallet_id_wallets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journals")),
    )
    with op.batch_alter_table("journals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journals_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_journals_wallet_created", ["wallet_id", "created_on"], unique=False
        )

    op.create_table(
        "wallet_commerce_balances",
        sa.Column("wallet_id", sa.String(length=36), nullable=False),
        sa.Column("spend_condition_id", sa.String(length=36), nullable=False),
        sa.Column("amount", app.db.base.Money(precision=20, scale=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["spend_condition_id"],
            ["spend_conditions.id"],
            name=op.f("fk_wallet_commerce_balances_spend_condition_id_spend_conditions"),
        ),
        sa.ForeignKeyConstraint(
            ["wallet_id"],
            ["wallets.id"],
            name=op.f("fk_wallet_commerce_balances_wallet_id_wallets"),
        ),
        sa.PrimaryKeyConstraint(
            "wallet_id", "spend_condition_id", name=op.f("pk_wallet_commerce_balances")
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_organisations_industry_id_industries", type_="foreignkey")
    op.drop_table("wallet_commerce_balances")
    with op.batch_alter_table("journals", schema=None) as batch_op:
        batch_op.drop_index("ix_journals_wallet_created")
        batch_op.drop_index(batch_op.f("ix_journals_organisation_id"))

    op.drop_table("journals")
    with op.batch_alter_table("wallets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallets_organisation_id"))
        batch_op.drop_index("ix_wallets_account")

    op.drop_table("wallets")
    op.drop_table("account_reward_schemes")
    op.drop_table("account_merchants")
    op.drop_table("organisation_industry_sectors")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_accounts_organisation_id"))
        batch_op.drop_index("ix_accounts_contact")

    op.drop_table("accounts")
    with op.batch_alter_table("reward_tiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_tiers_organisation_id"))

    op.drop_table("reward_tiers")
    op.drop_table("organisation_group_members")
    op.drop_table("organisation_business_activities")
    with op.batch_alter_table("industry_sectors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_industry_sectors_organisation_id"))

    op.drop_table("industry_sectors")
    with op.batch_alter_table("contact_phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_phones_contact_id"))

    op.drop_table("contact_phones")
    with op.batch_alter_table("contact_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_addresses_contact_id"))

    op.drop_table("contact_addresses")
    with op.batch_alter_table("spend_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spend_conditions_organisation_id"))

    op.drop_table("spend_conditions")
    with op.batch_alter_table("reward_schemes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_schemes_organisation_id"))

    op.drop_table("reward_schemes")
    with op.batch_alter_table("payment_terms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_terms_organisation_id"))

    op.drop_table("payment_terms")
    with op.batch_alter_table("organisation_taps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_taps_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_organisation_taps_code"))

    op.drop_table("organisation_taps")
    op.drop_table("organisation_service_organisations")
    op.drop_table("organisation_partners")
    with op.batch_alter_table("organisation_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_locations_organisation_id"))

    op.drop_table("organisation_locations")
    with op.batch_alter_table("organisation_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_groups_organisation_id"))

    op.drop_table("organisation_groups")
    with op.batch_alter_table("organisation_contact_info", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organisation_contact_info_organisation_id"))

    op.drop_table("organisation_contact_info")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_organisation_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("industries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_industries_organisation_id"))

    op.drop_table("industries")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_organisation_id"))

    op.drop_table("idempotency_records")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_tenant_created")
        batch_op.drop_index(batch_op.f("ix_contacts_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_contacts_email_address"))

    op.drop_table("contacts")
    with op.batch_alter_table("business_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_activities_organisation_id"))

    op.drop_table("business_activities")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_organisation_id"))

    op.drop_table("api_keys")
    with op.batch_alter_table("account_classifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_classifications_organisation_id"))

    op.drop_table("account_classifications")
    op.drop_table("users")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_index("ix_organisations_path")
        batch_op.drop_index(batch_op.f("ix_organisations_parent_id"))

    op.drop_table("organisations")
    op.drop_table("instance_secrets")
