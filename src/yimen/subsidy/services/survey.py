"""The survey (调查摸底): the bureau registers candidate units by hand or from its survey
sheet (all or nothing: every bad row refused with its number), then vets them (严格把关);
only a vetted unit may apply. One unit, one record: the identity (an 18-digit ID number for
a household, the 统一社会信用代码 for a cooperative or firm) is checked and unique."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.errors import YimenError
from yimen.import_limits import ImportTooLarge
from yimen.people import InvalidIdNumber, parse_id_number
from yimen.regions.models import Division

from .. import transitions
from ..errors import BadIdentity, ImportRefused, ImportUnreadable, NotInScope, ReasonNeeded
from ..models import ApplicantType, IdKind, Scheme, Survey, SurveyStatus, Unit
from ..survey_sheet import (  # noqa: F401  (IMPORT_COLUMNS: the sheet's header, for callers)
    HEAD_COUNT_MAX,
    IMPORT_COLUMNS,
    TYPE_BY_NAME,
    plain_frame,
    sheet_rows,
)
from ..xlsx_values import xlsx_values
from .common import audit, require
from .survey_rows import survey_rows_write

APPLICANT_TYPES = frozenset(ApplicantType.values)  # read once: the enum rebuilds its list


@dataclass(frozen=True)
class UnitData:
    applicant_type: str
    name: str
    identity: str
    division_code: str
    contact_name: str = ""
    phone: str = ""
    bank_name: str = ""
    card_number: str = ""
    cattle: int = 0
    sheep: int = 0
    address: str = ""
    id_kind: str = ""


def check_identity(applicant_type: str, raw: str, *, today: date) -> tuple[str, str]:
    """(id kind, normalised identity): households and farms by an 18-digit ID number or a
    credit code; cooperatives and processors by the credit code only."""
    value = (raw or "").strip().upper().replace(" ", "")
    if applicant_type not in APPLICANT_TYPES:
        raise BadIdentity(gettext_lazy("Choose the applicant type."))
    if applicant_type == ApplicantType.FARM and not _looks_like_uscc(value):
        try:
            return IdKind.ID_NUMBER, parse_id_number(value, today=today).number
        except InvalidIdNumber as exc:
            raise BadIdentity(exc.message, **exc.params) from None
    try:
        return IdKind.USCC, uscc.validate(value)
    except Exception:  # stdnum raises several ValidationError subclasses
        raise BadIdentity(
            gettext_lazy("“%(value)s” is not a valid unified social credit code."),
            value=value[:30],
        ) from None


def _looks_like_uscc(value: str) -> bool:
    # an ID number is 17 digits and a digit or X; a credit code starts with a letter or
    # digit registry code and carries letters in its body (or a check letter)
    return len(value) == 18 and not (
        value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")
    )


def _division_in(scheme: Scheme, code: str) -> Division:
    code = (code or "").strip().ljust(12, "0")[:12]
    if not code.startswith(scheme.division_id[:6]):
        raise BadIdentity(gettext_lazy("The village is not in the scheme's county."))
    division = Division.objects.filter(code=code).first()
    if division is None:
        raise BadIdentity(gettext_lazy("No such village code."))
    return division


def _upsert_unit(data: UnitData, kind: str, identity: str, division: Division) -> Unit:
    unit, created = Unit.objects.get_or_create(
        identity=identity,
        defaults={
            "applicant_type": data.applicant_type,
            "name": data.name.strip(),
            "id_kind": kind,
            "division": division,
            "contact_name": data.contact_name,
            "phone": data.phone,
            "bank_name": data.bank_name,
            "card_number": data.card_number,
            "address": data.address,
        },
    )
    if not created:
        # the survey refreshes the contact and card; the identity and type stay as registered
        fields = {
            "contact_name": data.contact_name,
            "phone": data.phone,
            "bank_name": data.bank_name,
            "card_number": data.card_number,
        }
        changed = [k for k, v in fields.items() if v and getattr(unit, k) != v]
        for k in changed:
            setattr(unit, k, fields[k])
        if changed:
            unit.save(update_fields=changed)
    return unit


@transaction.atomic
def unit_survey(*, scheme: Scheme, data: UnitData, actor, today: date) -> Survey:
    """Register a unit (or find it by its identity) on the scheme's survey list."""
    division = _division_in(scheme, data.division_code)
    role = require(actor, Action.SUBSIDY_SURVEY, division.code)
    if not data.name.strip():
        raise BadIdentity(gettext_lazy("Give the unit's name."))
    if data.applicant_type not in scheme.applicant_types:
        raise BadIdentity(gettext_lazy("This scheme does not admit this applicant type."))
    kind, identity = check_identity(data.applicant_type, data.identity, today=today)
    unit = _upsert_unit(data, kind, identity, division)
    survey, created = Survey.objects.get_or_create(
        scheme=scheme,
        unit=unit,
        defaults={"surveyed_by": actor, "cattle": data.cattle, "sheep": data.sheep},
    )
    audit(
        EventType.SUBSIDY_UNIT_SURVEYED,
        survey,
        actor=actor,
        role=role,
        division=division.code,
        new={"unit": unit.pk, "new": created},
    )
    return survey


def _int(value) -> int:
    if value in (None, ""):
        return 0
    number = int(float(str(value).strip()))
    if number < 0 or number > HEAD_COUNT_MAX:
        raise ValueError(value)
    return number


def village_codes(scheme: Scheme) -> set[str]:
    """The codes of the scheme's county's divisions: where its units may be."""
    return set(
        Division.objects.filter(code__startswith=scheme.division_id[:6]).values_list(
            "code", flat=True
        )
    )


def parse_rows(
    numbers: list[int], cells: list[list[str]], *, scheme: Scheme, today: date, codes: set[str]
) -> tuple[list[UnitData], list[tuple[int, str]]]:
    """The row-by-row checks of a survey sheet's data rows (``survey_sheet.sheet_rows``):
    each row as UnitData, and every bad row's number (as Excel numbers it) with the
    reason. The column-wise path (``survey_sheet.plain_frame``) accepts only what these
    accept; they run when it finds a row it cannot vouch for."""
    good: list[UnitData] = []
    bad: list[tuple[int, str]] = []
    seen: set[str] = set()
    for n, cells_of_row in zip(numbers, cells, strict=True):
        try:
            good.append(_parse_row(cells_of_row, scheme=scheme, today=today, codes=codes))
            if good[-1].identity in seen:
                good.pop()
                raise YimenError(gettext_lazy("The same identity appears twice in the sheet."))
            seen.add(good[-1].identity)
        except YimenError as exc:
            bad.append((n, exc.render()))
    return good, bad


def _parse_row(cells: list[str], *, scheme: Scheme, today: date, codes: set[str]) -> UnitData:
    kind = TYPE_BY_NAME.get(cells[0])
    if kind is None or kind not in scheme.applicant_types:
        raise YimenError(gettext_lazy("Unknown or not admitted applicant type."))
    if not cells[1]:
        raise YimenError(gettext_lazy("Give the unit's name."))
    id_kind, identity = check_identity(kind, cells[2], today=today)
    code = cells[3].ljust(12, "0")[:12]
    if code not in codes:
        raise YimenError(gettext_lazy("The village is not in the scheme's county."))
    try:
        cattle, sheep = _int(cells[8]), _int(cells[9])
    except (TypeError, ValueError):
        raise YimenError(gettext_lazy("Head counts must be whole numbers.")) from None
    return UnitData(
        kind,
        cells[1][:200],
        identity,
        code,
        cells[4][:50],
        cells[5][:30],
        cells[6][:100],
        cells[7][:32],
        cattle,
        sheep,
        id_kind=id_kind,
    )


def _frame_of(good: list[UnitData]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "applicant_type": [g.applicant_type for g in good],
            "name": [g.name for g in good],
            "identity": [g.identity for g in good],
            "division_id": [g.division_code for g in good],
            "contact_name": [g.contact_name for g in good],
            "phone": [g.phone for g in good],
            "bank_name": [g.bank_name for g in good],
            "card_number": [g.card_number for g in good],
            "cattle": [g.cattle for g in good],
            "sheep": [g.sheep for g in good],
            "id_kind": [g.id_kind for g in good],
        },
        schema_overrides={"cattle": pl.Int64, "sheep": pl.Int64},
    )


def checked_sheet(*, scheme: Scheme, data: bytes, filename: str, today: date) -> pl.DataFrame:
    """The survey sheet read and checked, as a frame of FIELDS and ``id_kind``; or
    ImportRefused with every bad row's number and reason (ImportUnreadable when the file
    is not a workbook, ImportTooLarge above the import caps). Writes nothing."""
    try:
        numbers, cells = sheet_rows(xlsx_values(data, filename))
    except ImportTooLarge:
        raise
    except Exception:  # zipfile's, the XML parser's and a broken reference's errors
        raise ImportUnreadable(filename[:100]) from None
    codes = village_codes(scheme)
    frame = plain_frame(cells, admitted=scheme.applicant_types, village_codes=codes, today=today)
    if frame is not None:
        return frame
    good, bad = parse_rows(numbers, cells, scheme=scheme, today=today, codes=codes)
    if bad:
        raise ImportRefused(bad)
    return _frame_of(good)


def survey_import(*, scheme: Scheme, data: bytes, filename: str, actor, today: date) -> int:
    """Import the bureau's survey sheet (columns IMPORT_COLUMNS). All or nothing: any bad
    row refuses the whole file, listing every bad row's number. Read and checked before
    the transaction opens; then one transaction writes the new units, every survey entry
    and their audit (one event per unit surveyed and one for the sheet), set-based."""
    role = require(actor, Action.SUBSIDY_SURVEY, scheme.division_id)
    frame = checked_sheet(scheme=scheme, data=data, filename=filename, today=today)
    return survey_rows_write(scheme=scheme, frame=frame, actor=actor, role=role, filename=filename)


@transaction.atomic
def survey_vet(*, survey: Survey, actor, qualified: bool, note: str = "") -> Survey:
    """The bureau's check of a surveyed unit: vetted (may apply) or not qualified (with the
    reason). Done by the reviewer, not the surveyor who entered it."""
    role = require(actor, Action.SUBSIDY_REVIEW, survey.unit.division_id)
    note = (note or "").strip()[:500]
    if not qualified and not note:
        raise ReasonNeeded("note")
    target = SurveyStatus.VETTED if qualified else SurveyStatus.REFUSED
    old = survey.status
    transitions.move(survey, target, vetted_by=actor, vetted_at=timezone.now(), vet_note=note)
    audit(
        EventType.SUBSIDY_UNIT_VETTED,
        survey,
        actor=actor,
        role=role,
        division=survey.unit.division_id,
        old={"status": old},
        new={"status": target},
        reason=note,
        signer=actor,
    )
    return survey


def survey_of(scheme: Scheme, unit: Unit) -> Survey:
    survey = Survey.objects.filter(scheme=scheme, unit=unit).first()
    if survey is None:
        raise NotInScope()
    return survey
