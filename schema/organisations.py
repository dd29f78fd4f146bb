"""GraphQL types, inputs and root fields for the organisations network."""

from datetime import datetime
from typing import Annotated, Any

import strawberry

from app.auth.permissions import Permission
from app.db import models
from app.media.commands import LinkMediaGroups
from app.organisations.actions import PerformOrganisationAction
from app.organisations.commands import (
    CreateNetworkOrganisation,
    RegisterOrganisation,
    UpdateOrganisation,
)
from app.organisations.enums import (
    OrganisationContactInfoType,
    OrganisationRelationship,
    OrganisationTapType,
    OrganisationType,
    OwnerIdentityProvider,
)
from app.organisations.repository import DEFAULT_SORT, SORT_COLUMNS
from app.pagination import DEFAULT_PAGE_SIZE
from resolvers import access as resolve_access
from resolvers import feed as resolve_feed
from resolvers import media as resolve_media
from resolvers import organisations as resolve
from resolvers.contacts import ContactPagesByOrganisationIdLoader
from resolvers.context import Info
from resolvers.inputs import filter_values, to_command
from resolvers.reference import IndustryByIdLoader
from schema.access import Team, TeamSortArgument, User, UserSortArgument
from schema.common import (
    CustomField,
    CustomFieldInput,
    Identifier,
    OrderArgument,
    Page,
    PageArgument,
    SizeArgument,
    SortOrder,
    custom_fields,
    page_request,
    sort_argument,
    to_page,
)
from schema.contacts import Contact, ContactSortArgument
from schema.feed import FEED_SORT, ActivityFeedEntry, ActivityFeedFilter
from schema.mapping import maps, paged
from schema.media import MediaGroup
from schema.permissions import needs
from schema.rows import shown_as

OrganisationSortArgument = Annotated[str | None, sort_argument(SORT_COLUMNS, DEFAULT_SORT)]


strawberry.enum(
    OrganisationType,
    description=(
        "The kind of an organisation. A CLOUD_OPERATOR creates SERVICE_OWNER and "
        "TRANSACTION_PROCESSOR organisations, a SERVICE_OWNER creates BUSINESS ones, a BUSINESS "
        "creates MERCHANT, SUBSIDIARY, DEPARTMENT, VENUE and SERVICE_POINT ones (a SUBSIDIARY "
        "the same but no SUBSIDIARY), a MERCHANT creates VENUE and SERVICE_POINT ones."
    ),
)
strawberry.enum(
    OrganisationRelationship,
    description="How child organisations relate to their parent; VENUES include service points.",
)
strawberry.enum(
    OrganisationContactInfoType, description="The kind of an organisation's contact detail."
)
strawberry.enum(OrganisationTapType, description="The kind of a transaction acquiring point.")
strawberry.enum(OwnerIdentityProvider, description="How an organisation's owner signs in.")


@strawberry.type(
    description="A record shown by its identifier and name (an industry, a sector, an activity, "
    "a group, an organisation)."
)
class NamedRecord:
    id: strawberry.ID = strawberry.field(description="The record's identifier.")
    name: str = strawberry.field(description="The record's name.")


@strawberry.type(description="A physical location of an organisation.")
class OrganisationLocation:
    id: strawberry.ID = strawberry.field(description="The location identifier.")
    name: str | None = strawberry.field(description="The name of the location.")
    address_line_1: str | None = strawberry.field(description="The address of the location.")
    address_line_2: str | None = strawberry.field(description="More address information.")
    state_province_county: str | None = strawberry.field(description="State/province/county.")
    town_city: str | None = strawberry.field(description="The town/city of the location.")
    postal_code: str | None = strawberry.field(description="The postal code of the location.")
    country_code: str | None = strawberry.field(description="The country code of the location.")
    care_of: str | None = strawberry.field(description="The care of information.")
    lat: float | None = strawberry.field(description="The latitude of the location.")
    lon: float | None = strawberry.field(description="The longitude of the location.")
    google_place_id: str | None = strawberry.field(
        description="The Google textual identifier that uniquely identifies the location."
    )


@strawberry.type(description="A contact detail (e-mail, phone, extension) of an organisation.")
class OrganisationContactInfo:
    id: strawberry.ID = strawberry.field(description="The contact detail identifier.")
    name: str | None = strawberry.field(description="The name of the contact detail.")
    type: OrganisationContactInfoType = strawberry.field(description="EMAIL, PHONE or EXTENSION.")
    value: str = strawberry.field(description="The contact detail's value.")
    country_code: str | None = strawberry.field(description="The country code (phones).")


@strawberry.type(description="A transaction acquiring point (TAP) of an organisation.")
class OrganisationTap:
    id: strawberry.ID = strawberry.field(description="The TAP identifier.")
    name: str = strawberry.field(description="The TAP name.")
    code: str = strawberry.field(description="The TAP code.")
    is_active: bool = strawberry.field(description="Whether the TAP is active.")
    description: str | None = strawberry.field(description="The TAP description.")
    external_ip: str | None = strawberry.field(description="IP address of the external device.")
    external_port: str | None = strawberry.field(description="Port of the external IP.")
    tap_type: OrganisationTapType = strawberry.field(description="The TAP type.")
    external_type: str | None = strawberry.field(
        description="The external system of the TAP (e.g. ALOHA)."
    )


@strawberry.type(description="Registration and tax details of an organisation.")
class OrganisationProfile:
    registration_number: str | None = strawberry.field(description="The registration number.")
    tax_reference_number: str | None = strawberry.field(description="The TAX reference number.")
    vat_reference_number: str | None = strawberry.field(description="The VAT reference number.")
    registration_country: str | None = strawberry.field(
        description="The company's registration country code."
    )


@strawberry.type(description="How an organisation is provisioned on the WiFi platform.")
class OrganisationWifiPlatform:
    integration_id: str | None = strawberry.field(description="The WiFi integration identifier.")
    site_id: str | None = strawberry.field(description="The site identifier on the platform.")


@strawberry.type(description="How many direct children of one relationship an organisation has.")
class ChildOrganisationCount:
    relationship: OrganisationRelationship = strawberry.field(description="The relationship.")
    count: int = strawberry.field(description="The number of such child organisations.")


@strawberry.type(description="A transformed version of a creative.")
class OrganisationCreativeMedia:
    width: int | None = strawberry.field(description="The transformed creative width.")
    height: int | None = strawberry.field(description="The transformed creative height.")
    url: str | None = strawberry.field(description="The transformed creative URL.")


@strawberry.type(description="An image of an organisation (logo, profile image, ...).")
class OrganisationCreative:
    id: strawberry.ID = strawberry.field(description="The creative identifier.")
    usage_type: str | None = strawberry.field(description="What the creative is used for.")
    width: int | None = strawberry.field(description="The creative width.")
    height: int | None = strawberry.field(description="The creative height.")
    format: str | None = strawberry.field(description="The creative format.")
    url: str | None = strawberry.field(description="The creative content URL.")
    public_id: str | None = strawberry.field(description="The creative public identifier.")
    media: list[OrganisationCreativeMedia] = strawberry.field(
        description="The creative's transformations."
    )


@maps(models.Organisation)
@strawberry.type(description="An organisation of the business network.")
class Organisation:
    id: strawberry.ID = strawberry.field(description="The organisation identifier.")
    name: str = strawberry.field(description="The organisation name.")
    description: str | None = strawberry.field(description="A brief description.")
    org_type: OrganisationType = strawberry.field(description="The organisation type.")
    status: str = strawberry.field(description="The status of the organisation (e.g. ACTIVE).")
    is_business: bool = strawberry.field(
        description="Whether the organisation is the primary business of the business network."
    )
    test_mode: bool = strawberry.field(
        description="Whether the organisation record is used for test purposes."
    )
    is_sandbox_on: bool = strawberry.field(description="Whether the sandbox mode is enabled.")
    vat_number: str | None = strawberry.field(description="The VAT number given at registration.")
    country_agreement: str | None = strawberry.field(
        description="The country of agreement code (service owners and businesses)."
    )
    base_currency: str | None = strawberry.field(
        description="The base currency (service owners and businesses)."
    )
    timezone: str | None = strawberry.field(description="The timezone (businesses).")
    inherit_from_parent: bool = strawberry.field(
        description="Whether the industry, sectors and activities were copied from the parent."
    )
    cloud_name: str | None = strawberry.field(
        description="The name the organisation has on the cloud (service owners)."
    )
    contact_registry: bool = strawberry.field(
        description="Whether the organisation supports a contact registry."
    )
    organisation_tags: list[str] = strawberry.field(description="The tags of the organisation.")
    created_on: datetime = strawberry.field(description="When the organisation was created.")
    parent_id: strawberry.Private[str | None]
    industry_id: strawberry.Private[str | None]
    organisation_profile: strawberry.Private[dict[str, Any] | None]
    wifi_platform: strawberry.Private[dict[str, Any] | None]
    custom_fields: strawberry.Private[list[dict[str, Any]]]

    @strawberry.field(
        name="organisation_id",
        description="The parent organisation's identifier; null when the parent is above the "
        "caller's organisation.",
    )
    def parent_organisation_id(self, info: Info) -> strawberry.ID | None:
        if self.id == info.context.backoffice().organisation_id:
            return None
        return strawberry.ID(self.parent_id) if self.parent_id is not None else None

    @strawberry.field(description="The parent organisation; null when it is above the caller.")
    async def parent(self, info: Info) -> "Organisation | None":
        parent_id = self.parent_id
        if parent_id is None:
            return None
        parent = await info.context.loaders.get(resolve.OrganisationByIdLoader).load(parent_id)
        visible = resolve.parent_if_visible(info, parent)
        return shown_as(Organisation, visible) if visible is not None else None

    @strawberry.field(
        description="A page of the organisation's direct child organisations.",
        metadata=paged(resolve.ChildPagesByParentIdLoader),
    )
    async def children(
        self,
        info: Info,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: OrganisationSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page["Organisation"]:
        request = page_request(page, size, sort, order)
        return to_page(await resolve.children(info, self.id, request))

    @strawberry.field(
        description="A page of the contacts that belong to this organisation (needs "
        "CONTACTS_READ).",
        extensions=needs(Permission.CONTACTS_READ),
        metadata=paged(ContactPagesByOrganisationIdLoader),
    )
    async def contacts(
        self,
        info: Info,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: ContactSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Contact]:
        request = page_request(page, size, sort, order)
        return to_page(await resolve.contacts(info, self.id, request))

    @strawberry.field(description="How many direct children of each relationship it has.")
    async def child_organisations(self, info: Info) -> list[ChildOrganisationCount]:
        loader = info.context.loaders.get(resolve.ChildCountsByOrganisationIdLoader)
        counts = await loader.load(self.id)
        return [
            ChildOrganisationCount(relationship=OrganisationRelationship(name), count=count)
            for name, count in counts
        ]

    @strawberry.field(description="The number of users who are members of the organisation.")
    async def users_count(self, info: Info) -> int:
        return await info.context.loaders.get(resolve.UsersCountByOrganisationIdLoader).load(
            self.id
        )

    @strawberry.field(
        description="A page of the organisation's members (needs USERS_READ).",
        extensions=needs(Permission.USERS_READ),
    )
    async def users(
        self,
        info: Info,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: UserSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[User]:
        filters = {"organisation_id": self.id}
        result = await resolve_access.users(info, page_request(page, size, sort, order), filters)
        return to_page(result, User.of)

    @strawberry.field(
        description="A page of the organisation's teams (needs TEAMS_READ).",
        extensions=needs(Permission.TEAMS_READ),
    )
    async def teams(
        self,
        info: Info,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: TeamSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Team]:
        filters = {"organisation_id": self.id}
        result = await resolve_access.teams(info, page_request(page, size, sort, order), filters)
        return to_page(result, Team.of)

    @strawberry.field(description="The organisation's locations.")
    async def locations(self, info: Info) -> list[OrganisationLocation]:
        loader = info.context.loaders.get(resolve.LocationsByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(description="The organisation's contact details.")
    async def contact_info(self, info: Info) -> list[OrganisationContactInfo]:
        loader = info.context.loaders.get(resolve.ContactInfoByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(description="The organisation's transaction acquiring points.")
    async def taps(self, info: Info) -> list[OrganisationTap]:
        loader = info.context.loaders.get(resolve.TapsByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(description="The organisation's industry.")
    async def industry(self, info: Info) -> NamedRecord | None:
        industry_id = self.industry_id
        if industry_id is None:
            return None
        loader = info.context.loaders.get(IndustryByIdLoader)
        return await loader.load(industry_id)

    @strawberry.field(description="The organisation's industry sectors.")
    async def industry_sectors(self, info: Info) -> list[NamedRecord]:
        loader = info.context.loaders.get(resolve.IndustrySectorsByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(description="The organisation's business activities.")
    async def business_activities(self, info: Info) -> list[NamedRecord]:
        loader = info.context.loaders.get(resolve.BusinessActivitiesByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(description="The groups the organisation belongs to.")
    async def groups(self, info: Info) -> list[NamedRecord]:
        loader = info.context.loaders.get(resolve.GroupsByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(
        description="The organisations (service owners) that this transaction processor serves."
    )
    async def service_organisations(self, info: Info) -> list[NamedRecord]:
        loader = info.context.loaders.get(resolve.ServiceOrganisationsByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(
        description="The partners whose logos appear on the back end (BUSINESS organisations)."
    )
    async def partners(self, info: Info) -> list[NamedRecord]:
        loader = info.context.loaders.get(resolve.PartnersByOrganisationIdLoader)
        return await loader.load(self.id)

    @strawberry.field(
        description="The organisation's images: the media of its linked media groups (of the "
        "caller's mode, in the order of the groups, oldest first within a group); empty for "
        "callers without MEDIA_READ. Width, height and format are not known to the gateway."
    )
    async def creatives(self, info: Info) -> list[OrganisationCreative]:
        return [
            OrganisationCreative(
                id=strawberry.ID(media.id),
                usage_type=media.usage_type,
                width=None,
                height=None,
                format=None,
                url=media.url,
                public_id=media.public_id,
                media=[],
            )
            for media in await resolve_media.organisation_creatives(info, self.id)
        ]

    @strawberry.field(
        description="A page of the organisation's own dated events, newest first: activities "
        "created, journals posted to its wallets (with JOURNALS_READ) and contacts registered "
        "(with CONTACTS_READ), in the caller's mode (needs ACTIVITIES_READ).",
        extensions=needs(Permission.ACTIVITIES_READ),
    )
    async def activity_feed(
        self,
        info: Info,
        filter_by: Annotated[
            ActivityFeedFilter | None,
            strawberry.argument(name="filter", description="Only entries matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: Annotated[str | None, FEED_SORT] = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[ActivityFeedEntry]:
        search = (filter_by or ActivityFeedFilter()).search()
        request = page_request(page, size, sort, order)
        result = await resolve_feed.activity_feed(info, self.id, request, search)
        return to_page(result, ActivityFeedEntry.of)

    @strawberry.field(
        description="The media groups of the caller's mode linked to the organisation, in the "
        "order given (needs MEDIA_READ).",
        extensions=needs(Permission.MEDIA_READ),
    )
    async def media_groups(self, info: Info) -> list[MediaGroup]:
        groups = await resolve_media.organisation_media_groups(info, self.id)
        return groups  # type: ignore[return-value]  # rows shown as the type that maps them

    @strawberry.field(name="organisation_profile", description="The organisation profile.")
    def profile(self) -> OrganisationProfile | None:
        stored = self.organisation_profile
        if stored is None:
            return None
        return OrganisationProfile(
            registration_number=stored.get("registration_number"),
            tax_reference_number=stored.get("tax_reference_number"),
            vat_reference_number=stored.get("vat_reference_number"),
            registration_country=stored.get("registration_country"),
        )

    @strawberry.field(name="wifi_platform", description="The WiFi platform provisioning.")
    def wifi(self) -> OrganisationWifiPlatform | None:
        stored = self.wifi_platform
        if stored is None:
            return None
        return OrganisationWifiPlatform(
            integration_id=stored.get("integration_id"), site_id=stored.get("site_id")
        )

    @strawberry.field(name="custom_fields", description="The organisation's custom fields.")
    def custom_fields_list(self) -> list[CustomField]:
        return custom_fields(self.custom_fields)


@strawberry.input(description="A location; give `id` to change an existing one (updates only).")
class OrganisationLocationInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The location to change; leave out to add one."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    address_line_1: str | None = strawberry.field(
        default=strawberry.UNSET, description="The address."
    )
    address_line_2: str | None = strawberry.field(
        default=strawberry.UNSET, description="More address information."
    )
    state_province_county: str | None = strawberry.field(
        default=strawberry.UNSET, description="State/province/county."
    )
    town_city: str | None = strawberry.field(default=strawberry.UNSET, description="Town/city.")
    postal_code: str | None = strawberry.field(default=strawberry.UNSET, description="Postal code.")
    country_code: str | None = strawberry.field(
        default=strawberry.UNSET, description="Country code."
    )
    care_of: str | None = strawberry.field(default=strawberry.UNSET, description="Care of.")
    lat: float | None = strawberry.field(default=strawberry.UNSET, description="Latitude.")
    lon: float | None = strawberry.field(default=strawberry.UNSET, description="Longitude.")
    google_place_id: str | None = strawberry.field(
        default=strawberry.UNSET, description="The Google place identifier."
    )
    googleplaceid: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="The Google place identifier, as the registration example spells it.",
    )


@strawberry.input(description="A contact detail; give `id` to change an existing one (updates).")
class OrganisationContactInfoInput:
    id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The contact detail to change; leave out to add."
    )
    name: str | None = strawberry.field(default=None, description="The name of the detail.")
    type: OrganisationContactInfoType = strawberry.field(description="EMAIL, PHONE or EXTENSION.")
    value: str = strawberry.field(description="The value.")
    country_code: str | None = strawberry.field(default=None, description="Country code.")


@strawberry.input(description="A contact detail of the owner; an EMAIL one may give the e-mail.")
class OwnerContactInfoInput:
    name: str | None = strawberry.field(default=None, description="The name of the detail.")
    type: OrganisationContactInfoType = strawberry.field(description="EMAIL, PHONE or EXTENSION.")
    value: str = strawberry.field(description="The value.")
    country_code: str | None = strawberry.field(default=None, description="Country code.")


@strawberry.input(description="How the owner signs in: e-mail and password.")
class OwnerIdentityInput:
    provider: OwnerIdentityProvider = strawberry.field(
        default=OwnerIdentityProvider.EMAIL, description="The identity provider (EMAIL)."
    )
    identity_challenge: str | None = strawberry.field(
        default=None, description="The owner's e-mail address."
    )
    identity_value: str | None = strawberry.field(default=None, description="The owner's password.")


@strawberry.input(description="The owner (admin user) of a new organisation.")
class OrganisationOwnerInput:
    first_name: str | None = strawberry.field(default=None, description="First name.")
    last_name: str | None = strawberry.field(default=None, description="Last name.")
    identity: OwnerIdentityInput | None = strawberry.field(
        default=None, description="The owner's sign-in identity."
    )
    contact_info: list[OwnerContactInfoInput] | None = strawberry.field(
        default=None,
        description="The owner's contact details; only an EMAIL entry is used (as the e-mail "
        "address when identity gives none).",
    )


@strawberry.input(description="A transaction acquiring point (TAP).")
class OrganisationTapInput:
    name: str = strawberry.field(description="The TAP name.")
    code: str = strawberry.field(description="The TAP code (unique within the organisation).")
    is_active: bool = strawberry.field(default=True, description="Whether the TAP is active.")
    description: str | None = strawberry.field(default=None, description="The description.")
    external_ip: str | None = strawberry.field(default=None, description="External device IP.")
    external_port: str | None = strawberry.field(default=None, description="External port.")
    tap_type: OrganisationTapType = strawberry.field(description="The TAP type.")
    external_type: str | None = strawberry.field(
        default=None, description="The external system (e.g. ALOHA)."
    )


@strawberry.input(description="Registration and tax details of an organisation.")
class OrganisationProfileInput:
    registration_number: str | None = strawberry.field(default=None, description="Reg. number.")
    tax_reference_number: str | None = strawberry.field(default=None, description="TAX ref.")
    vat_reference_number: str | None = strawberry.field(default=None, description="VAT ref.")
    registration_country: str | None = strawberry.field(default=None, description="Country.")


@strawberry.input(description="How an organisation is provisioned on the WiFi platform.")
class OrganisationWifiPlatformInput:
    integration_id: str | None = strawberry.field(default=None, description="Integration id.")
    site_id: str | None = strawberry.field(default=None, description="Site identifier.")


@strawberry.input(description="A partner organisation of a business.")
class OrganisationPartnerInput:
    id: strawberry.ID = strawberry.field(description="The partner (organisation) identifier.")


@strawberry.input(description="A business registering below the organisation of the api key.")
class RegisterOrganisationInput:
    name: str = strawberry.field(description="The name of the organisation.")
    description: str | None = strawberry.field(default=None, description="A brief description.")
    vat_number: str | None = strawberry.field(default=None, description="The VAT number.")
    org_type: OrganisationType | None = strawberry.field(
        default=None, description="BUSINESS (the only type registration creates)."
    )
    is_business: bool | None = strawberry.field(
        default=None, description="Whether it is the primary business (default true)."
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The parent organisation; default the organisation of the api key.",
    )
    test_mode: bool = strawberry.field(default=False, description="For test purposes?")
    is_sandbox_on: bool = strawberry.field(default=False, description="Sandbox mode enabled?")
    owner: OrganisationOwnerInput = strawberry.field(description="The owner (admin user).")
    location: list[OrganisationLocationInput] | None = strawberry.field(
        default=None, description="The locations (the spec example's singular key)."
    )
    locations: list[OrganisationLocationInput] | None = strawberry.field(
        default=None, description="The locations."
    )
    base_currency: str | None = strawberry.field(default=None, description="Base currency.")
    timezone: str | None = strawberry.field(default=None, description="The timezone.")
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=None, description="Custom fields."
    )


@strawberry.input(description="A new organisation below another one of the network.")
class CreateNetworkOrganisationInput:
    org_type: OrganisationType = strawberry.field(description="The type of the new organisation.")
    name: str = strawberry.field(description="The name of the organisation.")
    description: str | None = strawberry.field(default=None, description="A brief description.")
    is_business: bool = strawberry.field(default=False, description="The primary business?")
    country_agreement: str | None = strawberry.field(
        default=None, description="Country of agreement code (service owner/business)."
    )
    industry_id: strawberry.ID | None = strawberry.field(default=None, description="Industry.")
    industry_sectors: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Industry sector identifiers."
    )
    groups: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Group identifiers (MERCHANT, VENUE, SERVICE_POINT only)."
    )
    owner: OrganisationOwnerInput | None = strawberry.field(
        default=None, description="The owner (admin user)."
    )
    contact_info: list[OrganisationContactInfoInput] | None = strawberry.field(
        default=None, description="Contact details."
    )
    locations: list[OrganisationLocationInput] | None = strawberry.field(
        default=None, description="Locations."
    )
    taps: list[OrganisationTapInput] | None = strawberry.field(
        default=None, description="Transaction acquiring points."
    )
    business_activities: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Business activity identifiers."
    )
    inherit_from_parent: bool = strawberry.field(
        default=False,
        description="Copy the parent's industry, sectors and business activities.",
    )
    organisation_profile: OrganisationProfileInput | None = strawberry.field(
        default=None, description="The organisation profile."
    )
    organisation_id: strawberry.ID | None = strawberry.field(
        default=None, description="The parent organisation: the path's id (may be left out)."
    )
    cloud_name: str | None = strawberry.field(
        default=None, description="The cloud name (letters and digits only)."
    )
    organisation_tags: list[str] | None = strawberry.field(default=None, description="Tags.")
    service_organisations: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Service owners this (transaction processor) serves."
    )
    contact_registry: bool = strawberry.field(
        default=False, description="Supports a contact registry?"
    )
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=None, description="Custom fields."
    )
    wifi_platform: OrganisationWifiPlatformInput | None = strawberry.field(
        default=None, description="WiFi platform provisioning."
    )
    base_currency: str | None = strawberry.field(default=None, description="Base currency.")
    timezone: str | None = strawberry.field(default=None, description="The timezone.")


@strawberry.input(description="Changes to an organisation; fields left out stay as they are.")
class UpdateOrganisationInput:
    name: str | None = strawberry.field(default=strawberry.UNSET, description="The name.")
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="A brief description."
    )
    contact_info: list[OrganisationContactInfoInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Contact details to change (with `id`) or add (without); none is removed.",
    )
    industry_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="The industry."
    )
    industry_sectors: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of industry sectors."
    )
    business_activities: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of business activities."
    )
    groups: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The complete new list of groups (MERCHANT, VENUE, SERVICE_POINT only).",
    )
    inherit_from_parent: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Copy the parent's industry, sectors and business activities.",
    )
    organisation_profile: OrganisationProfileInput | None = strawberry.field(
        default=strawberry.UNSET, description="The new organisation profile."
    )
    cloud_name: str | None = strawberry.field(
        default=strawberry.UNSET, description="The cloud name (letters and digits only)."
    )
    organisation_tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of tags."
    )
    service_organisations: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of served service owners."
    )
    contact_registry: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Supports a contact registry?"
    )
    locations: list[OrganisationLocationInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Locations to change (with `id`) or add (without); one object or a list.",
    )
    custom_fields: list[CustomFieldInput] | None = strawberry.field(
        default=strawberry.UNSET, description="The complete new list of custom fields."
    )
    partners: list[OrganisationPartnerInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="The complete new list of partners (BUSINESS organisations only; set from "
        "above the business).",
    )


@strawberry.input(
    description="Which child organisations to return: those matching every field given."
)
class OrganisationNetworkFilter:
    name: str | None = strawberry.field(
        default=None, description="Only names containing this text."
    )
    relationship: str | None = strawberry.field(
        default=None,
        description="Only children of this relationship (MERCHANTS, VENUES, ...) or "
        "type (MERCHANT, VENUE, ...); VENUES include service points.",
    )
    group_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only members of this group."
    )
    industry_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only of this industry."
    )
    industry_sector_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only of this industry sector."
    )
    business_activity_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only with this business activity."
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Only with any of these tags."
    )
    country: str | None = strawberry.field(
        default=None, description="Only with a location in this country."
    )
    town_city: str | None = strawberry.field(
        default=None, description="Only with a location in this town."
    )
    status: str | None = strawberry.field(default=None, description="Only this status.")
    tap_code: str | None = strawberry.field(
        default=None, description="Only with a TAP of this code."
    )
    search_value: str | None = strawberry.field(
        default=None, description="Free text matched against name, description and cloud name."
    )
    custom_fields: list[str] | None = strawberry.field(
        default=None, description="Only with these custom fields, each `key;value`."
    )


@strawberry.input(description="An action on an organisation.")
class OrganisationActionInput:
    # Text rather than an enum, so that an unknown action is refused by the command with a
    # 400 that lists the allowed ones (both doors), as the issue asks.
    action: str = strawberry.field(
        description="MODE (turn live mode on for an organisation that used test mode only) or "
        "COPY (copy its settings and reference data, not its contacts or money, into a new "
        "organisation beside it named `name`); anything else is a 400 listing them."
    )
    name: str | None = strawberry.field(
        default=None, description="The copy's name (needed by COPY)."
    )


@strawberry.input(description="A media group, by id or external id.")
class MediaGroupReferenceInput:
    id: strawberry.ID = strawberry.field(description="The media group id or external id.")


@strawberry.input(description="The media groups an organisation is linked with.")
class LinkMediaGroupsInput:
    media_groups: list[MediaGroupReferenceInput] = strawberry.field(
        description="The complete list of the organisation's media groups (of the caller's mode)."
    )


@strawberry.type
class Query:
    @strawberry.field(
        extensions=needs(Permission.ORGANISATIONS_READ),
        description="One organisation of the caller's network (test-mode keys read the same "
        "network as live ones).",
    )
    async def organisation(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The organisation id.")],
    ) -> Organisation:
        return shown_as(Organisation, await resolve.organisation(info, id))

    @strawberry.field(
        extensions=needs(Permission.ORGANISATIONS_READ),
        description="The direct child organisations of an organisation, filtered and paged "
        "(test-mode keys read the same network as live ones).",
    )
    async def organisation_network(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The parent whose children are listed."),
        ],
        filter_by: Annotated[
            OrganisationNetworkFilter | None,
            strawberry.argument(name="filter", description="Only children matching it."),
        ] = None,
        page: PageArgument = 1,
        size: SizeArgument = DEFAULT_PAGE_SIZE,
        sort: OrganisationSortArgument = None,
        order: OrderArgument = SortOrder.DESC,
    ) -> Page[Organisation]:
        filters = filter_values(filter_by, OrganisationNetworkFilter)
        request = page_request(page, size, sort, order)
        return to_page(await resolve.organisation_network(info, id, request, filters))


TEST_MODE_REFUSED = (
    " Test-mode keys may read the organisations network but not change it (403, FORBIDDEN): "
    "organisations are shared by live and test mode."
)


@strawberry.type(description="A registered business.")
class Registration:
    id: strawberry.ID = strawberry.field(description="The business's identifier.")
    owner_invitation_token: str | None = strawberry.field(
        description="When the owner gave no password (owner.identity.identity_value): the token "
        "with which the owner accepts the invitation (POST /users/invitations/accept), shown "
        "only now. Null when the owner was created with a password."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=needs(Permission.ORGANISATIONS_WRITE, public_keys=True),
        description="Register a business with its owner below the organisation of the api key "
        "(public keys may). With owner.identity.identity_value the owner is a new user with that "
        "password (a taken e-mail is a 409); without it the owner is invited (role OWNER) and "
        "the invitation token is returned once." + TEST_MODE_REFUSED,
    )
    async def register_organisation(
        self, info: Info, input: RegisterOrganisationInput
    ) -> Registration:
        command = to_command(input, RegisterOrganisation)
        registration = await resolve.register_organisation(info, command)
        return Registration(
            id=strawberry.ID(registration.organisation.id),
            owner_invitation_token=registration.owner_invitation_token,
        )

    @strawberry.mutation(
        extensions=needs(Permission.ORGANISATIONS_WRITE),
        description="Create an organisation directly below another one." + TEST_MODE_REFUSED,
    )
    async def create_network_organisation(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The parent organisation.")],
        input: Annotated[
            CreateNetworkOrganisationInput, strawberry.argument(description="The organisation.")
        ],
    ) -> Organisation:
        command = to_command(input, CreateNetworkOrganisation)
        return shown_as(Organisation, await resolve.create_network_organisation(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ORGANISATIONS_WRITE),
        description="Change an organisation; fields left out stay as they are." + TEST_MODE_REFUSED,
    )
    async def update_organisation(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The organisation id.")],
        input: Annotated[UpdateOrganisationInput, strawberry.argument(description="Changes.")],
    ) -> Organisation:
        command = to_command(input, UpdateOrganisation)
        return shown_as(Organisation, await resolve.update_organisation(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.ORGANISATIONS_WRITE),
        description="Remove an organisation below the caller's that has no child organisations "
        "and no data (contacts, accounts, ...)." + TEST_MODE_REFUSED,
    )
    async def delete_organisation(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The organisation id.")],
    ) -> Identifier:
        return Identifier(id=strawberry.ID(await resolve.delete_organisation(info, id)))

    @strawberry.mutation(
        description="Perform an action on an organisation of the caller's network: MODE turns "
        "live mode on (its live keys work from then on; test keys keep working), COPY creates "
        "a copy named `name` beside it (below the same parent; copy organisations below "
        "yours). Answers the organisation the action leaves: for COPY, the new one."
        + TEST_MODE_REFUSED,
        extensions=needs(Permission.ORGANISATIONS_WRITE),
    )
    async def organisation_action(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The organisation id.")],
        input: Annotated[OrganisationActionInput, strawberry.argument(description="The action.")],
    ) -> Organisation:
        command = to_command(input, PerformOrganisationAction)
        return shown_as(Organisation, await resolve.organisation_action(info, id, command))

    @strawberry.mutation(
        extensions=needs(Permission.MEDIA_WRITE),
        description="Link an organisation with one or many media groups: the list given becomes "
        "the organisation's media groups of the caller's mode (404 naming the organisation or "
        "the first unknown media group).",
    )
    async def link_media_groups(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The organisation id.")],
        input: Annotated[LinkMediaGroupsInput, strawberry.argument(description="The groups.")],
    ) -> Organisation:
        command = to_command(input, LinkMediaGroups)
        return shown_as(Organisation, await resolve_media.link_media_groups(info, id, command))
