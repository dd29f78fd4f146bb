"""Codes of approval requests: their states, who may decide them, the action parameters."""

from enum import StrEnum


class ApprovalState(StrEnum):
    """An approval request's state (spec: ``state`` / ``life_cycle_state``)."""

    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class ConditionType(StrEnum):
    """Who an authorised condition names (spec: ``authorised_conditions[].type``)."""

    USER = "USER"
    TEAM = "TEAM"
    ROLE = "ROLE"
    CONTACT = "CONTACT"


class ApprovalParameter(StrEnum):
    """``parameter_key`` values of the APPROVAL_REQUESTS actions.

    USER_ID, TEAM_ID and ROLE_ID (a role code: OWNER, ADMIN, READ_ONLY or a custom role's) name
    who may decide a user approval, CONTACT_ID the customer of a customer approval (default:
    the event's contact); REQUIRED_APPROVALS how many approvals it needs (default 1);
    DESCRIPTION the request's description (default: the automation's).
    """

    USER_ID = "USER_ID"
    TEAM_ID = "TEAM_ID"
    ROLE_ID = "ROLE_ID"
    CONTACT_ID = "CONTACT_ID"
    REQUIRED_APPROVALS = "REQUIRED_APPROVALS"
    DESCRIPTION = "DESCRIPTION"
