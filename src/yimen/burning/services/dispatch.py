"""The clock and the site: escalation of overdue cases up the 包保 chain, arrival,
verification with photos (position and time from EXIF, else from the phone; far from the
fire point → flagged), the township's return or signed closing."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yimen.accounts.roles import Action
from yimen.audit.events import EventType
from yimen.audit.services import EventDraft, record_events, subject_of

from .. import geo, transitions
from ..errors import AreaNeeded, BadPhoto, BadPosition, PhotoNeeded, ReasonNeeded
from ..models import (
    CaseStatus,
    Escalation,
    FireCase,
    Outcome,
    Photo,
    UnitLevel,
    Verification,
)
from ..models.fires import NEEDS_REASON, OPEN_STATUSES
from ..rules import escalation_target
from .common import answerable_people, audit, chain, require, settings_for

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}


# --- the clock -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRun:
    cases: int
    escalations: int


@transaction.atomic
def cases_escalate(*, now: datetime | None = None) -> ClockRun:
    """Put every overdue open case before the next levels of its 包保 chain: an
    Escalation row per level reached and an audit event, from which ``yimen notify`` tells
    the people answering there. Safe to rerun (a level is reached once); `yimen
    burning_clock` runs it."""
    now = now or timezone.now()
    overdue = FireCase.objects.filter(
        Q(arrived_at__isnull=True, arrive_due_at__lt=now)
        | Q(verified_at__isnull=True, verify_due_at__lt=now),
        status__in=OPEN_STATUSES,
    )
    # locked (the case rows only): a second clock run waits instead of escalating twice
    candidates = overdue.select_for_update(of=("self",)).select_related("unit").order_by("pk")
    drafts: list[EventDraft] = []
    made = touched = 0
    for case in candidates:
        links = chain(case.unit)
        levels = [u.level for u in links]
        county = levels.index(UnitLevel.COUNTY) if UnitLevel.COUNTY in levels else len(links) - 1
        rules = settings_for(case.division_id, timezone.localtime(now).date())
        target, reason = escalation_target(
            now=now,
            arrive_due_at=case.arrive_due_at,
            arrived_at=case.arrived_at,
            verify_due_at=case.verify_due_at,
            verified_at=case.verified_at,
            escalate_minutes=rules.escalate_minutes,
            county_level=county,
            top_level=len(links) - 1,
        )
        if target <= case.escalation_level:
            continue
        touched += 1
        day = timezone.localtime(case.first_detected_at).date()
        for level in range(case.escalation_level + 1, target + 1):
            unit = links[level]
            people = answerable_people(unit, day)
            Escalation.objects.create(
                case=case,
                level=level,
                unit=unit,
                people="、".join(p.get_full_name() or p.username for p in people)[:300],
                reason=reason,
                at=now,
            )
            made += 1
            drafts.append(
                EventDraft(
                    event_type=EventType.BURNING_ESCALATED,
                    subject_type=subject_of(case)[0],
                    subject_id=str(case.pk),
                    division_code=case.division_id,
                    old={"level": level - 1},
                    new={"level": level, "unit": unit.code, "reason": reason},
                    occurred_at=now,
                )
            )
        FireCase.objects.filter(pk=case.pk).update(escalation_level=target, escalated_at=now)
    record_events(drafts)
    return ClockRun(touched, made)


# --- on site -------------------------------------------------------------------------------


@transaction.atomic
def case_arrive(*, case: FireCase, actor, at: datetime | None = None) -> FireCase:
    """The field person is on site: the on-site clock stops."""
    role = require(actor, Action.BURNING_VERIFY, case.division_id)
    at = at or timezone.now()
    transitions.move(case, CaseStatus.ON_SITE, arrived_at=at)
    audit(
        EventType.BURNING_ARRIVED,
        case,
        actor=actor,
        role=role,
        division=case.division_id,
        new={"arrived_at": at, "minutes": case.response_minutes()},
    )
    return case


@dataclass
class PhotoIn:
    """An uploaded photo, with the phone's position when it was sent (if it gave one)."""

    name: str
    data: bytes
    device_lon: float | None = None
    device_lat: float | None = None


@dataclass(frozen=True)
class PhotoFacts:
    content_type: str
    lon: float | None
    lat: float | None
    taken_at: datetime | None


def _rational(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return float(value[0]) / float(value[1])


def _dms(values, ref: str) -> float | None:
    try:
        d, m, s = (_rational(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    sign = -1 if str(ref).upper() in ("S", "W") else 1
    return sign * (d + m / 60 + s / 3600)


def photo_facts(data: bytes, name: str) -> PhotoFacts:
    """What a photo says of itself: its type, and from its EXIF data the GPS position and
    the time it was taken (local time of the camera, taken as Beijing time)."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_PHOTO_BYTES:
        raise BadPhoto(name)
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            exif = image.getexif()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise BadPhoto(name) from None
    if kind not in PHOTO_TYPES:
        raise BadPhoto(name)
    lon = lat = None
    taken = None
    gps = exif.get_ifd(0x8825) if exif else {}
    if gps and 2 in gps and 4 in gps:
        lat = _dms(gps[2], gps.get(1, "N"))
        lon = _dms(gps[4], gps.get(3, "E"))
    stamp = exif.get_ifd(0x8769).get(0x9003) if exif else None  # DateTimeOriginal
    stamp = stamp or (exif.get(0x0132) if exif else None)  # DateTime
    if stamp:
        try:
            naive = datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            taken = timezone.make_aware(naive)
        except ValueError:
            taken = None
    return PhotoFacts(PHOTO_TYPES[kind], lon, lat, taken)


def _in_china(lon, lat) -> bool:
    return (
        lon is not None
        and lat is not None
        and geo.LON_RANGE[0] <= lon <= geo.LON_RANGE[1]
        and geo.LAT_RANGE[0] <= lat <= geo.LAT_RANGE[1]
    )


@transaction.atomic
def case_verify(
    *,
    case: FireCase,
    actor,
    outcome: str,
    photos: list[PhotoIn],
    reason: str = "",
    burnt_area_m2: float | None = None,
    responsible_party: str = "",
    handling: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Verification:
    """Record what was found on site, with at least one photo. A photo farther from the
    fire point than the setting (or with no position at all) is flagged, and so is the
    case. Arrival is recorded now if it was not before."""
    role = require(actor, Action.BURNING_VERIFY, case.division_id)
    now = now or timezone.now()
    outcome = Outcome(outcome)
    reason = reason.strip()
    if outcome in NEEDS_REASON and not reason:
        raise ReasonNeeded()
    if outcome == Outcome.STRAW_FIRE and (burnt_area_m2 is None or burnt_area_m2 < 0):
        raise AreaNeeded()
    if not photos:
        raise PhotoNeeded()
    facts = [photo_facts(p.data, p.name) for p in photos]
    for p in photos:
        if (p.device_lon is not None or p.device_lat is not None) and not _in_china(
            p.device_lon, p.device_lat
        ):
            raise BadPosition()
    limit = settings_for(case.division_id, timezone.localtime(now).date()).photo_metres
    fields = {"verified_at": now, "outcome": outcome, "burnt_area_m2": burnt_area_m2}
    if case.arrived_at is None:
        fields["arrived_at"] = now
    transitions.move(case, CaseStatus.VERIFIED, **fields)
    record = Verification.objects.create(
        case=case,
        verifier=actor,
        outcome=outcome,
        reason=reason[:500],
        burnt_area_m2=burnt_area_m2,
        responsible_party=responsible_party.strip()[:200],
        handling=handling.strip()[:500],
        note=note.strip()[:1000],
        created_at=now,
    )
    flagged_any = False
    for n, (upload, fact) in enumerate(zip(photos, facts, strict=True), start=1):
        lon, lat, position = fact.lon, fact.lat, Photo.Position.EXIF
        if not _in_china(lon, lat):
            lon, lat, position = upload.device_lon, upload.device_lat, Photo.Position.DEVICE
        if not _in_china(lon, lat):
            lon = lat = None
            position = Photo.Position.NONE
        distance = (
            geo.haversine_m(lon, lat, case.longitude, case.latitude)
            if lon is not None and lat is not None
            else None
        )
        flagged = distance is None or distance > limit
        flagged_any |= flagged
        photo = Photo(
            verification=record,
            content_type=fact.content_type,
            size=len(upload.data),
            latitude=lat,
            longitude=lon,
            position=position,
            taken_at=fact.taken_at or now,
            distance_m=distance,
            flagged=flagged,
        )
        extension = "jpg" if fact.content_type == "image/jpeg" else "png"
        photo.file.save(f"{record.pk}-{n}.{extension}", ContentFile(upload.data), save=False)
        photo.save()
    if flagged_any:
        FireCase.objects.filter(pk=case.pk).update(photo_flagged=True)
        case.photo_flagged = True
    audit(
        EventType.BURNING_VERIFIED,
        case,
        actor=actor,
        role=role,
        division=case.division_id,
        new={
            "outcome": outcome,
            "reason": reason,
            "burnt_area_m2": burnt_area_m2,
            "photos": len(photos),
            "flagged": flagged_any,
        },
    )
    return record


@transaction.atomic
def case_return(*, case: FireCase, actor, reason: str) -> FireCase:
    """The township sends a verification back for another look on site."""
    role = require(actor, Action.BURNING_CLOSE, case.division_id)
    reason = reason.strip()
    if not reason:
        raise ReasonNeeded()
    latest = case.verifications.order_by("-created_at", "-pk").first()
    transitions.move(case, CaseStatus.ON_SITE, verified_at=None, outcome="")
    if latest is not None:
        latest.returned_at = timezone.now()
        latest.return_reason = reason[:500]
        latest.save(update_fields=["returned_at", "return_reason"])
    audit(
        EventType.BURNING_RETURNED,
        case,
        actor=actor,
        role=role,
        division=case.division_id,
        reason=reason,
    )
    return case


@transaction.atomic
def case_close(*, case: FireCase, actor, note: str = "", now: datetime | None = None) -> FireCase:
    """The township signs the case closed ("谁审批、谁签字、谁负责": the signer is named)."""
    role = require(actor, Action.BURNING_CLOSE, case.division_id)
    now = now or timezone.now()
    transitions.move(
        case, CaseStatus.CLOSED, closed_at=now, closed_by=actor, close_note=note.strip()[:500]
    )
    audit(
        EventType.BURNING_CLOSED,
        case,
        actor=actor,
        role=role,
        division=case.division_id,
        signer=actor,
        new={"outcome": case.outcome, "note": case.close_note, "closed_at": now},
    )
    return case
