"""The organisations network: a tree of organisations with their locations, contacts and TAPs."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Float, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, created_on_column, id_column

organisation_industry_sectors = Table(
    "organisation_industry_sectors",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("industry_sector_id", ForeignKey("industry_sectors.id"), primary_key=True),
)
organisation_business_activities = Table(
    "organisation_business_activities",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("business_activity_id", ForeignKey("business_activities.id"), primary_key=True),
)
organisation_group_members = Table(
    "organisation_group_members",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("group_id", ForeignKey("organisation_groups.id"), primary_key=True),
)
organisation_service_organisations = Table(
    "organisation_service_organisations",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("service_organisation_id", ForeignKey("organisations.id"), primary_key=True),
)
organisation_partners = Table(
    "organisation_partners",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True),
    Column("partner_id", ForeignKey("organisations.id"), primary_key=True),
)


class Organisation(Base):
    """One organisation of the network; ``path`` lists its ancestors' ids and its own.

    ``path`` is ``/<root id>/.../<own id>/``, so the organisations a caller may see are exactly
    those whose path starts with the caller's path.
    """

    __tablename__ = "organisations"
    __table_args__ = (Index("ix_organisations_path", "path"),)

    id: Mapped[str] = id_column()
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000), nullable=False)
    org_type: Mapped[str] = mapped_column(String(32), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="ACTIVE")
    is_business: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    test_mode: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_sandbox_on: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    vat_number: Mapped[str | None] = mapped_column(String(64))
    country_agreement: Mapped[str | None] = mapped_column(String(3))
    base_currency: Mapped[str | None] = mapped_column(String(3))
    timezone: Mapped[str | None] = mapped_column(String(64))
    industry_id: Mapped[str | None] = mapped_column(
        # Reference data is owned by organisations, so this key closes a cycle: added after both.
        ForeignKey("industries.id", use_alter=True, name="fk_organisations_industry_id_industries")
    )
    inherit_from_parent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    cloud_name: Mapped[str | None] = mapped_column(String(100))
    contact_registry: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    organisation_profile: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    organisation_tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    custom_fields: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    wifi_platform: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_on: Mapped[datetime] = created_on_column()


class OrganisationLocation(Base):
    """A physical location of an organisation."""

    __tablename__ = "organisation_locations"

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    address_line_1: Mapped[str | None] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    state_province_county: Mapped[str | None] = mapped_column(String(100))
    town_city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country_code: Mapped[str | None] = mapped_column(String(3))
    care_of: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    google_place_id: Mapped[str | None] = mapped_column(String(200))


class OrganisationContactInfo(Base):
    """A contact detail (e-mail, phone, extension) of an organisation."""

    __tablename__ = "organisation_contact_info"

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16), nullable=False)
    value: Mapped[str] = mapped_column(String(320), nullable=False)
    country_code: Mapped[str | None] = mapped_column(String(3))


class OrganisationTap(Base):
    """A transaction acquiring point (POS, card terminal, external reference) of an organisation."""

    __tablename__ = "organisation_taps"

    id: Mapped[str] = id_column()
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    code: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    description: Mapped[str | None] = mapped_column(Text)
    external_ip: Mapped[str | None] = mapped_column(String(64))
    external_port: Mapped[str | None] = mapped_column(String(8))
    tap_type: Mapped[str] = mapped_column(String(32), nullable=False)
    external_type: Mapped[str | None] = mapped_column(String(64))
