"""Running SQLAlchemy's synchronous pool checkout from coroutines in greenlets kept for reuse.

SQLAlchemy's asyncio layer runs each synchronous step in a new greenlet
(``sqlalchemy.util.greenlet_spawn``); its I/O (``await_``) switches to the greenlet's parent,
which awaits it. On Python 3.11 every new greenlet maps and unmaps a frame stack of its own
(an ``mmap``, page faults and a ``munmap``): for the pool checkout of a compiled read that cost
more than the checkout itself (about 30 us of the 320 us of server CPU a single lookup took).
:class:`ReusedGreenlets` runs the same synchronous function under the same protocol in a
greenlet that stays alive for the next call.
"""

import sys
from collections.abc import Callable
from typing import Any, TypeVar

from greenlet import getcurrent, greenlet

T = TypeVar("T")

_DONE = object()


class _Runner(greenlet):
    """A greenlet that runs one function after another; SQLAlchemy's ``await_`` inside it
    hands its awaitable to the parent (the event loop's greenlet), as in ``greenlet_spawn``."""

    __sqlalchemy_greenlet_provider__ = True

    def __init__(self, parent: Any) -> None:
        super().__init__(self._serve, parent)

    def _serve(self, fn: Callable[[], Any]) -> None:
        while True:
            outcome: tuple[object, Any, BaseException | None]
            try:
                outcome = (_DONE, fn(), None)
            except BaseException as error:  # handed to the caller, which raises it
                outcome = (_DONE, None, error)
            fn = self.parent.switch(outcome)


class ReusedGreenlets:
    """Runs synchronous SQLAlchemy calls that may do I/O (``await_``) from a coroutine, in up to
    ``keep`` idle greenlets kept between calls (more are made while more calls are under way).

    The protocol is ``greenlet_spawn``'s: an awaitable the call hands over is awaited by the
    calling coroutine and its result (or exception, cancellation included) sent back; the
    greenlet runs in the caller's context variables.
    """

    def __init__(self, keep: int) -> None:
        self._keep = keep
        self._idle: list[_Runner] = []

    async def run(self, fn: Callable[[], T]) -> T:
        """``fn()``, its ``await_`` calls awaited here."""
        current = getcurrent()
        runner = self._idle.pop() if self._idle else None
        if runner is None or runner.parent is not current:  # made in another thread's loop
            runner = _Runner(current)
        runner.gr_context = current.gr_context
        message = runner.switch(fn)
        while not (type(message) is tuple and message[0] is _DONE):
            try:
                value = await message
            except BaseException:
                message = runner.throw(*sys.exc_info())
            else:
                message = runner.switch(value)
        if len(self._idle) < self._keep:
            self._idle.append(runner)
        _, result, error = message
        if error is not None:
            raise error
        return result
