"""The three-post safety exams (三项岗位): categories as dated data, employers and their green
channel, candidates and applications, sessions and seats, the question bank and the papers
drawn from it, answers saved one by one, practical marks and certificates.

Statuses change only in ``transitions.py``; the rules that read these rows are in ``rules.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yimen.fieldcrypt.fields import BlindIndexField, EncryptedField

from . import photos


class Post(models.TextChoices):
    PRINCIPAL = "principal", _("Principal leader")
    SAFETY_MANAGER = "safety_manager", _("Safety manager")
    SPECIAL_OPERATOR = "special_operator", _("Special operator")


class Education(models.TextChoices):
    """In ascending order: the rules compare ranks (``EDUCATION_RANK``)."""

    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    COLLEGE = "college", _("College or higher")


EDUCATION_RANK = {code: n for n, code in enumerate(Education.values)}


class Parts(models.TextChoices):
    THEORY = "theory", _("Theory only")
    THEORY_PRACTICAL = "theory_practical", _("Theory, then practical")


class Category(models.Model):
    """One post/industry or special-work operating item, versioned by ``valid_from``: the
    row in force on the day of application decides (a new regime may apply from 2026-06-01).
    ``placeholder`` marks values no source confirmed; staff see "示例参数，待确认"."""

    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    industry = models.CharField(_("industry or work type"), max_length=60)
    high_risk = models.BooleanField(_("high-risk trade"), default=False)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=18)
    max_age = models.PositiveSmallIntegerField(_("age limit (retirement)"), default=60)
    min_education = models.CharField(
        _("minimum education"), max_length=20, choices=Education.choices, default="junior"
    )
    health_check = models.BooleanField(_("health check required"), default=True)
    health_check_months = models.PositiveSmallIntegerField(
        _("health certificate valid (months)"), default=12
    )
    training_hours = models.PositiveSmallIntegerField(_("initial training hours"), default=32)
    refresher_hours = models.PositiveSmallIntegerField(_("annual refresher hours"), default=12)
    parts = models.CharField(_("exam parts"), max_length=20, choices=Parts.choices)
    validity_years = models.PositiveSmallIntegerField(_("certificate valid (years)"), default=3)
    review_years = models.PositiveSmallIntegerField(_("review every (years)"), default=0)
    blueprint = models.JSONField(_("paper blueprint"), default=dict)
    valid_from = models.DateField(_("valid from"))
    placeholder = models.BooleanField(_("values not confirmed"), default=False)

    class Meta:
        ordering = ["post", "code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="exams_category_dated")
        ]

    def __str__(self) -> str:
        return self.name


class ExamSettings(models.Model):
    """Clocks and margins per division and date (nearest row up the tree, regions.dated).
    The green channel's clocks have no source: they are placeholders until set."""

    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT)
    valid_from = models.DateField(_("valid from"))
    schedule_days = models.PositiveSmallIntegerField(_("exam within (days)"), default=60)
    results_working_days = models.PositiveSmallIntegerField(
        _("results within (working days)"), default=10
    )
    accept_working_days = models.PositiveSmallIntegerField(
        _("acceptance within (working days)"), default=5
    )
    issue_working_days = models.PositiveSmallIntegerField(
        _("issue within (working days)"), default=20
    )
    green_accept_working_days = models.PositiveSmallIntegerField(
        _("green channel: acceptance within (working days)"), default=2
    )
    green_issue_working_days = models.PositiveSmallIntegerField(
        _("green channel: issue within (working days)"), default=5
    )
    examiner_margin = models.PositiveSmallIntegerField(
        _("largest gap between two examiners"), default=10
    )
    placeholder = models.BooleanField(_("values not confirmed"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["division", "valid_from"], name="exams_settings_dated")
        ]

    def __str__(self) -> str:
        return f"{self.division_id} {self.valid_from}"


class Employer(models.Model):
    """A production unit, known by its 统一社会信用代码; its contact account registers staff."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exam_employers",
    )

    def __str__(self) -> str:
        return self.name


class GreenChannel(models.Model):
    """An approved request of a firm resuming work: its candidates go first in scheduling
    and its certificates run on the shorter clocks of ``ExamSettings``."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="channels")
    reason = models.CharField(_("reason"), max_length=300)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    approved_at = models.DateTimeField(_("approved at"))
    valid_until = models.DateField(_("valid until"))

    def __str__(self) -> str:
        return f"{self.employer_id} {self.valid_until}"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")  # waiting for the administrator
    APPROVED = "approved", _("Approved")  # a GreenChannel was granted from it
    REFUSED = "refused", _("Refused")  # with the administrator's reason


class GreenChannelRequest(models.Model):
    """A firm's own request for the green channel, sent from the employer's page; the exam
    administrator approves it (a ``GreenChannel`` with the approver as signer) or refuses
    it with a reason."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="requests")
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField(_("requested on"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default="requested"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("decision note"), max_length=300, blank=True)
    channel = models.ForeignKey(GreenChannel, null=True, blank=True, on_delete=models.SET_NULL)

    def __str__(self) -> str:
        return f"{self.employer_id} {self.requested_on}"


class Candidate(models.Model):
    """A person who sits the exams; the ID number gives birth date (age rule)."""

    # SM4-encrypted; found and kept unique by its blind index (yimen.fieldcrypt)
    id_number = EncryptedField(
        _("ID number"), kind="id_number", max_length=18, blind_index="id_number_bidx"
    )
    id_number_bidx = BlindIndexField(of="id_number", unique=True)
    name = models.CharField(_("name"), max_length=50)
    birth_date = models.DateField(_("birth date"))
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    health_checked_on = models.DateField(_("health certificate date"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("training hours"), default=0)
    training_record = models.CharField(_("training record"), max_length=200, blank=True)
    photo = models.FileField(_("photo"), upload_to=photos.photo_name, blank=True)
    employer = models.ForeignKey(Employer, null=True, blank=True, on_delete=models.PROTECT)
    division = models.ForeignKey(
        "regions.Division", on_delete=models.PROTECT, verbose_name=_("applied at")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exam_candidate",
    )
    # A record registered by the employer or the office has no account; the person links it
    # to their own with a one-time code that staff hand over (stored as its keyed hash).
    link_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    link_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")  # eligible, waiting for a seat
    REFUSED = "refused", _("Not eligible")  # the reasons are kept on the row
    SCHEDULED = "scheduled", _("Scheduled")  # a seat in a session
    THEORY_PASSED = "theory_passed", _("Theory passed")  # practical to come
    PASSED = "passed", _("Passed")  # every part passed: certificate next
    FAILED = "failed", _("Failed, retraining needed")  # second failure of a part
    CERTIFIED = "certified", _("Certified")


class Application(models.Model):
    """One candidate for one category, from application to certificate. Attempts per
    part are counted here: one retake, then retraining (a new application)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="applications")
    category = models.ForeignKey(Category, on_delete=models.PROTECT)
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default="applied"
    )
    applied_on = models.DateField(_("applied on"))
    exam_due_on = models.DateField(_("exam due by"))
    refusal = models.JSONField(_("reasons"), default=list, blank=True)
    green_channel = models.BooleanField(_("green channel"), default=False)
    theory_attempts = models.PositiveSmallIntegerField(default=0)
    practical_attempts = models.PositiveSmallIntegerField(default=0)
    theory_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    theory_passed_on = models.DateField(null=True, blank=True)
    practical_score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    results_due_on = models.DateField(_("results due by"), null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.candidate_id}/{self.category_id}"


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open")  # seats are assigned, the exam may be sat
    CLOSED = "closed", _("Closed")  # every paper is in


class ExamSession(models.Model):
    """A sitting at a site and room; seats are computers. Two invigilators per room."""

    name = models.CharField(_("name"), max_length=100)
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT)
    site = models.CharField(_("site"), max_length=100)
    room = models.CharField(_("room"), max_length=50)
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    invigilators = models.CharField(_("invigilators"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default="open"
    )
    log = models.JSONField(_("room record"), default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class QuestionKind(models.TextChoices):
    TRUE_FALSE = "tf", _("True or false")
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")


class Question(models.Model):
    """One item of the bank. ``answer`` (option indexes) never leaves the server."""

    category_code = models.CharField(max_length=30, db_index=True)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"))
    answer = models.JSONField(_("answer"))
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), default=2)
    tier = models.CharField(_("tier"), max_length=10, default="national")
    bank_version = models.PositiveIntegerField(default=1)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category_code", "fingerprint"], name="exams_question_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:30]


class PaperStatus(models.TextChoices):
    ISSUED = "issued", _("Ticket issued")  # seat assigned, not yet started
    SITTING = "sitting", _("Sitting")
    SUBMITTED = "submitted", _("Submitted")
    VOIDED = "voided", _("Ended for misconduct")
    ABSENT = "absent", _("Absent")


class Paper(models.Model):
    """A seat in a session and the paper drawn for it. ``ends_at`` is the server's clock;
    answers are saved one by one, so a crash loses nothing."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="papers")
    session = models.ForeignKey(ExamSession, on_delete=models.PROTECT, related_name="papers")
    seat = models.PositiveSmallIntegerField(_("seat"))
    ticket = models.CharField(_("ticket code"), max_length=12, unique=True)
    seed = models.CharField(max_length=40)
    items = models.JSONField(default=list)  # [{"q": id, "order": [option indexes]}]
    status = models.CharField(
        _("status"), max_length=10, choices=PaperStatus.choices, default="issued"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    extra_minutes = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "seat"], name="exams_one_per_seat")
        ]

    def __str__(self) -> str:
        return self.ticket


class Answer(models.Model):
    """The choice at one position of a paper, in the paper's shown order; upserted."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    chosen = models.JSONField(default=list)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="exams_one_answer")
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}/{self.position}"


class PracticalMark(models.Model):
    """One examiner's mark of a practical; two, and a third when they differ too much."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="marks")
    attempt = models.PositiveSmallIntegerField()
    examiner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    score = models.DecimalField(max_digits=5, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "attempt", "examiner"], name="exams_one_mark"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.attempt}"


class CertificateStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting acceptance")
    MISSING = "missing", _("Missing items notified")
    ACCEPTED = "accepted", _("Accepted, to be issued")
    VALID = "valid", _("Valid")
    REVIEW_REFUSED = "review_refused", _("Review refused")
    REVOKED = "revoked", _("Revoked")


class Certificate(models.Model):
    """A certificate from request to issue, its reviews and revocation."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT)
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="certificates")
    division = models.ForeignKey("regions.Division", on_delete=models.PROTECT)
    number = models.CharField(_("certificate number"), max_length=24, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CertificateStatus.choices, default="pending"
    )
    requested_on = models.DateField()
    accept_due_on = models.DateField()
    issue_due_on = models.DateField(null=True, blank=True)
    missing_items = models.JSONField(default=list, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    review_due_on = models.DateField(null=True, blank=True)
    #: the holder applied for the review (复审) due on ``review_due_on`` (T30 Art 22);
    #: cleared when the certificate officer decides it
    review_requested_on = models.DateField(_("review applied for on"), null=True, blank=True)
    review_training_hours = models.PositiveSmallIntegerField(_("review training hours"), default=0)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    revoked_on = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.number or str(self.pk)
