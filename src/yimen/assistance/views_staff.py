"""Staff pages of social assistance: the one-door entry form, the township's drafts, and the
assistance case page. Parse, call one service or selector, render (house rule 2); the step
forms post to views_staff_steps.

Every application is fetched through ``access_application_by_id``: outside the user's area
it does not exist (404). A refusal by a service is shown on the page with its 4xx status,
and nothing is written."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.selectors import events_for_subject
from yimen.errors import NotFound, YimenError
from yimen.privacy.access import log_full_record
from yimen.web.views import not_found_is_404
from yimen.workflow.case_view import case_page_context
from yimen.workflow.states import CaseStatus

from . import forms, forms_steps, notices
from .declared import declared_and_verified
from .errors import ApplicationInvalid
from .models import Application, ApplicationStatus, Appraisal, Decision, HouseholdVisit
from .models import VerificationRecord as Verification
from .proposal import proposal_for
from .receipt import receipt_for
from .selectors import (
    access_application_by_id,
    applications_visible_to,
    reassessment_rows,
    reassessments_open,
)
from .services import intake

#: the page's form for each step that has a dedicated service (others use the generic one)
STEP_URLS = {
    "accept": "assistance:accept",
    "verify": "assistance:verification",
    "visit": "assistance:visit",
    "appraise": "assistance:appraisal",
    "decide": "assistance:decision",
    # the disclosure enrols the household on the roster: its form is benefits' (above us)
    "disclose": "benefits:disclosure",
}


def application_url(application) -> str:
    return reverse("assistance:application", args=[application.pk])


# --- entry -------------------------------------------------------------------------------


def _rows(request, name: str, default: int, most: int) -> int:
    """How many blank rows to offer (``?members=10``), within the formset's maximum."""
    try:
        return max(1, min(int(request.GET.get(name, default)), most))
    except ValueError:
        return default


@login_required
def application_new(request):
    """Enter a household's application (counter, entrusted, self-service) or a village's
    discovery report (a draft for the township)."""
    if not forms.may_file(request.user):
        raise PermissionDenied
    status = 200
    general: list[str] = []
    if request.method == "POST":
        household, member_set, asset_set = forms.household_forms(request.user, request.POST)
        if all(f.is_valid() for f in (household, member_set, asset_set)):
            data, targets = forms.application_input(household, member_set, asset_set)
            try:
                application = intake.application_create(actor=request.user, data=data)
            except ApplicationInvalid as exc:
                targets.attach(exc.fields)
                general = targets.general
                messages.error(request, exc.render())
                status = exc.status
            except YimenError as exc:
                messages.error(request, exc.render())
                status = exc.status
            else:
                if application.case_id:
                    messages.success(
                        request,
                        _("Application %(number)s entered. Receipt code: %(code)s.")
                        % {"number": application.case.number, "code": application.receipt_code},
                    )
                else:
                    messages.success(
                        request, _("Discovery report saved as a draft for the township.")
                    )
                return redirect(application_url(application))
        else:
            messages.error(
                request,
                _("Some entries could not be read; nothing was saved. Correct the marked items."),
            )
            status = 400
    else:
        household, member_set, asset_set = forms.household_forms(
            request.user,
            members=_rows(request, "members", 4, forms.MAX_MEMBERS),
            assets=_rows(request, "assets", 2, forms.MAX_ASSETS),
        )
    return render(
        request,
        "assistance/staff/entry.html",
        {
            "household": household,
            "member_set": member_set,
            "asset_set": asset_set,
            "general": general
            + [str(e) for e in member_set.non_form_errors()]
            + [str(e) for e in asset_set.non_form_errors()],
            "max_members": forms.MAX_MEMBERS,
        },
        status=status,
    )


@login_required
def member_row(request):
    """One more blank member row for the entry form (htmx), with the formset's new count."""
    if not forms.may_file(request.user):
        raise PermissionDenied
    try:
        index = int(request.GET.get("index", ""))
    except ValueError:
        index = -1
    if not 0 <= index < forms.MAX_MEMBERS:
        return HttpResponse(status=204)
    form = forms.MemberForm(
        prefix=f"members-{index}", empty_permitted=True, use_required_attribute=False
    )
    return render(
        request,
        "assistance/staff/_member_row.html",
        {
            "form": form,
            "index": index,
            "number": index + 1,
            "oob": True,
            "next": index + 1,
            "max_members": forms.MAX_MEMBERS,
        },
    )


# --- drafts ------------------------------------------------------------------------------


def _drafts_page(request, *, discard_forms=None, status=200):
    drafts = (
        applications_visible_to(request.user)
        .filter(status=ApplicationStatus.DRAFT)
        .select_related("created_by")
        .prefetch_related("members")
        .order_by("created_at", "pk")[:500]
    )
    rows = [
        {
            "application": d,
            "may_submit": can(request.user, Action.CASE_OPEN, d.division_id),
            "discard_form": (discard_forms or {}).get(d.pk)
            or forms_steps.DiscardForm(prefix=f"discard-{d.pk}"),
        }
        for d in drafts
    ]
    return render(request, "assistance/staff/drafts.html", {"rows": rows}, status=status)


@login_required
def drafts(request):
    """Discovery reports and entries waiting for the township to submit or discard."""
    return _drafts_page(request)


@login_required
@require_POST
@not_found_is_404
def draft_submit(request, application_id):
    application = access_application_by_id(request.user, application_id)
    try:
        intake.application_submit(actor=request.user, application=application)
    except NotFound:
        raise
    except YimenError as exc:
        messages.error(request, exc.render())
        return _drafts_page(request, status=exc.status)
    messages.success(
        request,
        _("Submitted to the township as case %(number)s.") % {"number": application.case.number},
    )
    return redirect(application_url(application))


@login_required
@require_POST
@not_found_is_404
def draft_discard(request, application_id):
    application = access_application_by_id(request.user, application_id)
    form = forms_steps.DiscardForm(request.POST, prefix=f"discard-{application.pk}")
    status = 400
    if form.is_valid():
        try:
            intake.application_discard(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            )
        except NotFound:
            raise
        except YimenError as exc:
            messages.error(request, exc.render())
            status = exc.status
        else:
            messages.success(request, _("The draft was discarded."))
            return redirect("assistance:drafts")
    return _drafts_page(request, discard_forms={application.pk: form}, status=status)


# --- the case page -----------------------------------------------------------------------


def _step_form(code: str, application: Application, task, user):
    today = timezone.localdate()
    if code == "verify":
        return forms_steps.VerificationForm()
    if code == "visit":
        return forms_steps.VisitForm(
            township=task.division_id, initial={"visited_on": today, "investigators": [user.pk]}
        )
    if code == "appraise":
        return forms_steps.AppraisalForm(initial={"held_on": today})
    if code == "decide":
        proposal = proposal_for(application)
        return forms_steps.DecisionForm(
            initial={
                "decision": "approve"
                if proposal.assistance_type or proposal.unavailable
                else "refuse",
                "assistance_type": proposal.assistance_type or application.assistance_type,
                "monthly_amount": proposal.monthly_amount or None,
            }
        )
    return None


def case_context(request, application: Application, bound: dict | None = None) -> dict:
    """Everything the assistance case page shows; ``bound`` holds forms that failed."""
    user, bound = request.user, bound or {}
    ctx: dict = {
        "application": application,
        "members": application.members.prefetch_related("incomes", "consents").order_by("pk"),
        "assets": application.assets.order_by("pk"),
        "attachments": application.attachments.select_related("uploaded_by").order_by("pk"),
        "notices": application.notices.select_related("issued_by").order_by("-issued_at"),
        "verification": Verification.objects.filter(application=application)
        .select_related("recorded_by")
        .first(),
        "visit": HouseholdVisit.objects.filter(application=application)
        .prefetch_related("investigators")
        .first(),
        "appraisal": Appraisal.objects.filter(application=application).first(),
        "decision": Decision.objects.filter(application=application).first(),
        "actions": [],
        "missing": [],
        "reassessments": reassessment_rows(
            reassessments_open(user, application=application), timezone.localdate()
        ),
    }
    case = application.case
    if case is not None:
        ctx.update(case_page_context(user, case))
        for item in ctx["actionable"]:
            code = item["step"].code
            ctx["actions"].append(
                {
                    **item,
                    "url": reverse(STEP_URLS[code], args=[application.pk])
                    if code in STEP_URLS
                    else None,
                    "form": bound.get(code) or _step_form(code, application, item["task"], user),
                }
            )
        if any(a["step"].code == "decide" for a in ctx["actions"]):
            ctx["proposal"] = proposal_for(application)
        if any(a["step"].code in ("verify", "decide") for a in ctx["actions"]):
            ctx["figures"] = declared_and_verified(application, ctx["verification"])
        if any(r["task"].step == "accept" and r["task"].is_open for r in ctx["rows"]):
            ctx["missing"] = intake.missing_items(application)
        ctx["can_dispute"] = (
            case.status == CaseStatus.ACTIVE
            and case.stage <= 1
            and not case.flags.get("disputed")
            and can(user, Action.CASE_FLAG, case.division_id)
        )
    else:
        ctx["timeline"] = events_for_subject(("assistance.application", str(application.pk)))
    ctx["dispute_form"] = bound.get("dispute") or forms_steps.DisputeForm()
    open_for_materials = application.status == ApplicationStatus.DRAFT or (
        case is not None and case.status == CaseStatus.ACTIVE
    )
    ctx["can_upload"] = open_for_materials and (
        can(user, Action.CASE_OPEN, application.division_id)
        or can(user, Action.CASE_COLLECT, application.division_id)
        or application.applicant_id == user.pk
    )
    ctx["upload_form"] = bound.get("upload") or forms_steps.AttachmentForm()
    ctx["can_submit"] = application.status == ApplicationStatus.DRAFT and can(
        user, Action.CASE_OPEN, application.division_id
    )
    ctx["discard_form"] = bound.get("discard") or forms_steps.DiscardForm(
        prefix=f"discard-{application.pk}"
    )
    return ctx


def render_case(request, application, *, bound: dict | None = None, status: int = 200):
    return render(
        request,
        "assistance/staff/case.html",
        case_context(request, application, bound),
        status=status,
    )


@login_required
@not_found_is_404
def application_page(request, application_id):
    """The assistance case: the household, materials, the process and the user's steps."""
    application = access_application_by_id(request.user, application_id)
    log_full_record(
        actor=request.user,
        record_type="assistance.application",
        record_id=application.pk,
        division_code=application.division_id,
    )
    return render_case(request, application)


@login_required
@not_found_is_404
def application_receipt(request, application_id):
    """The 受理回执 as a page to print and hand over."""
    application = access_application_by_id(request.user, application_id)
    try:
        receipt = receipt_for(application)
    except YimenError as exc:
        messages.error(request, exc.render())
        return redirect(application_url(application))
    return render(
        request,
        "assistance/staff/receipt.html",
        {"application": application, "receipt": receipt},
    )


@login_required
@require_POST
@not_found_is_404
def attachment_upload(request, application_id):
    application = access_application_by_id(request.user, application_id)
    form = forms_steps.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the kind of material and a file."))
        return render_case(request, application, bound={"upload": form}, status=400)
    try:
        intake.attachment_add(
            actor=request.user,
            application=application,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )
    except NotFound:
        raise
    except YimenError as exc:
        messages.error(request, exc.render())
        return render_case(request, application, bound={"upload": form}, status=exc.status)
    messages.success(request, _("Material attached."))
    return redirect(application_url(application))


@login_required
@not_found_is_404
def attachment_download(request, application_id, attachment_id):
    application = access_application_by_id(request.user, application_id)
    attachment = get_object_or_404(application.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=attachment.content_type,
        filename=attachment.file_name,
    )


@login_required
@not_found_is_404
def notice_pdf(request, application_id):
    """The confirmation or refusal notice (PDF), once the case is decided."""
    application = access_application_by_id(request.user, application_id)
    decision = Decision.objects.filter(application=application).first()
    if decision is None:
        raise Http404(_("The case is not decided yet, so there is no notice."))
    response = HttpResponse(
        notices.notice_pdf(application, decision), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="notice-{application.case.number}.pdf"'
    return response
