"""Reports (spec: Reports): report types computed in the database (``catalogue``, ``rows``),
previews, one-off and scheduled runs (``service``, ``cron``), CSV and PDF files (``render``)
and the scheduler job that delivers them through the outbox (``scheduler``)."""
