"""Registering candidates: one by one (the candidate or staff) or in bulk by the employer
from Excel, where every bad row is refused with its row number and nothing is imported."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.errors import YimenError
from yimen.import_limits import xlsx_rows
from yimen.people import parse_id_number
from yimen.regions.models import Division

from ..errors import BadUscc, IdNumberTaken, ImportRefused
from ..models import Candidate, Education, Employer
from ..photos import normalised_photo
from .common import audit, require

IMPORT_COLUMNS = [
    "身份证号",
    "姓名",
    "文化程度",
    "体检日期",
    "培训学时",
    "培训记录",
]
EDUCATION_BY_NAME = {
    "小学": "primary",
    "初中": "junior",
    "高中": "senior",
    "中专": "senior",
    "大专": "college",
    "本科": "college",
    "研究生": "college",
}


@dataclass(frozen=True)
class CandidateData:
    id_number: str
    name: str
    education: str
    health_checked_on: date | None
    training_hours: int
    training_record: str = ""


def check_uscc(value: str) -> str:
    """The 统一社会信用代码 with its check character verified (GB 32100)."""
    try:
        return uscc.validate(value)
    except Exception:  # stdnum raises several ValidationError subclasses
        raise BadUscc(value) from None


def employer_register(*, uscc_code: str, name: str, division: Division, contact, actor) -> Employer:
    """An employer, by its credit code (an existing one is returned, its name kept)."""
    role = require(actor, Action.EXAM_ADMINISTER, division.code)
    code = check_uscc(uscc_code)
    employer, created = Employer.objects.get_or_create(
        uscc=code, defaults={"name": name, "division": division, "contact": contact}
    )
    if created:
        audit(
            EventType.EXAM_CANDIDATE_REGISTERED,
            employer,
            actor=actor,
            role=role,
            division=division.code,
            new={"employer": code},
        )
    return employer


def _candidate(data: CandidateData, *, division: Division, employer, today: date) -> Candidate:
    info = parse_id_number(data.id_number, today=today)
    if data.education not in Education.values:
        raise YimenError(_("Unknown education level."), code="exams.bad_education")
    return Candidate(
        id_number=info.number,
        name=data.name.strip(),
        birth_date=info.birth_date,
        education=data.education,
        health_checked_on=data.health_checked_on,
        training_hours=data.training_hours,
        training_record=data.training_record,
        employer=employer,
        division=division,
    )


@transaction.atomic
def candidate_register(
    *, data: CandidateData, division: Division, actor, employer=None, user=None, today: date
) -> Candidate:
    """Register one candidate: by themself (``user`` is the actor) or by staff/employer.
    A known ID number updates the record's education, health and training — except by
    self-registration: typing someone else's ID number must not take over their record,
    results and certificates, so an account may update only the record linked to it."""
    if user is not None and actor == user:
        role = require(actor, Action.EXAM_SIT, division.code)
        number = parse_id_number(data.id_number, today=today).number
        known = Candidate.objects.filter(id_number=number).first()
        if known is not None and known.user_id != user.pk:
            raise IdNumberTaken()
    elif employer is not None and employer.contact_id == getattr(actor, "pk", None):
        role = require(actor, Action.EXAM_ENROL, employer.division_id)
    else:
        role = require(actor, Action.EXAM_ADMINISTER, division.code)
    fresh = _candidate(data, division=division, employer=employer, today=today)
    candidate, created = Candidate.objects.update_or_create(
        id_number=fresh.id_number,
        defaults={
            f: getattr(fresh, f)
            for f in (
                "name",
                "birth_date",
                "education",
                "health_checked_on",
                "training_hours",
                "training_record",
                "division",
                "employer",
            )
        },
    )
    if user is not None and candidate.user_id is None:
        candidate.user = user
        candidate.save(update_fields=["user"])
    audit(
        EventType.EXAM_CANDIDATE_REGISTERED,
        candidate,
        actor=actor,
        role=role,
        division=division.code,
        new={"created": created},
    )
    return candidate


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def parse_rows(rows, *, today: date) -> tuple[list[CandidateData], list[tuple[int, str]]]:
    """The data rows of a sheet (header first) as CandidateData, and every bad row's
    number (as Excel numbers it) with the reason."""
    good: list[CandidateData] = []
    bad: list[tuple[int, str]] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        if n == 1:
            continue
        cells = list(row) + [None] * (len(IMPORT_COLUMNS) - len(row))
        if all(c in (None, "") for c in cells):
            continue
        try:
            info = parse_id_number(str(cells[0] or ""), today=today)
            name = str(cells[1] or "").strip()
            if not name:
                raise YimenError(_("Name missing."))
            education = EDUCATION_BY_NAME.get(str(cells[2] or "").strip())
            if education is None:
                raise YimenError(_("Unknown education level."))
            try:
                checked = _date(cells[3])
                hours = int(cells[4] or 0)
            except (TypeError, ValueError):
                raise YimenError(_("Bad date or number.")) from None
            if info.number in seen:
                raise YimenError(_("ID number repeated in the file."))
            seen.add(info.number)
            good.append(
                CandidateData(
                    info.number, name, education, checked, hours, str(cells[5] or "")[:200]
                )
            )
        except YimenError as exc:
            bad.append((n, exc.render()))
    return good, bad


@transaction.atomic
def candidates_import(*, employer: Employer, data: bytes, filename: str, actor, today: date) -> int:
    """Import the employer's staff from an Excel sheet (columns IMPORT_COLUMNS). All or
    nothing: any bad row refuses the whole file, listing every bad row's number."""
    if employer.contact_id == getattr(actor, "pk", None):
        role = require(actor, Action.EXAM_ENROL, employer.division_id)
    else:
        role = require(actor, Action.EXAM_ADMINISTER, employer.division_id)
    good, bad = parse_rows(xlsx_rows(data, filename), today=today)
    if bad:
        raise ImportRefused(bad)
    for row in good:
        fresh = _candidate(row, division=employer.division, employer=employer, today=today)
        Candidate.objects.update_or_create(
            id_number=fresh.id_number,
            defaults={
                f: getattr(fresh, f)
                for f in (
                    "name",
                    "birth_date",
                    "education",
                    "health_checked_on",
                    "training_hours",
                    "training_record",
                    "division",
                    "employer",
                )
            },
        )
    audit(
        EventType.EXAM_CANDIDATES_IMPORTED,
        employer,
        actor=actor,
        role=role,
        division=employer.division_id,
        new={"rows": len(good), "file": filename[:100]},
    )
    return len(good)


@transaction.atomic
def candidate_photo_set(*, candidate: Candidate, data: bytes, actor) -> Candidate:
    """Store the candidate's photo (for the admission ticket): by the candidate, the
    employer's contact or the exam administrator of the area. The image is checked and
    re-encoded first (``photos.normalised_photo``): a bad file is refused with the reason
    and nothing is written; the previous photo is deleted after the commit."""
    if candidate.user_id is not None and candidate.user_id == getattr(actor, "pk", None):
        role = require(actor, Action.EXAM_SIT, candidate.division_id)
    elif candidate.employer is not None and candidate.employer.contact_id == getattr(
        actor, "pk", None
    ):
        role = require(actor, Action.EXAM_ENROL, candidate.employer.division_id)
    else:
        role = require(actor, Action.EXAM_ADMINISTER, candidate.division_id)
    jpeg = normalised_photo(data)
    locked = Candidate.objects.select_for_update().get(pk=candidate.pk)
    old = locked.photo.name
    locked.photo.save("photo.jpg", ContentFile(jpeg), save=False)
    Candidate.objects.filter(pk=locked.pk).update(photo=locked.photo.name)
    # the old file goes once the new name is committed (a rollback keeps the old photo;
    # the new file is then an orphan with a random name, harmless)
    new = locked.photo.name
    storage = locked.photo.storage
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    audit(
        EventType.EXAM_PHOTO_SET,
        locked,
        actor=actor,
        role=role,
        division=locked.division_id,
        old={"photo": bool(old)},
        new={"bytes": len(jpeg)},
    )
    candidate.photo.name = new
    return locked
