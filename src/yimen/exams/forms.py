"""Input forms of the exams pages (parsing only; the rules live in services and rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Education


class RegisterForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=50)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    health_checked_on = forms.DateField(
        label=_("Health certificate date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    training_hours = forms.IntegerField(label=_("Training hours"), min_value=0, max_value=999)
    training_record = forms.CharField(label=_("Training record"), max_length=200, required=False)


class ApplyForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    division = forms.ChoiceField(label=_("Apply at"), required=False)

    def __init__(self, *args, categories=(), places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in categories]
        # where registered or where working (T30 Art 13): the candidate's own division and
        # the employer's, as (code, label)
        self.fields["division"].choices = list(places)
        if len(self.fields["division"].choices) < 2:
            del self.fields["division"]


class ImportForm(forms.Form):
    employer = forms.ChoiceField(label=_("Employer"))
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]


class SignInForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    ticket = forms.CharField(label=_("Ticket code"), max_length=12)


class RoomEventForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Record"),
        choices=[
            ("absent", _("Absent")),
            ("misconduct", _("Misconduct (ends the paper)")),
            ("extra_time", _("Extra time")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=60, required=False)


class MarkForm(forms.Form):
    score = forms.DecimalField(
        label=_("Practical score"), min_value=0, max_value=100, decimal_places=1
    )


class AcceptForm(forms.Form):
    missing = forms.CharField(
        label=_("Missing items (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=24)
    name = forms.CharField(label=_("Name"), max_length=50)


class SessionForm(forms.Form):
    name = forms.CharField(label=_("Session"), max_length=100)
    site = forms.CharField(label=_("Site"), max_length=100)
    room = forms.CharField(label=_("Room"), max_length=50)
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=500)
    invigilators = forms.CharField(label=_("Invigilators (two, comma-separated)"), max_length=100)


class GreenChannelForm(forms.Form):
    employer = forms.ChoiceField(label=_("Employer"))
    reason = forms.CharField(label=_("Reason"), max_length=300)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(e.pk, e.name) for e in employers]


class QuestionImportForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c.code, c.name) for c in categories]


class ReviewForm(forms.Form):
    """The certificate officer's review (复审) record: the facts T30 Arts 23 and 25 name."""

    health_ok = forms.BooleanField(label=_("Health check passed"), required=False)
    violations = forms.IntegerField(
        label=_("Verified violations in the period"), min_value=0, max_value=99, initial=0
    )
    serious_violation = forms.BooleanField(
        label=_("A violation with serious consequences"), required=False
    )
    penalised = forms.BooleanField(
        label=_("Administrative penalty for a safety violation"), required=False
    )
    obstructed = forms.BooleanField(label=_("Obstructed inspection"), required=False)
    training_hours = forms.IntegerField(
        label=_("Review training hours"), min_value=0, max_value=999
    )
    exam_score = forms.DecimalField(
        label=_("Review exam score (no retake)"),
        min_value=0,
        max_value=100,
        decimal_places=1,
        required=False,
    )
    years_in_trade = forms.IntegerField(
        label=_("Years in the trade"), min_value=0, max_value=70, initial=0
    )


class ReviewRequestForm(forms.Form):
    training_hours = forms.IntegerField(
        label=_("Review training hours done"), min_value=0, max_value=999
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo (JPEG or PNG, at most 2 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class LinkForm(forms.Form):
    """The person's own ID number and the one-time code from their employer or exam office."""

    id_number = forms.CharField(label=_("ID number"), max_length=18)
    code = forms.CharField(label=_("Link code"), max_length=16)
