"""The APPROVAL_REQUESTS adaptor's records (spec: Adaptors, "e.g. CRM.COM Approvals Adaptor
approval requests"): the approval requests its actions created.

Actions: ``REQUEST_USER_APPROVAL`` (requests users, teams or roles decide) and
``REQUEST_CUSTOMER_APPROVAL`` (requests a contact decides). Each request is shown with the
attributes of :func:`record_of`; ``search_type`` may be ``state``, ``entity-reference`` or
``description``. Only ``description`` can be changed: a decision goes through
``POST /approval_requests/{id}/actions``, which resumes or stops the automation run.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.adaptors.records import AdaptorRecord, RecordSearch, attribute
from app.approvals import repository
from app.approvals.repository import ApprovalSearch
from app.auth.permissions import Permission
from app.auth.principal import Principal
from app.db.models import ApprovalRequest
from app.errors import InvalidInput, NotFound
from app.pagination import Page, PageRequest

CUSTOMER_ACTIONS = {"REQUEST_USER_APPROVAL": False, "REQUEST_CUSTOMER_APPROVAL": True}
"""Each action, and whether its requests are decided by a customer."""
DESCRIPTION = "description"


def _epoch(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def record_of(request: ApprovalRequest) -> AdaptorRecord:
    """An approval request as an adaptor record."""
    rid = request.id
    return AdaptorRecord(
        id=rid,
        record_attributes=[
            attribute(rid, "state", "State", "string", request.state),
            attribute(rid, DESCRIPTION, "Description", "string", request.description),
            attribute(rid, "entity-type", "Entity Type", "string", request.entity_type),
            attribute(rid, "entity-id", "Entity", "string", request.entity_id),
            attribute(
                rid, "entity-reference", "Entity Reference", "string", request.entity_reference
            ),
            attribute(rid, "automation-id", "Automation", "string", request.automation_id),
            attribute(
                rid,
                "required-approvals",
                "Required Approvals",
                "integer",
                request.required_approvals,
            ),
            attribute(rid, "created-on", "Created On", "date", _epoch(request.created_on)),
            attribute(rid, "decided-on", "Decided On", "date", _epoch(request.decided_on)),
        ],
    )


class ApprovalRequestRecords:
    """The record source of the APPROVAL_REQUESTS adaptor (see the module's docstring)."""

    actions = frozenset(CUSTOMER_ACTIONS)
    search_types = frozenset({"state", "entity-reference", DESCRIPTION})
    read_permission = Permission.APPROVALS_READ
    write_permission = Permission.AUTOMATIONS_WRITE

    async def search(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        request: PageRequest,
        search: RecordSearch,
    ) -> Page[AdaptorRecord]:
        """A page of the caller's requests of ``action`` matching ``search``."""
        text, by_type = search.search_value, search.search_type
        found = await repository.search_approvals(
            session,
            principal,
            request,
            ApprovalSearch(
                automation_id=search.automation_id,
                state=text.upper() if by_type == "state" and text else None,
                entity_reference=text if by_type == "entity-reference" else None,
                description=text if by_type == DESCRIPTION else None,
                of_customer=CUSTOMER_ACTIONS[action],
            ),
        )
        return found.map(record_of)

    async def _request(
        self, session: AsyncSession, principal: Principal, action: str, record_id: str
    ) -> ApprovalRequest:
        search = ApprovalSearch(of_customer=CUSTOMER_ACTIONS[action])
        stmt = repository.APPROVALS.readable(principal).where(
            ApprovalRequest.id == record_id, *search.conditions()
        )
        row = (await session.execute(stmt)).scalar_one_or_none()
        if row is None:
            raise NotFound("record", record_id)
        return row

    async def get(
        self, session: AsyncSession, principal: Principal, action: str, record_id: str
    ) -> AdaptorRecord:
        """One of the caller's requests of ``action`` (404 naming the record)."""
        return record_of(await self._request(session, principal, action, record_id))

    async def change(
        self,
        session: AsyncSession,
        principal: Principal,
        action: str,
        record_id: str,
        key: str,
        value: str | None,
    ) -> str:
        """Change ``description`` (400 naming ``key`` for another attribute)."""
        await self._request(session, principal, action, record_id)
        if key != DESCRIPTION:
            raise InvalidInput("key", f"{key!r} cannot be changed; editable: {DESCRIPTION}")
        request = await repository.approval_for_change(session, principal, record_id)
        request.description = value
        await session.flush()
        return request.id
