"""The review of a household on assistance (复核), declared once.

Opened on schedule (yearly or every 6 months, ReviewPolicy), at once when a change is
reported, or at the county's request. The township re-checks the household; the approver
decides, signed, one of: continue, adjust, phase out, suspend, stop [A2021 Art.31–33]."""

from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action, Role
from yimen.regions.codes import Level
from yimen.workflow.calendar import Duration
from yimen.workflow.process import Outcome, Process, Stage, Step

from .models import ReviewOutcome

RECHECK = Step(
    "recheck",
    _("Re-check the household"),
    (Role.TOWNSHIP_CASEWORKER, Role.SOCIAL_WORKER),
    Level.TOWNSHIP,
    Action.CASE_INVESTIGATE,
    deadline=Duration(15),
)
REVIEW_DECIDE = Step(
    "review_decide",
    _("Review decision"),
    (Role.TOWNSHIP_APPROVER,),
    Level.TOWNSHIP,
    Action.CASE_DECIDE,
    deadline=Duration(5),
    service_only=True,
    signed=True,
    outcomes=tuple(Outcome(o.value, o.label) for o in ReviewOutcome),
)
BENEFIT_REVIEW_PROCESS = Process(
    code="benefit_review",
    label=_("Review of a household on assistance"),
    stages=(Stage((RECHECK,)), Stage((REVIEW_DECIDE,))),
    deadline=Duration(20),
    open_actions=(Action.ROSTER_REPORT_CHANGE,),
)
