"""Forms of the inspection-group pages: a group (number, name, leader, sending division,
members), the counties it answers for as rows of a formset, and a visit."""

from __future__ import annotations

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from .forms import DATE

#: county rows offered beyond the group's own (a group of the 2020 round had about four)
EXTRA_COUNTY_ROWS = 3
MAX_COUNTY_ROWS = 30


class GroupForm(forms.Form):
    number = forms.IntegerField(label=_("Group number"), min_value=1, max_value=999)
    name = forms.CharField(label=_("Name"), max_length=100)
    leader = forms.CharField(label=_("Leader"), max_length=100, required=False)
    division = forms.ChoiceField(label=_("Sent by"))
    members = forms.MultipleChoiceField(
        label=_("Members"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Why it changes"), max_length=500, required=False)

    def __init__(self, *args, divisions=(), people=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [(d.code, d.name) for d in divisions]
        self.fields["members"].choices = [
            (str(p.pk), p.get_full_name() or p.username) for p in people
        ]
        if editing:
            self.fields["number"].disabled = True
        else:
            del self.fields["reason"]


class CountyRowForm(forms.Form):
    """One county of the group with its period; a blank row is skipped."""

    county = forms.ChoiceField(label=_("County"), required=False)
    date_from = forms.DateField(label=_("From"), widget=DATE, required=False)
    date_to = forms.DateField(label=_("To"), widget=DATE, required=False)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "—")] + [(d.code, d.name) for d in counties]

    def clean(self):
        data = super().clean()
        given = [data.get("county"), data.get("date_from"), data.get("date_to")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Give the county with both dates, or leave the row."))
        return data


CountyRows = formset_factory(
    CountyRowForm, extra=EXTRA_COUNTY_ROWS, max_num=MAX_COUNTY_ROWS, validate_max=True
)
