"""Live updates of approval requests: each creation and decision is published (after commit)
to the caller's subscribers (GraphQL ``approval_request_updates``; see :mod:`app.live`)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.models import ApprovalRequest
from app.live import publish_after_commit

LIVE_TOPIC = "approval_requests"


def live_payload(request: ApprovalRequest) -> dict[str, Any]:
    """What a subscriber is told of an approval request that changed (it reads the rest)."""
    return {"id": request.id, "state": request.state}


async def publish_change(session: AsyncSession, request: ApprovalRequest) -> None:
    """Tell subscribers that ``request`` was created or decided, once ``session`` commits."""
    await publish_after_commit(session, LIVE_TOPIC, request.organisation_id, live_payload(request))
