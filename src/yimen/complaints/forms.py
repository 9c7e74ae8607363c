"""Forms of the complaint pages: they parse types; the services decide what is valid (and
their field errors are put back on the form, ``put_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yimen.assistance.choices import AssistanceType
from yimen.errors import Invalid, YimenError

from .models import DecisionKind, Finding, RemedyKind, RemedyOutcome, ReportKind, StaffLevel

TEXT = {"rows": 4, "maxlength": 2000}


def put_errors(form: forms.Form, exc: YimenError) -> None:
    """A service's refusal on the form: each field error where it belongs, the rest on top."""
    fields = getattr(exc, "fields", {}) if isinstance(exc, Invalid) else {}
    placed = False
    for name, messages in fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
            placed = True
    if not placed:
        form.add_error(None, exc.render())


class ReportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What are you reporting?"), choices=ReportKind.choices, widget=forms.RadioSelect
    )
    staff_level = forms.ChoiceField(
        label=_("Staff of (for a misconduct)"),
        choices=[("", "—"), *StaffLevel.choices],
        required=False,
    )
    subject_name = forms.CharField(label=_("Household head or person concerned"), max_length=50)
    subject_address = forms.CharField(label=_("Address (if known)"), max_length=200, required=False)
    text = forms.CharField(
        label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )
    reporter_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Your mobile number (optional, for the answer by text message)"),
        max_length=20,
        required=False,
    )


class FollowForm(forms.Form):
    receipt_code = forms.CharField(label=_("Receipt code"), max_length=20)


class AnswerForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    answer = forms.CharField(
        label=_("Answer to the reporter"), max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class OpenReviewForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of a household member"), max_length=20)
    summary = forms.CharField(
        label=_("What the review should look at"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class ReexamRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Decision"), choices=DecisionKind.choices, widget=forms.HiddenInput
    )
    grounds = forms.CharField(
        label=_("Why the decision is wrong"), max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class CounterRequestForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    kind = forms.ChoiceField(label=_("Decision to re-examine"), choices=DecisionKind.choices)
    grounds = forms.CharField(
        label=_("The applicant's grounds"), max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("New decision"),
        choices=[("upheld", _("Uphold the decision")), ("changed", _("Change the decision"))],
        widget=forms.RadioSelect,
    )
    assistance_type = forms.ChoiceField(
        label=_("Assistance granted (when a refusal is changed)"),
        choices=[("", "—"), *AssistanceType.choices],
        required=False,
    )
    monthly_amount = forms.DecimalField(
        label=_("Monthly amount (yuan, when changed)"),
        max_digits=12,
        decimal_places=2,
        required=False,
        min_value=0,
    )
    reasons = forms.CharField(
        label=_("Reasons"), max_length=2000, widget=forms.Textarea(attrs=TEXT)
    )


class RemedyForm(forms.Form):
    case_number = forms.CharField(label=_("Case number"), max_length=40)
    kind = forms.ChoiceField(label=_("Kind"), choices=RemedyKind.choices)
    decision_kind = forms.ChoiceField(label=_("Decision challenged"), choices=DecisionKind.choices)
    body = forms.CharField(label=_("Reconsideration body or court"), max_length=100)
    reference = forms.CharField(label=_("Document number"), max_length=100, required=False)
    filed_on = forms.DateField(label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"}))
    accepted_on = forms.DateField(
        label=_("Accepted on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RemedyOutcome.choices)
    decided_on = forms.DateField(
        label=_("Decided on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class SettingForm(forms.Form):
    division_code = forms.CharField(label=_("Division code"), max_length=12)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    answer_working_days = forms.IntegerField(label=_("Answer a report within (working days)"))
    reexam_request_days = forms.IntegerField(
        label=_("Ask for a re-examination within (days after the decision)")
    )
    source = forms.CharField(label=_("Source"), max_length=200)
    example = forms.BooleanField(label=_("Example value, to be confirmed"), required=False)
