"""The states of cases and tasks, and the only transitions allowed between them.

The status fields are assigned in `transitions.py` and nowhere else (house rule 3).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")  # some stage is running
    COMPLETED = "completed", _("Completed")  # every stage finished
    REJECTED = "rejected", _("Refused")  # a step's outcome closed it as refused
    RETURNED = "returned", _("Returned")  # closed as returned (e.g. incomplete, not accepted)
    WITHDRAWN = "withdrawn", _("Withdrawn")  # the applicant withdrew or staff terminated it


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")  # waiting for its role
    DONE = "done", _("Done")  # finished with an outcome
    SKIPPED = "skipped", _("Skipped")  # its condition did not hold
    CANCELLED = "cancelled", _("Cancelled")  # the case closed before it finished


CLOSED_CASE_STATES = frozenset(
    {CaseStatus.COMPLETED, CaseStatus.REJECTED, CaseStatus.RETURNED, CaseStatus.WITHDRAWN}
)

#: source → allowed targets. Anything not listed is refused.
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.ACTIVE: CLOSED_CASE_STATES,
    # a refusal overturned — changed on re-examination (复核), or set aside by a
    # reconsideration body or a court and decided again — is approved: the case's outcome
    # follows (``transitions.overturn_refusal``; the signed new decision is the condition,
    # its signer the permission checked by the caller)
    CaseStatus.REJECTED: frozenset({CaseStatus.COMPLETED}),
}
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
}
