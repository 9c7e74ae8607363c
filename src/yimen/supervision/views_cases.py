"""County supervision pages: the county's assistance cases read-only, a request for
township review, and the township's answers. There is no decision here, by design.

Thin: parse, call one service or selector, render (house rule 2)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from yimen.assistance.selectors import access_application_by_id, applications_visible_to
from yimen.errors import YimenError
from yimen.people import mask_id
from yimen.privacy.access import log_unmask
from yimen.verification.display import case_report_context
from yimen.web.views import not_found_is_404
from yimen.workflow.models import Task
from yimen.workflow.registry import get_process
from yimen.workflow.states import CaseStatus, TaskStatus

from .models import SupervisionFlag
from .services import flags as supervision

PAGE_SIZE = 50
TEXT_LIMIT = 5000


def _open_steps(case_ids: list[int]) -> dict[int, list[dict]]:
    """Open tasks of the listed cases, by case, in one query."""
    now = timezone.now()
    found: dict[int, list[dict]] = defaultdict(list)
    for task in (
        Task.objects.filter(case_id__in=case_ids, status=TaskStatus.OPEN)
        .select_related("case")
        .order_by("stage", "id")
    ):
        found[task.case_id].append(
            {
                "label": get_process(task.case.process).step(task.step).label,
                "due_at": task.due_at,
                "overdue": task.due_at is not None and task.due_at < now,
            }
        )
    return found


@login_required
@require_GET
def case_list(request):
    if not supervision.may_supervise(request.user):
        raise PermissionDenied
    township = request.GET.get("township", "")[:12]
    status = request.GET.get("status", "")[:20]
    overdue = request.GET.get("overdue") == "1"
    now = timezone.now()
    applications = supervision.supervised_applications(
        request.user, township=township, status=status, overdue=overdue, now=now
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    steps = _open_steps([a.case_id for a in page])
    rows = [
        {
            "application": a,
            "steps": steps.get(a.case_id, []),
            "overdue": a.late
            or (
                a.case.status == CaseStatus.ACTIVE
                and a.case.due_at is not None
                and a.case.due_at < now
            ),
        }
        for a in page
    ]
    return render(
        request,
        "supervision/case_list.html",
        {
            "page": page,
            "rows": rows,
            "township": township,
            "status": status,
            "overdue": overdue,
            "townships": supervision.supervised_townships(request.user),
            "statuses": CaseStatus.choices,
        },
    )


def _application(request, application_id):
    application = access_application_by_id(request.user, application_id)
    if application.case_id is None:
        raise Http404
    return application


@login_required
@require_GET
@not_found_is_404
def case_detail(request, application_id):
    return _detail(request, _application(request, application_id))


@login_required
@require_POST
@not_found_is_404
def case_unmask(request, application_id):
    """The members' ID numbers in full, for a purpose chosen from the list; logged."""
    application = _application(request, application_id)
    try:
        log_unmask(
            actor=request.user,
            record_type="assistance.application",
            record_id=application.pk,
            division_code=application.division_id,
            purpose=request.POST.get("purpose", ""),
        )
    except YimenError as exc:
        messages.error(request, exc.render())
        return _detail(request, application, status=exc.status)
    return _detail(request, application, unmasked=True)


def _detail(request, application, *, unmasked: bool = False, status: int = 200):
    case = application.case
    process = get_process(case.process)
    tasks = []
    for task in case.tasks.select_related("completed_by").order_by("stage", "id"):
        step = process.step(task.step)
        outcome = step.outcome(task.outcome) if task.outcome else None
        tasks.append(
            {"task": task, "label": step.label, "outcome": outcome.label if outcome else ""}
        )
    members = [
        {"member": m, "id_masked": m.id_number if unmasked else mask_id(m.id_number)}
        for m in application.members.order_by("pk")
    ]
    may_answer = supervision.answering_binding(request.user, application) is not None
    return render(
        request,
        "supervision/case_detail.html",
        {
            "application": application,
            "case": case,
            "tasks": tasks,
            "members": members,
            "verification": getattr(application, "verification", None),
            "verification_report": case_report_context(request.user, application),
            "visit": getattr(application, "visit", None),
            "appraisal": getattr(application, "appraisal", None),
            "decision": getattr(application, "decision", None),
            "flags": application.supervision_flags.select_related("raised_by").order_by(
                "raised_at"
            ),
            "objections": application.objections.order_by("lodged_at"),
            "may_flag": supervision.supervising_binding(request.user, application.division_id)
            is not None,
            "may_answer": may_answer,
            "now": timezone.now(),
            "unmasked": unmasked,
        },
        status=status,
    )


@login_required
@require_POST
@not_found_is_404
def flag_raise(request, application_id):
    application = _application(request, application_id)
    try:
        supervision.supervision_flag_raise(
            actor=request.user,
            application=application,
            comment=request.POST.get("comment", "")[:TEXT_LIMIT],
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("The township was asked to review the case."))
    return redirect("supervision:case_detail", application_id=application.pk)


@login_required
@require_GET
def flags(request):
    return render(
        request,
        "supervision/flags.html",
        {"flags": supervision.flags_to_answer(request.user)[:200]},
    )


@login_required
@require_POST
def flag_answer(request, flag_id):
    flag = (
        SupervisionFlag.objects.filter(
            pk=flag_id, application__in=applications_visible_to(request.user)
        )
        .select_related("application")
        .first()
    )
    if flag is None:
        raise Http404
    try:
        supervision.supervision_flag_answer(
            actor=request.user, flag=flag, answer=request.POST.get("answer", "")[:TEXT_LIMIT]
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("Your answer was sent to the county."))
    return redirect("supervision:case_detail", application_id=flag.application_id)
