"""Mapped models, one module per domain; importing this package registers them all."""

from app.db.models.access import Role, Team, TeamMember
from app.db.models.accounts import Account, AccountMerchant, AccountRewardScheme
from app.db.models.activities import Activity, ActivityLink, ActivityStatusChange, ActivityTag
from app.db.models.approvals import ApprovalCondition, ApprovalRequest, ApprovalResponse
from app.db.models.automations import Automation, AutomationAction, AutomationRun, DomainEvent
from app.db.models.contacts import Contact, ContactAddress, ContactPhone
from app.db.models.files import StoredFile
from app.db.models.identity import (
    ApiKey,
    InstanceSecret,
    Membership,
    RefreshToken,
    User,
    UserInvitation,
)
from app.db.models.imports import DataImport, ImportFailure
from app.db.models.insights import (
    CustomerEvent,
    Insight,
    InsightBreakdown,
    InsightEvent,
    InsightExport,
    InsightFilter,
)
from app.db.models.media import Media, MediaGroup, OrganisationMediaGroup
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
from app.db.models.webhooks import Webhook, WebhookRequest, WebhookRequestAttempt

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
    "ApprovalCondition",
    "ApprovalRequest",
    "ApprovalResponse",
    "Automation",
    "AutomationAction",
    "AutomationRun",
    "BusinessActivity",
    "Contact",
    "ContactAddress",
    "ContactPhone",
    "CustomerEvent",
    "DataImport",
    "DomainEvent",
    "IdempotencyRecord",
    "ImportFailure",
    "Industry",
    "IndustrySector",
    "Insight",
    "InsightBreakdown",
    "InsightEvent",
    "InsightExport",
    "InsightFilter",
    "InstanceSecret",
    "Journal",
    "Media",
    "MediaGroup",
    "Membership",
    "Organisation",
    "OrganisationContactInfo",
    "OrganisationGroup",
    "OrganisationLocation",
    "OrganisationMediaGroup",
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
    "StoredFile",
    "Team",
    "TeamMember",
    "TenantOwned",
    "User",
    "UserInvitation",
    "Wallet",
    "WalletCommerceBalance",
    "Webhook",
    "WebhookRequest",
    "WebhookRequestAttempt",
]
