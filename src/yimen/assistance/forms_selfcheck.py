"""Forms of the public self-check: the household's figures, one small form per member.

Nothing here is stored; the view turns the cleaned data into `HouseholdFacts`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import DisabilityKind, HukouType, VehicleKind, WorkAbility
from .rules.explain import CHANGCHUN_DIVISIONS
from .rules.facts import HouseholdFacts, MemberFacts, SupporterFacts

MAX_MEMBERS = 10
MAX_SUPPORTERS = 3
MONEY_LIMIT = Decimal("10000000")  # anything larger is a typing error, not a household
#: per-member income fields → IncomeCategory (all exempt kinds entered together)
INCOME_FIELDS = {
    "wages": "wages",
    "business": "business",
    "property": "property",
    "transfer": "transfer",
    "other": "other",
    "elderly_allowance": "elderly_allowance",  # counted for 低保, not for 特困
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


class MemberForm(forms.Form):
    """One member; a row with neither age nor birth date is an unused row."""

    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    birth_date = forms.DateField(
        label=_("Birth date (instead of the age)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    student = forms.BooleanField(
        label=_("At school (compulsory education, high school or vocational school)"),
        required=False,
    )
    tekun_as_minor = forms.BooleanField(
        label=_("Supported as an extreme-poverty minor"), required=False
    )
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
        label=_("Work ability"),
        choices=WorkAbility.choices,
        initial=WorkAbility.FULL,
        required=False,  # an unused row need not say it
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
    elderly_allowance = money_field(_("Old-age allowance"))
    business = money_field(_("Business"))
    property = money_field(_("Property"))
    transfer = money_field(_("Transfers"))
    other = money_field(_("Other"))
    exempt = money_field(_("Not counted"))

    def used(self) -> bool:
        data = self.cleaned_data
        return data.get("age") is not None or data.get("birth_date") is not None

    def clean(self):
        data = super().clean()
        born = data.get("birth_date")
        if born is not None and not date(1890, 1, 1) <= born <= date.today():
            self.add_error("birth_date", _("Enter a birth date in the past."))
        if (
            data.get("age") is None
            and born is None
            and any(data.get(name) for name in INCOME_FIELDS)
        ):
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


class SupporterForm(forms.Form):
    """A legal supporter (child, parent, spouse …) as TK2021 Art.8 reads them; a row
    without an age is unused."""

    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    annual_income = money_field(_("Income over the last year"))
    deposits = money_field(_("Financial assets"))
    is_tekun = forms.BooleanField(label=_("Is an extreme-poverty person"), required=False)
    dibao_recipient = forms.BooleanField(
        label=_("Receives the minimum living allowance"), required=False
    )
    severely_disabled = forms.BooleanField(
        label=_("Severely disabled (grade 1–2, or grade 3 intellectual or mental)"),
        required=False,
    )
    unable = forms.BooleanField(
        label=_("Without legal capacity, missing or in prison"), required=False
    )
    has_car = forms.BooleanField(label=_("Owns a car"), required=False)

    def used(self) -> bool:
        return self.cleaned_data.get("age") is not None

    def clean(self):
        data = super().clean()
        others = ("annual_income", "deposits", "is_tekun", "dibao_recipient", "severely_disabled")
        if data.get("age") is None and any(data.get(name) for name in others):
            self.add_error("age", _("Enter the age of this supporter, or clear the row."))
        return data

    def facts(self, on: date) -> SupporterFacts:
        s = self.cleaned_data
        return SupporterFacts(
            birth_date=birth_date_for(s["age"], on),
            is_tekun=bool(s.get("is_tekun")),
            dibao_recipient=bool(s.get("dibao_recipient")),
            annual_income=s.get("annual_income") or Decimal("0"),
            deposits=s.get("deposits") or Decimal("0"),
            homes=1,
            vehicles=("car",) if s.get("has_car") else (),
            disability_kind="physical" if s.get("severely_disabled") else "",
            disability_grade=1 if s.get("severely_disabled") else None,
            incapacitated=bool(s.get("unable")),
        )


def supporter_forms(data=None) -> list[SupporterForm]:
    return [SupporterForm(data, prefix=f"s{i}") for i in range(1, MAX_SUPPORTERS + 1)]


def facts_from_forms(
    household: HouseholdForm,
    members: list[MemberForm],
    on: date,
    supporters: list[SupporterForm] = (),  # type: ignore[assignment]
) -> HouseholdFacts:
    """The facts of valid forms (the caller has checked ``is_valid`` on each)."""
    h = household.cleaned_data
    people = []
    for form in members:
        if not form.used():
            continue
        m = form.cleaned_data
        born = m.get("birth_date") or birth_date_for(m["age"], on)
        people.append(
            MemberFacts(
                birth_date=born,
                student=bool(m.get("student")),
                tekun_as_minor=bool(m.get("tekun_as_minor")),
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
        supporters=tuple(s.facts(on) for s in supporters if s.used()),
        has_able_supporter=None,  # computed from the supporters entered (TK2021 Art.8)
    )
