"""Background jobs (issue 24): one adapter in front of the queue.

``services.enqueue(name, actor=…, **args)`` records a :class:`models.Job` and hands it to
the configured backend: the in-process runner by default (no broker: ``make demo`` and
``make test`` need nothing), or procrastinate on PostgreSQL when ``YIMEN_JOBS_BACKEND`` is
``procrastinate`` (``yimen worker`` runs the jobs, the periodic ones on their schedule, and
gives a killed worker's jobs to another). The kinds of work are data in ``catalogue.py``:
a name, the dotted path of the function, its retries and schedule. See docs/jobs.md."""
