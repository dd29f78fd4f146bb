"""Test helpers of automations and approvals: waiting for the worker, reading runs."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import select

from app.db.engine import Database
from app.db.models import AutomationRun

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]], check: Callable[[T], bool], within: float = 10.0
) -> T:
    """``probe()`` once ``check`` holds for its answer (polled briefly; fails after
    ``within`` seconds with the last answer)."""
    deadline = time.monotonic() + within
    while True:
        answer = await probe()
        if check(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"still not there after {within} s: {answer!r}")
        await asyncio.sleep(0.02)


async def runs_of(db: Database, automation_id: str) -> list[AutomationRun]:
    """An automation's runs, oldest first, read directly."""
    async with db.read() as session:
        stmt = select(AutomationRun).where(AutomationRun.automation_id == automation_id)
        return list((await session.execute(stmt.order_by(AutomationRun.created_on))).scalars())


def approval_action(order: int, key: str, value: str, **more: Any) -> dict[str, Any]:
    """A REQUEST_USER_APPROVAL action naming one approver (``key``: USER_ID, TEAM_ID or
    ROLE_ID)."""
    return {
        "adaptor": "APPROVAL_REQUESTS",
        "adaptor_action": "REQUEST_USER_APPROVAL",
        "order": order,
        "adaptor_action_parameters": [{"parameter_key": key, "parameter_from_value": value}],
        **more,
    }
