"""Stable error codes of social assistance."""

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


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
