"""The kinds of background work: what runs, how often it is retried, when it is scheduled.

A kind names its function by dotted path, so this kernel module imports no service (the
layers contract): the function is imported when the job runs. A function takes the job's
arguments (ids, codes, ISO dates: JSON) and is safe to rerun — a retried job, or one given
to another worker after its first worker was killed, runs it again from the start.

``atomic`` kinds run their function and mark the job done in one transaction: a worker
killed in between leaves neither, so the retry does the work exactly once. ``background``
kinds (long: the page polls their own progress row) are started after the request by the
in-process runner; the others run at once in the caller when no queue is configured,
which keeps today's pages unchanged. ``cron`` (5 fields, or 6 with seconds last) schedules a
kind in ``yimen worker``; without a queue the same work runs from cron through its
command (docs/operations.md)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    label: object  # a lazy translation: what the job page shows
    paths: tuple[str, ...]  # the function(s), run one after another
    retries: int = 3  # further attempts after a failure that is not a refusal
    retry_wait: int = 10  # seconds before the first retry (then doubled each time)
    atomic: bool = False
    background: bool = False
    cron: str = ""  # the schedule in `yimen worker` (periodic kinds take no arguments)
    only_if: str = ""  # dotted path of a predicate: a periodic run is skipped while false
    result_url: str = ""  # URL name taking the result's "id" (the job page links it)


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "verification.run",
            _("Verification run"),
            ("yimen.verification.tasks.run",),
            background=True,
            result_url="verification:run",
        ),
        Kind(
            # every day: the divisions whose cycle day (the 1st and 16th by default) is today
            "verification.scheduled",
            _("Scheduled verification run"),
            ("yimen.verification.tasks.scheduled",),
            retries=1,
            cron="30 2 * * *",
        ),
        Kind(
            "benefits.roll_issue",
            _("Payment roll issue"),
            ("yimen.benefits.tasks.roll_issue",),
            atomic=True,
            result_url="benefits:roll",
        ),
        Kind(
            "benefits.recalc_confirm",
            _("Roster recalculation"),
            ("yimen.benefits.tasks.recalc_confirm",),
            atomic=True,
        ),
        Kind(
            "benefits.daily",
            _("Reviews falling due"),
            ("yimen.benefits.services.reviews.reviews_open_due",),
            cron="0 1 * * *",
        ),
        Kind(
            "workflow.reminders",
            _("Deadline reminders"),
            ("yimen.workflow.deadlines.send_reminders",),
            cron="0 * * * *",  # hourly, as the cron table of docs/operations.md
        ),
        Kind(
            "notify.deliver",
            _("Notifications delivery"),
            ("yimen.notify.dispatch.dispatch_all", "yimen.notify.sending.send_due"),
            cron="* * * * *",
        ),
        Kind(
            "medins.outbox",
            _("Insurance outbox"),
            ("yimen.medins.peers.send_reports", "yimen.medins.outbox.deliver_due"),
            cron="* * * * * */5",
            only_if="yimen.medins.node.node_config",
        ),
    )
}


def kind_of(name: str) -> Kind:
    """The kind called ``name``; KeyError for a name the catalogue does not know."""
    return KINDS[name]
