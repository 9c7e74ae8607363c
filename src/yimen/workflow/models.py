"""Cases, their tasks, and in-app notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .states import CaseStatus, TaskStatus

# how a case is named as the subject of its audit events
CASE_SUBJECT = "workflow.case"


class Case(models.Model):
    """A matter of any service, from opening to closing, decided in one division."""

    # unique by a constraint, not unique=True: on PostgreSQL that would add a second,
    # varchar_pattern_ops index that no query uses (the search is icontains)
    number = models.CharField(_("case number"), max_length=40)
    process = models.CharField(_("process"), max_length=40)  # indexed with status below
    title = models.CharField(_("title"), max_length=200)
    subject_type = models.CharField(_("subject type"), max_length=60, blank=True)
    subject_id = models.CharField(_("subject"), max_length=64, blank=True)
    # not indexed alone: (division, status) serves equality; PostgreSQL also has a
    # varchar_pattern_ops index for the subtree filters (LIKE '2201%', migration 0004)
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
        db_index=False,
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant account"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CaseStatus.choices,
        default=CaseStatus.ACTIVE,
        editable=False,
    )
    stage = models.PositiveSmallIntegerField(_("current stage"), default=0, editable=False)
    flags = models.JSONField(_("conditions"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # the statutory hard line, when it differs from the service's own target (due_at)
    limit_at = models.DateTimeField(_("statutory limit"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["division", "status"]),
            models.Index(fields=["process", "status"]),
        ]
        constraints = [models.UniqueConstraint(fields=["number"], name="workflow_case_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status == CaseStatus.ACTIVE


OPEN = models.Q(status=TaskStatus.OPEN)


class Task(models.Model):
    """An active or finished step of a case, for a role in one division."""

    # not indexed alone: one_task_per_step (case, step) serves every lookup by case
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("case"),
        db_index=False,
    )
    step = models.CharField(_("step"), max_length=40)
    stage = models.PositiveSmallIntegerField(_("stage"))
    # "|role_a|role_b|": any of these roles may take it (one query with __contains)
    roles = models.CharField(_("roles"), max_length=200)
    # a plain index below (no pattern index: tasks are never filtered by a code prefix)
    division = models.ForeignKey(
        "regions.Division",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("division"),
        db_index=False,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TaskStatus.choices,
        default=TaskStatus.OPEN,
        editable=False,
    )
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("completed by"),
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        # Every query that filters tasks by status asks for the open ones (work lists,
        # reminders, a case's waiting steps); finished tasks are read by case (and step)
        # or by id. So the status indexes are partial, over open tasks only: a task that
        # completes leaves them and a batch completing 100,000 tasks writes no entries
        # there (docs/performance.md, issue 5).
        indexes = [
            models.Index(
                fields=["division", "due_at"], condition=OPEN, name="workflow_task_open_division"
            ),
            models.Index(fields=["due_at"], condition=OPEN, name="workflow_task_open_due"),
            models.Index(fields=["case"], condition=OPEN, name="workflow_task_open_case"),
            models.Index(fields=["division"], name="workflow_task_division"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "step"], name="one_task_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}/{self.step}"

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split("|") if r]

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and (now or timezone.now()) > self.due_at


class Notification(models.Model):
    """An in-app message, such as a deadline reminder. One per task, kind and day."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        INFO = "info", _("Information")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    task = models.ForeignKey(
        Task,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("task"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    day = models.DateField(_("day"))
    message = models.CharField(_("message"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "task", "kind", "day"], name="one_reminder_per_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day}: {self.message}"
