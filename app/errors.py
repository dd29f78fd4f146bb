"""Domain exceptions: each has a stable error code and the HTTP status both doors report."""

from collections.abc import Sequence


class GatewayError(Exception):
    """Base of every expected error; ``parameters`` add detail to ``message``.

    ``error`` is the stable code integrators match on (the spec's ``CRM.EXCEPTIONS.*`` style),
    ``status`` the HTTP status the REST door answers with.
    """

    status: int = 400
    error: str = "CRM.EXCEPTIONS.BADREQUESTEXCEPTION"
    default_message: str = "The request is not valid."

    def __init__(self, message: str | None = None, parameters: Sequence[str] = ()) -> None:
        self.message = message or self.default_message
        self.parameters = [str(p) for p in parameters]
        super().__init__(self.message)

    @property
    def code(self) -> str:
        """A short name of the error for GraphQL ``extensions.code``."""
        return self.error.rsplit(".", 1)[-1].removesuffix("EXCEPTION")

    @property
    def extensions(self) -> dict[str, object]:
        """What GraphQL reports in ``extensions`` (graphql-core reads this attribute)."""
        return error_extensions(self)

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the REST door adds to the error response (none by default)."""
        return {}


class InvalidInput(GatewayError):
    """A field of the request is missing, malformed or not allowed; ``parameters[0]`` names it."""

    error = "CRM.EXCEPTIONS.INVALIDVALUEEXCEPTION"
    default_message = "Invalid value."

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}", [field])
        self.field = field


class NotFound(GatewayError):
    """The resource does not exist, or the caller may not see it."""

    status = 404
    error = "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"
    default_message = "Record not found."

    def __init__(self, entity: str, identifier: str) -> None:
        super().__init__(self.default_message, [entity, identifier])
        self.entity = entity


class Unauthenticated(GatewayError):
    """No credentials, or credentials that are not valid."""

    status = 401
    error = "CRM.EXCEPTIONS.INVALIDTOKENEXCEPTION"
    default_message = "Missing or invalid credentials: send an api_key or a Bearer token."


class Forbidden(GatewayError):
    """The credentials are valid but may not do this."""

    status = 403
    error = "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
    default_message = "These credentials may not perform this operation."


class Conflict(GatewayError):
    """The request clashes with the current state of a resource."""

    status = 409
    error = "CRM.EXCEPTIONS.CONFLICTEXCEPTION"
    default_message = "The request conflicts with the current state of the resource."


class BusinessRuleViolation(GatewayError):
    """A business rule refuses the change; ``parameters`` name what it concerns."""

    status = 400
    error = "CRM.EXCEPTIONS.BUSINESSRULEEXCEPTION"


class WalletBalanceTooLow(BusinessRuleViolation):
    """A debit would take a wallet below zero or below its minimum balance."""

    error = "CRM.EXCEPTIONS.WALLETBALANCETOOLOWEXCEPTION"

    def __init__(self, wallet_id: str, message: str) -> None:
        super().__init__(message, ["wallet", wallet_id])


class WalletLimitExceeded(BusinessRuleViolation):
    """A journal would break one of the wallet's limit rules."""

    error = "CRM.EXCEPTIONS.WALLETLIMITEXCEEDEDEXCEPTION"

    def __init__(self, wallet_id: str, message: str) -> None:
        super().__init__(message, ["wallet", wallet_id])


class TooManyRequests(GatewayError):
    """Too many attempts in a while; ``retry_after`` is how many seconds to wait.

    REST answers 429 with a ``Retry-After`` header; GraphQL reports ``retry_after`` in
    ``extensions``.
    """

    status = 429
    error = "CRM.EXCEPTIONS.TOOMANYREQUESTSEXCEPTION"
    default_message = "Too many attempts; try again later."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message, ["retry_after", str(retry_after)])
        self.retry_after = retry_after

    @property
    def extensions(self) -> dict[str, object]:
        """The common extensions plus ``retry_after`` (seconds)."""
        return {**error_extensions(self), "retry_after": self.retry_after}

    @property
    def headers(self) -> dict[str, str]:
        """``Retry-After`` in seconds."""
        return {"Retry-After": str(self.retry_after)}


class IdempotencyKeyReused(Conflict):
    """An ``Idempotency-Key`` was sent again with a different request."""

    error = "CRM.EXCEPTIONS.IDEMPOTENCYKEYREUSEDEXCEPTION"
    default_message = "This Idempotency-Key was already used with a different request."


class MethodNotAllowed(GatewayError):
    """The path exists but does not take this method; ``parameters`` list the allowed ones."""

    status = 405
    error = "CRM.EXCEPTIONS.METHODNOTALLOWEDEXCEPTION"
    default_message = "Method not allowed."

    def __init__(self, allowed: Sequence[str]) -> None:
        super().__init__(f"Method not allowed; use {', '.join(sorted(allowed))}.", sorted(allowed))


class PayloadTooLarge(GatewayError):
    """The request body is larger than the gateway accepts (setting ``max_body_bytes``)."""

    status = 413
    error = "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION"

    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.", ["body", str(limit)])


class UnsupportedMediaType(GatewayError):
    """The request body is not JSON (``content-type`` names another media type)."""

    status = 415
    error = "CRM.EXCEPTIONS.UNSUPPORTEDMEDIATYPEEXCEPTION"

    def __init__(self, content_type: str) -> None:
        super().__init__(
            f"Request bodies must be JSON (application/json), not {content_type}.",
            ["content-type"],
        )


class ServiceUnavailable(GatewayError):
    """A dependency (the database) is not answering; ``parameters`` name the failing check."""

    status = 503
    error = "CRM.EXCEPTIONS.SERVICEUNAVAILABLEEXCEPTION"
    default_message = "The service is not available."


class InternalServerError(GatewayError):
    """An unexpected exception: its detail is logged, never shown; the caller sees this instead.

    GraphQL reports it with ``extensions.code`` ``INTERNALSERVEREXCEPTION`` (DESIGN.md §5).
    """

    status = 500
    error = "CRM.EXCEPTIONS.INTERNALSERVEREXCEPTION"
    default_message = "Unexpected error."

    @property
    def code(self) -> str:
        """The full code, as DESIGN.md §5 names it for masked errors."""
        return self.error.rsplit(".", 1)[-1]


def error_body(error: GatewayError) -> dict[str, object]:
    """The spec's JSON error body: ``{"status", "message", "error", "parameters"}``."""
    return {
        "status": error.status,
        "message": error.message,
        "error": error.error,
        "parameters": error.parameters,
    }


def error_extensions(error: GatewayError) -> dict[str, object]:
    """What GraphQL reports in ``extensions`` for a domain error (the REST body's fields)."""
    return {
        "code": error.code,
        "status": error.status,
        "error": error.error,
        "parameters": error.parameters,
    }


class LinkExpired(GatewayError):
    """A signed link (to a file's content) whose time has passed; ask for a new one."""

    status = 410
    error = "CRM.EXCEPTIONS.LINKEXPIREDEXCEPTION"
    default_message = "The link has expired; retrieve the file again for a new one."

    def __init__(self) -> None:
        super().__init__(self.default_message, ["expires"])
