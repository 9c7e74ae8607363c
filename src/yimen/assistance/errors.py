"""Stable error codes of social assistance."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound, YimenError

if TYPE_CHECKING:
    from .models import Application


class ApplicationInvalid(Invalid):
    code = "assistance.application_invalid"

    def __init__(self, fields):
        super().__init__(
            _("The application has errors; nothing was saved. Correct the marked items."),
            fields=fields,
        )


class ApplicationNotFound(NotFound):
    code = "assistance.application_not_found"

    def __init__(self):
        super().__init__(_("No such application, or it is outside your area."))


class NotADraft(Conflict):
    code = "assistance.not_a_draft"

    def __init__(self):
        super().__init__(_("This application was already submitted or discarded."))


class AlreadyAssisted(Conflict):
    code = "assistance.already_assisted"

    def __init__(self, name, number):
        super().__init__(
            _("%(name)s is already in an open application or on the roster (case %(number)s)."),
            name=name,
            number=number,
        )


class SeparationOfDuties(Forbidden):
    code = "assistance.separation_of_duties"

    def __init__(self):
        super().__init__(
            _("You investigated this case, so you may not decide it. Another approver must sign.")
        )


class WrongStep(Conflict):
    code = "assistance.wrong_step"

    def __init__(self, step):
        super().__init__(_("The case is not waiting for “%(step)s”."), step=step)


class CannotApply(Forbidden):
    code = "assistance.cannot_apply"

    def __init__(self):
        super().__init__(_("You may not file an application for this village or community."))


class ParametersNotFound(NotFound):
    code = "assistance.parameters_not_found"

    def __init__(self, division_code: str, on: date):
        super().__init__(
            _("No assistance parameters are set for division %(division)s on %(date)s."),
            division=division_code,
            date=on.isoformat(),
        )


class ParametersInvalid(Invalid):
    code = "assistance.parameters_invalid"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(
            _("The parameter set has errors; nothing was saved. Correct the marked items."),
            fields=fields,
        )


class ParametersInForce(Conflict):
    code = "assistance.parameters_in_force"

    def __init__(self, valid_from: date):
        super().__init__(
            _(
                "This parameter set has applied since %(date)s and is kept as history; "
                "add a new set from today or a later date instead."
            ),
            date=valid_from.isoformat(),
        )


class ParametersForbidden(Forbidden):
    code = "assistance.parameters_forbidden"

    def __init__(self):
        super().__init__(_("You may not set assistance parameters for this division."))


class NoReceipt(Invalid):
    code = "assistance.no_receipt"


class ApplicationTransitionRefused(Exception):
    pass


class LimitsForbidden(Forbidden):
    code = "assistance.limits_forbidden"

    def __init__(self):
        super().__init__(_("You may not set time limits or cycle days for this division."))


class LimitsInvalid(Invalid):
    code = "assistance.limits_invalid"

    def __init__(self, fields: dict[str, list[str]]):
        super().__init__(_("Some entries are not valid; nothing was saved."), fields=fields)


class SettingInForce(Conflict):
    code = "assistance.setting_in_force"

    def __init__(self):
        super().__init__(
            _(
                "A setting from this date is already in force and cannot be changed; "
                "add a new one from a later date."
            )
        )


class CycleRowRefused(YimenError):
    """A row of the cycle page was refused: the refusal, prefixed with the case it names,
    so the approver sees which of many rows to correct. Code, status and the fields keep
    the underlying refusal's."""

    def __init__(self, *, application: Application, cause: YimenError):
        self.application_id = application.pk
        self.number = application.case.number if application.case else str(application.pk)
        self.head = application.head_name
        self.cause = cause
        self.code = cause.code
        self.status = cause.status
        self.fields = getattr(cause, "fields", {})
        super().__init__(_("Case %(number)s (%(head)s): %(reason)s"))

    def render(self, language: str | None = None) -> str:
        with translation.override(language) if language else nullcontext():
            return str(self.message) % {
                "number": self.number,
                "head": self.head,
                "reason": self.cause.render(language),
            }


class NotInCycle(Invalid):
    code = "assistance.not_in_cycle"

    def __init__(self, number):
        super().__init__(
            _("Case %(number)s is not waiting for a decision in this cycle."), number=number
        )


class NotDisclosed(NotFound):
    code = "assistance.not_disclosed"

    def __init__(self):
        super().__init__(_("This household is not on a public disclosure list."))


class TooManyObjections(YimenError):
    status = 429
    code = "assistance.too_many_objections"

    def __init__(self):
        super().__init__(
            _(
                "Too many objections were sent from your network in the "
                "last hour. Please try again later, or contact the "
                "township office."
            )
        )


class StatusLookupFailed(NotFound):
    """One message for every wrong value, so a guess never learns which part was right."""

    code = "assistance.status_lookup_failed"

    def __init__(self):
        super().__init__(
            _(
                "No case matches these details. Check the case number, "
                "the ID number and the receipt code."
            )
        )


class TooManyLookups(YimenError):
    status = 429
    code = "assistance.too_many_lookups"

    def __init__(self):
        super().__init__(
            _("Too many unsuccessful look-ups from your network. Please try again in an hour.")
        )


class WithdrawalNeedsAccount(Forbidden):
    code = "assistance.withdrawal_needs_account"

    def __init__(self):
        super().__init__(
            _("To withdraw, log in with the account you applied with, or ask the township office.")
        )
