"""County supervision of the straw-to-meat subsidy (监督, never approval): what the county
supervisor reads of the bureau's applications — the list with its filters, one
application with its history — in the area its SUBSIDY_SUPERVISE binding covers.

The county decides nothing here: its roles carry no SUBSIDY_REVIEW. Its one action, a
request that the bureau review an application, is the subsidy's own use case
(``subsidy.services.county_requests.review_request_raise``), which this app calls; the
sampling of approved applications is the shared ``sampling.py`` over the ``SUBSIDY``
population (``sampling_populations.py``)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import Binding, bindings_for, division_q
from yimen.audit.models import AuditEvent
from yimen.audit.services import subject_of
from yimen.regions.codes import Level, prefix_of
from yimen.regions.models import Division
from yimen.subsidy.errors import NotInScope
from yimen.subsidy.models import Application, ReviewRequest, Scheme, Status, Survey
from yimen.subsidy.selectors import applications_visible_to

ACTION = Action.SUBSIDY_SUPERVISE
#: what the county follows: everything the unit handed in (a draft is the unit's own
#: business until submitted; a lapsed draft shows who was deemed to have given up)
SUPERVISED_STATUSES = [s for s in Status.values if s != Status.DRAFT]


def may_supervise_subsidy(user) -> bool:
    return bool(bindings_for(user, ACTION))


def subsidy_supervising_binding(actor, division_code: str) -> Binding | None:
    """The actor's binding that lets it supervise the subsidy at ``division_code``."""
    return next((b for b in bindings_for(actor, ACTION) if b.covers(division_code)), None)


def subsidy_townships(user) -> QuerySet[Division]:
    """The townships inside the user's supervision area, for the list's filter."""
    return Division.objects.filter(
        division_q(user, ACTION, field="code"), level=Level.TOWNSHIP
    ).order_by("code")


def subsidy_areas(user) -> QuerySet[Division]:
    """The counties and townships the user supervises (a sample's area)."""
    return Division.objects.filter(
        division_q(user, ACTION, field="code"), level__in=[Level.COUNTY, Level.TOWNSHIP]
    ).order_by("code")


def subsidy_schemes(user) -> QuerySet[Scheme]:
    """Schemes with an application in the user's supervision area."""
    return Scheme.objects.filter(
        Exists(
            Application.objects.filter(division_q(user, ACTION), scheme=OuterRef("pk")).exclude(
                status=Status.DRAFT
            )
        )
    ).order_by("-deadline", "pk")


def supervised_subsidy_applications(
    user,
    *,
    township: str = "",
    scheme: str = "",
    status: str = "",
    requested: bool = False,
    query: str = "",
) -> QuerySet[Application]:
    """The submitted (and lapsed) applications of the user's supervision area, newest
    first, each marked with whether a county request waits for the bureau's answer.
    A filter outside the user's area or choices is ignored, never widened."""
    apps = (
        applications_visible_to(user)
        .filter(division_q(user, ACTION), status__in=SUPERVISED_STATUSES)
        .select_related("division__parent", "unit", "scheme")
        .annotate(
            open_request=Exists(
                ReviewRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True)
            )
        )
        .order_by("-submitted_at", "-pk")
    )
    if township and township in {d.code for d in subsidy_townships(user)}:
        apps = apps.filter(division__code__startswith=prefix_of(township))
    if scheme.isdigit():
        apps = apps.filter(scheme_id=int(scheme))
    if status in SUPERVISED_STATUSES:
        apps = apps.filter(status=status)
    if requested:
        apps = apps.filter(open_request=True)
    if query:
        apps = apps.filter(Q(unit__name__contains=query) | Q(number__contains=query))
    return apps


def access_supervised_subsidy(user, pk) -> Application:
    """One application of the user's supervision area, or NotInScope (a 404: whether it
    exists elsewhere never shows)."""
    try:
        return supervised_subsidy_applications(user).get(pk=int(pk))
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotInScope() from None


def subsidy_history(application: Application) -> QuerySet[AuditEvent]:
    """The audit trail of the application, with the survey and vetting of its unit for
    the scheme before it, oldest first: who did what, when, and why."""
    subjects = Q(subject_type=subject_of(application)[0], subject_id=str(application.pk))
    survey = Survey.objects.filter(scheme=application.scheme_id, unit=application.unit_id).first()
    if survey is not None:
        subjects |= Q(subject_type=subject_of(survey)[0], subject_id=str(survey.pk))
    return AuditEvent.objects.filter(subjects).order_by("seq")
