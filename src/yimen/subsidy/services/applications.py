"""The application (申报书): a vetted unit, online or at the counter on its behalf, fills in
its items and submits before the deadline — an instant, compared in Beijing time. After it,
nothing is filed ("逾期未申报，视为自动放弃") and the drafts still open are closed by the
deadline job (audited). Each item is checked against the scheme's rules with a message on
the failing field; a machine's serial number or invoice is claimed once across every
scheme and year, and a pit once (the same unit, within the scheme's distance)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.audit.events import EventType
from yimen.workflow.calendar import local_date

from .. import transitions
from ..errors import ItemRefused, NotOpenYet, NotVetted, PastDeadline, WrongState
from ..models import (
    Application,
    Claim,
    ClaimKind,
    Item,
    ItemType,
    Photo,
    PhotoStage,
    Scheme,
    Status,
    Survey,
    SurveyStatus,
    Unit,
)
from ..rules import ItemFacts, SchemeRules, check_item, distance_m
from .common import audit, require_for_unit

#: statuses whose items count as claimed (a refused or lapsed claim frees its pit/serial)
CLAIMING = [Status.SUBMITTED, Status.INSPECTED, Status.APPROVED, Status.DISCLOSED, Status.PAID]


def scheme_rules(scheme: Scheme) -> SchemeRules:
    return SchemeRules(
        earliest_work_date=scheme.earliest_work_date,
        crop_year=scheme.crop_year,
        pit_materials=tuple(scheme.pit_materials),
        feed_methods=tuple(scheme.feed_methods),
    )


def check_window(scheme: Scheme, now: datetime) -> None:
    """Refuse before the window opens and after the deadline instant (inclusive of it)."""
    if now < scheme.opens_at:
        raise NotOpenYet()
    if now > scheme.deadline:
        raise PastDeadline()


def _require_draft(application: Application) -> None:
    if application.status != Status.DRAFT:
        raise WrongState(
            what=Application._meta.verbose_name,
            status=application.get_status_display(),
            target=Status.DRAFT.label,
        )


@transaction.atomic
def application_start(*, scheme: Scheme, unit: Unit, actor, now: datetime) -> Application:
    """Open the unit's draft 申报书 (one per scheme; an existing one is returned)."""
    role, channel = require_for_unit(actor, unit)
    check_window(scheme, now)
    survey = Survey.objects.filter(scheme=scheme, unit=unit).first()
    if survey is None or survey.status != SurveyStatus.VETTED:
        raise NotVetted()
    existing = Application.objects.filter(scheme=scheme, unit=unit).first()
    if existing is not None:
        return existing
    application = Application.objects.create(
        scheme=scheme,
        unit=unit,
        division_id=unit.division_id,
        number=f"tmp-{scheme.pk}-{unit.pk}",
        channel=channel,
        created_by=actor,
    )
    application.number = f"{scheme.code}-{application.pk:06d}"
    application.save(update_fields=["number"])
    audit(
        EventType.SUBSIDY_APPLICATION_SAVED,
        application,
        actor=actor,
        role=role,
        division=unit.division_id,
        new={"opened": application.number, "channel": channel},
    )
    return application


def _facts(item: Item) -> ItemFacts:
    return ItemFacts(
        item_type=item.item_type,
        latitude=item.latitude,
        longitude=item.longitude,
        material=item.material,
        length_m=item.length_m,
        width_m=item.width_m,
        depth_m=item.depth_m,
        started_on=item.started_on,
        crop_year=item.crop_year,
        method=item.method,
        quantity=item.quantity,
        quantity_unit=item.quantity_unit,
        model_name=item.model_name,
        serial_number=item.serial_number,
        invoice_number=item.invoice_number,
        invoice_date=item.invoice_date,
    )


def _norm(text: str) -> str:
    return "".join((text or "").split()).upper()


def duplicate_errors(item: Item, application: Application) -> dict[str, list[str]]:
    """The claims-once checks that need the database: a machine's serial or invoice already
    claimed by any application (any scheme, any year, this one's other items included), a
    pit of the same unit within the scheme's distance of one already claimed."""
    errors: dict[str, list[str]] = {}
    others = Item.objects.exclude(pk=item.pk)
    if item.item_type == ItemType.MACHINE:
        live = others.filter(application__status__in=CLAIMING) | others.filter(
            application=application
        )
        if item.serial_number and live.filter(serial_number=_norm(item.serial_number)).exists():
            errors["serial_number"] = [str(_("This machine's serial number is already claimed."))]
        if item.invoice_number and live.filter(invoice_number=_norm(item.invoice_number)).exists():
            errors["invoice_number"] = [str(_("This invoice is already claimed."))]
    elif (
        item.item_type == ItemType.PIT and item.latitude is not None and item.longitude is not None
    ):
        pits = (
            others.filter(item_type=ItemType.PIT, application__unit_id=application.unit_id)
            .filter(application__status__in=[*CLAIMING, Status.DRAFT])
            .exclude(latitude=None)
            .values_list("latitude", "longitude", "application__number")
        )
        limit = application.scheme.same_pit_metres
        for lat, lon, number in pits:
            if distance_m(item.latitude, item.longitude, lat, lon) <= limit:
                errors["latitude"] = [
                    str(_("A pit of this unit at the same place is already claimed (%(n)s)."))
                    % {"n": number}
                ]
                break
    return errors


@transaction.atomic
def item_add(*, application: Application, facts: ItemFacts, actor, now: datetime) -> Item:
    """Add an item to a draft: refused with every failed check on its field."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    role, _channel = require_for_unit(actor, application.unit)
    _require_draft(application)
    check_window(application.scheme, now)
    errors = check_item(facts, scheme_rules(application.scheme), today=local_date(now))
    values = asdict(facts)
    values["serial_number"] = _norm(facts.serial_number)
    values["invoice_number"] = _norm(facts.invoice_number)
    item = Item(application=application, **values)
    for name, messages in duplicate_errors(item, application).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ItemRefused(errors)
    item.save()
    audit(
        EventType.SUBSIDY_APPLICATION_SAVED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={"item_added": item.pk, "type": item.item_type},
    )
    return item


@transaction.atomic
def item_remove(*, item: Item, actor, now: datetime) -> None:
    application = Application.objects.select_for_update().get(pk=item.application_id)
    role, _channel = require_for_unit(actor, application.unit)
    _require_draft(application)
    check_window(application.scheme, now)
    audit(
        EventType.SUBSIDY_APPLICATION_SAVED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        old={"item": item.pk, "type": item.item_type},
        new={"item_removed": item.pk},
    )
    item.delete()


def _photo_distance(photo: Photo) -> None:
    item = photo.item
    if (
        item is not None
        and photo.latitude is not None
        and photo.longitude is not None
        and item.latitude is not None
        and item.longitude is not None
    ):
        metres = distance_m(photo.latitude, photo.longitude, item.latitude, item.longitude)
        photo.distance_m = round(metres)
        photo.far = metres > photo.application.scheme.photo_metres


@transaction.atomic
def photo_add(
    *,
    application: Application,
    actor,
    file,
    kind: str,
    item: Item | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    taken_at: datetime | None = None,
    stage: str = PhotoStage.APPLICATION,
) -> Photo:
    """A photo or invoice scan; at the inspection (by an inspector) or with the draft (by the
    unit or the counter). A photo far from the item's declared place is flagged."""
    from yimen.accounts.roles import Action

    from .common import require

    if stage == PhotoStage.INSPECTION:
        role = require(actor, Action.SUBSIDY_INSPECT, application.division_id)
        if application.status != Status.SUBMITTED:
            raise WrongState(
                what=Application._meta.verbose_name,
                status=application.get_status_display(),
                target=Status.INSPECTED.label,
            )
    else:
        role, _channel = require_for_unit(actor, application.unit)
        _require_draft(application)
    if item is not None and item.application_id != application.pk:
        item = None
    photo = Photo(
        application=application,
        item=item,
        stage=stage,
        kind=kind,
        file=file,
        latitude=latitude,
        longitude=longitude,
        taken_at=taken_at,
        uploaded_by=actor,
    )
    _photo_distance(photo)
    photo.save()
    audit(
        EventType.SUBSIDY_PHOTO_ADDED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={"photo": photo.pk, "stage": stage, "far": photo.far, "distance_m": photo.distance_m},
    )
    return photo


@transaction.atomic
def application_submit(*, application: Application, actor, now: datetime) -> Application:
    """Submit the 申报书: before the deadline instant, with at least one item, every item
    still passing its checks; the machines' serials and invoices are claimed here (a unique
    key: two units submitting the same invoice at once cannot both win)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    role, _channel = require_for_unit(actor, application.unit)
    check_window(application.scheme, now)
    _require_draft(application)
    items = list(application.items.all())
    if not items:
        raise ItemRefused({"items": [str(_("Add at least one item before submitting."))]})
    rules = scheme_rules(application.scheme)
    errors: dict[str, list[str]] = {}
    for item in items:
        for name, messages in {
            **check_item(_facts(item), rules, today=local_date(now)),
            **duplicate_errors(item, application),
        }.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ItemRefused(errors)
    claims = [
        Claim(kind=kind, key=key, item=item)
        for item in items
        if item.item_type == ItemType.MACHINE
        for kind, key in (
            (ClaimKind.SERIAL, item.serial_number),
            (ClaimKind.INVOICE, item.invoice_number),
        )
        if key
    ]
    try:
        with transaction.atomic():
            Claim.objects.bulk_create(claims)
    except IntegrityError:
        raise ItemRefused(
            {"serial_number": [str(_("A machine's serial number or invoice is already claimed."))]}
        ) from None
    transitions.move(application, Status.SUBMITTED, submitted_at=now)
    audit(
        EventType.SUBSIDY_APPLICATION_SUBMITTED,
        application,
        actor=actor,
        role=role,
        division=application.division_id,
        new={"items": len(items), "channel": application.channel},
    )
    return application


@transaction.atomic
def drafts_lapse(*, scheme: Scheme, now: datetime | None = None) -> int:
    """The deadline job: once the instant has passed, every draft still open is closed as
    given up, each with its audit event. Safe to rerun (nothing left to close)."""
    now = now or timezone.now()
    if now <= scheme.deadline:
        return 0
    moved = transitions.lapse_drafts(scheme.pk)
    for application in Application.objects.filter(pk__in=moved).only("pk", "division_id"):
        audit(
            EventType.SUBSIDY_DRAFT_LAPSED,
            application,
            actor=None,
            role="",
            division=application.division_id,
            old={"status": Status.DRAFT},
            new={"status": Status.LAPSED},
            reason=str(_("Not applied by the deadline: deemed to have given up.")),
        )
    return len(moved)
