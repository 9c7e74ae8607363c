"""Checking a parameter set before anything is written: every error at once, by field.

Split from `parameters` (the reads and the audited writes) so each stays small; the admin
form and the services call `parameter_set_check`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yimen.regions.codes import InvalidCode, normalize_code
from yimen.regions.models import Division

from .models.parameters import ParameterSet
from .rules.params import PAYMENT_ROUNDING, ROUNDING_MODES

MONEY_FIELDS = (
    "dibao_standard_urban",
    "dibao_standard_rural",
    "tekun_care_full",
    "tekun_care_partial",
    "tekun_care_none",
    "employment_cost_deduction",
    "payment_minimum",
    "disposable_income_last_year",
)
FACTOR_FIELDS = ("tekun_factor", "low_income_factor")
#: whole-number fields and their sane inclusive ranges
INT_RANGES = {
    "deposit_months": (0, 240),
    "max_homes": (0, 20),
    "elderly_age": (40, 100),
    "minor_age": (14, 25),
    "tekun_deposit_months": (0, 240),
    "tekun_max_homes": (0, 20),
    "low_income_deposit_months": (0, 240),
    "low_income_max_homes": (0, 20),
    "income_lookback_months": (1, 36),
}
#: lists every set must give, even as empty lists (an absent one is refused)
LIST_FIELDS = ("exempt_income", "exempt_vehicles", "tekun_exempt_income")
BOOL_FIELDS = (
    "allow_market_entity",
    "tekun_allow_market_entity",
    "low_income_allow_market_entity",
    "placeholder",
)
MAX_FACTOR = Decimal("10")
MAX_MONEY = Decimal("9999999999.99")
#: the values a set carries besides its division and period (audited on every change)
VALUE_FIELDS = (
    *MONEY_FIELDS,
    *FACTOR_FIELDS,
    *INT_RANGES,
    "allow_market_entity",
    "tekun_allow_market_entity",
    "low_income_allow_market_entity",
    "payment_rounding",
    "payment_rounding_mode",
    *LIST_FIELDS,
    "tiers",
    "source",
    "placeholder",
)


# -- errors ------------------------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _as_decimal(value: Any) -> Decimal:
    if isinstance(value, float):
        value = str(value)  # never the binary expansion of a float
    result = Decimal(value)
    if not result.is_finite():
        raise InvalidOperation
    return result


def _clean(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Parse and check one set's values; return the clean values and every error found."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def fail(name: str, message) -> None:
        errors.setdefault(name, []).append(str(message))

    raw_code = data.get("division_code") or data.get("division") or ""
    if isinstance(raw_code, Division):
        raw_code = raw_code.code
    try:
        clean["division_code"] = normalize_code(str(raw_code))
    except InvalidCode:
        fail("division_code", _("Enter a valid division code."))

    for name in ("valid_from", "valid_to"):
        try:
            clean[name] = _as_date(data.get(name))
        except (TypeError, ValueError):
            fail(name, _("Enter a valid date (YYYY-MM-DD)."))
    if "valid_from" in clean and clean["valid_from"] is None:
        fail("valid_from", _("This field is required."))
    if (
        clean.get("valid_from")
        and clean.get("valid_to")
        and clean["valid_to"] < clean["valid_from"]
    ):
        fail("valid_to", _("The end date may not be before the start date."))

    for name in MONEY_FIELDS:
        if data.get(name) in (None, ""):
            fail(name, _("This field is required."))
            continue
        try:
            value = _as_decimal(data.get(name))
        except (TypeError, ValueError, InvalidOperation):
            fail(name, _("Enter an amount in yuan."))
            continue
        if value < 0:
            fail(name, _("An amount may not be negative."))
        elif value > MAX_MONEY or value != value.quantize(Decimal("0.01")):
            fail(name, _("Enter an amount in yuan with at most two decimal places."))
        clean[name] = value

    for name in FACTOR_FIELDS:
        try:
            value = _as_decimal(data.get(name))
        except (TypeError, ValueError, InvalidOperation):
            fail(name, _("Enter a number such as 1.5."))
            continue
        if value <= 0 or value > MAX_FACTOR:
            fail(name, _("A factor must be greater than 0 and at most 10."))
        elif value != value.quantize(Decimal("0.001")):
            fail(name, _("Enter a factor with at most three decimal places."))
        clean[name] = value

    for name, (low, high) in INT_RANGES.items():
        raw = data.get(name)
        if isinstance(raw, bool) or not isinstance(raw, int | str):
            fail(name, _("Enter a whole number."))
            continue
        try:
            number = int(raw)
        except ValueError:
            fail(name, _("Enter a whole number."))
            continue
        if not low <= number <= high:
            fail(
                name,
                gettext("Enter a whole number from %(low)s to %(high)s.")
                % {"low": low, "high": high},
            )
        clean[name] = number

    for name in BOOL_FIELDS:
        value = data.get(name, False)
        if not isinstance(value, bool):
            fail(name, _("Enter true or false."))
        clean[name] = bool(value)

    for name, choices in (
        ("payment_rounding", PAYMENT_ROUNDING),
        ("payment_rounding_mode", ROUNDING_MODES),
    ):
        value = data.get(name)
        if value not in choices:
            fail(name, _("Choose one of the listed values."))
            continue
        clean[name] = value

    # a list that is absent is refused, never read as empty: an exemption silently lost
    # would count an exempt income or disqualify a disabled person's carriage
    for name in LIST_FIELDS:
        if name not in data or data[name] is None:
            fail(name, _("This list is required; give an empty list for none."))
            continue
        value = data[name]
        if not isinstance(value, list | tuple | set | frozenset) or not all(
            isinstance(v, str) and v for v in value
        ):
            fail(name, _("Enter a list of category codes."))
            continue
        clean[name] = sorted(set(value))

    tiers = data.get("tiers") or []
    clean_tiers: list[dict[str, str]] = []
    if not isinstance(tiers, list | tuple):
        fail("tiers", _("Enter a list of tiers."))
    else:
        for tier in tiers:
            try:
                code = str(tier["code"]).strip()
                amount = _as_decimal(tier["amount_per_person"])
            except (TypeError, KeyError, ValueError, InvalidOperation):
                fail("tiers", _("Each tier needs a code and an amount per person."))
                continue
            if not code:
                fail("tiers", _("Each tier needs a code and an amount per person."))
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                fail("tiers", _("A tier amount must be a non-negative amount in yuan."))
            clean_tiers.append(
                {
                    "code": code,
                    "label": str(tier.get("label", "")),
                    "amount_per_person": str(amount),
                }
            )
        if len({t["code"] for t in clean_tiers}) != len(clean_tiers):
            fail("tiers", _("Tier codes must be different."))
    clean["tiers"] = clean_tiers

    source = str(data.get("source") or "").strip()
    if not source:
        fail("source", _("Say where the values come from (or that they are placeholders)."))
    clean["source"] = source
    return clean, errors


def _overlapping(division_code: str, start: date, end: date | None, exclude: list[int]):
    """Stored sets of the same division whose period meets [start, end]."""
    rows = ParameterSet.objects.filter(division_id=division_code).exclude(pk__in=exclude)
    rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        rows = rows.filter(valid_from__lte=end)
    return rows


def _overlap_error(rows) -> str:
    first = rows.order_by("valid_from").first()
    return gettext("The period overlaps the set %(set)s of the same division.") % {
        "set": str(first)
    }


def parameter_set_check(
    *,
    data: Mapping[str, Any],
    instance: ParameterSet | None = None,
    adding: bool = False,
    today: date | None = None,
) -> dict[str, list[str]]:
    """Every error ``parameter_set_save`` (or, with ``adding``, ``parameter_set_add``) would
    refuse ``data`` for, without writing. Forms call it to show errors on their fields."""
    today = today or timezone.localdate()
    clean, errors = _clean(data)
    code, start = clean.get("division_code"), clean.get("valid_from")
    if code and not Division.objects.filter(code=code).exists():
        errors.setdefault("division_code", []).append(str(_("No such division.")))
        return errors
    if (adding or instance is not None) and start and start < today:
        errors.setdefault("valid_from", []).append(
            str(_("A change applies only from its date: start today or later."))
        )
    if code and start and "valid_to" not in errors:
        exclude = [instance.pk] if instance is not None else []
        if adding:
            previous = _open_set_before(code, start)
            if previous is not None:
                exclude.append(previous.pk)
        rows = _overlapping(code, start, clean.get("valid_to"), exclude)
        if rows.exists():
            errors.setdefault("valid_from", []).append(_overlap_error(rows))
    return errors


def _open_set_before(division_code: str, start: date, *, lock: bool = False):
    """The open-ended set of the division that started before ``start`` (locked for the
    caller's transaction with ``lock``)."""
    rows = ParameterSet.objects.select_for_update() if lock else ParameterSet.objects
    return (
        rows.filter(division_id=division_code, valid_to__isnull=True, valid_from__lt=start)
        .order_by("-valid_from")
        .first()
    )
