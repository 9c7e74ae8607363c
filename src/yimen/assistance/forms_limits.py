"""Forms of the time-limit and cycle-day settings page: they only parse; the services in
``services.limits`` check ranges, dates and permission."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Setting(forms.Form):
    division_code = forms.CharField(
        label=_("Division code"),
        max_length=12,
        help_text=_("The division the setting applies to, and every division below it."),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    source = forms.CharField(label=_("Source"), max_length=200)
    reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TimeLimitForm(_Setting):
    calendar_days = forms.IntegerField(label=_("Target (calendar days)"))
    statutory_working_days = forms.IntegerField(label=_("Statutory limit (working days)"))
    reassessment_working_days = forms.IntegerField(
        label=_("Self-care re-assessment after a reported change (working days)"),
        initial=10,
        required=False,  # empty: TK2021 Art.23's 10
    )


class CycleScheduleForm(_Setting):
    days = forms.CharField(label=_("Days of the month"), max_length=40, help_text=_("e.g. 1,16"))
