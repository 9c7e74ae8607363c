"""The layouts of the banks' return files: which is in force for a township, and setting one.

A layout is dated configuration per division and bank (the nearest division up the tree
that has one, its latest row in force): a county agrees one format with its paying bank,
a township that pays through another bank adds its own. It is set by the township's
approver (the accountable signer of its rolls) and audited like every change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import can
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.errors import Forbidden, NotFound
from yimen.regions.codes import ancestor_codes
from yimen.regions.models import Division
from yimen.spreadsheets import starts_like_formula

from ..errors import ReturnRefused
from ..models import AmountUnit, FileEncoding, ReturnFileLayout, ReturnReason

LAYOUT_SUBJECT = "benefits.return_layout"
COLUMNS = (
    "reference_column",
    "account_column",
    "name_column",
    "amount_column",
    "reason_code_column",
    "reason_text_column",
    "date_column",
)
#: the fields of a layout typed as text (a form's inputs of the same names)
TEXT_FIELDS = ("bank_name", *COLUMNS, "date_format", "skip_prefix", "note")
MAX_HEADER_ROW = 20
MAX_COLUMN_NUMBER = 200


@dataclass
class LayoutInput:
    """What a layout says, as typed in a form or sent by the API."""

    division_code: str
    valid_from: date
    account_column: str
    amount_column: str
    bank_name: str = ""
    encoding: str = FileEncoding.GBK
    header_row: int = 1
    reference_column: str = ""
    name_column: str = ""
    reason_code_column: str = ""
    reason_text_column: str = ""
    date_column: str = ""
    date_format: str = "%Y-%m-%d"
    amount_unit: str = AmountUnit.YUAN
    skip_prefix: str = "合计"
    reason_codes: dict[str, str] = field(default_factory=dict)
    note: str = ""


def reason_named(text: str) -> str | None:
    """The reason ``text`` names: its stored value, or its label in Chinese or English (a
    clerk types the label the page lists); None if it names none."""
    text = text.strip()
    if text in ReturnReason.values:
        return text
    for value, label in ReturnReason.choices:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if text == str(label):
                    return value
    return None


def layouts_in_force(township_code: str, on: date) -> list[ReturnFileLayout]:
    """One layout per bank for the township on ``on``: of each bank, the nearest
    division's latest row in force ("" is the layout for every bank)."""
    chain = [township_code, *reversed(ancestor_codes(township_code))]
    best: dict[str, tuple[int, ReturnFileLayout]] = {}
    for row in ReturnFileLayout.objects.filter(division_id__in=chain, valid_from__lte=on).order_by(
        "valid_from", "pk"
    ):
        depth = chain.index(row.division_id)
        current = best.get(row.bank_name)
        if current is None or depth <= current[0]:  # nearer, or as near and later
            best[row.bank_name] = (depth, row)
    return sorted((row for _, row in best.values()), key=lambda r: r.bank_name)


def layout_for(township_code: str, on: date, layout_id: int | None = None) -> ReturnFileLayout:
    """The layout an import reads the file with: the one chosen (if it is in force for the
    township), else the one for every bank."""
    in_force = layouts_in_force(township_code, on)
    if layout_id is not None:
        chosen = next((row for row in in_force if row.pk == layout_id), None)
        if chosen is None:
            raise ReturnRefused(_("Choose a return-file layout in force for this township."))
        return chosen
    general = [row for row in in_force if not row.bank_name] or in_force[:1]
    if not general:
        raise ReturnRefused(
            _(
                "No return-file layout is set for this township: its approver sets the "
                "bank's layout first."
            )
        )
    return general[0]


def _check_columns(data: LayoutInput) -> None:
    if not data.account_column.strip() or not data.amount_column.strip():
        raise ReturnRefused(_("A layout names at least the account and the amount columns."))
    if not (data.reason_code_column.strip() or data.reason_text_column.strip()):
        raise ReturnRefused(_("A layout names the column of the bank's reason (code or text)."))
    for name in COLUMNS:
        spec = getattr(data, name).strip()
        if len(spec) > 50 or starts_like_formula(spec):
            raise ReturnRefused(_("A column is named by its header (at most 50 characters)."))
        if spec.isdigit() and not 1 <= int(spec) <= MAX_COLUMN_NUMBER:
            raise ReturnRefused(_("A column number is between 1 and %(n)s."), n=MAX_COLUMN_NUMBER)
        if spec and data.header_row == 0 and not spec.isdigit():
            raise ReturnRefused(_("A file without a header row names its columns by number."))


def _check_formats(data: LayoutInput) -> None:
    if not 0 <= data.header_row <= MAX_HEADER_ROW:
        raise ReturnRefused(_("The header row is between 0 and %(n)s."), n=MAX_HEADER_ROW)
    if data.encoding not in FileEncoding.values or data.amount_unit not in AmountUnit.values:
        raise ReturnRefused(_("Choose the file's encoding and amount format."))
    sample = date(2026, 12, 31)
    try:
        parsed = datetime.strptime(sample.strftime(data.date_format), data.date_format).date()
    except ValueError:
        parsed = None
    if "%" not in data.date_format or len(data.date_format) > 20 or parsed != sample:
        raise ReturnRefused(
            _("The date format is written like %Y-%m-%d or %Y%m%d (year, month, day).")
        )
    if len(data.skip_prefix) > 20 or len(data.bank_name) > 100 or len(data.note) > 200:
        raise ReturnRefused(_("A text of the layout is too long."))
    if starts_like_formula(data.bank_name):
        raise ReturnRefused(_("Give the bank's name."))
    for code, reason in data.reason_codes.items():
        if not code.strip() or len(code) > 40 or reason_named(reason) is None:
            raise ReturnRefused(
                _("Each reason code is the bank's code, then = and one of the reasons listed.")
            )


@transaction.atomic
def return_layout_set(
    *,
    actor,
    data: LayoutInput,
    may_see: Action = Action.ROSTER_VIEW,
    may_set: Action = Action.PAYMENT_ISSUE,
) -> ReturnFileLayout:
    """Add a dated layout for a division (and a bank); in force from ``valid_from``. Set by
    whoever issues the payments the bank returns: the township's approver for the rolls
    (the default), the bureau's finance officer for the subsidy (``SUBSIDY_PAY``)."""
    division = Division.objects.filter(code=data.division_code).first()
    if division is None or not can(actor, may_see, data.division_code):
        raise NotFound(_("No such division."))
    if not can(actor, may_set, data.division_code):
        raise Forbidden(_("Only the approver who issues the rolls sets the bank's layout."))
    if data.valid_from < timezone.localdate():
        raise ReturnRefused(_("A layout applies from today or a later day, never before."))
    _check_formats(data)
    _check_columns(data)
    values = {name: getattr(data, name).strip() for name in COLUMNS}
    try:
        with transaction.atomic():
            layout = ReturnFileLayout.objects.create(
                division=division,
                valid_from=data.valid_from,
                bank_name=data.bank_name.strip(),
                encoding=data.encoding,
                header_row=data.header_row,
                date_format=data.date_format,
                amount_unit=data.amount_unit,
                skip_prefix=data.skip_prefix.strip(),
                reason_codes={k.strip(): reason_named(v) for k, v in data.reason_codes.items()},
                note=data.note.strip(),
                created_by=actor,
                **values,
            )
    except IntegrityError:
        raise ReturnRefused(
            _("A layout of this bank from that day exists already; choose another day.")
        ) from None
    record_event(
        event_type=EventType.RETURN_LAYOUT_SET,
        subject=(LAYOUT_SUBJECT, str(layout.pk)),
        actor=actor,
        division_code=division.code,
        new={
            "bank": layout.bank_name,
            "valid_from": layout.valid_from,
            "encoding": layout.encoding,
            "header_row": layout.header_row,
            "date_format": layout.date_format,
            "amount_unit": layout.amount_unit,
            "reason_codes": layout.reason_codes,
            **values,
        },
    )
    return layout
