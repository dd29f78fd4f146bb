"""Limiting failed sign-ins per e-mail address and per client address.

The counts are kept in memory by the ``limits`` library (a moving window), so the limit is per
gateway process: N processes allow up to N times as many failures in total, and a restart
forgets them.
"""

import math
import time

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from app.errors import TooManyRequests


class SignInThrottle:
    """Refuses sign-ins for an e-mail or from a client address with ``max_failures`` failed
    attempts in the last ``window_seconds``.

    Only failures count; a successful sign-in clears its e-mail's count (not its address's).
    """

    def __init__(self, max_failures: int, window_seconds: int) -> None:
        self._limit = RateLimitItemPerSecond(max_failures, window_seconds, namespace="sign-in")
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def _keys(self, email: str, client_address: str | None) -> list[tuple[str, str]]:
        keys = [("email", email)]
        if client_address:
            keys.append(("client", client_address))
        return keys

    def check(self, email: str, client_address: str | None) -> None:
        """Raise :class:`TooManyRequests` (with the seconds until an attempt is allowed again)
        if the e-mail or the client address has used up its failures."""
        waits = [
            self._seconds_until_free(kind, value)
            for kind, value in self._keys(email, client_address)
            if not self._limiter.test(self._limit, kind, value)
        ]
        if waits:
            raise TooManyRequests(
                max(waits), "Too many failed sign-in attempts; try again after retry_after seconds."
            )

    def record_failure(self, email: str, client_address: str | None) -> None:
        """Count a failed attempt against the e-mail and the client address."""
        for kind, value in self._keys(email, client_address):
            self._limiter.hit(self._limit, kind, value)

    def record_success(self, email: str) -> None:
        """Forget the e-mail's failures (its owner has proved the password)."""
        self._limiter.clear(self._limit, "email", email)

    def _seconds_until_free(self, kind: str, value: str) -> int:
        stats = self._limiter.get_window_stats(self._limit, kind, value)
        return max(1, math.ceil(stats.reset_time - time.time()))
