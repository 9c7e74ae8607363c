"""Forms of the case page's steps, materials and drafts. Like the entry form they only
parse; the step services decide, and their field errors are put back next to the fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yimen.accounts.models import User
from yimen.accounts.roles import Role

from .choices import AssistanceType, AttachmentKind
from .forms import BLANK, DATE, label, text_field
from .models import Appraisal, HouseholdVisit, VerificationRecord

#: service error keys that name a differently named form field
FIELD_ALIASES = {"investigator_ids": "investigators"}


def attach_service_errors(form: forms.Form, fields: dict[str, list[str]]) -> None:
    """Show a service's field errors next to the form's fields."""
    for key, messages in fields.items():
        name = FIELD_ALIASES.get(key, key)
        for message in messages:
            form.add_error(name if name in form.fields else None, str(message))


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of material"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("File (JPEG, PNG or PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}),
    )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for discarding"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class VerificationForm(forms.Form):
    verified_monthly_income = forms.DecimalField(
        label=label(VerificationRecord, "verified_monthly_income"), max_digits=12, decimal_places=2
    )
    verified_deposits = forms.DecimalField(
        label=label(VerificationRecord, "verified_deposits"), max_digits=12, decimal_places=2
    )
    contradicts_declaration = forms.BooleanField(
        label=label(VerificationRecord, "contradicts_declaration"), required=False
    )
    findings = forms.CharField(
        label=label(VerificationRecord, "findings"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def investigator_choices(township: str) -> list[tuple[int, str]]:
    """Caseworkers and contracted social workers of ``township``: who may visit."""
    users = (
        User.objects.filter(
            is_active=True,
            bindings__active=True,
            bindings__division_id=township,
            bindings__role__in=[Role.TOWNSHIP_CASEWORKER, Role.SOCIAL_WORKER],
        )
        .distinct()
        .order_by("full_name", "pk")
    )
    return [(u.pk, u.get_full_name()) for u in users]


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=label(HouseholdVisit, "visited_on"), widget=DATE)
    investigators = forms.TypedMultipleChoiceField(
        label=label(HouseholdVisit, "investigators"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation = text_field(HouseholdVisit, "organisation", max_length=100)
    findings = forms.CharField(
        label=label(HouseholdVisit, "findings"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    investigators_signed = forms.BooleanField(
        label=label(HouseholdVisit, "investigators_signed"), required=False
    )
    family_signed = forms.BooleanField(label=label(HouseholdVisit, "family_signed"), required=False)

    def __init__(self, *args, township: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["investigators"].choices = investigator_choices(township)


class DisputeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case is disputed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _count(name: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(label=label(Appraisal, name), min_value=0, max_value=100000, **kwargs)


class AppraisalForm(forms.Form):
    held_on = forms.DateField(label=label(Appraisal, "held_on"), widget=DATE)
    participants = _count("participants")
    votes_for = _count("votes_for")
    votes_against = _count("votes_against")
    abstentions = _count("abstentions", initial=0)
    opinion = forms.CharField(
        label=label(Appraisal, "opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
    )
    assistance_type = forms.ChoiceField(
        label=_("Type of assistance granted"),
        required=False,
        choices=BLANK + AssistanceType.choices,
    )
    monthly_amount = forms.DecimalField(
        label=_("Monthly amount (yuan)"), required=False, max_digits=12, decimal_places=2
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
