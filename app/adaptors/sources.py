"""The adaptors that keep records, each registered under its code (the one list of them)."""

from app.adaptors.records import register_record_source
from app.approvals.records import ApprovalRequestRecords
from app.webhooks.records import WebhookRequestRecords

register_record_source("WEBHOOKS", WebhookRequestRecords())
register_record_source("APPROVAL_REQUESTS", ApprovalRequestRecords())
