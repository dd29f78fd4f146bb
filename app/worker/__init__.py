"""Background work (DESIGN.md §7): jobs that claim due rows and a worker that runs them.

A domain that queues work outside the request (webhook deliveries, automation runs, imports,
scheduled reports) writes a row in the same transaction as the change that caused it, calls
:func:`~app.worker.wake.wake_after_commit` on that session, and registers a :class:`Job` in
:mod:`app.worker.jobs`. The :class:`~app.worker.runner.Worker` runs every job in the gateway
process (``CRM_GATEWAY_WORKER=inline``, the default) or alone (``crm-gateway worker``).
"""
