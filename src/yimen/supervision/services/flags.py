"""County supervision (监督, never approval): the county reads its townships' cases, asks a
township to review one with a comment, and the township answers. Nothing here decides a
case; the county's roles carry no decision permission (accounts.roles.PERMISSIONS)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from yimen.accounts.roles import Action, Role
from yimen.accounts.scoping import Binding, bindings_for, bindings_of, division_q
from yimen.assistance.choices import Relationship
from yimen.assistance.models import Application, ApplicationStatus, Member
from yimen.assistance.selectors import applications_visible_to
from yimen.assistance.services.public import case_number, notify_township
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.benefits.services.county import review_open_on_county_request
from yimen.errors import Invalid
from yimen.regions.codes import Level, code_at_level, prefix_of
from yimen.regions.models import Division
from yimen.workflow.models import Notification, Task
from yimen.workflow.services import CASE_SUBJECT
from yimen.workflow.states import CaseStatus, TaskStatus

from ..errors import AnswerNotAllowed, FlagAlreadyAnswered, NotACase, SupervisionNotAllowed
from ..models import SupervisionFlag

TEXT_MAX_CHARS = 2000
# Who answers for the township: its caseworkers and its approver.
TOWNSHIP_ROLES = (Role.TOWNSHIP_CASEWORKER, Role.TOWNSHIP_APPROVER)


def _text(field: str, value: str) -> str:
    value = (value or "").strip()
    if not value:
        message = (
            gettext_lazy("Write a comment for the township.")
            if field == "comment"
            else gettext_lazy("Write the township's answer.")
        )
        raise Invalid(message, code="assistance.supervision_text", fields={field: [str(message)]})
    if len(value) > TEXT_MAX_CHARS:
        raise Invalid(
            gettext_lazy("At most %(n)d characters."),
            code="assistance.supervision_text",
            n=TEXT_MAX_CHARS,
            fields={field: [_("At most %(n)d characters.") % {"n": TEXT_MAX_CHARS}]},
        )
    return value


def supervising_binding(actor, division_code: str) -> Binding | None:
    return next(
        (b for b in bindings_for(actor, Action.CASE_SUPERVISE) if b.covers(division_code)), None
    )


def answering_binding(actor, application: Application) -> Binding | None:
    """The actor's binding as caseworker or approver of the application's own township."""
    township = code_at_level(application.division_id, Level.TOWNSHIP)
    return next(
        (b for b in bindings_of(actor) if b.role in TOWNSHIP_ROLES and b.division_code == township),
        None,
    )


@transaction.atomic
def supervision_flag_raise(*, actor, application: Application, comment: str) -> SupervisionFlag:
    """A county supervisor asks the township to review a case, with a comment.

    Needs CASE_SUPERVISE over the case's division; audited as SUPERVISION_FLAGGED and the
    township's caseworkers get an in-app notification. A household already on the roster
    also gets a review (benefits), opened here in the same transaction."""
    binding = supervising_binding(actor, application.division_id)
    if binding is None:
        raise SupervisionNotAllowed()
    comment = _text("comment", comment)
    if application.status != ApplicationStatus.SUBMITTED or application.case_id is None:
        raise NotACase()
    flag = SupervisionFlag.objects.create(application=application, comment=comment, raised_by=actor)
    record_event(
        event_type=EventType.SUPERVISION_FLAGGED,
        subject=(CASE_SUBJECT, str(application.case_id)),
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        new={"flag": flag.pk},
        reason=comment,
    )
    with override(settings.LANGUAGE_CODE):
        message = _("%(case)s: the county asks the township to review the case: %(comment)s") % {
            "case": case_number(application),
            "comment": comment,
        }
    notify_township(application, message)
    # a household already on the roster gets a review of it (dynamic management), in this
    # transaction: the county's request and the township's review case exist together
    review_open_on_county_request(
        application_id=application.pk, comment=flag.comment, raised_at=flag.raised_at
    )
    return flag


@transaction.atomic
def supervision_flag_answer(*, actor, flag: SupervisionFlag, answer: str) -> SupervisionFlag:
    """The township (a caseworker or the approver of the case's own township) answers the
    county's request; audited, and the supervisor who asked is notified."""
    # lock the flag row only: two answers at once are serialised, the second one refused
    flag = (
        SupervisionFlag.objects.select_for_update(of=("self",))
        .select_related("application__case")
        .get(pk=flag.pk)
    )
    application = flag.application
    binding = answering_binding(actor, application)
    if binding is None:
        raise AnswerNotAllowed()
    answer = _text("answer", answer)
    if flag.answered_at is not None:
        raise FlagAlreadyAnswered()
    flag.answer, flag.answered_at = answer, timezone.now()
    flag.save(update_fields=["answer", "answered_at"])
    # The event type set has no "answered" member yet; until it does, the answer is logged
    # under the flag's own type with the answer marked, so it is never missing from the log.
    event_type = EventType.SUPERVISION_ANSWERED
    record_event(
        event_type=event_type,
        subject=(CASE_SUBJECT, str(application.case_id)),
        actor=actor,
        role=binding.role,
        division_code=binding.division_code,
        old={"flag": flag.pk, "answered": False},
        new={"flag": flag.pk, "answered": True},
        reason=answer,
    )
    with override(settings.LANGUAGE_CODE):
        message = _("%(case)s: the township answered your request for review.") % {
            "case": case_number(application)
        }
    Notification.objects.create(
        recipient_id=flag.raised_by_id,
        kind=Notification.Kind.INFO,
        day=timezone.localdate(),
        message=message[:300],
    )
    return flag


# --- reads -------------------------------------------------------------------------------


def may_supervise(user) -> bool:
    return bool(bindings_for(user, Action.CASE_SUPERVISE))


def supervised_townships(user) -> QuerySet[Division]:
    """The townships inside the user's supervision area, for the list's filter."""
    return Division.objects.filter(
        division_q(user, Action.CASE_SUPERVISE, field="code"), level=Level.TOWNSHIP
    ).order_by("code")


def supervised_applications(
    user, *, township: str = "", status: str = "", overdue: bool = False, now=None
) -> QuerySet[Application]:
    """Submitted applications in the user's supervision area (and case-reading scope), with
    the head's name, whether anything is overdue and whether a county request is open.

    Only applications with a case: a household the roster took over from before the system
    (``benefits.demo.historical_household``) has a submitted application but no case, so
    nothing for the county to follow here (its detail page answers 404 too)."""
    now = now or timezone.now()
    heads = Member.objects.filter(application=OuterRef("pk"), relationship=Relationship.HEAD)
    late_task = Task.objects.filter(
        case_id=OuterRef("case_id"), status=TaskStatus.OPEN, due_at__lt=now
    )
    apps = (
        applications_visible_to(user)
        .filter(
            division_q(user, Action.CASE_SUPERVISE),
            status=ApplicationStatus.SUBMITTED,
            case__isnull=False,
        )
        .select_related("division__parent", "case")
        .annotate(
            head_full_name=Subquery(heads.values("name")[:1]),
            late=Exists(late_task),
            open_flag=Exists(
                SupervisionFlag.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)
            ),
        )
        .order_by("-case__opened_at", "-pk")
    )
    if township and township in {d.code for d in supervised_townships(user)}:
        apps = apps.filter(division__code__startswith=prefix_of(township))
    if status in CaseStatus.values:
        apps = apps.filter(case__status=status)
    if overdue:
        apps = apps.filter(Q(late=True) | Q(case__status=CaseStatus.ACTIVE, case__due_at__lt=now))
    return apps


def flags_to_answer(user) -> QuerySet[SupervisionFlag]:
    """Unanswered county requests on the cases of the user's own township(s)."""
    townships = [b.division_code for b in bindings_of(user) if b.role in TOWNSHIP_ROLES]
    if not townships:
        return SupervisionFlag.objects.none()
    q = Q()
    for code in townships:
        q |= Q(application__division__code__startswith=prefix_of(code))
    return (
        SupervisionFlag.objects.filter(q, answered_at__isnull=True)
        .select_related("application__case", "application__division", "raised_by")
        .order_by("raised_at")
    )
