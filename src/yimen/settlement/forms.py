"""Forms of the filing pages (counter and online) and the indicator filter."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.regions.codes import Level
from yimen.regions.models import Division

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


def _date_input() -> forms.DateInput:
    """The browser's own date picker; the value travels as ISO 8601 (YYYY-MM-DD)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DestinationForm(forms.Form):
    """The destination picked from the division tree: a province, then optionally one of
    its cities (none = the whole province). ``clean`` leaves the chosen code in
    ``destination_code``, the argument the filing services take."""

    destination_province = forms.ChoiceField(label=_("Destination province"))
    destination_city = forms.ChoiceField(
        label=_("Destination city"), required=False,
        help_text=_("Leave at “whole province” to file for care anywhere in the province."),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        divisions = list(
            Division.objects.filter(level__in=[Level.PROVINCE, Level.CITY])
            .order_by("code")
            .values_list("code", "name", "level")
        )
        provinces = [(code, name) for code, name, level in divisions if level == Level.PROVINCE]
        self.fields["destination_province"].choices = [("", "—"), *provinces]
        # cities grouped under their province (<optgroup>), so the list reads as the tree
        self.fields["destination_city"].choices = [
            ("", _("Whole province")),
            *(
                (
                    province,
                    [(c, n) for c, n, lv in divisions if lv == Level.CITY and c[:2] == code[:2]],
                )
                for code, province in provinces
            ),
        ]
        self.fields["destination_city"].widget.attrs["data-province-select"] = self.add_prefix(
            "destination_province"
        )

    def clean(self):
        data = super().clean()
        province, city = data.pop("destination_province", None), data.pop("destination_city", "")
        if province and city and city[:2] != province[:2]:
            self.add_error("destination_city", _("This city is not in the chosen province."))
        elif province:
            data["destination_code"] = city or province
        return data


class PersonSearchForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)


class FilingForm(DestinationForm):
    category = forms.ChoiceField(label=_("Category"), choices=FilingCategory.choices)
    begin_date = forms.DateField(
        label=_("Valid from"), initial=timezone.localdate, widget=_date_input()
    )
    end_date = forms.DateField(
        label=_("Valid to"), required=False, widget=_date_input(),
        help_text=_("Long-stay: leave empty. Temporary: at least 6 months; empty = 6 months."),
    )  # fmt: skip
    field_order = ["category", "destination_province", "destination_city"]
    documents = forms.MultipleChoiceField(
        label=_("Documents presented"), choices=DOCUMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    address = forms.CharField(label=_("Address away from home"), max_length=200, required=False)


class FilingChangeForm(DestinationForm):
    end_date = forms.DateField(label=_("Valid to"), required=False, widget=_date_input())
    documents = forms.MultipleChoiceField(
        label=_("Documents presented"), choices=DOCUMENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), max_length=200)


class FilingCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=_date_input())
    end = forms.DateField(label=_("To"), widget=_date_input())
    division = forms.CharField(label=_("Division code"), max_length=12)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data
