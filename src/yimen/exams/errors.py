"""Stable error codes of the safety exams (codes never change once published)."""

from django.utils.translation import gettext_lazy as _

from yimen.errors import Conflict, Forbidden, Invalid, NotFound, YimenError


class NotInScope(NotFound):
    code = "exams.not_found"

    def __init__(self):
        super().__init__(_("No such exam record, or it is outside your area."))


class NotAllowed(Forbidden):
    code = "exams.forbidden"

    def __init__(self):
        super().__init__(_("Your role may not do this in the safety exams."))


class WrongState(Conflict):
    code = "exams.wrong_state"

    def __init__(self, *, what, status, target):
        super().__init__(
            _("%(what)s is “%(status)s”; it cannot become “%(target)s”."),
            what=what,
            status=status,
            target=target,
        )


class IdNumberTaken(Conflict):
    code = "exams.id_number_taken"

    def __init__(self):
        super().__init__(
            _(
                "This ID number is already registered. If it is yours, ask your employer or "
                "the exam office to link it to your account."
            )
        )


class PapersStillOpen(Conflict):
    code = "exams.papers_still_open"

    def __init__(self, *, n):
        super().__init__(
            _("%(n)s candidates are still writing; close the room when their time is up."), n=n
        )


class TwoInvigilators(Invalid):
    code = "exams.two_invigilators"

    def __init__(self):
        super().__init__(_("Name two invigilators for the room, separated by a comma."))


class RequestPending(Conflict):
    code = "exams.green_request_pending"

    def __init__(self):
        super().__init__(_("A green channel request of this firm is already waiting."))


class BadUscc(Invalid):
    code = "exams.invalid_uscc"

    def __init__(self, value):
        super().__init__(
            _("“%(value)s” is not a valid unified social credit code."), value=str(value)[:30]
        )


class ImportRefused(Invalid):
    """Every bad row with its number; nothing was imported."""

    code = "exams.import_refused"

    def __init__(self, rows: list[tuple[int, str]]):
        self.rows = rows
        text = "; ".join(f"{n}: {msg}" for n, msg in rows[:50])
        super().__init__(
            _("%(count)s rows refused, nothing was imported: %(rows)s"),
            count=len(rows),
            rows=text,
        )


class NoCategory(NotFound):
    code = "exams.no_category"

    def __init__(self, code):
        super().__init__(_("No exam category “%(code)s” in force on that day."), code=code)


class SessionFull(Conflict):
    code = "exams.session_full"

    def __init__(self):
        super().__init__(_("Every seat of this session is taken."))


class TooLate(Invalid):
    code = "exams.past_exam_due"

    def __init__(self, *, due):
        super().__init__(
            _("The session is after %(due)s, the last day the exam may be held."), due=due
        )


class RetakesUsed(Conflict):
    code = "exams.retakes_used"

    def __init__(self):
        super().__init__(_("The one retake is used; the candidate must retrain and apply again."))


class BadTicket(NotFound):
    code = "exams.bad_ticket"

    def __init__(self):
        super().__init__(_("ID number and ticket code do not match an exam open now."))


class PaperClosed(Conflict):
    code = "exams.paper_closed"

    def __init__(self):
        super().__init__(_("This paper is closed; the answer was not saved."))


class BadAnswer(Invalid):
    code = "exams.bad_answer"

    def __init__(self):
        super().__init__(_("That answer does not fit the question."))


class BankTooSmall(Conflict):
    code = "exams.bank_too_small"

    def __init__(self, kind):
        super().__init__(
            _("The question bank has too few questions of type %(kind)s for the blueprint."),
            kind=kind,
        )


class TheoryExpired(Conflict):
    code = "exams.theory_expired"

    def __init__(self):
        super().__init__(_("The passed theory part is older than 12 months; sit it again."))


class SameExaminer(Conflict):
    code = "exams.same_examiner"

    def __init__(self):
        super().__init__(_("This examiner has already marked this practical."))


class OutsideReviewWindow(Invalid):
    code = "exams.outside_review_window"

    def __init__(self, *, opens, due):
        super().__init__(
            _("Review opens %(opens)s and is due %(due)s; today is outside that window."),
            opens=opens,
            due=due,
        )


class ReviewAlreadyRequested(Conflict):
    code = "exams.review_already_requested"

    def __init__(self):
        super().__init__(_("The review of this certificate has already been applied for."))


class ReviewNotOpen(Conflict):
    code = "exams.review_not_open"

    def __init__(self):
        super().__init__(_("Only a valid certificate can be reviewed."))


class BadPhoto(Invalid):
    code = "exams.bad_photo"
    PROBLEMS = {
        "empty": _("the file is empty"),
        "size": _("the file is larger than 2 MB"),
        "type": _("it is not a JPEG or PNG image, or the file is damaged"),
        "dimensions": _("each side must be between 100 and 8,000 pixels"),
    }

    def __init__(self, problem: str):
        super().__init__(
            _("The photo was not accepted: %(problem)s."),
            problem=self.PROBLEMS.get(problem, problem),
        )


class ReasonNeeded(Invalid):
    code = "exams.reason_needed"

    def __init__(self):
        super().__init__(_("Give a reason."))


class RevocationBar(Conflict):
    code = "exams.revocation_bar"

    def __init__(self, *, until):
        super().__init__(
            _("A certificate of this person was revoked; no application before %(until)s."),
            until=until,
        )


class LinkCodeRefused(NotFound):
    """One message for an unknown ID number, a wrong code and an expired one, so a guess never
    learns which part was right."""

    code = "exams.link_code_refused"

    def __init__(self):
        super().__init__(
            _(
                "No unlinked candidate record matches this ID number and link code, or the code "
                "has expired. Ask your employer or the exam office for a new code."
            )
        )


class AlreadyLinked(Conflict):
    code = "exams.already_linked"

    def __init__(self):
        super().__init__(
            _("This candidate record is already linked to an account; it needs no link code.")
        )


class AccountHasRecord(Conflict):
    code = "exams.account_has_record"

    def __init__(self):
        super().__init__(
            _("Your account already has a candidate record; one account holds one record.")
        )


class TooManyLinkAttempts(YimenError):
    status = 429
    code = "exams.too_many_link_attempts"

    def __init__(self):
        super().__init__(
            _("Too many wrong link codes from your account. Please try again in an hour.")
        )
