"""The application form (counter and online): parsing only; the service decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yimen.regions.codes import Level
from yimen.regions.models import Division
from yimen.spreadsheets import refuse_formula_text

from .models import InsuranceType
from .node import NodeConfig


def _cities(province_prefixes: list[str]) -> list[tuple[str, str]]:
    rows = Division.objects.filter(level=Level.CITY).order_by("code")
    return [(d.code, d.full_name or d.name) for d in rows if d.code[:2] in set(province_prefixes)]


class TransferApplicationForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=50, validators=[refuse_formula_text])
    insurance_type = forms.ChoiceField(label=_("Insurance type"), choices=InsuranceType.choices)
    from_division = forms.ChoiceField(label=_("Transfer out of (pooling region)"))
    to_division = forms.ChoiceField(label=_("Transfer into (pooling region)"))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    def __init__(self, *args, node: NodeConfig, **kwargs):
        super().__init__(*args, **kwargs)
        peers = [p.province[:2] for p in node.peers.values()]
        self.fields["from_division"].choices = _cities(peers)
        self.fields["to_division"].choices = _cities([node.province[:2]])
