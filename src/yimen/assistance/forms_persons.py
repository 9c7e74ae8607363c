"""The forms of the persons page (issue 21, items 6–8): a legal supporter, the finding on
the supporters, a self-care assessment and a further disability certificate. They only
parse; the services check and write (``services/persons.py``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DisabilityKind, Relationship, VehicleKind
from .rules.persons import SELF_CARE_ITEMS

DATE = forms.DateInput(attrs={"type": "date"})
GRADES = [("", "—"), (1, _("Grade 1")), (2, _("Grade 2")), (3, _("Grade 3")), (4, _("Grade 4"))]
ITEM_LABELS = {
    "eating": _("eats unaided"),
    "dressing": _("dresses unaided"),
    "bed_transfer": _("gets in and out of bed unaided"),
    "toileting": _("uses the toilet unaided"),
    "indoor_walking": _("walks indoors unaided"),
    "bathing": _("bathes unaided"),
}


def _money(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_digits=12, decimal_places=2
    )


class SupporterForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    relationship = forms.ChoiceField(
        label=_("relationship"),
        choices=[c for c in Relationship.choices if c[0] != Relationship.HEAD],
    )
    annual_income = _money(_("income over the last year (yuan)"))
    deposits = _money(_("financial assets (yuan)"))
    homes = forms.IntegerField(label=_("homes"), required=False, min_value=0, max_value=99)
    market_entities = forms.IntegerField(
        label=_("market-entity registrations"), required=False, min_value=0, max_value=99
    )
    vehicles = forms.MultipleChoiceField(
        label=_("vehicle kinds"), required=False, choices=VehicleKind.choices
    )
    disability_kind = forms.ChoiceField(
        label=_("disability"), required=False, choices=DisabilityKind.choices
    )
    disability_grade = forms.TypedChoiceField(
        label=_("disability grade"), required=False, coerce=int, empty_value=None, choices=GRADES
    )
    is_tekun = forms.BooleanField(label=_("is an extreme-poverty person"), required=False)
    dibao_recipient = forms.BooleanField(
        label=_("receives the minimum living allowance"), required=False
    )
    incapacitated = forms.BooleanField(label=_("without legal capacity"), required=False)
    missing = forms.BooleanField(label=_("declared missing"), required=False)
    imprisoned = forms.BooleanField(label=_("serving a prison sentence"), required=False)


class FindingForm(forms.Form):
    finding = forms.TypedChoiceField(
        label=_("has a legal supporter able to support"),
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        choices=[
            ("", _("Decided by the rules from the supporters recorded")),
            ("yes", _("Finding: a supporter is able to support")),
            ("no", _("Finding: no supporter is able to support")),
        ],
    )
    reason = forms.CharField(label=_("note on supporters"), required=False, max_length=200)


class RemoveSupporterForm(forms.Form):
    supporter = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class MemberChoiceForm(forms.Form):
    """A form about one member of the application."""

    member = forms.TypedChoiceField(label=_("household member"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.name) for m in members]


class SelfCareForm(MemberChoiceForm):
    assessed_on = forms.DateField(label=_("assessed on"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in SELF_CARE_ITEMS:
            self.fields[item] = forms.BooleanField(label=ITEM_LABELS[item], required=False)


class SelfCareChangeForm(MemberChoiceForm):
    """A reported change of a member's self-care situation [TK2021 Art.23]."""

    reported_on = forms.DateField(label=_("change reported on"), widget=DATE)
    report = forms.CharField(label=_("what was reported"), max_length=500)


class CertificateForm(MemberChoiceForm):
    kind = forms.ChoiceField(
        label=_("disability"), choices=[c for c in DisabilityKind.choices if c[0]]
    )
    grade = forms.TypedChoiceField(
        label=_("disability grade"), coerce=int, choices=[g for g in GRADES if g[0]]
    )
    number = forms.CharField(label=_("certificate number"), required=False, max_length=30)
