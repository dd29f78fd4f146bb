"""Contacts (people and companies) with their phones and addresses."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, UtcDateTime, created_on_column, id_column, utcnow
from app.db.models.tenancy import TenantOwned


class Contact(TenantOwned, Base):
    """A customer: a PERSON or a COMPANY; ``code`` is its optional alternative identifier."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("organisation_id", "is_test", "code"),
        Index("ix_contacts_tenant_created", "organisation_id", "is_test", "created_on"),
        # Lookups take an id or a code; without this an "id = x OR code = x" scans the table.
        Index("ix_contacts_code", "code"),
        # Lists are ordered by creation (then id); across a network's organisations this lets
        # the first page be read in order instead of sorting every contact.
        Index("ix_contacts_created_on_id", "created_on", "id"),
    )

    id: Mapped[str] = id_column()
    code: Mapped[str | None] = mapped_column(String(100))
    contact_type: Mapped[str] = mapped_column(String(16), nullable=False)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    company_name: Mapped[str | None] = mapped_column(String(200))
    email_address: Mapped[str | None] = mapped_column(String(320), index=True)
    custom_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    created_on: Mapped[datetime] = created_on_column()
    updated_on: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class ContactPhone(Base):
    """A phone number of a contact."""

    __tablename__ = "contact_phones"

    id: Mapped[str] = id_column()
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True, nullable=False)
    phone_type: Mapped[str] = mapped_column(String(16), nullable=False, default="MOBILE")
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    country_code: Mapped[str | None] = mapped_column(String(3))
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ContactAddress(Base):
    """A postal address of a contact; an account's billing address is one of these."""

    __tablename__ = "contact_addresses"

    id: Mapped[str] = id_column()
    contact_id: Mapped[str] = mapped_column(ForeignKey("contacts.id"), index=True, nullable=False)
    address_type: Mapped[str] = mapped_column(String(16), nullable=False, default="HOME")
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    address_line_1: Mapped[str | None] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    state_province_county: Mapped[str | None] = mapped_column(String(100))
    town_city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(String(3))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    google_place_id: Mapped[str | None] = mapped_column(String(200))
