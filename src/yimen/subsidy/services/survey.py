"""The survey (调查摸底): the bureau registers candidate units by hand or from its survey
sheet (all or nothing: every bad row refused with its number), then vets them (严格把关);
only a vetted unit may apply. One unit, one record: the identity (an 18-digit ID number for
a household, the 统一社会信用代码 for a cooperative or firm) is checked and unique."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.errors import YimenError
from yimen.import_limits import xlsx_rows
from yimen.people import InvalidIdNumber, parse_id_number
from yimen.regions.models import Division

from .. import transitions
from ..errors import BadIdentity, ImportRefused, NotInScope, ReasonNeeded
from ..models import ApplicantType, IdKind, Scheme, Survey, SurveyStatus, Unit
from .common import audit, require

#: the survey sheet's columns, in order (the first row is the header)
IMPORT_COLUMNS = [
    "主体类型",
    "名称",
    "身份证号或统一社会信用代码",
    "所在村（区划代码）",
    "联系人",
    "联系电话",
    "开户行",
    "惠农补贴一卡通账号",
    "牛存栏",
    "羊存栏",
]
TYPE_BY_NAME = {
    "草食畜养殖场户": ApplicantType.FARM,
    "养殖场户": ApplicantType.FARM,
    "草食畜养殖合作社": ApplicantType.COOPERATIVE,
    "养殖合作社": ApplicantType.COOPERATIVE,
    "秸秆饲料加工企业": ApplicantType.PROCESSOR,
    "秸秆饲料加工合作社": ApplicantType.PROCESSOR,
    "秸秆饲料加工企业（合作社）": ApplicantType.PROCESSOR,
}


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
    if number < 0 or number > 10_000_000:
        raise ValueError(value)
    return number


def parse_rows(
    rows, *, scheme: Scheme, today: date
) -> tuple[list[UnitData], list[tuple[int, str]]]:
    """The data rows of a survey sheet (header first) as UnitData, and every bad row's number
    (as Excel numbers it) with the reason."""
    good: list[UnitData] = []
    bad: list[tuple[int, str]] = []
    seen: set[str] = set()
    codes = set(
        Division.objects.filter(code__startswith=scheme.division_id[:6]).values_list(
            "code", flat=True
        )
    )
    for n, row in enumerate(rows, start=1):
        if n == 1:
            continue
        cells = [("" if c is None else str(c).strip()) for c in row]
        cells += [""] * (len(IMPORT_COLUMNS) - len(cells))
        if not any(cells):
            continue
        try:
            kind = TYPE_BY_NAME.get(cells[0])
            if kind is None or kind not in scheme.applicant_types:
                raise YimenError(gettext_lazy("Unknown or not admitted applicant type."))
            if not cells[1]:
                raise YimenError(gettext_lazy("Give the unit's name."))
            id_kind, identity = check_identity(kind, cells[2], today=today)
            code = cells[3].ljust(12, "0")[:12]
            if code not in codes:
                raise YimenError(gettext_lazy("The village is not in the scheme's county."))
            if identity in seen:
                raise YimenError(gettext_lazy("The same identity appears twice in the sheet."))
            seen.add(identity)
            try:
                cattle, sheep = _int(cells[8]), _int(cells[9])
            except (TypeError, ValueError):
                raise YimenError(gettext_lazy("Head counts must be whole numbers.")) from None
            good.append(
                UnitData(
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
            )
        except YimenError as exc:
            bad.append((n, exc.render()))
    return good, bad


@transaction.atomic
def survey_import(*, scheme: Scheme, data: bytes, filename: str, actor, today: date) -> int:
    """Import the bureau's survey sheet (columns IMPORT_COLUMNS). All or nothing: any bad
    row refuses the whole file, listing every bad row's number."""
    role = require(actor, Action.SUBSIDY_SURVEY, scheme.division_id)
    good, bad = parse_rows(xlsx_rows(data, filename), scheme=scheme, today=today)
    if bad:
        raise ImportRefused(bad)
    known = {
        u.identity: u
        for u in Unit.objects.filter(identity__in=[g.identity for g in good]).only("pk", "identity")
    }
    divisions = {
        d.code: d for d in Division.objects.filter(code__in={g.division_code for g in good})
    }
    fresh = []
    for row in good:
        if row.identity in known:
            continue
        fresh.append(
            Unit(
                applicant_type=row.applicant_type,
                name=row.name,
                id_kind=row.id_kind,
                identity=row.identity,
                division=divisions[row.division_code],
                contact_name=row.contact_name,
                phone=row.phone,
                bank_name=row.bank_name,
                card_number=row.card_number,
            )
        )
    Unit.objects.bulk_create(fresh, batch_size=2000)
    ids = dict(
        Unit.objects.filter(identity__in=[g.identity for g in good]).values_list("identity", "pk")
    )
    surveyed = set(
        Survey.objects.filter(scheme=scheme, unit_id__in=list(ids.values())).values_list(
            "unit_id", flat=True
        )
    )
    Survey.objects.bulk_create(
        [
            Survey(
                scheme=scheme,
                unit_id=ids[g.identity],
                surveyed_by=actor,
                cattle=g.cattle,
                sheep=g.sheep,
            )
            for g in good
            if ids[g.identity] not in surveyed
        ],
        batch_size=2000,
    )
    audit(
        EventType.SUBSIDY_SURVEY_IMPORTED,
        scheme,
        actor=actor,
        role=role,
        division=scheme.division_id,
        new={"rows": len(good), "new_units": len(fresh), "file": filename[:100]},
    )
    return len(good)


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
