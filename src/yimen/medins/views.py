"""Pages of the transfer: staff workbench, counter application, the applicant's own page,
one transfer with every step, the manual actions, and the paper forms as PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for
from yimen.errors import Invalid, YimenError
from yimen.privacy.access import log_full_record
from yimen.workflow.calendar import add_working_days

from .forms import TransferApplicationForm
from .ledger import account_balance
from .models import Side, TransferStatus
from .node import node_config
from .paper_forms import FORMS, form_lines, render_pdf
from .selectors import access_transfer, transfers_for_staff, transfers_of_applicant
from .services.incoming import is_applicant, transfer_apply, transfer_in_complete
from .services.outgoing import transfer_out_process, transfer_out_refuse


def _not_a_node(request):
    return render(request, "medins/not_a_node.html", status=503)


def _annotate(transfers):
    """Mark rows overdue / due within two working days for the list."""
    today = timezone.localdate()
    soon = add_working_days(today, 2)
    rows = []
    for t in transfers:
        t.row_class = ""
        if t.is_open and t.due_on:
            t.row_class = (
                "overdue" if t.due_on < today else ("due-soon" if t.due_on <= soon else "")
            )
        rows.append(t)
    return rows


@login_required
def index(request):
    if not bindings_for(request.user, Action.MEDINS_HANDLE):
        if is_applicant(request.user):
            return redirect("medins:mine")
        raise Http404
    node = node_config()
    status = request.GET.get("status", "")
    qs = transfers_for_staff(request.user).select_related("person")
    if status == "open":
        qs = qs.exclude(status__in=[TransferStatus.COMPLETED, TransferStatus.CONFIRMED,
                                    TransferStatus.REFUSED])  # fmt: skip
    elif status in TransferStatus.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "medins/index.html",
        {"node": node, "transfers": _annotate(qs[:300]), "status": status,
         "statuses": TransferStatus.choices},
    )  # fmt: skip


def _apply(request, template: str, success: str):
    node = node_config()
    if node is None:
        return _not_a_node(request)
    form = TransferApplicationForm(request.POST or None, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_apply(actor=request.user, data=form.cleaned_data)
        except Invalid as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.render())
        except YimenError as exc:
            form.add_error(None, exc.render())
        else:
            messages.success(request, _("Application %(number)s received and sent.")
                             % {"number": transfer.transfer_id})  # fmt: skip
            return redirect(success, pk=transfer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"form": form, "node": node}, status=status)


@login_required
def apply_counter(request):
    if not bindings_for(request.user, Action.MEDINS_HANDLE):
        raise Http404
    return _apply(request, "medins/apply.html", "medins:detail")


@login_required
def mine(request):
    if not is_applicant(request.user):
        raise Http404
    if request.method == "POST":
        return _apply(request, "medins/mine.html", "medins:detail")
    node = node_config()
    if node is None:
        return _not_a_node(request)
    return render(
        request,
        "medins/mine.html",
        {"form": TransferApplicationForm(node=node), "node": node,
         "transfers": transfers_of_applicant(request.user)},
    )  # fmt: skip


@login_required
def detail(request, pk: int):
    try:
        transfer = access_transfer(request.user, pk)
    except YimenError:
        raise Http404 from None
    region = transfer.to_division if transfer.side == Side.INCOMING else transfer.from_division
    log_full_record(
        actor=request.user,
        record_type="medins.transfer",
        record_id=transfer.pk,
        division_code=region.ljust(12, "0")[:12],
    )
    staff = transfer.pk in set(transfers_for_staff(request.user).values_list("pk", flat=True))
    can_act = staff and transfer.status in (TransferStatus.RECEIVED, TransferStatus.INFO_RECEIVED)
    forms = ["application"] + (["type-change", "information"] if transfer.info else [])
    return render(
        request,
        "medins/detail.html",
        {
            "t": transfer,
            "steps": transfer.steps.all(),
            "staff": staff,
            "can_act": can_act,
            "forms": [(key, FORMS[key]) for key in forms],
            "info_rows": form_lines(transfer, "information")[1] if transfer.info else [],
            "balance_now": account_balance(transfer.person) if staff and transfer.person else None,
            "months": (transfer.info or {}).get("months", []),
        },
    )


@login_required
@require_POST
def act(request, pk: int):
    try:
        transfer = access_transfer(request.user, pk)
    except YimenError:
        raise Http404 from None  # another's transfer does not exist for the user
    try:
        if transfer.side == Side.OUTGOING and request.POST.get("decision") == "refuse":
            transfer_out_refuse(
                transfer_pk=transfer.pk,
                actor=request.user,
                reason_text=request.POST.get("reason", ""),
            )
        elif transfer.side == Side.OUTGOING:
            transfer_out_process(transfer_pk=transfer.pk, actor=request.user)
        else:
            transfer_in_complete(transfer_pk=transfer.pk, actor=request.user)
    except YimenError as exc:
        messages.error(request, exc.render())
    else:
        messages.success(request, _("Done."))
    return redirect("medins:detail", pk=pk)


@login_required
def paper_form(request, pk: int, form: str):
    try:
        transfer = access_transfer(request.user, pk)
    except YimenError:
        raise Http404 from None
    if form not in FORMS or (form != "application" and not transfer.info):
        raise Http404
    response = HttpResponse(render_pdf(transfer, form), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{transfer.transfer_id}-{form}.pdf"'
    return response
