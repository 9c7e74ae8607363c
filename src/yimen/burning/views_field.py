"""The field pages (they fit a 390 px phone): the overview, my open cases, a case with its
clock and history, arrival, the verification form with photos, the township's return and
signature, and a fire reported on patrol or by hotline. Thin: parse, call, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.errors import YimenError
from yimen.web.views import not_found_is_404

from . import selectors
from .forms import CloseForm, ReasonForm, ReportForm, VerifyForm
from .models import CaseStatus, Photo
from .models.fires import OPEN_STATUSES
from .services.dispatch import PhotoIn, case_arrive, case_close, case_return, case_verify
from .services.fires import fire_report

A = Action
#: the verification page asks the phone for its position (the site's default policy
#: forbids it everywhere else)
FIELD_POLICY = "camera=(self), microphone=(), geolocation=(self)"


def _viewer(request) -> None:
    if not selectors.can_see(request.user):
        raise Http404


def parse_day(text: str):
    """A date typed in a filter (YYYY-MM-DD), or None."""
    try:
        return date.fromisoformat(text.strip()) if text else None
    except ValueError:
        return None


def page_of(request, items, size: int = 30):
    return Paginator(items, size).get_page(request.GET.get("page"))


@login_required
def index(request):
    """What needs doing in the user's area: cases by state, overdue, today's fire points,
    and the user's own open cases first."""
    _viewer(request)
    cases = selectors.cases_visible_to(request.user)
    now = timezone.now()
    counts = {r["status"]: r["n"] for r in cases.values("status").annotate(n=Count("pk"))}
    user = request.user
    return render(
        request,
        "burning/index.html",
        {
            "statuses": [(s.label, s.value, counts.get(s.value, 0)) for s in CaseStatus],
            "overdue": cases.filter(
                status__in=OPEN_STATUSES, arrived_at__isnull=True, arrive_due_at__lt=now
            ).count(),
            "unverified": cases.filter(
                status__in=OPEN_STATUSES, verified_at__isnull=True, verify_due_at__lt=now
            ).count(),
            "flagged": cases.filter(photo_flagged=True).count(),
            "today": selectors.detections_visible_to(user).filter(day=timezone.localdate()).count(),
            "mine": selectors.my_open_cases(user)[:20],
            "to_sign": selectors.township_queue(user)[:20],
            "may": {
                "verify": selectors.may(user, A.BURNING_VERIFY),
                "report": selectors.may(user, A.BURNING_REPORT),
                "manage": selectors.may(user, A.BURNING_MANAGE),
                "import": selectors.may(user, A.BURNING_IMPORT),
                "account": selectors.may(user, A.BURNING_ACCOUNT),
                "inspect": selectors.may(user, A.BURNING_INSPECT),
                "supervise": selectors.may(user, A.BURNING_SUPERVISE),
            },
        },
    )


@login_required
def mine(request):
    """The field person's open cases, most urgent first (on a phone)."""
    if not selectors.may(request.user, A.BURNING_VERIFY):
        raise Http404
    return render(
        request,
        "burning/mine.html",
        {
            "cases": selectors.my_open_cases(request.user),
            "to_sign": selectors.township_queue(request.user),
            "now": timezone.now(),
        },
    )


@login_required
def case_list(request):
    _viewer(request)
    qs = selectors.cases_visible_to(request.user).select_related("unit", "responsible")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    county = request.GET.get("county", "")
    if county.isdigit() and len(county) == 6:
        qs = qs.filter(county_code=county)
    day = parse_day(request.GET.get("day", ""))
    if day:
        qs = qs.filter(detections__day=day).distinct()
    if request.GET.get("overdue") == "1":
        qs = qs.filter(status__in=OPEN_STATUSES).filter(
            Q(arrived_at__isnull=True, arrive_due_at__lt=timezone.now())
            | Q(verified_at__isnull=True, verify_due_at__lt=timezone.now())
        )
    return render(
        request,
        "burning/case_list.html",
        {
            "page": page_of(request, qs.order_by("-opened_at", "-pk")),
            "statuses": CaseStatus.choices,
            "status": status,
            "county": county,
            "counties": selectors.counties_of(request.user),
            "day": day,
            "overdue": request.GET.get("overdue") == "1",
            "now": timezone.now(),
        },
    )


@login_required
@not_found_is_404
def case_detail(request, fire_case_id: int):
    case = selectors.access_case(request.user, fire_case_id)
    user = request.user
    return render(
        request,
        "burning/case_detail.html",
        {
            "case": case,
            **selectors.case_record(case),
            "now": timezone.now(),
            "can_verify": selectors.cases_visible_to(user, A.BURNING_VERIFY)
            .filter(pk=case.pk)
            .exists(),
            "can_close": selectors.cases_visible_to(user, A.BURNING_CLOSE)
            .filter(pk=case.pk)
            .exists(),
            "close_form": CloseForm(),
            "return_form": ReasonForm(),
        },
    )


def _act(request, fire_case_id: int, action: Action, call) -> object:
    case = selectors.access_case(request.user, fire_case_id, action)
    try:
        call(case)
    except YimenError as exc:
        messages.error(request, exc.render())
    return redirect("burning:case_detail", case.pk)


@login_required
@require_POST
@not_found_is_404
def case_arrive_view(request, fire_case_id: int):
    def call(case):
        case_arrive(case=case, actor=request.user)
        messages.success(request, _("Arrival recorded."))

    return _act(request, fire_case_id, A.BURNING_VERIFY, call)


@login_required
@require_POST
@not_found_is_404
def case_return_view(request, fire_case_id: int):
    reason = (request.POST.get("reason") or "")[:500]

    def call(case):
        case_return(case=case, actor=request.user, reason=reason)
        messages.success(request, _("Returned for another look on site."))

    return _act(request, fire_case_id, A.BURNING_CLOSE, call)


@login_required
@require_POST
@not_found_is_404
def case_close_view(request, fire_case_id: int):
    note = (request.POST.get("note") or "")[:500]

    def call(case):
        case_close(case=case, actor=request.user, note=note)
        messages.success(request, _("Case closed and signed."))

    return _act(request, fire_case_id, A.BURNING_CLOSE, call)


@login_required
@not_found_is_404
def case_verify_view(request, fire_case_id: int):
    """The verification form: outcome, area, who burnt, and photos (the phone's camera)."""
    case = selectors.access_case(request.user, fire_case_id, A.BURNING_VERIFY)
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        uploads = request.FILES.getlist("photos")
        photos = [
            PhotoIn(f.name, f.read(), data.get("device_lon"), data.get("device_lat"))
            for f in uploads[:10]
        ]
        try:
            case_verify(
                case=case,
                actor=request.user,
                outcome=data["outcome"],
                photos=photos,
                reason=data["reason"],
                burnt_area_m2=data["burnt_area_m2"],
                responsible_party=data["responsible_party"],
                handling=data["handling"],
                note=data["note"],
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("Verification recorded."))
            return redirect("burning:case_detail", case.pk)
    response = render(request, "burning/verify.html", {"case": case, "form": form})
    response["Permissions-Policy"] = FIELD_POLICY
    return response


@login_required
def report(request):
    """A fire seen on patrol or reported by hotline, with the phone's position."""
    if not selectors.may(request.user, A.BURNING_REPORT):
        raise Http404
    form = ReportForm(
        request.POST or None,
        initial={"seen_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "source": "patrol"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            point = fire_report(
                actor=request.user,
                source=data["source"],
                longitude=data["longitude"],
                latitude=data["latitude"],
                seen_at=data["seen_at"],
                place=data["place"],
                note=data["note"],
            )
        except YimenError as exc:
            messages.error(request, exc.render())
        else:
            messages.success(request, _("Fire reported and dispatched."))
            return redirect("burning:case_detail", point.case_id)
    response = render(request, "burning/report.html", {"form": form})
    response["Permissions-Policy"] = FIELD_POLICY
    return response


@login_required
def photo(request, fire_photo_id: int):
    """A site photo, for whoever may read its case."""
    found = (
        Photo.objects.filter(pk=fire_photo_id)
        .filter(verification__case__in=selectors.cases_visible_to(request.user))
        .first()
    )
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), content_type=found.content_type)
