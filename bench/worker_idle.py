"""The CPU time of an idle gateway with the inline worker (issue 11 item 7: "the worker's
polling costs nothing measurable while idle").

Starts a gateway on a fresh database (one organisation, no work queued), lets the worker's
poll delay grow to ``CRM_GATEWAY_WORKER_MAX_POLL_SECONDS`` (default 5), then measures the
process's CPU time over SECONDS of idleness.

    PYTHONPATH=. CRM_GATEWAY_LOG_LEVEL=warning python bench/worker_idle.py \\
        postgresql+asyncpg://.../db 30
"""

import asyncio
import sys
import time

from app.db.engine import create_engine
from app.db.migrate import migrate
from app.logs import configure_logging
from app.main import create_app
from app.onboarding import bootstrap
from app.settings import Settings

SECONDS = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0


async def main(url: str) -> None:
    engine = create_engine(url, pool_size=2)
    await migrate(engine)
    await engine.dispose()
    settings = Settings(database_url=url, jwt_secret="x" * 40, worker="inline")
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        await bootstrap(app.state.gateway.runtime.db)
        await asyncio.sleep(settings.worker_max_poll_seconds * 2)  # the delay reaches its top
        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.sleep(SECONDS)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(
        f"idle {wall:.1f} s (worker polls up to every {settings.worker_max_poll_seconds:g} s): "
        f"{cpu * 1000:.1f} ms CPU, {cpu / wall * 100:.3f} % of a core"
    )


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
