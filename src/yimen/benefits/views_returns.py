"""Pages of the payments the bank sent back: the township's (and the county's) list and
fund ledger, importing a return file, one file, correcting a household's account, and the
layouts the bank files are read with. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, can, division_q
from yimen.errors import NotFound, YimenError
from yimen.regions.codes import Level, ancestor_codes, code_at_level, level_of, prefix_of
from yimen.regions.models import Division

from .errors import ReturnFileRefused, ReturnRowsRefused
from .models import (
    AmountUnit,
    FileEncoding,
    PaymentReturn,
    ReturnBatch,
    ReturnFileLayout,
    ReturnReason,
    ReturnStatus,
)
from .services import return_layouts, returns, roster
from .services.returns_ledger import fund_months

MAX_UPLOAD = 20 * 2**20  # a return file lists the failures of one roll or a few
MAX_TOWNSHIPS = 500


def _townships(user, action: Action) -> list[str]:
    """The townships where ``user`` may do ``action``: township staff their own, the county
    its townships (at most MAX_TOWNSHIPS, for a select box)."""
    codes = set()
    wider = Q(pk__in=[])
    for binding in bindings_for(user, action):
        if level_of(binding.division_code) >= Level.TOWNSHIP:
            codes.add(code_at_level(binding.division_code, Level.TOWNSHIP))
        else:
            wider |= Q(code__startswith=binding.prefix)
    below = Division.objects.filter(wider, level=Level.TOWNSHIP).order_by("code")
    codes |= set(below.values_list("code", flat=True)[:MAX_TOWNSHIPS])
    return sorted(codes)


def _area(user, wanted: str) -> str:
    """The division whose returns the page shows: the one asked for if in scope, else the
    user's widest area (a county for the county supervisor)."""
    if wanted and can(user, Action.ROSTER_VIEW, wanted):
        return wanted
    bindings = sorted(bindings_for(user, Action.ROSTER_VIEW), key=lambda b: len(b.prefix))
    return bindings[0].division_code if bindings else ""


@login_required
def returns_page(request, problems=None, status=200):
    user = request.user
    area = _area(user, request.GET.get("area", "") or request.POST.get("township", ""))
    if not area:
        return render(request, "benefits/none.html", status=403)
    scope = division_q(user, Action.ROSTER_VIEW, "roll__division__code")
    shown = request.GET.get("show", "open")
    rows = (
        PaymentReturn.objects.filter(scope, roll__division__code__startswith=prefix_of(area))
        .select_related("roll__division", "beneficiary", "batch", "reissued_in")
        .order_by("-batch__imported_at", "row_number")
    )
    if shown != "all":
        rows = rows.filter(status__in=ReturnStatus.flagged())
    importable = _townships(user, Action.PAYMENT_PREPARE)
    batches = ReturnBatch.objects.filter(
        division_q(user, Action.ROSTER_VIEW), division__code__startswith=prefix_of(area)
    ).order_by("-imported_at")[:24]
    today = timezone.localdate()
    context = {
        "area": area,
        "show": shown,
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "batches": batches,
        "importable": importable,
        "layouts": {t: return_layouts.layouts_in_force(t, today) for t in importable},
        "months": fund_months(prefix_of(area))[-13:][::-1],
        "problems": problems,
        "chosen": request.POST.get("township", importable[0] if importable else ""),
    }
    return render(request, "benefits/returns.html", context, status=status)


def posted_return_file(request) -> tuple[str, bytes, int | None]:
    """(file name, bytes, layout id or None) of a posted return file, or ReturnFileRefused
    when none was chosen or it is over the upload cap (the subsidy's form posts the same)."""
    upload = request.FILES.get("file")
    if upload is None:
        raise ReturnFileRefused(_("Choose the bank's return file."))
    if upload.size > MAX_UPLOAD:
        raise ReturnFileRefused(_("The file is too large for an import."))
    layout = request.POST.get("layout", "")
    return upload.name or "", upload.read(), int(layout) if layout.isdigit() else None


@login_required
def returns_upload(request):
    if request.method != "POST":
        return redirect("benefits:returns")
    township = request.POST.get("township", "")
    try:
        name, data, layout_id = posted_return_file(request)
        result = returns.returns_import(
            actor=request.user,
            township_code=township,
            file_name=name,
            data=data,
            layout_id=layout_id,
        )
    except ReturnRowsRefused as refused:
        messages.error(request, refused.render())
        return returns_page(request, problems=refused.problems, status=400)
    except YimenError as exc:
        messages.error(request, exc.render())
        return returns_page(request, status=exc.status)
    if result.created:
        messages.success(
            request,
            _("%(n)s returned payments imported; the households are flagged and told.")
            % {"n": result.batch.returns},
        )
    else:
        messages.info(request, _("This file was imported before; nothing was changed."))
    return redirect("benefits:return_batch", result.batch.pk)


@login_required
def return_batch_page(request, return_batch_id: int):
    batch = (
        ReturnBatch.objects.select_related("division", "imported_by", "layout")
        .filter(pk=return_batch_id)
        .first()
    )
    if batch is None or not can(request.user, Action.ROSTER_VIEW, batch.division_id):
        raise Http404
    items = batch.items.select_related("roll", "beneficiary", "reissued_in").order_by("row_number")
    return render(request, "benefits/return_batch.html", {"batch": batch, "items": items})


@login_required
def return_correct(request, beneficiary_id: int):
    try:
        beneficiary = roster.beneficiary_for(request.user, beneficiary_id, Action.PAYMENT_PREPARE)
    except NotFound as exc:
        raise Http404 from exc
    error = None
    if request.method == "POST":
        post = request.POST
        try:
            returns.return_account_correct(
                actor=request.user,
                beneficiary_id=beneficiary.pk,
                payee_name=post.get("payee_name", "")[:200],
                bank_name=post.get("bank_name", "")[:200],
                number=post.get("account_number", "")[:60],
                reason=post.get("reason", "")[:4000],
            )
        except YimenError as exc:
            error = exc.render()
        else:
            messages.success(request, _("The account is corrected; the next roll pays it again."))
            return redirect("benefits:household", beneficiary.pk)
    waiting = beneficiary.returns.filter(status=ReturnStatus.RETURNED).select_related("roll")
    return render(
        request,
        "benefits/return_correct.html",
        {"b": beneficiary, "waiting": waiting, "error": error, "post": request.POST},
        status=400 if error else 200,
    )


def layout_input(post, township: str) -> return_layouts.LayoutInput:
    """The form's layout; unreadable numbers and dates become values the service refuses
    (the subsidy's layouts page reads the same form)."""
    try:
        valid_from = date.fromisoformat(post.get("valid_from", ""))
    except ValueError:
        valid_from = date.min
    header = post.get("header_row", "1")
    codes = {}
    for line in post.get("reason_codes", "")[:4000].splitlines():
        code, _sep, meant = line.partition("=")
        if code.strip() or meant.strip():
            codes[code.strip()] = meant.strip()
    text = {name: post.get(name, "")[:200] for name in return_layouts.TEXT_FIELDS}
    return return_layouts.LayoutInput(
        division_code=township,
        valid_from=valid_from,
        encoding=post.get("encoding", ""),
        header_row=int(header) if header.isdigit() and len(header) < 4 else -1,
        amount_unit=post.get("amount_unit", ""),
        reason_codes=codes,
        **text,
    )


@login_required
def return_layouts_page(request):
    user = request.user
    townships = _townships(user, Action.ROSTER_VIEW)
    township = request.POST.get("township") or request.GET.get("township") or ""
    if township not in townships:
        township = townships[0] if townships else ""
    if not township:
        return render(request, "benefits/none.html", status=403)
    error = None
    if request.method == "POST":
        try:
            return_layouts.return_layout_set(actor=user, data=layout_input(request.POST, township))
        except YimenError as exc:
            error = exc.render()
        else:
            messages.success(request, _("The layout is saved and applies from its day."))
            return redirect(f"{reverse('benefits:return_layouts')}?township={township}")
    today = timezone.localdate()
    chain_rows = ReturnFileLayout.objects.filter(
        division_id__in=[township, *ancestor_codes(township)]
    ).order_by("-valid_from", "bank_name")
    return render(
        request,
        "benefits/return_layouts.html",
        {
            "township": township,
            "townships": townships,
            "in_force": return_layouts.layouts_in_force(township, today),
            "history": chain_rows[:50],
            "can_set": can(user, Action.PAYMENT_ISSUE, township),
            "error": error,
            "post": request.POST,
            "today": today,
            "encodings": FileEncoding.choices,
            "units": AmountUnit.choices,
            "reasons": ReturnReason.choices,
        },
        status=400 if error else 200,
    )
