"""Stable error codes of the workflow engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class CaseNotFound(NotFound):
    code = "workflow.case_not_found"

    def __init__(self):
        super().__init__(_("No such case, or it is outside your area."))


class TaskNotFound(NotFound):
    code = "workflow.task_not_found"

    def __init__(self):
        super().__init__(_("No such task, or it is outside your area."))


class TaskAlreadyDone(Conflict):
    code = "workflow.task_already_done"

    def __init__(self):
        super().__init__(
            _("Someone else finished this task first. Reload the case to see what they decided.")
        )


class CaseClosed(Conflict):
    code = "workflow.case_closed"

    def __init__(self):
        super().__init__(_("This case is already closed."))


class StepSkipped(Conflict):
    code = "workflow.step_skipped"

    def __init__(self):
        super().__init__(
            _(
                "This step was passed over because its condition did not hold; "
                "there is nothing to complete."
            )
        )


class NotYourTask(Forbidden):
    code = "workflow.not_your_task"

    def __init__(self, step_label):
        super().__init__(_("Your roles here may not perform the step “%(step)s”."), step=step_label)


class NotAllowed(Forbidden):
    code = "workflow.not_allowed"

    def __init__(self, action_label):
        super().__init__(_("You may not do this here: %(action)s."), action=action_label)


class UnknownOutcome(Invalid):
    code = "workflow.unknown_outcome"

    def __init__(self, outcome, choices):
        super().__init__(
            _("“%(outcome)s” is not a possible outcome. Choose one of: %(choices)s."),
            outcome=outcome,
            choices=choices,
        )


class ReasonRequired(Invalid):
    code = "workflow.reason_required"

    def __init__(self):
        super().__init__(_("A written reason is required for this decision."))


class UnknownFlag(Invalid):
    code = "workflow.unknown_flag"

    def __init__(self, flag):
        super().__init__(_("“%(flag)s” is not a condition of this process."), flag=flag)


class BatchConflict(Conflict):
    code = "workflow.batch_conflict"

    def __init__(self, count, sample):
        super().__init__(
            _(
                "%(count)d of the selected cases are not waiting at this step "
                "in your area (for example %(sample)s). Nothing was changed."
            ),
            count=count,
            sample=sample,
        )


class EmptyBatch(Invalid):
    code = "workflow.empty_batch"

    def __init__(self):
        super().__init__(_("Select at least one case."))


class UnknownProcess(Invalid):
    code = "workflow.unknown_process"

    def __init__(self, process):
        super().__init__(_("There is no process “%(process)s”."), process=process)


class UnknownStep(Invalid):
    code = "workflow.unknown_step"

    def __init__(self, step):
        super().__init__(_("This process has no step “%(step)s”."), step=step)


class StepHasOwnForm(Forbidden):
    code = "workflow.step_has_own_form"

    def __init__(self, step_label):
        super().__init__(
            _(
                "“%(step)s” is recorded on its own form, with what it found or decided; it "
                "cannot be completed here."
            ),
            step=step_label,
        )


class TransitionRefused(Exception):
    """The state machine has no such transition."""
