"""The registry of background jobs: every kind of work the worker runs, in this order."""

from app.settings import Settings
from app.worker.job import Job


def all_jobs(settings: Settings) -> list[Job]:
    """Every registered job, as ``settings`` configure them (imported here, not at module
    load, to keep imports one-way)."""
    from app.automations import runs as automation_runs
    from app.events.retention import retention_job
    from app.imports.runner import imports_health, run_imports_once
    from app.messages.outbox import outbox_health, send_due_messages
    from app.reports.scheduler import run_due_reports, schedule_health
    from app.webhooks.delivery import delivery_job

    return [
        automation_runs.JOB,
        delivery_job(),
        Job("imports", run_imports_once, imports_health),
        Job("scheduled_reports", run_due_reports, schedule_health),
        Job("outbox", send_due_messages, outbox_health),
        retention_job(settings.event_retention_days),
    ]
