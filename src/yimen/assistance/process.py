"""The township-approved social-assistance case, declared once (seed §1, policy.md §1.4).

One-door application and acceptance at the township; the economic verification and the
household visit in parallel; democratic appraisal only when the case is disputed; approval
by the township's accountable signer; public disclosure by the village committee.

Time limits: policy.md gives 3 working days from acceptance to starting the investigation
[A2021 Art.15] and 20 working days for the whole devolved procedure [TZ2022 §4(1)]. The
seed's "about 15 days" is a local practice marked NOT FOUND in policy.md, so both limits
are dated per-division data (models.CaseTimeLimit, limits.py), counted from acceptance.
"""

from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role
from yimen.regions.codes import Level
from yimen.workflow.calendar import Duration
from yimen.workflow.process import Condition, Outcome, Process, Stage, Step

DISPUTED = Condition("disputed", _("the case is disputed"))
# 近亲属 of assistance staff or committee members: registered separately and visited by the
# county [A2021 Art.11, Art.20]
RELATIVE = Condition("relative", _("the applicant is a relative of assistance staff"))

ACCEPT = Step(
    "accept",
    _("Acceptance"),
    (Role.TOWNSHIP_CASEWORKER,),
    Level.TOWNSHIP,
    Action.CASE_ACCEPT,
    deadline=Duration(3),
    service_only=True,
    outcomes=(
        Outcome("accepted", _("Accept")),
        # an incomplete application is not an outcome: the caseworker issues one notice of
        # every missing item and the task stays open until the materials arrive
        Outcome(
            "refused",
            _("Refuse (already assisted or not eligible to apply)"),
            closes_as="rejected",
            needs_reason=True,
        ),
    ),
)
VERIFY = Step(
    "verify",
    _("Economic verification"),
    (Role.TOWNSHIP_CASEWORKER,),
    Level.TOWNSHIP,
    Action.CASE_VERIFY,
    deadline=Duration(10),
    service_only=True,
)
VISIT = Step(
    "visit",
    _("Household visit"),
    (Role.TOWNSHIP_CASEWORKER, Role.SOCIAL_WORKER),
    Level.TOWNSHIP,
    Action.CASE_INVESTIGATE,
    deadline=Duration(10),
    service_only=True,
)
COUNTY_VISIT = Step(
    "county_visit",
    _("County visit (relative of staff)"),
    (Role.COUNTY_SUPERVISOR,),
    Level.COUNTY,
    Action.CASE_SUPERVISE,
    deadline=Duration(10),
    condition=RELATIVE,
)
APPRAISE = Step(
    "appraise",
    _("Democratic appraisal"),
    (Role.VILLAGE_STAFF,),
    Level.VILLAGE,
    Action.CASE_APPRAISE,
    deadline=Duration(5),
    service_only=True,
    condition=DISPUTED,
)
DECIDE = Step(
    "decide",
    _("Township approval"),
    (Role.TOWNSHIP_APPROVER,),
    Level.TOWNSHIP,
    Action.CASE_DECIDE,
    deadline=Duration(3),
    service_only=True,
    signed=True,
    outcomes=(
        Outcome("approved", _("Approve")),
        Outcome("refused", _("Refuse"), closes_as="rejected", needs_reason=True),
    ),
)
DISCLOSE = Step(
    "disclose",
    _("Public disclosure"),
    (Role.VILLAGE_STAFF,),
    Level.VILLAGE,
    Action.CASE_DISCLOSE,
    deadline=Duration(7, working=False),
    service_only=True,
)

ASSISTANCE_PROCESS = Process(
    code="assist",
    label=_("Social assistance (minimum living allowance, extreme poverty, low income)"),
    stages=(
        Stage((ACCEPT,)),
        Stage((VERIFY, VISIT, COUNTY_VISIT)),
        Stage((APPRAISE,)),
        Stage((DECIDE,)),
        Stage((DISCLOSE,)),
    ),
    # no deadline at opening: the clock starts at acceptance, with per-division dated limits
    # (limits.py) — a target in calendar days and the statutory hard line in working days
    deadline=None,
    open_actions=(Action.CASE_OPEN, Action.CASE_REPORT, Action.CASE_APPLY),
    flags=(DISPUTED, RELATIVE),
)

# An objection lodged on the public disclosure reopens the matter for review: the township
# re-investigates within 15 working days [TK2021 Art.15] and the approver concludes, signed.
REVIEW = Step(
    "review",
    _("Review of the objection"),
    (Role.TOWNSHIP_CASEWORKER, Role.SOCIAL_WORKER),
    Level.TOWNSHIP,
    Action.CASE_INVESTIGATE,
    deadline=Duration(15),
    outcomes=(
        Outcome("founded", _("Objection has grounds")),
        Outcome(
            "unfounded", _("Objection has no grounds"), closes_as="completed", needs_reason=True
        ),
    ),
)
CONCLUDE = Step(
    "conclude",
    _("Conclusion on the objection"),
    (Role.TOWNSHIP_APPROVER,),
    Level.TOWNSHIP,
    Action.CASE_DECIDE,
    deadline=Duration(5),
    signed=True,
    # on its own form: a revocation also stops the household's payments on the roster
    service_only=True,
    outcomes=(
        Outcome("upheld", _("Keep the approval"), needs_reason=True),
        Outcome("revoked", _("Revoke the approval"), needs_reason=True),
    ),
)
REVIEW_PROCESS = Process(
    code="assist_review",
    label=_("Review of an objection to a disclosed approval"),
    stages=(Stage((REVIEW,)), Stage((CONCLUDE,))),
    deadline=Duration(20),
)
