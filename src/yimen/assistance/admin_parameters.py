"""Assistance parameter sets in the admin: browse the history, add a new set from a date.

Existing sets are read-only: a standard in force is history that past decisions cite, so a
change is always a new set (``parameter_set_add`` closes the previous open-ended one)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from yimen.errors import YimenError

from .models.parameters import ParameterSet
from .parameters import parameter_set_add, parameter_set_check

_REFUSED = "_yimen_parameter_set_add_refused"
#: the service names the division ``division_code``; the form field is ``division``
_FIELD = {"division_code": "division"}


def _data(cleaned: dict) -> dict:
    """The service's input from the form's cleaned data."""
    data = {k: v for k, v in cleaned.items() if k != "division"}
    division = cleaned.get("division")
    data["division_code"] = division.code if division is not None else ""
    return data


class ParameterSetAddForm(forms.ModelForm):
    """The add form; its checks are the service's own (``parameter_set_check``)."""

    class Meta:
        model = ParameterSet
        fields = [
            "division",
            "valid_from",
            "valid_to",
            "dibao_standard_urban",
            "dibao_standard_rural",
            "deposit_months",
            "max_homes",
            "allow_market_entity",
            "tekun_factor",
            "tekun_care_full",
            "tekun_care_partial",
            "tekun_care_none",
            "low_income_factor",
            "employment_cost_deduction",
            "elderly_age",
            "minor_age",
            "exempt_income",
            "exempt_vehicles",
            "tekun_exempt_income",
            "tekun_deposit_months",
            "tekun_max_homes",
            "tekun_allow_market_entity",
            "low_income_deposit_months",
            "low_income_max_homes",
            "low_income_allow_market_entity",
            "income_lookback_months",
            "disposable_income_last_year",
            "tiers",
            "payment_rounding",
            "payment_rounding_mode",
            "payment_minimum",
            "source",
            "placeholder",
        ]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for name, problems in parameter_set_check(data=_data(cleaned), adding=True).items():
            field = _FIELD.get(name, name)
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)
        return cleaned

    def validate_unique(self):
        # the service's overlap check covers the (division, valid_from) constraint with a
        # clearer message; the default check would repeat it as a second error
        pass


class DivisionWithParametersFilter(admin.SimpleListFilter):
    """Only the divisions that have sets (the whole tree would be too long a list)."""

    title = _("division")
    parameter_name = "division"

    def lookups(self, request, model_admin):
        rows = (
            ParameterSet.objects.order_by("division_id")
            .values_list("division_id", "division__name")
            .distinct()
        )
        return [(code, f"{name} ({code})") for code, name in rows]

    def queryset(self, request, queryset):
        return queryset.filter(division_id=self.value()) if self.value() else queryset


@admin.register(ParameterSet)
class ParameterSetAdmin(admin.ModelAdmin):
    list_display = [
        "division",
        "valid_from",
        "valid_to",
        "dibao_standard_urban",
        "dibao_standard_rural",
        "placeholder",
    ]
    list_filter = [DivisionWithParametersFilter, "valid_from", "placeholder"]
    date_hierarchy = "valid_from"
    search_fields = ["^division__code", "division__name"]
    list_select_related = ["division"]
    autocomplete_fields = ["division"]
    form = ParameterSetAddForm

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in ParameterSet._meta.fields if f.name != "id"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Add through ``parameter_set_add`` (checks, closing the previous set, audit);
        never ``obj.save()``. A refusal here means someone added a set in between (or the
        user may not set this division's parameters): shown, and the form offered again."""
        try:
            added = parameter_set_add(actor=request.user, data=_data(form.cleaned_data))
        except YimenError as error:
            setattr(request, _REFUSED, True)
            message = error.render()
            for problems in getattr(error, "fields", {}).values():
                message += " " + " ".join(problems)
            self.message_user(request, message, level=messages.ERROR)
            return
        for field in ParameterSet._meta.concrete_fields:
            setattr(obj, field.attname, getattr(added, field.attname))
        obj._state.adding = False
        obj._state.db = added._state.db

    def log_addition(self, request, obj, message):
        if getattr(request, _REFUSED, False):
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, _REFUSED, False):
            return HttpResponseRedirect(request.path)
        return super().response_add(request, obj, post_url_continue)
