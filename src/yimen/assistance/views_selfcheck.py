"""The public self-check: anyone enters a household's figures and sees an estimate with the
reasons. No login, nothing stored: the forms become `HouseholdFacts`, the pure rules run
against the parameters in force today, and the page shows every rule.

Thin (house rule 2): parse, evaluate, render."""

from __future__ import annotations

import importlib
import importlib.util
import logging
from datetime import date
from decimal import Decimal

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.money import format_yuan

from .choices import AssistanceType
from .forms_selfcheck import (
    MAX_MEMBERS,
    HouseholdForm,
    facts_from_forms,
    member_forms,
    no_member_error,
    supporter_forms,
)
from .rules.engine import evaluate, explain_zh
from .rules.explain import reference_zh
from .rules.params import Params
from .views_public import noindex, staff_visitor

logger = logging.getLogger(__name__)

DEMO_SOURCE = "演示参数 / demo parameters"

#: how the compared values of a rule are labelled on the page
VALUE_LABELS = {
    "members": _("Members counted"),
    "living_apart": _("Members living apart (not counted)"),
    "per_capita_income": _("Per-capita monthly income (yuan)"),
    "standard": _("Minimum living standard (yuan per person per month)"),
    "household_income": _("Household monthly income counted (yuan)"),
    "standard_total": _("Standard × members (yuan)"),
    "deposits": _("Financial assets (yuan)"),
    "per_capita_deposits": _("Per-capita financial assets (yuan)"),
    "per_capita_limit": _("Per-capita limit (yuan)"),
    "deposit_months": _("Months of the standard"),
    "limit": _("Household limit (yuan)"),
    "vehicles": _("Vehicles"),
    "counted_vehicles": _("Vehicles counted as assets"),
    "homes": _("Homes"),
    "max_homes": _("Homes allowed"),
    "market_entities": _("Market-entity registrations"),
    "allowed": _("Allowed by the parameters"),
    "unable_to_work": _("Members unable to work"),
    "ages": _("Ages"),
    "elderly_age": _("Elderly from age"),
    "minor_age": _("Minor under age"),
    "assets_within_limits": _("Assets within the limits"),
    "able_supporter": _("Able supporter"),
    "threshold": _("Low-income threshold per person (yuan)"),
    "factor": _("Factor of the standard"),
    "threshold_total": _("Threshold × members (yuan)"),
    "lookback_months": _("Months seasonal income is averaged over"),
    "period_total": _("Seasonal and irregular income over those months (yuan)"),
    "period_monthly": _("Its monthly average (yuan)"),
    "students": _("Students past the minor age"),
    "supporters": _("Legal supporters entered"),
    "reasons": _("Each supporter"),
    "computed": _("Able supporter by the rules"),
    "finding": _("Caseworker's finding"),
    "disposable_income": _("Last year's per-capita disposable income (yuan)"),
}
YES_NO = {"yes": _("Yes"), "no": _("No"), "": _("None recorded")}
#: why a supporter cannot support [TK2021 Art.8] (rules/persons.py supporter_reason)
SUPPORTER_REASONS = {
    "able": _("able to support"),
    "tekun": _("is an extreme-poverty person"),
    "dibao_elderly": _("receives the minimum living allowance and is 60 or older"),
    "elderly_low_income": _("is 70 or older with low income and few assets"),
    "disabled_low_income": _("is severely disabled with low income and few assets"),
    "incapacitated": _("lacks capacity, is missing or in prison, with few assets"),
}
# values compared that are money, shown as yuan (house rule 14)
MONEY_VALUES = frozenset(
    {
        "per_capita_income",
        "standard",
        "household_income",
        "standard_total",
        "deposits",
        "per_capita_deposits",
        "per_capita_limit",
        "limit",
        "threshold",
        "period_total",
        "period_monthly",
        "threshold_total",
        "disposable_income",
    }
)


def demo_params(division_code: str) -> Params:
    """Placeholder parameters for when no published set is available: shown as such."""
    return Params(
        division_code=division_code,
        valid_from=date(2020, 11, 1),
        valid_to=None,
        source=DEMO_SOURCE,
        placeholder=True,
        dibao_standard_urban=Decimal("700.00"),
        dibao_standard_rural=Decimal("500.00"),
        deposit_months=24,
        max_homes=1,
        allow_market_entity=False,
        tekun_care_full=Decimal("100.00"),
        tekun_care_partial=Decimal("300.00"),
        tekun_care_none=Decimal("600.00"),
    )


def params_in_force(division_code: str, on: date) -> Params:
    """The parameter table's set for the division at ``on``, or the demo set if the table
    is not available or has none (the page must answer, and says which it used)."""
    if importlib.util.find_spec("yimen.assistance.parameters") is None:
        return demo_params(division_code)
    try:
        module = importlib.import_module("yimen.assistance.parameters")
        params = module.params_for(division_code, on)
    except Exception:  # a public page falls back to the labelled demo set, never a 500
        logger.warning("self-check: no parameters for %s at %s", division_code, on, exc_info=True)
        return demo_params(division_code)
    return params if isinstance(params, Params) else demo_params(division_code)


def _shown(key: str, value):
    """A compared value as a reader reads it: yuan, yes/no, or the supporters' reasons."""
    if key in MONEY_VALUES:
        return format_yuan(value)
    if key == "reasons":
        return "；".join(
            str(SUPPORTER_REASONS.get(code, code)) for code in str(value).split(",") if code
        ) or _("None recorded")
    return YES_NO.get(value, value)


def _rows(evaluation, sentences):
    for rule, sentence in zip(evaluation.rules, sentences, strict=False):
        values = [
            (VALUE_LABELS.get(key, key), _shown(key, value)) for key, value in rule.values.items()
        ]
        yield {"rule": rule, "values": values, "sentence": sentence}


@noindex
def self_check(request):
    """GET: the blank form. POST: the estimate above the filled form, or the form's errors."""
    on = timezone.localdate()
    if request.method != "POST":
        context = {
            "household": HouseholdForm(),
            "members": member_forms(),
            "supporters": supporter_forms(),
            "max_members": MAX_MEMBERS,
            "on": on,
        }
        return render(request, "assistance/selfcheck/page.html", context)
    household = HouseholdForm(request.POST)
    members = member_forms(request.POST)
    supporters = supporter_forms(request.POST)
    valid = household.is_valid() & all([m.is_valid() for m in (*members, *supporters)])
    context = {
        "household": household,
        "members": members,
        "supporters": supporters,
        "max_members": MAX_MEMBERS,
        "on": on,
    }
    if valid and not any(m.used() for m in members):
        context["members_error"] = no_member_error()
        valid = False
    if not valid:
        return render(request, "assistance/selfcheck/page.html", context, status=400)
    params = params_in_force(household.cleaned_data["division"], on)
    evaluation = evaluate(facts_from_forms(household, members, on, supporters), params, on)
    staff = staff_visitor(request.user)
    sentences = explain_zh(evaluation, mark_placeholder=staff)
    context.update(
        evaluation=evaluation,
        proposed_label=(
            AssistanceType(evaluation.proposed_type).label if evaluation.proposed_type else None
        ),
        rows=list(_rows(evaluation, sentences)),
        conclusion=sentences[len(evaluation.rules) :],
        parameter_zh=reference_zh(params, mark_placeholder=staff),
        placeholder_for_staff=staff and params.placeholder,
    )
    return render(request, "assistance/selfcheck/page.html", context)
