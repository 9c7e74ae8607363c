"""Enqueue a job and run it: the one adapter every call site goes through.

``enqueue`` records the job and hands it to the backend of ``settings.JOBS_BACKEND``:

- ``inprocess`` (the default, nothing to run beside the web server): a kind that is not
  ``background`` runs at once in the caller, so its page behaves as before (a refusal is
  raised to the view); a ``background`` kind starts after the caller's transaction commits,
  as ``settings.JOBS_INPROCESS`` says — ``process`` (a detached ``yimen job_run``, which
  survives the web worker), ``thread``, or ``inline`` (tests);
- ``procrastinate`` (PostgreSQL): the job is deferred in the caller's transaction — it is
  queued if and only if the rows that start it commit — and ``yimen worker`` runs it.

``job_execute`` is what every backend calls to run a job once: it claims the row, runs the
kind's function(s) and records the outcome with guarded updates, so a job redelivered after
it finished does nothing, and an ``atomic`` kind's work and its "done" commit together."""

from __future__ import annotations

import contextlib
import dataclasses
import subprocess
import sys
import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from yimen.errors import YimenError

from .catalogue import Kind, kind_of
from .models import Job, JobStatus

ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.RETRYING)


def backend() -> str:
    return getattr(settings, "JOBS_BACKEND", "inprocess")


def enqueue(name: str, *, actor: Any = None, **args: Any) -> Job:
    """Record a job of kind ``name`` with ``args`` (JSON: ids, codes, ISO dates) and start it
    as the configured backend does; the job row comes back (done already when it ran at
    once). A refusal (YimenError) of a job run at once is raised here, recorded on the row."""
    kind = kind_of(name)
    job = Job.objects.create(
        name=name,
        args=args,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if backend() == "procrastinate":
        from .queue import defer  # only with the queue configured (PostgreSQL)

        defer(job)
    elif kind.background:
        _start_in_process(job.pk)
    else:
        run_in_process(job.pk, reraise=True)
        job.refresh_from_db()
    return job


def job_execute(job_id: int, *, final: bool | None = None, reraise: bool = False) -> bool:
    """Run job ``job_id`` once; False if it had finished already (nothing done).

    A refusal fails the job for good (retrying cannot change the answer); any other error
    leaves it ``retrying`` and is raised for the backend to retry, unless this is the
    ``final`` attempt (default: the kind's retries are used up), which fails it."""
    claimed = Job.objects.filter(pk=job_id, status__in=ACTIVE).update(
        status=JobStatus.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now()
    )
    if not claimed:
        return False
    job = Job.objects.get(pk=job_id)
    kind = kind_of(job.name)
    try:
        with translation.override(job.language):
            if kind.atomic:
                with transaction.atomic():
                    _finish(job, JobStatus.DONE, result=_plain(_call(kind, job.args)))
            else:
                _finish(job, JobStatus.DONE, result=_plain(_call(kind, job.args)))
    except YimenError as refusal:
        _finish(job, JobStatus.FAILED, error=_both_languages(refusal))
        if reraise:
            raise
    except Exception as failure:
        last = job.attempts > kind.retries if final is None else final
        text = f"{type(failure).__name__}: {failure}"[:2000]
        _finish(job, JobStatus.FAILED if last else JobStatus.RETRYING, error={"en": text})
        raise
    return True


def run_in_process(job_id: int, *, reraise: bool = False) -> None:
    """The in-process runner: attempt the job until done, refused or out of retries
    (retried at once: nobody waits on a timer in a web request)."""
    retries = kind_of(Job.objects.values_list("name", flat=True).get(pk=job_id)).retries
    for attempt in range(retries + 1):
        try:
            job_execute(job_id, final=attempt == retries, reraise=reraise)
            return
        except YimenError:
            raise
        except Exception:
            if attempt == retries:
                raise


def run_periodic(name: str) -> Any:
    """A scheduled kind's run (no job row: the schedule is its record); None when the kind's
    ``only_if`` predicate says there is nothing to do on this deployment."""
    kind = kind_of(name)
    if kind.only_if and not import_string(kind.only_if)():
        return None
    return _plain(_call(kind, {}))


def _call(kind: Kind, args: dict[str, Any]) -> Any:
    results = [import_string(path)(**args) for path in kind.paths]
    if len(results) == 1:
        return results[0]
    return {
        path.rsplit(".", 1)[1]: result for path, result in zip(kind.paths, results, strict=True)
    }


def _finish(job: Job, status: str, **fields: Any) -> None:
    fields.setdefault("error", None)
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=status, finished_at=timezone.now(), **fields
    )


def _both_languages(refusal: YimenError) -> dict[str, str]:
    return {"zh-hans": refusal.render("zh-hans"), "en": refusal.render("en")}


def _plain(value: Any) -> Any:
    """A function's result as JSON: a model by its id, a dataclass by its fields."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal | date | datetime):
        return str(value)
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return {"id": value.pk}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def _start_in_process(job_id: int) -> None:
    how = getattr(settings, "JOBS_INPROCESS", "process")
    if how == "inline":
        with contextlib.suppress(Exception):  # recorded on the job's row (and its subject's)
            run_in_process(job_id)
    elif how == "thread":
        transaction.on_commit(
            lambda: threading.Thread(target=_in_thread, args=(job_id,), daemon=True).start()
        )
    else:
        command = [sys.executable, "-c", "from yimen.cli import main; main()"]
        transaction.on_commit(
            lambda: subprocess.Popen(  # noqa: S603 (our own interpreter and command)
                [*command, "job_run", str(job_id)],
                start_new_session=True,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )


def _in_thread(job_id: int) -> None:
    try:
        with contextlib.suppress(Exception):  # recorded on the job's row
            run_in_process(job_id)
    finally:
        connections.close_all()  # the thread ends: its connections would linger until GC
