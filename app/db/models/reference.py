"""Reference data that resources point at: classifications, terms, schemes, industries, groups."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, Money, created_on_column, id_column
from app.db.models.tenancy import TenantOwned


class ReferenceColumns(TenantOwned):
    """The columns every reference entity has: an id, a name, a description."""

    id: Mapped[str] = id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[datetime] = created_on_column()


class AccountClassification(ReferenceColumns, Base):
    """A classification of accounts (for example "Delivery Purchase")."""

    __tablename__ = "account_classifications"


class PaymentTerms(ReferenceColumns, Base):
    """Payment terms of accounts (for example "Net 7")."""

    __tablename__ = "payment_terms"

    days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Industry(ReferenceColumns, Base):
    """An industry organisations belong to (for example "Restaurant")."""

    __tablename__ = "industries"


class IndustrySector(ReferenceColumns, Base):
    """A sector of an industry (for example "Bar")."""

    __tablename__ = "industry_sectors"

    industry_id: Mapped[str | None] = mapped_column(ForeignKey("industries.id"))


class BusinessActivity(ReferenceColumns, Base):
    """A business activity of organisations (for example "Bar & Grill")."""

    __tablename__ = "business_activities"


class OrganisationGroup(ReferenceColumns, Base):
    """A group of merchants, venues or service points (for example "Seasonal")."""

    __tablename__ = "organisation_groups"


class RewardScheme(ReferenceColumns, Base):
    """A reward scheme accounts sign up to; closed-loop schemes restrict who may join.

    ``sign_up_method`` is OPEN (anyone), EMAIL_DOMAIN (the customer's e-mail must be in one of
    ``email_domains``) or SIGN_UP_CODE (the customer must give ``sign_up_code``).
    """

    __tablename__ = "reward_schemes"

    sign_up_method: Mapped[str] = mapped_column(String(16), nullable=False, default="OPEN")
    email_domains: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    sign_up_code: Mapped[str | None] = mapped_column(String(100))


class RewardTier(ReferenceColumns, Base):
    """A tier of a reward scheme (for example "Gold"), reached at ``threshold_value_units``."""

    __tablename__ = "reward_tiers"

    reward_scheme_id: Mapped[str | None] = mapped_column(ForeignKey("reward_schemes.id"))
    color: Mapped[str | None] = mapped_column(String(16))
    threshold_value_units: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=0)


class SpendCondition(ReferenceColumns, Base):
    """Where and when a commerce balance may be spent (organisations, products, timings)."""

    __tablename__ = "spend_conditions"

    organisation_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    timings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
