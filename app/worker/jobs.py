"""The registry of background jobs: every kind of work the worker runs, in this order."""

from app.worker.job import Job


def all_jobs() -> list[Job]:
    """Every registered job (imported here, not at module load, to keep imports one-way)."""
    from app.webhooks.delivery import delivery_job

    jobs: list[Job] = []
    jobs.append(delivery_job())
    return jobs
