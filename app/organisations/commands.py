"""Commands of the organisations network: registering a business, creating an organisation
below another, and changing one.

The commands check what a field holds on its own (types, enums, null where it may not be, a
blank name, the cloud name's letters); the rules of the network (which type may sit below
which, visibility of the ids named, the owner's e-mail) stay in ``app.organisations.service``.
"""

import re

from pydantic import field_validator

from app.commands import Command, CustomField, PostalAddress, refuse, refuse_null
from app.organisations.enums import (
    OrganisationContactInfoType,
    OrganisationTapType,
    OrganisationType,
    OwnerIdentityProvider,
)

CLOUD_NAME = re.compile(r"^[A-Za-z0-9]+$")
_NOT_NULL = "may not be null"


def _not_blank(name: str | None) -> str:
    if name is None:
        raise refuse(_NOT_NULL)
    if not name.strip():
        raise refuse("may not be empty")
    return name


def _cloud_name(cloud_name: str | None) -> str | None:
    if cloud_name is not None and not CLOUD_NAME.match(cloud_name):
        raise refuse("only letters and digits are allowed")
    return cloud_name


class OrganisationLocation(PostalAddress):
    """A location; with ``id`` it changes that location (updates only), else adds one.

    ``googleplaceid`` is the spec example's spelling of ``google_place_id``."""

    name: str | None = None
    care_of: str | None = None
    googleplaceid: str | None = None


class OrganisationContactInfo(Command):
    """A contact detail; with ``id`` it changes that detail (updates only), else adds one."""

    id: str | None = None
    name: str | None = None
    type: OrganisationContactInfoType
    value: str
    country_code: str | None = None


class OwnerContactInfo(Command):
    """A contact detail of the owner; an EMAIL one may give the owner's e-mail."""

    name: str | None = None
    type: OrganisationContactInfoType
    value: str
    country_code: str | None = None


class OwnerIdentity(Command):
    """How the owner signs in: e-mail and password."""

    provider: OwnerIdentityProvider = OwnerIdentityProvider.EMAIL
    identity_challenge: str | None = None
    identity_value: str | None = None


class OrganisationOwner(Command):
    """The owner (admin user) of a new organisation."""

    first_name: str | None = None
    last_name: str | None = None
    identity: OwnerIdentity | None = None
    contact_info: list[OwnerContactInfo] | None = None


class OrganisationTap(Command):
    """A transaction acquiring point (its code unique within the organisation)."""

    name: str
    code: str
    is_active: bool = True
    description: str | None = None
    external_ip: str | None = None
    external_port: str | None = None
    tap_type: OrganisationTapType
    external_type: str | None = None


class OrganisationProfile(Command):
    """Registration and tax details of an organisation."""

    registration_number: str | None = None
    tax_reference_number: str | None = None
    vat_reference_number: str | None = None
    registration_country: str | None = None


class OrganisationWifiPlatform(Command):
    """How an organisation is provisioned on the WiFi platform."""

    integration_id: str | None = None
    site_id: str | None = None


class OrganisationPartner(Command):
    """A partner organisation of a business."""

    id: str


class RegisterOrganisation(Command):
    """A business with its owner, below the caller's organisation or ``organisation_id``."""

    name: str
    description: str | None = None
    vat_number: str | None = None
    org_type: OrganisationType | None = None
    is_business: bool | None = None
    organisation_id: str | None = None
    test_mode: bool = False
    is_sandbox_on: bool = False
    owner: OrganisationOwner
    location: list[OrganisationLocation] | None = None
    locations: list[OrganisationLocation] | None = None
    base_currency: str | None = None
    timezone: str | None = None
    custom_fields: list[CustomField] | None = None

    _name = field_validator("name")(_not_blank)


class CreateNetworkOrganisation(Command):
    """A new organisation directly below another one of the caller's network."""

    org_type: OrganisationType
    name: str
    description: str | None = None
    is_business: bool = False
    country_agreement: str | None = None
    industry_id: str | None = None
    industry_sectors: list[str] | None = None
    groups: list[str] | None = None
    owner: OrganisationOwner | None = None
    contact_info: list[OrganisationContactInfo] | None = None
    locations: list[OrganisationLocation] | None = None
    taps: list[OrganisationTap] | None = None
    business_activities: list[str] | None = None
    inherit_from_parent: bool = False
    organisation_profile: OrganisationProfile | None = None
    organisation_id: str | None = None
    cloud_name: str | None = None
    organisation_tags: list[str] | None = None
    service_organisations: list[str] | None = None
    contact_registry: bool = False
    custom_fields: list[CustomField] | None = None
    wifi_platform: OrganisationWifiPlatform | None = None
    base_currency: str | None = None
    timezone: str | None = None

    _name = field_validator("name")(_not_blank)
    _cloud = field_validator("cloud_name")(_cloud_name)


class UpdateOrganisation(Command):
    """Changes to an organisation: fields left out stay; given lists of references replace the
    old ones; contact details and locations with an id change, without one are added."""

    name: str | None = None
    description: str | None = None
    contact_info: list[OrganisationContactInfo] | None = None
    industry_id: str | None = None
    industry_sectors: list[str] | None = None
    business_activities: list[str] | None = None
    groups: list[str] | None = None
    inherit_from_parent: bool | None = None
    organisation_profile: OrganisationProfile | None = None
    cloud_name: str | None = None
    organisation_tags: list[str] | None = None
    service_organisations: list[str] | None = None
    contact_registry: bool | None = None
    locations: list[OrganisationLocation] | None = None
    custom_fields: list[CustomField] | None = None
    partners: list[OrganisationPartner] | None = None

    _name = field_validator("name")(_not_blank)
    _not_null = field_validator(
        "inherit_from_parent", "organisation_tags", "contact_registry", "custom_fields"
    )(refuse_null(_NOT_NULL))
    _cloud = field_validator("cloud_name")(_cloud_name)
