"""The entry form of the staff pages: the household, its members and assets. Forms only
parse (text, dates, amounts, choices); the substance (check digits, one head of household,
signatures...) is checked by the services, whose errors are attached back to the fields by
key (``members[1].id_number``). The step forms are in forms_steps.
"""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import bindings_for, division_q
from yimen.regions.codes import Level
from yimen.regions.models import Division
from yimen.spreadsheets import refuse_formula_text

from .choices import (
    AssetKind,
    AssistanceType,
    Channel,
    DisabilityKind,
    HukouType,
    IncomeCategory,
    PaymentAccountKind,
    Relationship,
    VehicleKind,
    WorkAbility,
)
from .inputs import ApplicationInput, AssetInput, IncomeInput, MemberInput
from .models import Application, Asset, Member
from .services.intake import STAFF_FINDINGS

MAX_MEMBERS = 10
MAX_ASSETS = 20
BLANK = [("", "—")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INCOME_FIELDS = [(f"income_{c.value}", c) for c in IncomeCategory]


def label(model, name: str) -> str:
    """The model field's translated name, capitalised as a label."""
    return capfirst(model._meta.get_field(name).verbose_name)


def text_field(model, name, *, max_length, widget=None, required=False) -> forms.CharField:
    return forms.CharField(
        label=label(model, name), max_length=max_length, required=required, widget=widget
    )


def _money(model_label) -> forms.DecimalField:
    # no bounds here: the services say what is allowed, in the same words as the API
    return forms.DecimalField(
        label=model_label,
        required=False,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 9}),
    )


# --- the household -----------------------------------------------------------------------


def village_choices(user) -> list[tuple[str, str]]:
    """Villages and communities where ``user`` may file an application or a report."""
    q = Q(pk__in=[])
    for action in (Action.CASE_OPEN, Action.CASE_REPORT, Action.CASE_APPLY):
        q |= division_q(user, action, field="code")
    villages = Division.objects.filter(q, level=Level.VILLAGE).order_by("code")[:5000]
    return [(d.code, d.full_name or d.name) for d in villages]


def channel_choices(user) -> list[tuple[str, str]]:
    """The channels ``user`` may file through (the service refuses any other)."""
    allowed: list[str] = []
    if bindings_for(user, Action.CASE_OPEN):
        allowed += [Channel.COUNTER, Channel.SELF, Channel.ENTRUSTED]
    elif bindings_for(user, Action.CASE_APPLY):
        allowed += [Channel.SELF, Channel.ENTRUSTED]
    if bindings_for(user, Action.CASE_REPORT):
        allowed.append(Channel.DISCOVERY)
    return [(c.value, c.label) for c in Channel if c in allowed]


def may_file(user) -> bool:
    return bool(channel_choices(user))


class HouseholdForm(forms.Form):
    division_code = forms.ChoiceField(label=label(Application, "division"))
    address = text_field(Application, "address", max_length=200)
    hukou_type = forms.ChoiceField(
        label=label(Application, "hukou_type"), choices=HukouType.choices
    )
    assistance_type = forms.ChoiceField(
        label=label(Application, "assistance_type"), choices=AssistanceType.choices
    )
    channel = forms.ChoiceField(label=label(Application, "channel"))
    entrusted_name = text_field(Application, "entrusted_name", max_length=50)
    entrusted_name.validators.append(refuse_formula_text)  # it reaches spreadsheets
    entrusted_id_number = text_field(Application, "entrusted_id_number", max_length=40)
    entrusted_relation = text_field(Application, "entrusted_relation", max_length=50)
    discovery_note = text_field(
        Application, "discovery_note", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    relative_of_staff = forms.BooleanField(
        label=label(Application, "relative_of_staff"), required=False
    )
    relative_note = text_field(Application, "relative_note", max_length=200)
    has_able_supporter = forms.TypedChoiceField(
        label=label(Application, "has_able_supporter"),
        required=False,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        empty_value=None,
        choices=[
            ("", _("Decided by the rules from the supporters recorded")),
            ("yes", _("Finding: a supporter is able to support")),
            ("no", _("Finding: no supporter is able to support")),
        ],
        help_text=Application._meta.get_field("has_able_supporter").help_text,
    )
    supporter_note = text_field(Application, "supporter_note", max_length=200)
    hardship_tier = forms.CharField(
        label=label(Application, "hardship_tier"),
        max_length=50,
        required=False,
        help_text=Application._meta.get_field("hardship_tier").help_text,
    )
    phone = forms.CharField(
        label=label(Application, "phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reason = text_field(
        Application, "reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    payment_account_kind = forms.ChoiceField(
        label=label(Application, "payment_account_kind"),
        required=False,
        choices=BLANK + PaymentAccountKind.choices,
    )
    payment_bank = text_field(Application, "payment_bank", max_length=100)
    payment_account = forms.CharField(
        label=label(Application, "payment_account"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "Optional now, needed before the first payment. A bank card has 16 to 19 digits; "
            "a Yikatong (一卡通) account is entered as the bank issued it."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["division_code"].choices = village_choices(user)
        self.fields["channel"].choices = channel_choices(user)
        # what the staff record about a household (a relative of staff, their findings, a
        # discovery report) is not the applicant's to declare: a citizen never sees it, and
        # whatever a citizen posts under those names is not read
        self.staff_fields = may_record_findings(user)
        if not self.staff_fields:
            for name in STAFF_ONLY_FIELDS:
                del self.fields[name]

    def clean(self):
        """An application (not a village's discovery report) gives a phone number and the
        household's reasons: the township calls back and the receipt names the case."""
        data = super().clean()
        if data.get("channel") and data["channel"] != Channel.DISCOVERY:
            for name in ("phone", "reason"):
                if not (data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, _("This is required."))
        return data


#: fields of the household form only the staff fill in (经办人员近亲属, 经办人认定, 困难分档,
#: 发现报告): the ones the service refuses from an applicant
STAFF_ONLY_FIELDS = STAFF_FINDINGS


def may_record_findings(user) -> bool:
    """Staff who enter applications at the counter or report households in need."""
    return bool(bindings_for(user, Action.CASE_OPEN) or bindings_for(user, Action.CASE_REPORT))


class MemberForm(forms.Form):
    # not the model's "name": that msgid is shared with divisions (名称), a person has 姓名
    name = forms.CharField(
        label=_("Full name"), max_length=50, required=False, validators=[refuse_formula_text]
    )
    id_number = text_field(Member, "id_number", max_length=40)
    relationship = forms.ChoiceField(
        label=label(Member, "relationship"), required=False, choices=BLANK + Relationship.choices
    )
    disability_kind = forms.ChoiceField(
        label=label(Member, "disability_kind"), required=False, choices=DisabilityKind.choices
    )
    disability_grade = forms.TypedChoiceField(
        label=label(Member, "disability_grade"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=BLANK + list(Member._meta.get_field("disability_grade").choices),
    )
    serious_illness = forms.BooleanField(label=label(Member, "serious_illness"), required=False)
    work_ability = forms.ChoiceField(
        label=label(Member, "work_ability"), choices=WorkAbility.choices, initial=WorkAbility.FULL
    )
    student = forms.BooleanField(
        label=label(Member, "student"),
        required=False,
        help_text=Member._meta.get_field("student").help_text,
    )
    tekun_as_minor = forms.BooleanField(
        label=label(Member, "tekun_as_minor"),
        required=False,
        help_text=Member._meta.get_field("tekun_as_minor").help_text,
    )
    living_apart = forms.BooleanField(label=label(Member, "living_apart"), required=False)
    promise_signed_on = forms.DateField(label=_("Promise signed on"), required=False, widget=DATE)
    authorisation_signed_on = forms.DateField(
        label=_("Authorisation signed on"), required=False, widget=DATE
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, category in INCOME_FIELDS:
            self.fields[name] = _money(category.label)

    def income_fields(self):
        return [self[name] for name, _category in INCOME_FIELDS]

    def plain_fields(self):
        return [self[name] for name in self.fields if not name.startswith("income_")]


class AssetForm(forms.Form):
    kind = forms.ChoiceField(
        label=label(Asset, "kind"), required=False, choices=BLANK + AssetKind.choices
    )
    value = _money(label(Asset, "value"))
    quantity = forms.IntegerField(
        label=label(Asset, "quantity"), required=False, initial=1, min_value=0, max_value=100000
    )
    vehicle_kind = forms.ChoiceField(
        label=label(Asset, "vehicle_kind"), required=False, choices=BLANK + VehicleKind.choices
    )
    note = text_field(Asset, "note", max_length=200)


MemberFormSet = formset_factory(
    MemberForm, extra=0, max_num=MAX_MEMBERS, absolute_max=MAX_MEMBERS, validate_max=True
)
AssetFormSet = formset_factory(
    AssetForm, extra=0, max_num=MAX_ASSETS, absolute_max=MAX_ASSETS, validate_max=True
)


def household_forms(user, data=None, *, members: int = 4, assets: int = 2):
    """The household form and its two formsets, bound to ``data`` when given."""
    household = HouseholdForm(data, user=user)
    if data is None:
        member_set = formset_factory(
            MemberForm, extra=members, max_num=MAX_MEMBERS, absolute_max=MAX_MEMBERS
        )(prefix="members")
        asset_set = formset_factory(
            AssetForm, extra=assets, max_num=MAX_ASSETS, absolute_max=MAX_ASSETS
        )(prefix="assets")
    else:
        member_set = MemberFormSet(data, prefix="members")
        asset_set = AssetFormSet(data, prefix="assets")
    return household, member_set, asset_set


class Targets:
    """Where each item of the ApplicationInput came from, to put its errors back."""

    def __init__(self, household):
        self.household = household
        self.members: list[tuple[MemberForm, list[str]]] = []
        self.assets: list[AssetForm] = []
        self.general: list[str] = []

    def attach(self, errors: dict[str, list[str]]) -> None:
        """Put each service error next to its field; the rest into ``general``."""
        for key, messages in errors.items():
            form, field = self._locate(key)
            if form is None:
                self.general += [str(m) for m in messages]
            else:
                for message in messages:
                    form.add_error(field if field in form.fields else None, str(message))

    def _locate(self, key: str):
        match = re.fullmatch(r"(members|assets)\[(\d+)\]\.(.+)", key)
        if match is None:
            if key in self.household.fields:
                return self.household, key
            return None, None
        group, index, rest = match.group(1), int(match.group(2)), match.group(3)
        if group == "assets":
            return (self.assets[index], rest) if index < len(self.assets) else (None, None)
        if index >= len(self.members):
            return None, None
        form, income_fields = self.members[index]
        income = re.fullmatch(r"incomes\[(\d+)\]\.\w+", rest)
        if income:
            j = int(income.group(1))
            return form, income_fields[j] if j < len(income_fields) else None
        return form, rest


def application_input(household, member_set, asset_set) -> tuple[ApplicationInput, Targets]:
    """The service's input from valid forms; rows left blank are not members or assets."""
    h = household.cleaned_data
    targets = Targets(household)
    members = []
    for form in member_set.forms:
        if not form.has_changed():
            continue
        d = form.cleaned_data
        incomes, used = [], []
        for name, category in INCOME_FIELDS:
            if d.get(name) is not None:
                incomes.append(IncomeInput(category=category.value, monthly_amount=d[name]))
                used.append(name)
        members.append(
            MemberInput(
                name=d.get("name", ""),
                id_number=d.get("id_number", ""),
                relationship=d.get("relationship", ""),
                disability_kind=d.get("disability_kind", ""),
                disability_grade=d.get("disability_grade"),
                serious_illness=d.get("serious_illness", False),
                work_ability=d.get("work_ability") or WorkAbility.FULL,
                student=d.get("student", False),
                tekun_as_minor=d.get("tekun_as_minor", False),
                living_apart=d.get("living_apart", False),
                incomes=incomes,
                promise_signed_on=d.get("promise_signed_on"),
                authorisation_signed_on=d.get("authorisation_signed_on"),
            )
        )
        targets.members.append((form, used))
    assets = []
    for form in asset_set.forms:
        if not form.has_changed():
            continue
        d = form.cleaned_data
        assets.append(
            AssetInput(
                kind=d.get("kind", ""),
                value=d.get("value") or 0,
                quantity=d.get("quantity") or 0,
                vehicle_kind=d.get("vehicle_kind", ""),
                note=d.get("note", ""),
            )
        )
        targets.assets.append(form)
    data = ApplicationInput(
        division_code=h["division_code"],
        address=h.get("address", ""),
        hukou_type=h["hukou_type"],
        assistance_type=h["assistance_type"],
        channel=h["channel"],
        members=members,
        assets=assets,
        entrusted_name=h.get("entrusted_name", ""),
        entrusted_id_number=h.get("entrusted_id_number", ""),
        entrusted_relation=h.get("entrusted_relation", ""),
        discovery_note=h.get("discovery_note", ""),
        relative_of_staff=h.get("relative_of_staff", False),
        relative_note=h.get("relative_note", ""),
        has_able_supporter=h.get("has_able_supporter"),
        supporter_note=h.get("supporter_note", ""),
        hardship_tier=h.get("hardship_tier", ""),
        phone=h.get("phone", ""),
        reason=h.get("reason", ""),
        payment_bank=h.get("payment_bank", ""),
        payment_account_kind=h.get("payment_account_kind", ""),
        payment_account=h.get("payment_account", ""),
    )
    return data, targets
