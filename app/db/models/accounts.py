"""Customer accounts of contacts, their reward scheme sign-ups and automatic-spend merchants."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Money, UtcDateTime, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class Account(TenantOwned, Base):
    """A contact's account in one currency; ``number`` is its alternative identifier."""

    __tablename__ = "accounts"
    __table_args__ = (
        UniqueConstraint("organisation_id", "is_test", "number"),
        Index("ix_accounts_contact", "contact_id"),
        Index("ix_accounts_number", "number"),
    )

    id: Mapped[str] = id_column()
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), nullable=False)
    number: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    life_cycle_state: Mapped[str] = mapped_column(String(16), nullable=False, default="ACTIVE")
    currency_code: Mapped[str] = mapped_column(String(3), nullable=False)
    classification_id: Mapped[str | None] = mapped_column(ForeignKey("account_classifications.id"))
    payment_terms_id: Mapped[str | None] = mapped_column(ForeignKey("payment_terms.id"))
    billing_address_id: Mapped[str | None] = mapped_column(ForeignKey("contact_addresses.id"))
    balance: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    credit_limit: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    overdue_amount: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    opening_balance: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    # Reward attributes; only a contact's primary account holds them.
    signed_up_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signed_up_organisation_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    spending_blocked_status: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    enable_automatic_spend: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    automatic_spend_preference: Mapped[str | None] = mapped_column(String(32))
    minimum_wallet_balance: Mapped[Decimal | None] = mapped_column(Money())
    from_purchase_amount: Mapped[Decimal | None] = mapped_column(Money())
    preferred_payment_method_id: Mapped[str | None] = mapped_column(String(36))
    reward_tier_id: Mapped[str | None] = mapped_column(ForeignKey("reward_tiers.id"))
    period_value_units: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    lifetime_value_units: Mapped[Decimal] = mapped_column(
        Money(), nullable=False, default=Decimal(0)
    )
    terminated_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_on: Mapped[datetime] = created_on_column()


class AccountRewardScheme(Base):
    """An account's sign-up to a reward scheme."""

    __tablename__ = "account_reward_schemes"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    reward_scheme_id: Mapped[str] = mapped_column(ForeignKey("reward_schemes.id"), primary_key=True)
    signed_up_on: Mapped[datetime] = created_on_column()
    email_address: Mapped[str | None] = mapped_column(String(320))


class AccountMerchant(Base):
    """A merchant organisation allowed to perform automatic spends for an account."""

    __tablename__ = "account_merchants"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    is_next_visit: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_on: Mapped[datetime] = created_on_column()
