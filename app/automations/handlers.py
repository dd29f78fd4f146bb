"""The registered action handlers: one line per adaptor action that runs in this gateway
(see ``app.automations.actions`` for the handler's signature and outcomes)."""

from app.approvals.handlers import (
    check_customer_approvers,
    check_user_approvers,
    request_customer_approval,
    request_user_approval,
)
from app.automations.actions import ActionRegistry
from app.automations.codes import Adaptor, AdaptorAction
from app.messages.handlers import (
    check_customer_communication,
    check_user_communication,
    communicate_customer,
    communicate_user,
)
from app.webhooks.handlers import check_webhook, send_to_webhook

REGISTRY = ActionRegistry()
"""Every action handler, by (adaptor, action)."""

REGISTRY.register(
    Adaptor.APPROVAL_REQUESTS,
    AdaptorAction.REQUEST_USER_APPROVAL,
    request_user_approval,
    check_user_approvers,
)
REGISTRY.register(
    Adaptor.APPROVAL_REQUESTS,
    AdaptorAction.REQUEST_CUSTOMER_APPROVAL,
    request_customer_approval,
    check_customer_approvers,
)
REGISTRY.register(Adaptor.WEBHOOKS, AdaptorAction.POST_WEBHOOK, send_to_webhook, check_webhook)
REGISTRY.register(Adaptor.WEBHOOKS, AdaptorAction.PUT_WEBHOOK, send_to_webhook, check_webhook)
REGISTRY.register(
    Adaptor.COMMUNICATIONS,
    AdaptorAction.COMMUNICATE_CUSTOMER,
    communicate_customer,
    check_customer_communication,
)
REGISTRY.register(
    Adaptor.COMMUNICATIONS,
    AdaptorAction.COMMUNICATE_USER,
    communicate_user,
    check_user_communication,
)
