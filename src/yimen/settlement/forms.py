"""Forms of the filing pages (counter and online) and the indicator filter."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FilingCategory
from .services.filing import (
    DOC_COMMITMENT,
    DOC_FORM,
    DOC_IDENTITY,
    DOC_REFERRAL,
    DOC_RESIDENCE,
)

DOCUMENT_CHOICES = [
    (DOC_IDENTITY, _("Identity credential (e-credential, ID card or social-security card)")),
    (DOC_FORM, _("Filing form (备案表)")),
    (DOC_RESIDENCE, _("Proof of residence or posting")),
    (DOC_COMMITMENT, _("Personal commitment (承诺书) instead of proof")),
    (DOC_REFERRAL, _("Referral proof from the designated hospital")),
]


class PersonSearchForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)


class FilingForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=FilingCategory.choices)
    destination_code = forms.CharField(
        label=_("Destination (province or city code)"), max_length=12,
        help_text=_("e.g. 460000 for a whole province, 460100 for one city"),
    )  # fmt: skip
    begin_date = forms.DateField(label=_("Valid from"), initial=timezone.localdate)
    end_date = forms.DateField(
        label=_("Valid to"), required=False,
        help_text=_("Long-stay: leave empty. Temporary: at least 6 months; empty = 6 months."),
    )  # fmt: skip
    documents = forms.MultipleChoiceField(
        label=_("Documents presented"), choices=DOCUMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address away from home"), max_length=200, required=False)


class FilingChangeForm(forms.Form):
    destination_code = forms.CharField(label=_("Destination"), max_length=12)
    end_date = forms.DateField(label=_("Valid to"), required=False)
    documents = forms.MultipleChoiceField(
        label=_("Documents presented"), choices=DOCUMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=200)


class FilingCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"))
    end = forms.DateField(label=_("To"))
    division = forms.CharField(label=_("Division code"), max_length=12)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
