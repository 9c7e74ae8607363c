"""Scoped reads of complaints (fail closed): staff see the subtree of their binding for
the action; citizens their own reports and applications; anything else is "not found".

None of these reads returns the reporter's identity to a page: the list and detail pages
show "匿名/保密" for every report, and only ``services.reports.report_identity`` (the
handler, audited) reads it."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q
from yimen.assistance.models import Application
from yimen.regions.codes import prefix_of

from .errors import NotInScope
from .models import LegalRemedy, Reexamination, Report, ReportStatus

#: who reads re-examinations and remedies: the township clerks and approvers, the county
REEXAM_READERS = (Action.REEXAM_REGISTER, Action.CASE_DECIDE, Action.COMPLAINT_VIEW)


def is_complaint_staff(user) -> bool:
    return bool(bindings_for(user, Action.COMPLAINT_VIEW))


def handles_in(user) -> set[str]:
    """The divisions whose reports ``user`` may take and answer."""
    return {b.division_code for b in bindings_for(user, Action.COMPLAINT_HANDLE)}


def reports_visible_to(user) -> QuerySet[Report]:
    return Report.objects.filter(division_q(user, Action.COMPLAINT_VIEW, "routed_to__code"))


def overdue_reports(user, today, *, under: str = "") -> QuerySet[Report]:
    """The reports ``user`` sees that are not answered and past their last day; with
    ``under`` (a division code) only those routed to that division or below it."""
    rows = reports_visible_to(user).exclude(status=ReportStatus.ANSWERED).filter(due_on__lt=today)
    if under:
        rows = rows.filter(routed_to__code__startswith=prefix_of(under))
    return rows


def access_report(user, pk: int) -> Report:
    found = (
        reports_visible_to(user).filter(pk=pk).select_related("division", "routed_to", "handler")
    ).first()
    if found is None:
        raise NotInScope()
    return found


def _reexam_q(user, field: str) -> Q:
    q = Q(pk__in=[])
    for action in REEXAM_READERS:
        if bindings_for(user, action):
            q |= division_q(user, action, field)
    return q


def is_reexam_staff(user) -> bool:
    return any(bindings_for(user, action) for action in REEXAM_READERS)


def reexaminations_visible_to(user) -> QuerySet[Reexamination]:
    return Reexamination.objects.filter(_reexam_q(user, "division__code"))


def access_reexamination(user, pk: int) -> Reexamination:
    found = (
        reexaminations_visible_to(user)
        .filter(pk=pk)
        .select_related("application", "division", "first_signer", "signer")
        .first()
    )
    if found is None:
        raise NotInScope()
    return found


def remedies_visible_to(user) -> QuerySet[LegalRemedy]:
    return LegalRemedy.objects.filter(_reexam_q(user, "division__code"))


def access_remedy(user, pk: int) -> LegalRemedy:
    found = remedies_visible_to(user).filter(pk=pk).select_related("application").first()
    if found is None:
        raise NotInScope()
    return found


def application_by_case_number(user, number: str, action: Action) -> Application:
    """A submitted application whose case number is ``number``, in ``user``'s scope for
    ``action``; "not found" otherwise (the counter looks cases up by number)."""
    number = (number or "").strip().upper()[:40]
    found = (
        Application.objects.filter(case__number=number)
        .filter(division_q(user, action, "division__code"))
        .select_related("case", "division")
        .first()
        if number
        else None
    )
    if found is None:
        raise NotInScope()
    return found


# --- the citizen's own ---------------------------------------------------------------------


def my_reports(user) -> QuerySet[Report]:
    if not getattr(user, "is_authenticated", False):
        return Report.objects.none()
    return Report.objects.filter(reporter=user).select_related("routed_to").order_by("-pk")


def my_applications(user) -> QuerySet[Application]:
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    return (
        Application.objects.filter(applicant=user, case__isnull=False)
        .select_related("case", "division")
        .order_by("-pk")
    )


def my_reexaminations(user) -> QuerySet[Reexamination]:
    if not getattr(user, "is_authenticated", False):
        return Reexamination.objects.none()
    return Reexamination.objects.filter(application__applicant=user).order_by("-pk")


def my_application(user, pk: int) -> Application:
    found = my_applications(user).filter(pk=pk).first()
    if found is None:
        raise NotInScope()
    return found
