"""The upload form of a sheet (thin: the service checks everything that matters)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind

MAX_UPLOAD = 64 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the sheet holds"), choices=())
    division = forms.ChoiceField(label=_("Area"), choices=())
    scheme = forms.TypedChoiceField(
        label=_("Subsidy scheme (surveyed units only)"), choices=(), coerce=int, required=False
    )
    file = forms.FileField(label=_("Sheet (Excel .xlsx or CSV)"))
    mapping = forms.CharField(
        label=_("Column mapping (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'JSON, field → header, e.g. {"amount": "月发放金额"}; empty: the usual headers.'
        ),
    )

    def __init__(self, *args, kinds, divisions, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Kind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]
        self.fields["division"].choices = divisions
        self.fields["scheme"].choices = [("", "—"), *schemes]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 64 MB."))
        return upload

    def clean_mapping(self):
        text = self.cleaned_data["mapping"].strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("The mapping is not valid JSON.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The mapping is a JSON object: field → header."))
        return value
