"""The persons page of an application (issue 21, items 6–8): its legal supporters and
what the rules compute of them, the caseworker's finding, self-care assessments and
further disability certificates, reported changes of self-care awaiting their
re-assessment (TK2021 Art.23). Each form calls one audited service; a refusal
re-renders the page with the message and the entries kept, writing nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yimen.errors import Invalid, NotFound, YimenError
from yimen.web.views import not_found_is_404

from . import forms_persons as f
from .proposal import proposal_for
from .rules.explain import SUPPORTER_REASON_ZH
from .selectors import access_application_by_id, reassessment_rows, reassessments_open
from .services import persons

ACTIONS = ("supporter", "finding", "remove", "self_care", "change", "certificate")


def _forms(application, data=None, action=""):
    members = list(application.members.all())

    def bound(name):
        return data if action == name else None

    return {
        "supporter": f.SupporterForm(bound("supporter"), prefix="s"),
        "finding": f.FindingForm(
            bound("finding"),
            prefix="f",
            initial={
                "finding": {True: "yes", False: "no"}.get(application.has_able_supporter, ""),
                "reason": application.supporter_note,
            },
        ),
        "remove": f.RemoveSupporterForm(bound("remove"), prefix="r"),
        "self_care": f.SelfCareForm(bound("self_care"), prefix="c", members=members),
        "change": f.SelfCareChangeForm(bound("change"), prefix="g", members=members),
        "certificate": f.CertificateForm(bound("certificate"), prefix="d", members=members),
    }


def _computed(application) -> tuple[bool, list[tuple[object, str]], str]:
    """(whether the rules find an able supporter, each supporter with its reason, the
    sentence naming the disposable-income figure the income test reads and its source)."""
    proposal = proposal_for(application)
    rule = next((r for r in proposal.rules if r.code == "tekun_no_supporter"), None)
    supporters = list(application.supporters.all())
    figure = next((s for s in proposal.reasons_zh if "人均可支配收入" in s), "")
    if rule is None:
        return False, [(s, "") for s in supporters], figure
    reasons = [c for c in rule.values.get("reasons", "").split(",") if c]
    able = rule.values.get("computed") == "yes"
    return (
        able,
        [(s, SUPPORTER_REASON_ZH.get(c, c)) for s, c in zip(supporters, reasons, strict=False)],
        figure,
    )


def _page(request, application, forms, status=200):
    able, supporters, figure = _computed(application)
    members = application.members.prefetch_related("certificates", "self_care_assessments")
    return render(
        request,
        "assistance/staff/persons.html",
        {
            "application": application,
            "forms": forms,
            "supporters": supporters,
            "computed_able": able,
            "supporter_sentence": figure,
            "members": members,
            "reassessments": reassessment_rows(
                reassessments_open(request.user, application=application),
                timezone.localdate(),
            ),
        },
        status=status,
    )


def _call(request, application, action, data) -> str:
    actor = request.user
    if action == "supporter":
        persons.supporter_add(actor=actor, application=application, data=data)
        return _("The supporter was recorded.")
    if action == "finding":
        able, _supporters, _figure = _computed(application)
        persons.supporter_finding_record(
            actor=actor,
            application=application,
            finding=data["finding"],
            reason=data["reason"],
            computed=able,
        )
        return _("The finding was recorded.")
    if action == "remove":
        supporter = application.supporters.filter(pk=data["supporter"]).first()
        if supporter is None:
            raise NotFound(_("No such supporter."))
        persons.supporter_remove(actor=actor, supporter=supporter, reason=data["reason"])
        return _("The supporter was removed.")
    member = application.members.get(pk=data["member"])
    if action == "self_care":
        persons.self_care_assess(
            actor=actor,
            member=member,
            assessed_on=data["assessed_on"],
            items={k: data[k] for k in f.ITEM_LABELS},
        )
        return _("The self-care assessment was recorded.")
    if action == "change":
        change = persons.self_care_change_report(
            actor=actor, member=member, reported_on=data["reported_on"], report=data["report"]
        )
        return _("The change was recorded; re-assess by %(date)s.") % {
            "date": f"{change.due_on:%Y-%m-%d}"
        }
    persons.disability_certificate_add(
        actor=actor, member=member, kind=data["kind"], grade=data["grade"], number=data["number"]
    )
    return _("The disability certificate was recorded.")


@login_required
@not_found_is_404
def persons_page(request, application_id):
    """GET: the page; POST (``action``): one of the forms."""
    application = access_application_by_id(request.user, application_id)
    if request.method != "POST":
        return _page(request, application, _forms(application))
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        messages.error(request, _("Unknown action."))
        return _page(request, application, _forms(application), status=400)
    forms = _forms(application, request.POST, action)
    form = forms[action]
    if not form.is_valid():
        messages.error(
            request,
            _("Some entries could not be read; nothing was saved. Correct the marked items."),
        )
        return _page(request, application, forms, status=400)
    try:
        done = _call(request, application, action, form.cleaned_data)
    except NotFound:
        raise
    except YimenError as exc:
        if isinstance(exc, Invalid):
            for name, problems in (exc.fields or {}).items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        messages.error(request, exc.render())
        return _page(request, application, forms, status=exc.status)
    messages.success(request, done)
    return redirect(reverse("assistance:persons", args=[application.pk]))
