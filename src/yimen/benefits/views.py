"""Roster pages: the list with search and export, one household with its history and the
forms of dynamic management (report a change, payment account, adjustment, review decision)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can
from yimen.assistance.choices import AssistanceType
from yimen.errors import NotFound, YimenError
from yimen.months import month_of
from yimen.privacy.access import log_export, log_full_record

from .exports import roster_xlsx
from .models import BeneficiaryStatus, ChangeKind, Review, ReviewOutcome
from .notices import review_notice_pdf
from .selectors import households_with_open_returns
from .services import payments, reviews, roster

EXPORT_LIMIT = 50_000


def _no_roster(request):
    return render(request, "benefits/none.html", status=403)


@login_required
def roster_page(request):
    if not bindings_for(request.user, Action.ROSTER_VIEW):
        return _no_roster(request)
    query = request.GET.get("q", "")[:50]
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    rows = roster.roster_search(request.user, query, status=status, kind=kind)
    if request.GET.get("format") == "xlsx":
        exported = rows[:EXPORT_LIMIT]
        try:
            log_export(
                actor=request.user,
                record_type="benefits.beneficiary",
                record_ids=exported.values_list("pk", flat=True),
                division_code=bindings_for(request.user, Action.ROSTER_VIEW)[0].division_code,
                purpose=request.GET.get("purpose", ""),
                note=f"花名册导出 {query}".strip(),  # shown on the access log: words, not codes
            )
        except YimenError as exc:
            messages.error(request, exc.render())
            return redirect(f"{request.path}?{_without_export(request)}")
        data = roster_xlsx(exported)
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="roster.xlsx"'
        return response
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "benefits/roster.html",
        {
            "page": page,
            # a payment of theirs came back and is not paid again yet (views_returns.py)
            "returned": households_with_open_returns([b.pk for b in page]),
            "q": query,
            "status": status,
            "kind": kind,
            "statuses": BeneficiaryStatus.choices,
            "kinds": AssistanceType.choices,
        },
    )


def _without_export(request) -> str:
    kept = request.GET.copy()
    for name in ("format", "purpose"):
        kept.pop(name, None)
    return kept.urlencode()


def _household_context(request, beneficiary):
    month = month_of(timezone.localdate())
    user = request.user
    division = beneficiary.division_id
    open_review = reviews.open_review(beneficiary)
    return {
        "b": beneficiary,
        "entitlement": roster.current_entitlement(beneficiary, month),
        "entitlements": beneficiary.entitlements.order_by("-effective_month", "-id"),
        "reviews": beneficiary.reviews.select_related("case").order_by("-opened_at"),
        "payments": beneficiary.payments.select_related("roll").order_by("-roll__month")[:24],
        "adjustments": beneficiary.adjustments.order_by("-created_at"),
        "returns": beneficiary.returns.select_related("roll", "reissued_in").order_by("-pk"),
        "open_review": open_review,
        "decide_ready": open_review is not None
        and open_review.case.tasks.filter(step="review_decide", status="open").exists(),
        "can_report": can(user, Action.ROSTER_REPORT_CHANGE, division),
        "can_prepare": can(user, Action.PAYMENT_PREPARE, division),
        "can_decide": can(user, Action.CASE_DECIDE, division),
        "change_kinds": ChangeKind.choices,
        "outcomes": ReviewOutcome.choices,
        "today": timezone.localdate(),
    }


def _act(request, beneficiary_id, action, success):
    """Run a service for a POSTed form; the page again with the error if it refuses."""
    try:
        action()
    except YimenError as exc:
        if isinstance(exc, NotFound):
            raise Http404 from exc
        messages.error(request, exc.render())
        beneficiary = roster.beneficiary_for(request.user, beneficiary_id)
        context = _household_context(request, beneficiary)
        return render(request, "benefits/household.html", context, status=exc.status)
    messages.success(request, success)
    return redirect("benefits:household", beneficiary_id)


@login_required
def household_page(request, beneficiary_id: int):
    try:
        beneficiary = roster.beneficiary_for(request.user, beneficiary_id)
    except NotFound as exc:
        raise Http404 from exc
    log_full_record(
        actor=request.user,
        record_type="benefits.beneficiary",
        record_id=beneficiary.pk,
        division_code=beneficiary.division_id,
    )
    return render(request, "benefits/household.html", _household_context(request, beneficiary))


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.max  # refused by the service as a date in the future


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip()) if text.strip() else None
    except InvalidOperation:
        return Decimal("-1")


@login_required
@require_POST
def change_report(request, beneficiary_id: int):
    post = request.POST
    change = reviews.ChangeReport(
        beneficiary_id=beneficiary_id,
        kind=post.get("kind", ""),
        report=post.get("report", "")[:4000],
        occurred_on=_date(post.get("occurred_on", "")),
    )
    return _act(
        request,
        beneficiary_id,
        lambda: reviews.change_report(actor=request.user, change=change),
        _("The change is recorded and a review is open."),
    )


@login_required
@require_POST
def account(request, beneficiary_id: int):
    post = request.POST
    return _act(
        request,
        beneficiary_id,
        lambda: roster.account_set(
            actor=request.user,
            beneficiary_id=beneficiary_id,
            payee_name=post.get("payee_name", "")[:100],
            bank_name=post.get("bank_name", "")[:200],
            number=post.get("account_number", "")[:64],
        ),
        _("The payment account is recorded."),
    )


@login_required
@require_POST
def adjustment(request, beneficiary_id: int):
    post = request.POST
    amount = _money(post.get("amount", "")) or Decimal("0")
    return _act(
        request,
        beneficiary_id,
        lambda: payments.adjustment_add(
            actor=request.user,
            beneficiary_id=beneficiary_id,
            amount=amount,
            reason=post.get("reason", "")[:4000],
        ),
        _("The adjustment will be paid in the next roll."),
    )


@login_required
@require_POST
def review_decide(request, review_id: int):
    review = Review.objects.filter(pk=review_id).first()
    if review is None or not can(request.user, Action.ROSTER_VIEW, review.beneficiary.division_id):
        raise Http404
    post = request.POST
    months = post.get("phase_out_months", "").strip()
    decision = reviews.ReviewDecision(
        review_id=review_id,
        outcome=post.get("outcome", ""),
        reasons=post.get("reasons", "")[:4000],
        new_amount=_money(post.get("new_amount", "")),
        phase_out_months=int(months) if months.isdigit() and len(months) < 4 else None,
    )
    return _act(
        request,
        review.beneficiary_id,
        lambda: reviews.review_decide(actor=request.user, decision=decision),
        _("The review is decided and signed; it takes effect from next month."),
    )


@login_required
def review_notice(request, review_id: int):
    review = (
        Review.objects.select_related("beneficiary", "case", "decided_by")
        .filter(pk=review_id)
        .first()
    )
    if (
        review is None
        or not review.outcome
        or not can(request.user, Action.ROSTER_VIEW, review.beneficiary.division_id)
    ):
        raise Http404
    response = HttpResponse(review_notice_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="review-{review.pk}.pdf"'
    return response
