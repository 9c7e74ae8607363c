"""Where services register their processes (in their AppConfig.ready)."""

from __future__ import annotations

from .process import Process

_PROCESSES: dict[str, Process] = {}


def register(process: Process) -> Process:
    """Make ``process`` known by its code; registering the same code twice is an error."""
    existing = _PROCESSES.get(process.code)
    if existing is not None and existing is not process:
        raise ValueError(f"process {process.code} registered twice")
    _PROCESSES[process.code] = process
    return process


def get_process(code: str) -> Process:
    """The process declared under ``code``; UnknownProcess (a 400) if there is none."""
    try:
        return _PROCESSES[code]
    except KeyError:
        from .errors import UnknownProcess

        raise UnknownProcess(code) from None


def all_processes() -> list[Process]:
    return sorted(_PROCESSES.values(), key=lambda p: p.code)


_SUBJECT_PAGES: dict[str, str] = {}


def register_subject_page(subject_type: str, url_name: str) -> None:
    """Where a service shows its own record of a case's subject (a URL name taking the
    subject's id), so the generic case page can send users to the service's forms."""
    _SUBJECT_PAGES[subject_type] = url_name


def subject_page(subject_type: str, subject_id: str) -> str | None:
    from django.urls import reverse

    url_name = _SUBJECT_PAGES.get(subject_type)
    return reverse(url_name, args=[subject_id]) if url_name and subject_id else None
