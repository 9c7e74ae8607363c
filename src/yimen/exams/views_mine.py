"""The candidate's own page (register, apply, results, certificates; fits a phone), the
employer's page (its staff, bulk import), statistics, and the public verification page."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import YimenError
from yimen.people import mask_id, mask_name
from yimen.regions.models import Division
from yimen.spreadsheets import xlsx_append

from . import rules, selectors
from .errors import ImportRefused
from .forms import ApplyForm, ImportForm, LinkForm, PhotoForm, RegisterForm, VerifyForm
from .models import Category, Certificate, GreenChannelRequest, Post
from .services.candidates import (
    IMPORT_COLUMNS,
    CandidateData,
    candidate_register,
    candidates_import,
)
from .services.scheduling import application_submit, green_channel_request
from .statistics import figures

STATES = {
    "valid": gettext_lazy("Valid"),
    "due_review": gettext_lazy("Due for review"),
    "expired": gettext_lazy("Expired"),
    "revoked": gettext_lazy("Revoked"),
}


def _categories(on):
    latest = {}
    for row in Category.objects.filter(valid_from__lte=on).order_by("code", "valid_from"):
        latest[row.code] = row
    return sorted(latest.values(), key=lambda c: (c.post, c.code))


@login_required
def mine(request):
    """The candidate's page: registration, applications with reasons, results, certificates."""
    bindings = bindings_for(request.user, Action.EXAM_SIT)
    if not bindings:
        raise Http404
    today = timezone.localdate()
    person = selectors.candidate_of(request.user)
    register = RegisterForm(request.POST or None, prefix="reg") if person is None else None
    link = LinkForm(prefix="link") if person is None else None
    apply = ApplyForm(
        request.POST or None,
        prefix="app",
        categories=_categories(today),
        places=_places(person),
    )
    if request.method == "POST":
        try:
            if register is not None and register.is_valid():
                data = CandidateData(**register.cleaned_data)
                candidate_register(
                    data=data,
                    division=Division.objects.get(pk=bindings[0].division_code),
                    actor=request.user,
                    user=request.user,
                    today=today,
                )
                return redirect("exams:mine")
            if person is not None and apply.is_valid():
                place = apply.cleaned_data.get("division")
                application_submit(
                    candidate=person,
                    category_code=apply.cleaned_data["category"],
                    actor=request.user,
                    on=today,
                    division=Division.objects.get(pk=place) if place else None,
                )
                return redirect("exams:mine")
        except YimenError as exc:
            messages.error(request, exc.render())
    context = {"person": person, "register": register, "apply": apply, "link": link}
    if person is not None:
        context["applications"] = (
            person.applications.select_related("category")
            .prefetch_related("papers__session")
            .order_by("-applied_on", "-pk")
        )
        context["certificates"] = [
            _with_review_window(c, today)
            for c in person.certificates.select_related("application__category")
        ]
        context["photo_form"] = PhotoForm()
    return render(request, "exams/mine.html", context)


def _places(person) -> list[tuple[str, str]]:
    """Where the candidate may apply: where registered (the record's division) or where
    working (the employer's division), T30 Art 13 — labels, not codes."""
    if person is None:
        return []
    places = [
        (person.division_id, _("%(name)s (where registered)") % {"name": person.division.name})
    ]
    if person.employer is not None and person.employer.division_id != person.division_id:
        places.append(
            (
                person.employer.division_id,
                _("%(name)s (where working)") % {"name": person.employer.division.name},
            )
        )
    return places


def _with_review_window(cert: Certificate, today):
    """The certificate with when its review window opens and whether it is open today."""
    due = cert.review_due_on
    cert.review_opens = rules.review_window_opens(due) if due else None  # type: ignore[attr-defined]
    cert.review_open = bool(due and rules.in_review_window(due, today))  # type: ignore[attr-defined]
    return cert


@login_required
def employer(request):
    """The employer's staff and the bulk import (the exam administrator imports for any
    employer of its area)."""
    employers = list(selectors.employers_of(request.user)) or list(
        selectors.employers_administered(request.user)
    )
    if not employers and not bindings_for(request.user, Action.EXAM_ENROL):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, employers=employers)
    refused: list[tuple[int, str]] = []
    if request.method == "POST" and form.is_valid():
        chosen = next(e for e in employers if str(e.pk) == form.cleaned_data["employer"])
        upload = form.cleaned_data["file"]
        try:
            n = candidates_import(
                employer=chosen,
                data=upload.read(),
                filename=upload.name,
                actor=request.user,
                today=timezone.localdate(),
            )
            messages.success(request, _("%(n)s candidates imported.") % {"n": n})
            return redirect("exams:employer")
        except ImportRefused as exc:
            refused = exc.rows
        except YimenError as exc:
            messages.error(request, exc.render())
    staff = selectors.candidates_visible_to(request.user).filter(employer__in=employers)
    return render(
        request,
        "exams/employer.html",
        {
            "employers": employers,
            "form": form,
            "refused": refused,
            "staff": staff.prefetch_related("applications__category").order_by("name"),
            "requests": GreenChannelRequest.objects.filter(employer__in=employers).order_by(
                "-requested_on", "-pk"
            )[:5],
        },
    )


@login_required
@require_POST
def green_request(request):
    """The employer's contact asks for the green channel (a reason, e.g. resuming work)."""
    employers = list(selectors.employers_of(request.user))
    chosen = next((e for e in employers if str(e.pk) == request.POST.get("employer")), None)
    if chosen is None:
        raise Http404
    try:
        green_channel_request(
            employer=chosen,
            reason=request.POST.get("reason", "")[:300],
            actor=request.user,
            today=timezone.localdate(),
        )
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("Request sent to the exam administrator."))
    return redirect("exams:employer")


@login_required
def import_template(request):
    if not (selectors.employers_of(request.user).exists() or selectors.is_staff(request.user)):
        raise Http404
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    xlsx_append(sheet, IMPORT_COLUMNS)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )
    response["Content-Disposition"] = 'attachment; filename="exam-candidates.xlsx"'
    return response


@login_required
def statistics(request):
    if not selectors.is_staff(request.user):
        raise Http404
    data = figures(request.user)
    if request.GET.get("format") == "xlsx":
        import openpyxl

        book = openpyxl.Workbook()
        sheet = book.active
        xlsx_append(
            sheet, [_("Month"), _("Sessions held"), _("Candidates"), _("Passed"), _("Certified")]
        )
        for row in data["months"]:
            xlsx_append(
                sheet,
                [row["month"], row["sessions"], row["candidates"], row["passed"], row["certified"]],
            )
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type=("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
        response["Content-Disposition"] = 'attachment; filename="exam-statistics.xlsx"'
        return response
    posts = dict(Post.choices)
    chart = {
        "months": [r["month"] for r in data["months"]],
        "series": {
            k: [r[k] for r in data["months"]]
            for k in ("sessions", "candidates", "passed", "certified")
        },
        "labels": {
            "sessions": _("Sessions held"),
            "candidates": _("Candidates"),
            "passed": _("Passed"),
            "certified": _("Certified"),
        },
    }
    for row in data["categories"]:
        row["post"] = posts.get(row["category__post"], "")
    return render(request, "exams/statistics.html", {"data": data, "chart": chart})


def verify(request):
    """Public: number + name → valid / due for review / expired / revoked, name masked."""
    form = VerifyForm(request.GET or None)
    result = None
    if request.GET and form.is_valid():
        cert = (
            Certificate.objects.select_related("candidate", "application__category")
            .filter(
                number=form.cleaned_data["number"].strip().upper(),
                candidate__name=form.cleaned_data["name"].strip(),
            )
            .exclude(number="")
            .first()
        )
        if cert is None:
            result = {"found": False}
        else:
            state = rules.verification_state(
                cert.status, cert.valid_until, cert.review_due_on, timezone.localdate()
            )
            result = {
                "found": True,
                "state": state,
                "state_label": STATES[state],
                "name": mask_name(cert.candidate.name),
                "number": mask_id(cert.number, head=5),
                "category": cert.application.category.name,
                "valid_until": cert.valid_until,
                "review_due_on": cert.review_due_on,
            }
    return render(request, "exams/verify.html", {"form": form, "result": result})
