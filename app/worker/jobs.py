"""The registry of background jobs: every kind of work the worker runs, in this order."""

from app.worker.job import Job


def all_jobs() -> list[Job]:
    """Every registered job (imported here, not at module load, to keep imports one-way)."""
    from app.messages.outbox import outbox_health, send_due_messages
    from app.reports.scheduler import run_due_reports, schedule_health

    jobs: list[Job] = []
    jobs.append(Job("scheduled_reports", run_due_reports, schedule_health))
    jobs.append(Job("outbox", send_due_messages, outbox_health))
    return jobs
