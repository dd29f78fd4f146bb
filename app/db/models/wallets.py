"""Wallets, their commerce balances per spend condition, journals and idempotency records."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Money, UtcDateTime, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class Wallet(TenantOwned, Base):
    """An account's wallet; ``balance`` is ``open_balance`` plus ``commerce_balance``.

    The balances are kept in step with the journals in the same transaction that posts them.
    """

    __tablename__ = "wallets"
    __table_args__ = (
        UniqueConstraint("organisation_id", "is_test", "code"),
        Index("ix_wallets_account", "account_id"),
        Index("ix_wallets_code", "code"),
    )

    id: Mapped[str] = id_column()
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(32), nullable=False)
    life_cycle_state: Mapped[str] = mapped_column(String(16), nullable=False, default="EFFECTIVE")
    currency_code: Mapped[str] = mapped_column(String(3), nullable=False)
    open_balance: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    commerce_balance: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))
    minimum_balance: Mapped[Decimal | None] = mapped_column(Money())
    limit_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    auto_topup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    termed_topup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    terminated_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_on: Mapped[datetime] = created_on_column()

    @hybrid_property
    def balance(self) -> Decimal:
        """The whole balance: open plus commerce (in Python, and in SQL through the class)."""
        return self.open_balance + self.commerce_balance


class WalletCommerceBalance(Base):
    """The part of a wallet's commerce balance that one spend condition credited."""

    __tablename__ = "wallet_commerce_balances"

    wallet_id: Mapped[str] = mapped_column(ForeignKey("wallets.id"), primary_key=True)
    spend_condition_id: Mapped[str] = mapped_column(
        ForeignKey("spend_conditions.id"), primary_key=True
    )
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal(0))


class Journal(TenantOwned, Base):
    """One credit or debit of a wallet.

    ``created_on`` is the business date the caller may give (bounded, see
    ``app.wallets.journals.check_created_on``); ``posted_on`` is the server's clock at posting,
    by which limit periods are counted.
    """

    __tablename__ = "journals"
    __table_args__ = (
        Index("ix_journals_wallet_created", "wallet_id", "created_on"),
        Index("ix_journals_wallet_posted", "wallet_id", "posted_on"),
    )

    id: Mapped[str] = id_column()
    wallet_id: Mapped[str] = mapped_column(ForeignKey("wallets.id"), nullable=False)
    type: Mapped[str] = mapped_column(String(8), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    currency_code: Mapped[str] = mapped_column(String(3), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    spend_condition_id: Mapped[str | None] = mapped_column(ForeignKey("spend_conditions.id"))
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime())
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime())
    allow_negative_balance: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    balance_after: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    created_on: Mapped[datetime] = created_on_column()
    posted_on: Mapped[datetime] = created_on_column()


class IdempotencyRecord(TenantOwned, Base):
    """The first answer given to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("organisation_id", "is_test", "operation", "key"),)

    id: Mapped[str] = id_column()
    operation: Mapped[str] = mapped_column(String(64), nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    resource_id: Mapped[str] = mapped_column(String(36), nullable=False)
    created_on: Mapped[datetime] = created_on_column()
