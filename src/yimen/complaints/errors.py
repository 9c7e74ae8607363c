"""Stable error codes of complaints and re-examination (codes never change once published)."""

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound, YimenError


class NotInScope(NotFound):
    code = "complaints.not_found"

    def __init__(self):
        super().__init__(_("No such record, or it is outside your area."))


class NotAllowed(Forbidden):
    code = "complaints.forbidden"

    def __init__(self):
        super().__init__(_("Your role may not do this here."))


class NotTheHandler(Forbidden):
    code = "complaints.not_the_handler"

    def __init__(self):
        super().__init__(_("Only the handler who took this report may do this."))


class ReportInvalid(Invalid):
    code = "complaints.report_invalid"

    def __init__(self, fields):
        super().__init__(_("The report has errors; nothing was sent."), fields=fields)


class WrongState(Conflict):
    code = "complaints.wrong_state"

    def __init__(self, *, what, status):
        super().__init__(
            _("%(what)s is “%(status)s” now; someone else may have acted on it first."),
            what=what,
            status=status,
        )


class TooManyReports(YimenError):
    status = 429
    code = "complaints.too_many"

    def __init__(self):
        super().__init__(
            _("Too many reports or look-ups from this connection; please try again in an hour.")
        )


class FollowUpFailed(NotFound):
    code = "complaints.receipt_unknown"

    def __init__(self):
        super().__init__(_("No report has this receipt code. Check the code and try again."))


class NoSuchHousehold(Invalid):
    code = "complaints.household_not_found"

    def __init__(self):
        super().__init__(
            _("No household on the roster of this township has this ID number."),
            fields={"id_number": [str(_("Not on the roster of this township."))]},
        )


class NothingToReexamine(Conflict):
    code = "complaints.nothing_to_reexamine"

    def __init__(self):
        super().__init__(_("This application has no refusal or stop that may be re-examined."))


class ReexamLate(Conflict):
    code = "complaints.reexam_late"

    def __init__(self, *, last_day, days):
        super().__init__(
            _(
                "A re-examination must be asked for within %(days)s days of the decision; "
                "the last day was %(last_day)s. You may still apply for administrative "
                "reconsideration or bring a lawsuit as the written decision explains."
            ),
            last_day=last_day,
            days=days,
        )


class ReexamPending(Conflict):
    code = "complaints.reexam_pending"

    def __init__(self):
        super().__init__(_("A re-examination of this decision is already waiting."))


class AlreadyReexamined(Conflict):
    code = "complaints.already_reexamined"

    def __init__(self):
        super().__init__(
            _(
                "This decision was already re-examined. You may still apply for administrative "
                "reconsideration or bring a lawsuit."
            )
        )


class SameSigner(Forbidden):
    code = "complaints.same_signer"

    def __init__(self, *, name):
        super().__init__(
            _(
                "%(name)s signed the decision under re-examination; another approver must "
                "sign the new decision."
            ),
            name=name,
        )


class ReexamInvalid(Invalid):
    code = "complaints.reexam_invalid"

    def __init__(self, fields):
        super().__init__(_("The form has errors; nothing was saved."), fields=fields)


class RemedyInvalid(Invalid):
    code = "complaints.remedy_invalid"

    def __init__(self, fields):
        super().__init__(_("The record has errors; nothing was saved."), fields=fields)


class SettingInvalid(Invalid):
    code = "complaints.setting_invalid"

    def __init__(self, fields):
        super().__init__(_("The setting has errors; nothing was saved."), fields=fields)
