"""Workbench pages: parse, call one service or selector, render (house rule 2)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yimen.errors import NotFound, YimenError
from yimen.workflow import selectors, services
from yimen.workflow.case_view import case_page_context, task_rows
from yimen.workflow.deadlines import notifications_mark_read
from yimen.workflow.diagram import process_svg
from yimen.workflow.registry import get_process
from yimen.workflow.states import CaseStatus


def not_found_is_404(view):
    """Scoping refusals and missing rows both become the same 404 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.render()) from exc

    return wrapper


@require_safe
@login_required
def home(request):
    """The staff's tasks; a user with no task list (a citizen, a hospital operator, an
    administrator) starts on the first page of their own menu instead."""
    from .menu import menu_for

    own = [item for item in menu_for(request.user) if item["key"] != "notifications"]
    if own and not any(item["key"] == "tasks" for item in own):
        return redirect(own[0]["url"])
    now = timezone.now()
    rows = task_rows(selectors.my_tasks(request.user)[:200], now)
    return render(request, "web/home.html", {"rows": rows})


@require_safe
@login_required
def case_list(request):
    cases = selectors.cases_visible_to(request.user).order_by("-opened_at")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    query = request.GET.get("q", "").strip()[:50]
    if query:
        cases = cases.filter(number__icontains=query) | cases.filter(title__icontains=query)
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "web/case_list.html",
        {"page": page, "status": status, "q": query, "statuses": CaseStatus.choices},
    )


@require_safe
@login_required
@not_found_is_404
def case_detail(request, case_id):
    case = selectors.access_case_by_id(request.user, case_id)
    return render(request, "web/case_detail.html", case_page_context(request.user, case))


@require_safe
@login_required
@not_found_is_404
def case_diagram(request, case_id):
    case = selectors.access_case_by_id(request.user, case_id)
    statuses = dict(case.tasks.values_list("step", "status"))
    svg = process_svg(get_process(case.process), statuses)
    return HttpResponse(svg, content_type="image/svg+xml")


@require_safe
def process_diagram(request, code):
    try:
        process = get_process(code)
    except YimenError:
        raise Http404 from None
    return HttpResponse(process_svg(process), content_type="image/svg+xml")


@login_required
@require_POST
@not_found_is_404
def task_complete(request, task_id):
    task = selectors.access_task_by_id(request.user, task_id)
    try:
        services.task_complete(
            task_id=task.pk,
            actor=request.user,
            outcome=request.POST.get("outcome", "done")[:40],
            reason=request.POST.get("reason", "")[:2000],
        )
    except NotFound:
        raise
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _done_message())
    return redirect("web:case_detail", case_id=task.case_id)


def _done_message() -> str:
    from django.utils.translation import gettext

    return gettext("Saved. The case has moved on.")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notifications(request):
    items = (
        selectors.unread_notifications(request.user)
        if request.GET.get("unread")
        else (request.user.notifications.all())
    )
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("web:notifications")
    return render(request, "web/notifications.html", {"items": items[:200]})
