"""The case and task pages of every service (my tasks, the case list and page, diagrams,
notifications): parse, call one service or selector, render (house rule 2).

They were web's pages; their URL names stay ``web:…`` (yimen/urls.py mounts this module
under that namespace) so links, bookmarks and templates keep working."""

from __future__ import annotations

from urllib.parse import parse_qsl

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import NotFound, YimenError
from yimen.privacy.access import log_export
from yimen.web.menu import menu_for
from yimen.web.views import not_found_is_404

from . import selectors, services
from .case_export import MAX_ROWS, XLSX, cases_workbook
from .case_facts import kind_choices
from .case_search import CaseFilters, case_rows, search_cases, step_choices, village_choices
from .case_view import case_page_context, task_rows
from .deadlines import notifications_mark_read
from .diagram import process_svg
from .registry import get_process
from .states import CaseStatus


@require_safe
@login_required
def home(request):
    """The staff's tasks; a user with no task list (a citizen, a hospital operator, an
    administrator) starts on the first page of their own menu instead."""
    own = [item for item in menu_for(request.user) if item["key"] != "notifications"]
    if own and not any(item["key"] == "tasks" for item in own):
        return redirect(own[0]["url"])
    now = timezone.now()
    rows = task_rows(selectors.my_tasks(request.user)[:200], now)
    return render(request, "workflow/home.html", {"rows": rows})


@require_safe
@login_required
def case_list(request):
    """Cases in the user's area: search (case number, ID number, name, pinyin initials),
    filters (status, step, village, type, overdue), and the same list as Excel."""
    now = timezone.now()
    filters = CaseFilters.from_query(request.GET)
    cases = search_cases(request.user, filters, now).select_related("division")
    if request.GET.get("export") == "xlsx":
        return _export(request, cases, filters, now)
    page = Paginator(cases, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/case_list.html",
        {
            "page": page,
            "rows": case_rows(page.object_list, now),
            "filters": filters,
            "query": filters.query_string(),
            "export_fields": parse_qsl(filters.query_string()),
            "statuses": CaseStatus.choices,
            "steps": step_choices(),
            "villages": village_choices(request.user),
            "kinds": kind_choices(),
        },
    )


def _export(request, cases, filters: CaseFilters, now):
    count = cases.count()
    if count > MAX_ROWS:
        messages.error(
            request,
            gettext(
                "%(n)d cases match: at most %(max)d can be exported at once. Narrow the "
                "search or the filters."
            )
            % {"n": count, "max": MAX_ROWS},
        )
        return redirect(f"{reverse('web:case_list')}?{filters.query_string()}")
    try:
        log_export(
            actor=request.user,
            record_type="workflow.case",
            record_ids=cases.values_list("pk", flat=True),
            division_code=bindings_for(request.user, Action.CASE_VIEW)[0].division_code,
            purpose=request.GET.get("purpose", ""),
            note="案件列表导出",
        )
    except YimenError as exc:
        messages.error(request, exc.render())
        return redirect(f"{reverse('web:case_list')}?{filters.query_string()}")
    body = cases_workbook(case_rows(cases, now), filters.describe())
    response = HttpResponse(body, content_type=XLSX)
    name = f"cases-{timezone.localtime(now):%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
@not_found_is_404
def case_detail(request, case_id):
    case = selectors.access_case_by_id(request.user, case_id)
    return render(request, "workflow/case_detail.html", case_page_context(request.user, case))


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
    return render(request, "workflow/notifications.html", {"items": items[:200]})
