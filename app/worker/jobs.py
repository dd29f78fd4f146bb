"""The registry of background jobs: every kind of work the worker runs, in this order."""

from app.worker.job import Job


def all_jobs() -> list[Job]:
    """Every registered job (imported here, not at module load, to keep imports one-way)."""
    from app.automations import runs as automation_runs
    from app.imports.runner import imports_health, run_imports_once
    from app.webhooks.delivery import delivery_job

    return [
        automation_runs.JOB,
        delivery_job(),
        Job("imports", run_imports_once, imports_health),
    ]
