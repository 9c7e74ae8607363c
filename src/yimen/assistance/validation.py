"""Checking an application before anything is written: every error at once, by field.

Keys name the item, e.g. ``members[1].id_number``, so a form or API client can point at it;
messages are in the active language (Chinese by default)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from stdnum import luhn

from yimen.errors import Invalid, NotFound
from yimen.people import parse_id_number
from yimen.spreadsheets import FORMULA_TEXT_MESSAGE, starts_like_formula

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
from .inputs import ApplicationInput, MemberInput
from .parameters import params_for

MAX_MONEY = Decimal("100000000")  # 1亿: anything above is a typing error
# a mobile number (1 and 10 digits, second digit 3–9), or a landline: area code 0xx(x),
# 7–8 digits, an optional extension
PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?")
CARD_DIGITS = (16, 19)  # bank cards issued in China (ISO/IEC 7812, Luhn check digit)
ACCOUNT_DIGITS = (8, 32)  # any account the bank issues; the roster accepts the same


def phone_number(raw: str) -> str:
    """The number as stored: spaces and the +86 prefix dropped."""
    number = "".join((raw or "").split())
    return number.removeprefix("+86").removeprefix("0086")


def account_number(raw: str) -> str:
    return "".join((raw or "").split())


def _phone(errors, value, *, required: bool) -> None:
    number = phone_number(value)
    if not number:
        if required:
            errors.setdefault("phone", []).append(_("Give a phone number to reach the household."))
        return
    if not PHONE.fullmatch(number):
        errors.setdefault("phone", []).append(
            _(
                "“%(number)s” is not a phone number: a mobile has 11 digits (13x–19x), a "
                "landline its area code, e.g. 0431-88886666."
            )
            % {"number": number[:30]}
        )


def _payment(errors, data: ApplicationInput) -> None:
    """An account is optional at intake (it is needed before the first payment); one that
    is given must be complete and well-formed."""
    number = account_number(data.payment_account)
    if not (number or data.payment_bank.strip() or data.payment_account_kind):
        return
    _choice(errors, "payment_account_kind", data.payment_account_kind, PaymentAccountKind)
    _text(errors, "payment_bank", data.payment_bank, max_length=100)
    if not number:
        errors.setdefault("payment_account", []).append(_("This is required."))
    elif not number.isdigit():
        errors.setdefault("payment_account", []).append(_("An account number has digits only."))
    elif data.payment_account_kind == PaymentAccountKind.CARD:
        low, high = CARD_DIGITS
        if not low <= len(number) <= high:
            errors.setdefault("payment_account", []).append(
                _("A bank card number has 16 to 19 digits.")
            )
        elif not luhn.is_valid(number):
            errors.setdefault("payment_account", []).append(
                _("This card number is mistyped: its last digit (check digit) does not match.")
            )
    elif not ACCOUNT_DIGITS[0] <= len(number) <= ACCOUNT_DIGITS[1]:
        errors.setdefault("payment_account", []).append(_("An account number has 8 to 32 digits."))


def _choice(errors, key, value, choices, *, blank=False):
    if blank and value in ("", None):
        return
    if value not in choices.values:
        errors.setdefault(key, []).append(
            _("“%(value)s” is not one of the allowed values.") % {"value": value}
        )


def _money(errors, key, value) -> None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(key, []).append(_("Enter an amount in yuan, e.g. 1234.50."))
        return
    if not amount.is_finite() or amount < 0 or amount >= MAX_MONEY:
        errors.setdefault(key, []).append(_("The amount must be between 0 and 99,999,999.99."))
    elif amount != amount.quantize(Decimal("0.01")):
        errors.setdefault(key, []).append(_("Amounts have at most two decimal places (fen)."))


def _text(errors, key, value, *, max_length, required=True):
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(key, []).append(_("This is required."))
    elif len(value) > max_length:
        errors.setdefault(key, []).append(_("At most %(n)d characters.") % {"n": max_length})


def _name(errors, key, value) -> None:
    """A person's name goes to the roster and the bank file: never one a spreadsheet would
    take for a formula (see yimen.spreadsheets)."""
    if starts_like_formula(value or ""):
        errors.setdefault(key, []).append(str(FORMULA_TEXT_MESSAGE))


def validate_member(errors: dict, prefix: str, member: MemberInput, today: date) -> None:
    _text(errors, f"{prefix}.name", member.name, max_length=50)
    _name(errors, f"{prefix}.name", member.name)
    try:
        parse_id_number(member.id_number, today=today)
    except Invalid as exc:
        errors.setdefault(f"{prefix}.id_number", []).append(exc.render())
    _choice(errors, f"{prefix}.relationship", member.relationship, Relationship)
    _choice(errors, f"{prefix}.disability_kind", member.disability_kind, DisabilityKind, blank=True)
    _choice(errors, f"{prefix}.work_ability", member.work_ability, WorkAbility)
    if bool(member.disability_kind) != (member.disability_grade is not None):
        errors.setdefault(f"{prefix}.disability_grade", []).append(
            _("Give both the disability kind and its grade, or neither.")
        )
    elif member.disability_grade is not None and member.disability_grade not in (1, 2, 3, 4):
        errors.setdefault(f"{prefix}.disability_grade", []).append(
            _("The disability grade is 1 to 4.")
        )
    for j, income in enumerate(member.incomes):
        _choice(errors, f"{prefix}.incomes[{j}].category", income.category, IncomeCategory)
        _money(errors, f"{prefix}.incomes[{j}].monthly_amount", income.monthly_amount)
    for kind in ("promise_signed_on", "authorisation_signed_on"):
        signed = getattr(member, kind)
        if signed is not None and signed > today:
            errors.setdefault(f"{prefix}.{kind}", []).append(
                _("A signature cannot be dated in the future.")
            )


def validate_hardship_tier(errors: dict, division_code: str, tier: str, today: date) -> None:
    """A 分档 tier must be one of the tiers of the parameter set in force for the division
    today [A2021 Art.23]; blank (补差) is always allowed."""
    tier = (tier or "").strip()
    if not tier:
        return
    try:
        tiers = params_for(division_code, today).tiers
    except NotFound:
        tiers = ()
    if not tiers:
        errors.setdefault("hardship_tier", []).append(
            _("The parameters in force here have no tiers; leave the tier blank.")
        )
    elif tier not in {t.code for t in tiers}:
        errors.setdefault("hardship_tier", []).append(
            _("Choose one of the tiers in force: %(tiers)s.")
            % {"tiers": ", ".join(f"{t.code} ({t.label})" if t.label else t.code for t in tiers)}
        )


def validate_application(data: ApplicationInput, today: date) -> dict[str, list[str]]:
    """All problems of ``data``; an empty dict means it may be saved."""
    errors: dict[str, list[str]] = {}
    _text(errors, "address", data.address, max_length=200)
    _choice(errors, "hukou_type", data.hukou_type, HukouType)
    _choice(errors, "assistance_type", data.assistance_type, AssistanceType)
    _choice(errors, "channel", data.channel, Channel)
    if not data.members:
        errors.setdefault("members", []).append(_("List at least the head of household."))
    if len(data.members) > 30:
        errors.setdefault("members", []).append(_("At most 30 members."))
    heads = [m for m in data.members if m.relationship == Relationship.HEAD]
    if data.members and len(heads) != 1:
        errors.setdefault("members", []).append(_("Exactly one member is the head of household."))
    seen: dict[str, int] = {}
    for i, member in enumerate(data.members):
        validate_member(errors, f"members[{i}]", member, today)
        number = (member.id_number or "").strip().upper()
        if number in seen:
            errors.setdefault(f"members[{i}].id_number", []).append(
                _("The same ID number is listed twice (members %(a)d and %(b)d).")
                % {"a": seen[number] + 1, "b": i + 1}
            )
        seen.setdefault(number, i)
    for k, asset in enumerate(data.assets):
        _choice(errors, f"assets[{k}].kind", asset.kind, AssetKind)
        _money(errors, f"assets[{k}].value", asset.value)
        if asset.kind == AssetKind.VEHICLE:
            _choice(errors, f"assets[{k}].vehicle_kind", asset.vehicle_kind, VehicleKind)
        if not 0 < int(asset.quantity or 0) <= 1000:
            errors.setdefault(f"assets[{k}].quantity", []).append(
                _("The quantity is between 1 and 1000.")
            )
    if data.channel == Channel.ENTRUSTED:
        _text(errors, "entrusted_name", data.entrusted_name, max_length=50)
        _name(errors, "entrusted_name", data.entrusted_name)
        try:
            parse_id_number(data.entrusted_id_number, today=today)
        except Invalid as exc:
            errors.setdefault("entrusted_id_number", []).append(exc.render())
    if data.channel == Channel.DISCOVERY:
        _text(errors, "discovery_note", data.discovery_note, max_length=2000)
    # a discovery report may not have reached the household yet; an application must give
    # a way to reach it and its reasons only where the page asks for them (the API and
    # older clients may leave them out), but what is given must be right
    _phone(errors, data.phone, required=False)
    _text(errors, "reason", data.reason, max_length=2000, required=False)
    _payment(errors, data)
    # a finding on the supporters departs from the computed test: its reason is required
    finding = data.has_able_supporter is not None
    _text(errors, "supporter_note", data.supporter_note, max_length=200, required=finding)
    _text(errors, "hardship_tier", data.hardship_tier, max_length=50, required=False)
    return errors
