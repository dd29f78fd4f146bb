"""``app.db.greenlets.ReusedGreenlets``: SQLAlchemy's synchronous calls run from coroutines as
``greenlet_spawn`` runs them (their ``await_`` awaited by the caller, results, errors,
cancellation and context variables passed through), in a greenlet kept for the next call."""

import asyncio
from contextvars import ContextVar

import pytest
from greenlet import getcurrent
from sqlalchemy.util import await_

from app.db.greenlets import ReusedGreenlets

WHO = ContextVar("who", default="nobody")


async def test_awaitables_are_awaited_and_the_result_returned() -> None:
    runs = ReusedGreenlets(keep=1)

    def two_steps() -> str:
        first = await_(asyncio.sleep(0, "a"))
        return first + await_(asyncio.sleep(0.01, "b"))

    assert await runs.run(two_steps) == "ab"


async def test_an_idle_greenlet_serves_the_next_call() -> None:
    runs = ReusedGreenlets(keep=1)

    def where() -> object:
        await_(asyncio.sleep(0))
        return getcurrent()

    first = await runs.run(where)
    assert first is not getcurrent()
    assert await runs.run(where) is first


async def test_errors_reach_the_caller_and_the_greenlet_serves_again() -> None:
    runs = ReusedGreenlets(keep=1)

    def failing() -> None:
        await_(asyncio.sleep(0))
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        await runs.run(failing)

    def awaited_failure() -> None:
        await_(asyncio.wait_for(asyncio.sleep(5), timeout=0.01))

    with pytest.raises(TimeoutError):
        await runs.run(awaited_failure)
    assert await runs.run(lambda: await_(asyncio.sleep(0, "again"))) == "again"


async def test_a_cancelled_caller_cancels_the_call_inside() -> None:
    runs = ReusedGreenlets(keep=1)
    cleaned: list[str] = []

    def slow() -> None:
        try:
            await_(asyncio.sleep(5))
        finally:
            cleaned.append("finally ran")

    task = asyncio.create_task(runs.run(slow))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == ["finally ran"]
    assert await runs.run(lambda: await_(asyncio.sleep(0, "next"))) == "next"


async def test_concurrent_calls_each_get_a_greenlet_and_their_own_context() -> None:
    runs = ReusedGreenlets(keep=4)

    def who(delay: float) -> tuple[str, object]:
        await_(asyncio.sleep(delay))
        return WHO.get(), getcurrent()

    async def as_caller(name: str, delay: float) -> tuple[str, object]:
        WHO.set(name)
        return await runs.run(lambda: who(delay))

    (ann, ann_greenlet), (lee, lee_greenlet) = await asyncio.gather(
        as_caller("ann", 0.02), as_caller("lee", 0.01)
    )
    assert (ann, lee) == ("ann", "lee")
    assert ann_greenlet is not lee_greenlet
