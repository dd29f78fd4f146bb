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
