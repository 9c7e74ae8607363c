"""Input forms of the subsidy pages (parsing only; the rules live in rules.py and services).
Inputs carry ``inputmode`` and native date pickers so field staff can fill them on a phone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yimen.spreadsheets import refuse_formula_text

from .models import (
    ApplicantType,
    DocumentKind,
    FeedMethod,
    Finding,
    ItemType,
    PitMaterial,
    RateUnit,
)

DATE = forms.DateInput(attrs={"type": "date"})
DECIMAL = {"inputmode": "decimal"}


def _decimal(label, *, required=False, places=2, digits=9):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=digits,
        decimal_places=places,
        widget=forms.TextInput(attrs=DECIMAL),
    )


class UnitForm(forms.Form):
    applicant_type = forms.ChoiceField(label=_("Applicant type"), choices=ApplicantType.choices)
    name = forms.CharField(label=_("Name"), max_length=200, validators=[refuse_formula_text])
    identity = forms.CharField(label=_("ID number or credit code"), max_length=18)
    division = forms.ChoiceField(label=_("Village"))
    contact_name = forms.CharField(
        label=_("Contact"), max_length=50, required=False, validators=[refuse_formula_text]
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput({"inputmode": "tel"}),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=100, required=False)
    card_number = forms.CharField(
        label=_("Farm-subsidy card number"),
        max_length=32,
        required=False,
        widget=forms.TextInput({"inputmode": "numeric"}),
    )
    cattle = forms.IntegerField(
        label=_("Cattle kept"), min_value=0, max_value=10_000_000, initial=0
    )
    sheep = forms.IntegerField(label=_("Sheep kept"), min_value=0, max_value=10_000_000, initial=0)

    def __init__(self, *args, divisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [(d.code, d.name) for d in divisions]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Survey sheet (.xlsx)"))


class VetForm(forms.Form):
    qualified = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Qualified: may apply")), ("0", _("Not qualified"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note (required when not qualified)"), max_length=500, required=False
    )


class ItemForm(forms.Form):
    """One item; only the fields of its type are used (the rules say which are missing)."""

    item_type = forms.ChoiceField(label=_("Item type"), choices=ItemType.choices)
    latitude = _decimal(_("Latitude"), places=6, digits=9)
    longitude = _decimal(_("Longitude"), places=6, digits=9)
    material = forms.ChoiceField(
        label=_("Material"), choices=[("", "—"), *PitMaterial.choices], required=False
    )
    length_m = _decimal(_("Length (m)"), digits=7)
    width_m = _decimal(_("Width (m)"), digits=7)
    depth_m = _decimal(_("Depth (m)"), digits=7)
    started_on = forms.DateField(label=_("Construction started on"), required=False, widget=DATE)
    crop_year = forms.IntegerField(
        label=_("Crop year"), required=False, min_value=1990, max_value=2100
    )
    method = forms.ChoiceField(
        label=_("Storage method"), choices=[("", "—"), *FeedMethod.choices], required=False
    )
    quantity = _decimal(_("Quantity"), digits=12)
    quantity_unit = forms.ChoiceField(
        label=_("Unit"),
        choices=[
            (RateUnit.TONNE, RateUnit.TONNE.label),
            (RateUnit.CUBIC_METRE, RateUnit.CUBIC_METRE.label),
        ],
        required=False,
    )
    model_name = forms.CharField(label=_("Model"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Factory serial number"), max_length=60, required=False)
    invoice_number = forms.CharField(label=_("Invoice number"), max_length=60, required=False)
    invoice_date = forms.DateField(label=_("Invoice date"), required=False, widget=DATE)


class PhotoForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    item = forms.TypedChoiceField(label=_("Item"), coerce=int, required=False, empty_value=None)
    file = forms.FileField(label=_("File"))
    latitude = _decimal(_("Latitude where taken"), places=6, digits=9)
    longitude = _decimal(_("Longitude where taken"), places=6, digits=9)
    taken_at = forms.DateTimeField(
        label=_("Taken at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "—")] + [
            (i.pk, f"{i.get_item_type_display()} #{i.pk}") for i in items
        ]


class InspectionHeadForm(forms.Form):
    second_inspector = forms.TypedChoiceField(label=_("Second inspector"), coerce=int)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, inspectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_inspector"].choices = [(u.pk, u.get_full_name()) for u in inspectors]


class MeasureForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=Finding.choices)
    length_m = _decimal(_("Measured length (m)"), digits=7)
    width_m = _decimal(_("Measured width (m)"), digits=7)
    depth_m = _decimal(_("Measured depth (m)"), digits=7)
    quantity = _decimal(_("Measured quantity"), digits=12)
    note = forms.CharField(label=_("Finding note"), max_length=500, required=False)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Reason or note"), required=False, widget=forms.Textarea({"rows": 2})
    )


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    contact = forms.CharField(label=_("Contact"), max_length=60)
    text = forms.CharField(
        label=_("Objection"), max_length=5000, widget=forms.Textarea({"rows": 3})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea({"rows": 3}))


class FigureForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    metric = forms.ChoiceField(label=_("Figure"))
    value = _decimal(_("Value"), required=True, digits=16)

    def __init__(self, *args, metrics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = list(metrics)
