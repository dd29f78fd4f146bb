"""Mapped models, one module per domain; importing this package registers them all."""

from app.db.models.access import Role, Team, TeamMember
from app.db.models.accounts import Account, AccountMerchant, AccountRewardScheme
from app.db.models.activities import Activity, ActivityLink, ActivityStatusChange, ActivityTag
from app.db.models.contacts import Contact, ContactAddress, ContactPhone
from app.db.models.identity import (
    ApiKey,
    InstanceSecret,
    Membership,
    RefreshToken,
    User,
    UserInvitation,
)
from app.db.models.messages import OutboxAttachment, OutboxMessage
from app.db.models.organisations import (
    Organisation,
    OrganisationContactInfo,
    OrganisationLocation,
    OrganisationTap,
)
from app.db.models.reference import (
    AccountClassification,
    BusinessActivity,
    Industry,
    IndustrySector,
    OrganisationGroup,
    PaymentTerms,
    RewardScheme,
    RewardTier,
    SpendCondition,
)
from app.db.models.reports import ScheduledReport
from app.db.models.tenancy import TenantOwned
from app.db.models.wallets import IdempotencyRecord, Journal, Wallet, WalletCommerceBalance

__all__ = [
    "Account",
    "AccountClassification",
    "AccountMerchant",
    "AccountRewardScheme",
    "Activity",
    "ActivityLink",
    "ActivityStatusChange",
    "ActivityTag",
    "ApiKey",
    "BusinessActivity",
    "Contact",
    "ContactAddress",
    "ContactPhone",
    "IdempotencyRecord",
    "Industry",
    "IndustrySector",
    "InstanceSecret",
    "Journal",
    "Membership",
    "Organisation",
    "OrganisationContactInfo",
    "OrganisationGroup",
    "OrganisationLocation",
    "OrganisationTap",
    "OutboxAttachment",
    "OutboxMessage",
    "PaymentTerms",
    "RefreshToken",
    "RewardScheme",
    "RewardTier",
    "Role",
    "ScheduledReport",
    "SpendCondition",
    "Team",
    "TeamMember",
    "TenantOwned",
    "User",
    "UserInvitation",
    "Wallet",
    "WalletCommerceBalance",
]
