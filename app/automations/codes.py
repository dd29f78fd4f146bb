"""Every code of the automations domain in one place: states, adaptors and their actions,
filter types and operators, run states (spec: Automations; upper snake case of the spec's
display names)."""

from enum import StrEnum


class AutomationState(StrEnum):
    """Whether an automation runs when its event happens (spec: ``state`` /
    ``life_cycle_state``)."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class Adaptor(StrEnum):
    """The adaptors an action belongs to (spec's display names as codes)."""

    APPROVAL_REQUESTS = "APPROVAL_REQUESTS"
    AUTOMATIC_CONTENT_UPDATES = "AUTOMATIC_CONTENT_UPDATES"
    COMMUNICATIONS = "COMMUNICATIONS"
    ORDER_PROVISION = "ORDER_PROVISION"
    SERVICE_REQUEST_PROVISION = "SERVICE_REQUEST_PROVISION"
    WEBHOOKS = "WEBHOOKS"
    MICROS_SIMPHONY_ORDER_PROVISION = "MICROS_SIMPHONY_ORDER_PROVISION"
    NCR_ALOHA_ORDER_PROVISION = "NCR_ALOHA_ORDER_PROVISION"


class AdaptorAction(StrEnum):
    """The actions of the adaptors (each belongs to the adaptors :data:`ADAPTOR_ACTIONS` says)."""

    REQUEST_USER_APPROVAL = "REQUEST_USER_APPROVAL"
    REQUEST_CUSTOMER_APPROVAL = "REQUEST_CUSTOMER_APPROVAL"
    UPDATE_CONTENT = "UPDATE_CONTENT"
    COMMUNICATE_CUSTOMER = "COMMUNICATE_CUSTOMER"
    COMMUNICATE_USER = "COMMUNICATE_USER"
    ASSIGN_TO_A_SPECIFIC_USER = "ASSIGN_TO_A_SPECIFIC_USER"
    FULFILLED_BY_SPECIFIC_ORGANISATION = "FULFILLED_BY_SPECIFIC_ORGANISATION"
    ASSIGN_TO_SPECIFIC_TEAM = "ASSIGN_TO_SPECIFIC_TEAM"
    FULFILLED_BY_NEAREST_LOCATION = "FULFILLED_BY_NEAREST_LOCATION"
    FULFILLED_BASED_ON_POST_CODE_COVERAGE = "FULFILLED_BASED_ON_POST_CODE_COVERAGE"
    POST_WEBHOOK = "POST_WEBHOOK"
    PUT_WEBHOOK = "PUT_WEBHOOK"
    ASSIGN_TO_USER_OF_A_SPECIFIC_TEAM = "ASSIGN_TO_USER_OF_A_SPECIFIC_TEAM"
    ASSIGN_TO_USER_OF_A_SPECIFIC_USER_ROLE = "ASSIGN_TO_USER_OF_A_SPECIFIC_USER_ROLE"
    FULFILLED_BY_USER_OF_A_SPECIFIC_USER_ROLE = "FULFILLED_BY_USER_OF_A_SPECIFIC_USER_ROLE"
    FULFILLED_BY_SPECIFIC_USER = "FULFILLED_BY_SPECIFIC_USER"
    PROVISION_ORDER_TO_SIMPHONY_POS = "PROVISION_ORDER_TO_SIMPHONY_POS"
    PROVISION_ORDER_TO_ALOHA_POS = "PROVISION_ORDER_TO_ALOHA_POS"


_PROVISION = (
    AdaptorAction.ASSIGN_TO_A_SPECIFIC_USER,
    AdaptorAction.FULFILLED_BY_SPECIFIC_ORGANISATION,
)

ADAPTOR_ACTIONS: dict[Adaptor, tuple[AdaptorAction, ...]] = {
    Adaptor.APPROVAL_REQUESTS: (
        AdaptorAction.REQUEST_USER_APPROVAL,
        AdaptorAction.REQUEST_CUSTOMER_APPROVAL,
    ),
    Adaptor.AUTOMATIC_CONTENT_UPDATES: (AdaptorAction.UPDATE_CONTENT,),
    Adaptor.COMMUNICATIONS: (AdaptorAction.COMMUNICATE_CUSTOMER, AdaptorAction.COMMUNICATE_USER),
    Adaptor.ORDER_PROVISION: (
        *_PROVISION,
        AdaptorAction.ASSIGN_TO_SPECIFIC_TEAM,
        AdaptorAction.FULFILLED_BY_NEAREST_LOCATION,
        AdaptorAction.FULFILLED_BASED_ON_POST_CODE_COVERAGE,
    ),
    Adaptor.SERVICE_REQUEST_PROVISION: (
        *_PROVISION,
        AdaptorAction.ASSIGN_TO_USER_OF_A_SPECIFIC_TEAM,
        AdaptorAction.ASSIGN_TO_USER_OF_A_SPECIFIC_USER_ROLE,
        AdaptorAction.FULFILLED_BY_USER_OF_A_SPECIFIC_USER_ROLE,
        AdaptorAction.FULFILLED_BY_SPECIFIC_USER,
    ),
    Adaptor.WEBHOOKS: (AdaptorAction.POST_WEBHOOK, AdaptorAction.PUT_WEBHOOK),
    Adaptor.MICROS_SIMPHONY_ORDER_PROVISION: (AdaptorAction.PROVISION_ORDER_TO_SIMPHONY_POS,),
    Adaptor.NCR_ALOHA_ORDER_PROVISION: (AdaptorAction.PROVISION_ORDER_TO_ALOHA_POS,),
}
"""Each adaptor's actions (the spec: "each action is applicable for specific adaptors")."""


class FilterType(StrEnum):
    """How a filter compares an attribute's value."""

    STRING = "STRING"
    NUMBER = "NUMBER"
    INTEGER = "INTEGER"
    DATE = "DATE"
    BOOLEAN = "BOOLEAN"


class FilterOperator(StrEnum):
    """How an attribute's actual value is compared with the filter's value (spec: five
    operators for numbers, integers and dates, one for strings; EQUAL and NOT_EQUAL apply to
    every type)."""

    EQUAL = "EQUAL"
    NOT_EQUAL = "NOT_EQUAL"
    GREATER = "GREATER"
    GREATER_EQUAL = "GREATER_EQUAL"
    LESS = "LESS"
    EQUAL_LESS = "EQUAL_LESS"
    CONTAINS = "CONTAINS"


ORDERED_OPERATORS = frozenset(
    {
        FilterOperator.GREATER,
        FilterOperator.GREATER_EQUAL,
        FilterOperator.LESS,
        FilterOperator.EQUAL_LESS,
    }
)
"""Operators that compare by order: for NUMBER, INTEGER and DATE filters only."""


class RunState(StrEnum):
    """Where one automation run for one event is."""

    RUNNING = "RUNNING"
    """Due: the worker runs its next action."""
    WAITING_APPROVAL = "WAITING_APPROVAL"
    """An action asked for approval; the run goes on when it is approved."""
    COMPLETED = "COMPLETED"
    """Every action ran (or was filtered out)."""
    STOPPED = "STOPPED"
    """An action stopped the sequence (e.g. its approval was rejected)."""
    FAILED = "FAILED"
    """An action raised an error (kept in the run's ``error``)."""
