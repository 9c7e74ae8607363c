"""Staff pages of the exams: overview, categories, candidates, sessions and the
invigilator's console, certificates. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError
from yimen.privacy.access import log_full_record

from . import selectors
from .catalogue import blueprint_text
from .documents import certificate_pdf, ticket_pdf
from .errors import NotInScope
from .forms import AcceptForm, MarkForm, PhotoForm, ReasonForm, RoomEventForm
from .models import ApplicationStatus, Category, CertificateStatus
from .services import certificates as certs
from .services.common import settings_for
from .services.marking import practical_mark
from .services.scheduling import application_schedule, schedule_waiting
from .services.sitting import room_event, session_close


def _staff(request):
    if not selectors.is_staff(request.user):
        raise Http404


def page_of(request, items, size: int = 30):
    return Paginator(items, size).get_page(request.GET.get("page"))


def _int(value) -> int:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 12 else 0


def _refused(request, exc: YimenError):
    messages.error(request, exc.render())


@login_required
def index(request):
    """The overview; candidates and employers go to their own pages."""
    if not selectors.is_staff(request.user):
        if bindings_for(request.user, Action.EXAM_ENROL):
            return redirect("exams:employer")
        if bindings_for(request.user, Action.EXAM_SIT):
            return redirect("exams:mine")
        raise Http404
    applications = selectors.applications_visible_to(request.user)
    counts = {
        row["status"]: row["n"] for row in applications.values("status").annotate(n=Count("pk"))
    }
    today = timezone.localdate()
    division = bindings_for(request.user, Action.EXAM_VIEW)[0].division_code
    clocks = settings_for(division, today)
    return render(
        request,
        "exams/index.html",
        {
            "statuses": [(s.label, counts.get(s.value, 0)) for s in ApplicationStatus],
            "sessions": selectors.sessions_visible_to(request.user).order_by("-starts_at")[:10],
            "overdue": applications.filter(
                status=ApplicationStatus.APPLIED, exam_due_on__lt=today
            ).count(),
            "certificates_due": selectors.certificates_visible_to(request.user)
            .filter(status=CertificateStatus.PENDING, accept_due_on__lt=today)
            .count(),
            "clocks": clocks,
            "in_review": selectors.certificates_in_review_window(request.user, today).count(),
            "can_administer": bool(bindings_for(request.user, Action.EXAM_ADMINISTER)),
        },
    )


@login_required
def categories(request):
    _staff(request)
    today = timezone.localdate()
    rows = Category.objects.order_by("post", "code", "valid_from")
    in_force = {}
    for row in rows:
        if row.valid_from <= today:
            in_force[row.code] = row.pk
        row.blueprint_text = blueprint_text(row.blueprint)  # type: ignore[attr-defined]
    return render(
        request, "exams/categories.html", {"rows": rows, "in_force": set(in_force.values())}
    )


@login_required
def candidates(request):
    _staff(request)
    qs = selectors.candidates_visible_to(request.user).select_related("employer", "division")
    query = request.GET.get("q", "").strip()
    if query:
        # an encrypted ID number is found whole (by its blind index), never by a prefix
        qs = qs.filter(Q(name__contains=query) | Q(id_number=query))
    page = page_of(request, qs.order_by("-created_at", "pk"))
    return render(request, "exams/candidates.html", {"page": page, "q": query})


@login_required
def candidate(request, exam_candidate_id: int):
    try:
        person = selectors.access_candidate(request.user, exam_candidate_id)
    except NotInScope:
        raise Http404 from None
    log_full_record(
        actor=request.user,
        record_type="exams.candidate",
        record_id=person.pk,
        division_code=person.division_id,
    )
    apps = person.applications.select_related("category").order_by("-applied_on", "-pk")
    sessions = []
    if bindings_for(request.user, Action.EXAM_ADMINISTER):
        sessions = (
            selectors.sessions_visible_to(request.user)
            .filter(status="open", starts_at__gte=timezone.now())
            .order_by("starts_at")
        )
    return render(
        request,
        "exams/candidate.html",
        {
            "person": person,
            "applications": apps,
            "sessions": sessions,
            "photo_form": PhotoForm(),
            "can_mark": any(
                b.covers(person.division_id)
                for b in bindings_for(request.user, Action.EXAM_INVIGILATE)
            ),
            "can_upload": person.user_id == request.user.pk
            or (person.employer is not None and person.employer.contact_id == request.user.pk)
            or any(
                b.covers(person.division_id)
                for b in bindings_for(request.user, Action.EXAM_ADMINISTER)
            ),
        },
    )


@login_required
@require_POST
def schedule(request, exam_application_id: int):
    try:
        application = selectors.access_application(
            request.user, exam_application_id, Action.EXAM_ADMINISTER
        )
        session = selectors.access_session(request.user, _int(request.POST.get("session")))
        paper = application_schedule(application=application, session=session, actor=request.user)
        messages.success(request, f"{session.name} · {paper.seat}")
    except NotInScope:
        raise Http404 from None
    except YimenError as exc:
        _refused(request, exc)
    return redirect("exams:candidate", application.candidate_id)


@login_required
def sessions(request):
    _staff(request)
    qs = selectors.sessions_visible_to(request.user).annotate(seated=Count("papers"))
    return render(
        request, "exams/sessions.html", {"page": page_of(request, qs.order_by("-starts_at"))}
    )


@login_required
def session(request, exam_session_id: int):
    """The invigilator's console: who is in, progress, and the room record."""
    try:
        room = selectors.access_session(request.user, exam_session_id)
    except NotInScope:
        raise Http404 from None
    papers = (
        room.papers.select_related("application__candidate", "application__category")
        .annotate(answered=Count("answers"))
        .order_by("seat")
    )
    now = timezone.now()
    rows = [
        {
            "paper": p,
            "left": max(0, int((p.ends_at - now).total_seconds() // 60)) if p.ends_at else None,
            "total": len(p.items),
        }
        for p in papers
    ]
    return render(
        request,
        "exams/session.html",
        {
            "room": room,
            "rows": rows,
            "event_form": RoomEventForm(),
            "mark_form": MarkForm(),
            "can_invigilate": bool(bindings_for(request.user, Action.EXAM_INVIGILATE)),
            "can_administer": bool(bindings_for(request.user, Action.EXAM_ADMINISTER)),
        },
    )


@login_required
@require_POST
def session_fill(request, exam_session_id: int):
    try:
        room = selectors.access_session(request.user, exam_session_id)
        done = schedule_waiting(session=room, actor=request.user)
        messages.success(request, _("%(n)s seats filled from the waiting list.") % {"n": len(done)})
    except NotInScope:
        raise Http404 from None
    except YimenError as exc:
        _refused(request, exc)
    return redirect("exams:session", exam_session_id)


@login_required
@require_POST
def session_close_view(request, exam_session_id: int):
    try:
        room = selectors.access_session(request.user, exam_session_id)
    except NotInScope:
        raise Http404 from None
    try:
        session_close(session=room, actor=request.user)
    except YimenError as exc:
        _refused(request, exc)
    return redirect("exams:session", exam_session_id)


@login_required
@require_POST
def paper_event(request, exam_paper_id: int):
    try:
        paper = selectors.access_paper(request.user, exam_paper_id)
    except NotInScope:
        raise Http404 from None
    form = RoomEventForm(request.POST)
    if form.is_valid():
        try:
            room_event(
                paper=paper,
                kind=form.cleaned_data["kind"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"] or 0,
            )
        except YimenError as exc:
            _refused(request, exc)
    return redirect("exams:session", paper.session_id)


@login_required
def ticket(request, exam_paper_id: int):
    try:
        paper = selectors.access_paper(request.user, exam_paper_id, Action.EXAM_VIEW)
    except NotInScope:
        raise Http404 from None
    response = HttpResponse(ticket_pdf(paper), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ticket-{paper.pk}.pdf"'
    return response


@login_required
@require_POST
def mark(request, exam_application_id: int):
    try:
        application = selectors.access_application(
            request.user, exam_application_id, Action.EXAM_INVIGILATE
        )
    except NotInScope:
        raise Http404 from None
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            practical_mark(
                application=application, score=form.cleaned_data["score"], actor=request.user
            )
        except YimenError as exc:
            _refused(request, exc)
    return redirect("exams:candidate", application.candidate_id)


@login_required
def certificates(request):
    _staff(request)
    qs = selectors.certificates_visible_to(request.user).select_related(
        "candidate", "application__category"
    )
    status = request.GET.get("status", "")
    if status in CertificateStatus.values:
        qs = qs.filter(status=status)
    review = request.GET.get("review") == "1"
    if review:
        qs = qs.filter(
            pk__in=selectors.certificates_in_review_window(request.user, timezone.localdate())
        )
    return render(
        request,
        "exams/certificates.html",
        {
            "page": page_of(request, qs.order_by("accept_due_on", "pk")),
            "status": status,
            "review": review,
            "statuses": CertificateStatus.choices,
            "today": timezone.localdate(),
            "can_certify": bool(bindings_for(request.user, Action.EXAM_CERTIFY)),
            "accept_form": AcceptForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def certificate_act(request, exam_certificate_id: int, step: str):
    try:
        cert = selectors.access_certificate(request.user, exam_certificate_id)
    except NotInScope:
        raise Http404 from None
    today = timezone.localdate()
    try:
        if step == "accept":
            missing = request.POST.get("missing", "").splitlines()
            certs.certificate_accept(
                certificate=cert, missing=missing, actor=request.user, day=today
            )
        elif step == "issue":
            certs.certificate_issue(certificate=cert, actor=request.user, day=today)
        elif step == "revoke":
            certs.certificate_revoke(
                certificate=cert,
                reason=request.POST.get("reason", ""),
                actor=request.user,
                day=today,
            )
        else:
            raise Http404
    except YimenError as exc:
        _refused(request, exc)
    return redirect(reverse("exams:certificates"))


@login_required
def certificate_file(request, exam_certificate_id: int):
    try:
        cert = selectors.access_certificate(request.user, exam_certificate_id)
    except NotInScope:
        raise Http404 from None
    if cert.status not in (CertificateStatus.VALID, CertificateStatus.REVIEW_REFUSED):
        raise Http404
    body = certificate_pdf(cert, verify_base=request.build_absolute_uri(reverse("exams:verify")))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.pk}.pdf"'
    return response
