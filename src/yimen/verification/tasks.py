"""Verification's background jobs (yimen.jobs catalogue): safe to rerun."""

from __future__ import annotations

from .errors import RunActive
from .runs import run_execute, run_resume, run_start


def run(*, run_id: int):
    """The run a staff page queued; a run its killed worker left running resumes."""
    run_resume(run_id)
    return run_execute(run_id)


def scheduled():
    """The daily run of the divisions whose cycle day is today; none while one is active."""
    try:
        queued = run_start(scheduled=True)
    except RunActive:
        return None
    return run_execute(queued.pk)
