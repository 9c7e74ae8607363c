"""The page of a job started from another page (a roll, a recalculation) while a queue runs
it: its status, polled (htmx) until it is done, then the link to what it made."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .catalogue import kind_of
from .models import Job, JobStatus


def _job_for(user, job_id: int) -> Job:
    """Only the person who started a job sees it (the work's own pages are scoped)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not (user.is_superuser or job.created_by_id == user.pk):
        raise Http404
    return job


def _context(job: Job) -> dict:
    kind = kind_of(job.name)
    link = ""
    if job.status == JobStatus.DONE and kind.result_url and isinstance(job.result, dict):
        try:
            link = reverse(kind.result_url, args=[job.result.get("id")])
        except NoReverseMatch:
            link = ""
    error = ""
    if job.error:
        language = translation.get_language() or "zh-hans"
        error = job.error.get(language) or job.error.get("zh-hans") or job.error.get("en", "")
    return {"job": job, "label": kind.label, "link": link, "error": error}


@login_required
def job_page(request, job_id: int):
    return render(request, "jobs/job.html", _context(_job_for(request.user, job_id)))


@login_required
def job_status(request, job_id: int):
    return render(request, "jobs/_status.html", _context(_job_for(request.user, job_id)))
