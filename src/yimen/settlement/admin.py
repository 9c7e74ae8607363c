"""Admin for the registry data: institutions and catalog items are edited here; policy sets
are added through the checked, audited service and never edited afterwards."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages

from yimen.errors import YimenError

from .errors import PolicyError
from .models import CatalogItem, Institution, PersonLink, PolicySet
from .rules.policy import policy_from_json
from .services.policy import policy_set_add


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "division", "cross_province", "active")
    list_filter = ("level", "cross_province", "active")
    search_fields = ("code", "name")


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "item_class", "selfpay_prop", "price_cap", "division",
                    "valid_from", "valid_to")  # fmt: skip
    list_filter = ("item_class", "division")
    search_fields = ("code", "name")


class PolicySetForm(forms.ModelForm):
    class Meta:
        model = PolicySet
        fields = ("division", "valid_from", "values", "source")

    def clean(self):
        data = super().clean()
        division, valid_from = data.get("division"), data.get("valid_from")
        if division is not None and valid_from is not None:
            try:
                policy_from_json(division.pk, valid_from.isoformat(), data.get("values") or {})
            except PolicyError as exc:
                self.add_error("values", "; ".join(exc.problems))
        return data


@admin.register(PolicySet)
class PolicySetAdmin(admin.ModelAdmin):
    form = PolicySetForm
    list_display = ("division", "valid_from", "source", "created_at")

    def has_change_permission(self, request, obj=None):
        return obj is None  # the add form only; a stored set is never edited

    def save_model(self, request, obj, form, change):
        values = obj.values if isinstance(obj.values, dict) else json.loads(obj.values)
        try:
            saved = policy_set_add(
                request.user,
                division_code=obj.division_id,
                valid_from=obj.valid_from,
                values=values,
                source=obj.source,
            )
        except YimenError as exc:
            messages.error(request, exc.render())
            raise forms.ValidationError(exc.render()) from exc
        obj.pk = saved.pk  # fmt: skip


@admin.register(PersonLink)
class PersonLinkAdmin(admin.ModelAdmin):
    """The counter links a citizen login to the insured person after checking identity."""

    list_display = ("user", "person", "created_at")
    raw_id_fields = ("user", "person")
