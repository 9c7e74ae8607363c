"""Forms of the public self-check: the household's figures, one small form per member.

Nothing here is stored; the view turns the cleaned data into `HouseholdFacts`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DisabilityKind, HukouType, VehicleKind, WorkAbility
from .rules.explain import CHANGCHUN_DIVISIONS
from .rules.facts import HouseholdFacts, MemberFacts

MAX_MEMBERS = 6
MONEY_LIMIT = Decimal("10000000")  # anything larger is a typing error, not a household
#: per-member income fields → IncomeCategory (all exempt kinds entered together)
INCOME_FIELDS = {
    "wages": "wages",
    "business": "business",
    "property": "property",
    "transfer": "transfer",
    "other": "other",
    "exempt": "x_assistance",
}


def money_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_value=MONEY_LIMIT,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class HouseholdForm(forms.Form):
    """Registration, division and assets of the household."""

    division = forms.ChoiceField(label=_("County or district"), choices=CHANGCHUN_DIVISIONS)
    hukou_type = forms.ChoiceField(label=_("Household registration"), choices=HukouType.choices)
    deposits = money_field(_("Financial assets in total (deposits, securities, insurance)"))
    vehicles = forms.MultipleChoiceField(
        label=_("Vehicles"),
        required=False,
        choices=VehicleKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    homes = forms.IntegerField(label=_("Homes"), min_value=0, max_value=50, initial=1)
    market_entities = forms.IntegerField(
        label=_("Market-entity registrations (businesses)"), min_value=0, max_value=50, initial=0
    )
    has_able_supporter = forms.BooleanField(
        label=_("A relative with a legal duty of support is able to support the household"),
        required=False,
    )


class MemberForm(forms.Form):
    """One member; a row with no age is an unused row."""

    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    disability_kind = forms.ChoiceField(
        label=_("Disability"), required=False, choices=DisabilityKind.choices
    )
    disability_grade = forms.TypedChoiceField(
        label=_("Disability grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "—"),
            (1, _("Grade 1")),
            (2, _("Grade 2")),
            (3, _("Grade 3")),
            (4, _("Grade 4")),
        ],
    )
    work_ability = forms.ChoiceField(
        label=_("Work ability"), choices=WorkAbility.choices, initial=WorkAbility.FULL
    )
    # the six-item self-care assessment [TK2021 Art.21–22] sets the 特困 care amount
    self_care_failed = forms.TypedChoiceField(
        label=_("Self-care items not managed (of 6)"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Not assessed")), *((n, str(n)) for n in range(7))],
        help_text=_(
            "Eating, dressing, getting in and out of bed, toileting, walking indoors, bathing."
        ),
    )
    living_apart = forms.BooleanField(label=_("Lives apart"), required=False)
    wages = money_field(_("Wages"))
    business = money_field(_("Business"))
    property = money_field(_("Property"))
    transfer = money_field(_("Transfers"))
    other = money_field(_("Other"))
    exempt = money_field(_("Not counted"))

    def used(self) -> bool:
        return self.cleaned_data.get("age") is not None

    def clean(self):
        data = super().clean()
        if data.get("age") is None and any(data.get(name) for name in INCOME_FIELDS):
            self.add_error("age", _("Enter the age of this member, or clear the row."))
        kind, grade = data.get("disability_kind"), data.get("disability_grade")
        if kind and grade is None:
            self.add_error("disability_grade", _("Choose the grade on the disability card."))
        if grade is not None and not kind:
            self.add_error("disability_kind", _("Choose the kind of disability for this grade."))
        return data


def birth_date_for(age: int, on: date) -> date:
    """A birth date making the member exactly ``age`` at ``on`` (their birthday today)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February in a year without it
        return on.replace(year=on.year - age, day=28)


def member_forms(data=None) -> list[MemberForm]:
    return [MemberForm(data, prefix=f"m{i}") for i in range(1, MAX_MEMBERS + 1)]


def no_member_error():
    return _("Enter at least one household member (the age is required).")


def facts_from_forms(
    household: HouseholdForm, members: list[MemberForm], on: date
) -> HouseholdFacts:
    """The facts of valid forms (the caller has checked ``is_valid`` on each)."""
    h = household.cleaned_data
    people = []
    for form in members:
        if not form.used():
            continue
        m = form.cleaned_data
        people.append(
            MemberFacts(
                birth_date=birth_date_for(m["age"], on),
                disability_kind=m.get("disability_kind") or "",
                disability_grade=m.get("disability_grade"),
                work_ability=m.get("work_ability") or WorkAbility.FULL,
                self_care_failed=m.get("self_care_failed"),
                living_apart=bool(m.get("living_apart")),
                incomes={
                    category: m[name] for name, category in INCOME_FIELDS.items() if m.get(name)
                },
            )
        )
    return HouseholdFacts(
        hukou_type=h["hukou_type"],
        members=tuple(people),
        deposits=h.get("deposits") or Decimal("0"),
        vehicles=tuple(h.get("vehicles") or ()),
        homes=h["homes"],
        market_entities=h["market_entities"],
        has_able_supporter=bool(h.get("has_able_supporter")),
    )
