"""The registry of background jobs: every kind of work the worker runs, in this order."""

from app.worker.job import Job


def all_jobs() -> list[Job]:
    """Every registered job (imported here, not at module load, to keep imports one-way)."""
    from app.automations import runs as automation_runs

    jobs: list[Job] = []
    jobs.append(automation_runs.JOB)
    return jobs
