"""The organisations network's enumerations (registered with GraphQL in
``schema/organisations.py``)."""

from enum import StrEnum


class OrganisationType(StrEnum):
    """The kind of an organisation (which kinds each may create: ``service.CHILD_TYPES``)."""

    CLOUD_OPERATOR = "CLOUD_OPERATOR"
    SERVICE_OWNER = "SERVICE_OWNER"
    TRANSACTION_PROCESSOR = "TRANSACTION_PROCESSOR"
    BUSINESS = "BUSINESS"
    SUBSIDIARY = "SUBSIDIARY"
    DEPARTMENT = "DEPARTMENT"
    MERCHANT = "MERCHANT"
    VENUE = "VENUE"
    SERVICE_POINT = "SERVICE_POINT"


class OrganisationRelationship(StrEnum):
    """How child organisations relate to their parent; VENUES include service points."""

    SERVICE_OWNERS = "SERVICE_OWNERS"
    TRANSACTION_PROCESSORS = "TRANSACTION_PROCESSORS"
    BUSINESSES = "BUSINESSES"
    SUBSIDIARIES = "SUBSIDIARIES"
    DEPARTMENTS = "DEPARTMENTS"
    MERCHANTS = "MERCHANTS"
    VENUES = "VENUES"


class OrganisationContactInfoType(StrEnum):
    """The kind of an organisation's contact detail."""

    EMAIL = "EMAIL"
    PHONE = "PHONE"
    EXTENSION = "EXTENSION"


class OrganisationTapType(StrEnum):
    """The kind of a transaction acquiring point."""

    CARD_TERMINAL = "CARD_TERMINAL"
    EXTERNAL_REF = "EXTERNAL_REF"


class OwnerIdentityProvider(StrEnum):
    """How an organisation's owner signs in."""

    EMAIL = "EMAIL"


NETWORK_FILTERS = (
    "name",
    "relationship",
    "group_id",
    "industry_id",
    "industry_sector_id",
    "business_activity_id",
    "tags",
    "country",
    "town_city",
    "status",
    "tap_code",
    "search_value",
    "custom_fields",
)
"""The filters of an organisation's network (spec: GET /organisations/{id}/network), by the
names of the query parameters and of the GraphQL filter's fields."""
