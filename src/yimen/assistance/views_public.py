"""Public pages, no login: the disclosure of approved households (公示) with objections, and
the applicant's own status page (case number + ID number + receipt code).

Thin: parse, call one service, render (house rule 2). Every response carries
``X-Robots-Tag: noindex``: the lists are public to the village, not to search engines."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from yimen.accounts.roles import Role
from yimen.accounts.scoping import bindings_of
from yimen.accounts.views import client_address
from yimen.errors import NotFound, YimenError
from yimen.workflow.registry import get_process
from yimen.workflow.states import CaseStatus, TaskStatus

from .models import Application, MissingItemsNotice
from .notices import notice_pdf
from .services import public

SESSION_KEY = "yimen.assistance.status"
LOOKUP_SALT = "yimen.assistance.status-token"
TOKEN_MAX_AGE = 30 * 60  # seconds a successful look-up stays valid in the session
TEXT_LIMIT = 5000  # longer input is cut before it reaches the service (which refuses >1000)


def noindex(view):
    """Keep search engines off public pages (the meta tag says the same in the page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def staff_visitor(user) -> bool:
    """Whether the visitor works for the administration (a role other than applicant):
    only staff are told that an example value still awaits confirmation (house rule 14)."""
    return any(b.role != Role.APPLICANT for b in bindings_of(user))


def _village_context(request, village, rows) -> dict:
    contact = public.disclosure_contact(village)
    return {
        "village": village,
        "rows": rows,
        "contact": contact,
        "example_for_staff": contact.example and staff_visitor(request.user),
    }


def both_languages(exc: YimenError) -> str:
    """The message in the reader's language, with the other language alongside."""
    here = exc.render()
    other = exc.render("en" if translation.get_language() != "en" else "zh-hans")
    return here if other == here else f"{here} ({other})"


# --- disclosure --------------------------------------------------------------------------


@noindex
@require_GET
def disclosure_choose(request):
    query = request.GET.get("q", "").strip()[:50]
    return render(
        request,
        "assistance/public/choose.html",
        {"q": query, "villages": public.disclosure_villages(query)},
    )


def _village_or_404(village_code: str):
    try:
        return public.disclosure_village(village_code)
    except NotFound:
        raise Http404 from None


@noindex
@require_GET
def disclosure_village(request, village_code):
    village = _village_or_404(village_code)
    return render(
        request,
        "assistance/public/village.html",
        _village_context(request, village, public.disclosure_rows(village)),
    )


@noindex
@require_POST
def objection_lodge(request, village_code, application_id):
    village = _village_or_404(village_code)
    rows = public.disclosure_rows(village)
    if application_id not in {r.application_id for r in rows}:
        raise Http404
    text = request.POST.get("text", "")[:TEXT_LIMIT]
    contact = request.POST.get("contact", "")[:TEXT_LIMIT]
    try:
        public.objection_lodge(
            application_id=application_id,
            text=text,
            contact=contact,
            address=client_address(request),
        )
    except NotFound:
        raise Http404 from None
    except YimenError as exc:
        failed = {
            "application_id": application_id,
            "message": both_languages(exc),
            "fields": getattr(exc, "fields", {}),
            "text": text[:1000],
            "contact": contact[:100],
        }
        return render(
            request,
            "assistance/public/village.html",
            {**_village_context(request, village, rows), "failed": failed},
            status=exc.status,
        )
    messages.success(request, _("Your objection was received. The township will review the case."))
    return redirect("public:village", village_code=village.code)


# --- the applicant's status page -----------------------------------------------------------


def _application_in_session(request) -> Application | None:
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    try:
        data = signing.loads(token, salt=LOOKUP_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        request.session.pop(SESSION_KEY, None)
        return None
    return (
        Application.objects.filter(pk=data.get("a"), case_id=data.get("c"))
        .select_related("case", "division__parent")
        .first()
    )


@noindex
@require_http_methods(["GET", "POST"])
def status_lookup(request):
    if request.method == "GET":
        return render(request, "assistance/public/status_form.html", {})
    case_number = request.POST.get("case_number", "")[:100]
    try:
        application = public.status_lookup(
            case_number=case_number,
            id_number=request.POST.get("id_number", "")[:100],
            receipt_code=request.POST.get("receipt_code", "")[:100],
            address=client_address(request),
        )
    except YimenError as exc:
        # only the case number is echoed back; the ID number and the code are never kept
        return render(
            request,
            "assistance/public/status_form.html",
            {"error": both_languages(exc), "case_number": case_number.strip()[:40]},
            status=exc.status,
        )
    request.session.cycle_key()
    request.session[SESSION_KEY] = signing.dumps(
        {"a": application.pk, "c": application.case_id}, salt=LOOKUP_SALT
    )
    return redirect("public:status_case")


@noindex
@require_GET
def status_case(request):
    application = _application_in_session(request)
    if application is None:
        return redirect("public:status")
    case = application.case
    process = get_process(case.process)
    steps = [
        {"label": process.step(t.step).label, "due_at": t.due_at}
        for t in case.tasks.filter(status=TaskStatus.OPEN).order_by("stage", "id")
    ]
    notice = (
        MissingItemsNotice.objects.filter(application=application, resolved_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )
    return render(
        request,
        "assistance/public/status.html",
        {
            "application": application,
            "case": case,
            "steps": steps,
            "decision": getattr(application, "decision", None),
            "missing": notice.items if notice else [],
            # the session's look-up (or the applicant's own account) proves who asks
            "can_withdraw": case.status == CaseStatus.ACTIVE,
        },
    )


@noindex
@require_GET
def status_notice(request):
    application = _application_in_session(request)
    decision = getattr(application, "decision", None) if application else None
    if decision is None:
        raise Http404
    response = HttpResponse(notice_pdf(application, decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.case.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@noindex
@require_POST
def status_withdraw(request):
    application = _application_in_session(request)
    if application is None:
        return redirect("public:status")
    try:
        public.application_withdraw_by_applicant(
            application=application,
            reason=request.POST.get("reason", "")[:TEXT_LIMIT],
            actor=request.user,
        )
    except NotFound:
        raise Http404 from None
    except YimenError as exc:
        messages.error(request, both_languages(exc))
    else:
        messages.success(request, _("Your application was withdrawn."))
    return redirect("public:status_case")


@noindex
@require_POST
def status_leave(request):
    request.session.pop(SESSION_KEY, None)
    return redirect("public:status")
