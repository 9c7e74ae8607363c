"""Input forms of the straw-burning pages (parsing only; the rules live in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    AssignmentKind,
    BurningSettings,
    Outcome,
    PenaltyKind,
    RecheckFinding,
    Source,
    UnitLevel,
    ZoneKind,
)

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class VerifyForm(forms.Form):
    """The site visit, on a phone: what was found, the area, who burnt, with photos."""

    outcome = forms.ChoiceField(label=_("What was found"), choices=Outcome.choices)
    reason = forms.CharField(label=_("Why it was not a straw fire"), max_length=500, required=False)
    burnt_area_m2 = forms.FloatField(
        label=_("Burnt area (m²)"), min_value=0, max_value=10_000_000, required=False
    )
    responsible_party = forms.CharField(label=_("Who burnt it"), max_length=200, required=False)
    handling = forms.CharField(
        label=_("How the burner was dealt with"), max_length=500, required=False
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    device_lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    device_lat = forms.FloatField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Reported by"),
        choices=[(Source.PATROL, Source.PATROL.label), (Source.HOTLINE, Source.HOTLINE.label)],
    )
    longitude = forms.FloatField(label=_("Longitude"), min_value=70, max_value=140)
    latitude = forms.FloatField(label=_("Latitude"), min_value=15, max_value=56)
    seen_at = forms.DateTimeField(
        label=_("Seen at"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    place = forms.CharField(label=_("Place"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), max_length=500, required=False)


class FireImportForm(forms.Form):
    file = forms.FileField(
        label=_("FIRMS CSV (VIIRS or MODIS), or the provincial bulletin (CSV or Excel)")
    )


class GridImportForm(forms.Form):
    county = forms.ChoiceField(label=_("County"))
    file = forms.FileField(label=_("GeoJSON file"))
    synthetic = forms.BooleanField(label=_("Synthetic (not official) boundaries"), required=False)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(d.code, d.name) for d in counties]


class AssignForm(forms.Form):
    kind = forms.ChoiceField(label=_("As"), choices=AssignmentKind.choices)
    person = forms.ChoiceField(label=_("Person"))
    valid_from = forms.DateField(label=_("From"), widget=DATE)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.get_full_name() or p.username) for p in people]


class ZoneForm(forms.Form):
    kind = forms.ChoiceField(label=_("Zone"), choices=ZoneKind.choices)
    valid_from = forms.DateField(label=_("From"), widget=DATE)


class PermitForm(forms.Form):
    holder = forms.CharField(label=_("Holder"), max_length=100)
    starts_at = forms.DateTimeField(
        label=_("From"), widget=DATETIME, input_formats=DATETIME_FORMATS
    )
    ends_at = forms.DateTimeField(label=_("Until"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    area_mu = forms.DecimalField(
        label=_("Area (mu)"), max_digits=10, decimal_places=1, min_value=0, required=False
    )
    conditions = forms.CharField(label=_("Conditions"), max_length=300, required=False)


class SummonsForm(forms.Form):
    division = forms.ChoiceField(label=_("Division summoned"))
    summoned_name = forms.CharField(label=_("Person summoned"), max_length=100)
    summoned_post = forms.CharField(label=_("Post"), max_length=100)
    summoner_office = forms.CharField(label=_("Office"), max_length=100)
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    problems = forms.CharField(label=_("Problems named"), max_length=1000)
    cases = forms.CharField(
        label=_("Fire case numbers (separated by spaces or commas)"),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, divisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [(d.code, d.name) for d in divisions]

    def numbers(self) -> list[str]:
        raw = self.cleaned_data.get("cases") or ""
        return [n for n in raw.replace("，", ",").replace(",", " ").split() if n]


class RectificationForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    note = forms.CharField(label=_("Report"), max_length=1000)


class PenaltyForm(forms.Form):
    county = forms.ChoiceField(label=_("County"))
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in PenaltyKind if k != PenaltyKind.DEDUCTION],
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(d.code, d.name) for d in counties]


class AssessForm(forms.Form):
    county = forms.ChoiceField(label=_("County"))
    season = forms.IntegerField(label=_("Season (year it starts)"), min_value=2000, max_value=2100)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(d.code, d.name) for d in counties]


class VisitForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"))
    county = forms.ChoiceField(label=_("County"))
    visited_on = forms.DateField(label=_("Visited on"), widget=DATE)
    places = forms.CharField(label=_("Places"), max_length=300)
    findings = forms.CharField(
        label=_("Findings"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    cases = forms.CharField(
        label=_("Fire case numbers (separated by spaces or commas)"),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, groups=(), counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g.pk, g.name) for g in groups]
        self.fields["county"].choices = [(d.code, d.name) for d in counties]

    def numbers(self) -> list[str]:
        raw = self.cleaned_data.get("cases") or ""
        return [n for n in raw.replace("，", ",").replace(",", " ").split() if n]


class DrawForm(forms.Form):
    county = forms.ChoiceField(label=_("County"))
    period_from = forms.DateField(label=_("Closed from"), widget=DATE)
    period_to = forms.DateField(label=_("Closed until"), widget=DATE)
    seed = forms.CharField(
        label=_("Seed (empty: drawn at random and recorded)"), max_length=64, required=False
    )

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(d.code, d.name) for d in counties]


class FindingForm(forms.Form):
    finding = forms.ChoiceField(label=_("Finding"), choices=RecheckFinding.choices)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class SettingsForm(forms.ModelForm):
    """A new dated row of the straw-burning settings (clocks, distances, amounts)."""

    class Meta:
        model = BurningSettings
        fields = [
            "valid_from",
            "arrive_minutes",
            "verify_hours",
            "escalate_minutes",
            "join_metres",
            "join_hours",
            "nearest_metres",
            "county_metres",
            "photo_metres",
            "grid_tolerance_metres",
            "rectification_days",
            "recheck_percent",
            "first_point_yuan",
            "later_point_yuan",
            "season_start_month",
            "season_start_day",
            "season_end_month",
            "season_end_day",
        ]
        widgets = {"valid_from": DATE}


class UnitForm(forms.Form):
    """A 包保 unit by hand: a village from the register, or a grid or plot under a unit;
    editing offers the name, the parent and the division (the level and code stay)."""

    level = forms.ChoiceField(
        label=_("Level"),
        choices=[(v.value, v.label) for v in (UnitLevel.VILLAGE, UnitLevel.GRID, UnitLevel.PLOT)],
    )
    code = forms.CharField(
        label=_("Code (a grid or plot; a village takes its division code)"),
        max_length=40,
        required=False,
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.CharField(
        label=_("Lies under (the unit's code)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"list": "parent-codes"}),
    )
    division = forms.ChoiceField(label=_("Village (division)"), required=False)
    households = forms.IntegerField(
        label=_("Households"), min_value=0, max_value=100_000, required=False
    )
    reason = forms.CharField(label=_("Why it changes"), max_length=500, required=False)

    def __init__(self, *args, villages=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division"].choices = [("", "—")] + [(d.code, d.name) for d in villages]
        if editing:
            for name in ("level", "code", "households"):
                del self.fields[name]
        else:
            del self.fields["reason"]
