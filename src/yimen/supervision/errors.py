"""Stable error codes of county supervision. The codes keep the ``assistance.`` prefix they
had before supervision became its own app (issue 16): API clients and logs match on them."""

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound


class AreaNotFound(NotFound):
    code = "assistance.area_not_found"

    def __init__(self):
        super().__init__(_("This division is not in your area."))


class PeriodInvalid(Invalid):
    code = "assistance.period_invalid"


class SupervisionNotAllowed(Forbidden):
    code = "assistance.supervision_not_allowed"

    def __init__(self):
        super().__init__(_("Only the county's supervisors may ask for a review of this case."))


class AnswerNotAllowed(Forbidden):
    code = "assistance.flag_answer_not_allowed"

    def __init__(self):
        super().__init__(_("Only the case's township may answer this request for review."))


class FlagAlreadyAnswered(Conflict):
    code = "assistance.flag_already_answered"

    def __init__(self):
        super().__init__(_("This request for review was already answered."))


class NotACase(Conflict):
    code = "assistance.not_a_case"

    def __init__(self):
        super().__init__(_("This application has not been submitted to the township yet."))


class NothingToSample(Invalid):
    code = "assistance.nothing_to_sample"

    def __init__(self):
        super().__init__(_("No approved case was decided in this area and period."), fields={})


class AlreadyChecked(Conflict):
    code = "assistance.sample_already_checked"

    def __init__(self):
        super().__init__(_("A finding was already recorded for this sampled case."))


class ShareExists(Conflict):
    code = "assistance.sampling_share_exists"

    def __init__(self):
        super().__init__(_("A share is already set for this division from that day."))


class SampleNotFound(NotFound):
    code = "assistance.sample_not_found"

    def __init__(self):
        super().__init__(_("No such sample in your area."))
