"""The reference data's enumerations (registered with GraphQL in ``schema/reference.py``)."""

from enum import StrEnum


class SignUpMethod(StrEnum):
    """How customers may sign up to a reward scheme."""

    OPEN = "OPEN"
    EMAIL_DOMAIN = "EMAIL_DOMAIN"
    SIGN_UP_CODE = "SIGN_UP_CODE"


class ProductIdType(StrEnum):
    """What the id of a spend condition's product names."""

    BRAND = "BRAND"
    PRODUCT = "PRODUCT"
    CATEGORY = "CATEGORY"
