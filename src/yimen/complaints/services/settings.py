"""Setting the dated clocks of complaints for a division (audited)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yimen.accounts.roles import Action
from yimen.accounts.scoping import acting_role
from yimen.audit.events import EventType
from yimen.audit.services import record_event
from yimen.regions.models import Division

from ..errors import NotAllowed, SettingInvalid
from ..models import ComplaintSetting

BOUNDS = {"answer_working_days": (1, 60), "reexam_request_days": (1, 365)}


@transaction.atomic
def complaint_setting_set(
    *,
    actor,
    division_code: str,
    valid_from: date | None,
    answer_working_days: int | None,
    reexam_request_days: int | None,
    source: str,
    example: bool,
) -> ComplaintSetting:
    """A county (or higher) administrator sets the clocks from a day on, for the division
    and everything below it; past days are not rewritten (a report keeps the day it got)."""
    division = Division.objects.filter(pk=division_code).first()
    role = acting_role(actor, Action.ACCOUNT_MANAGE, division_code) if division else None
    if not role:
        raise NotAllowed()
    errors: dict[str, list[str]] = {}
    values = {
        "answer_working_days": answer_working_days,
        "reexam_request_days": reexam_request_days,
    }
    for name, value in values.items():
        low, high = BOUNDS[name]
        if value is None or not (low <= value <= high):
            errors[name] = [str(_("Between %(low)d and %(high)d.") % {"low": low, "high": high})]
    if valid_from is None or valid_from < timezone.localdate():
        errors["valid_from"] = [str(_("From today or a later day."))]
    source = (source or "").strip()
    if not source or len(source) > 200:
        errors["source"] = [str(_("Name the document that sets it (at most 200 characters)."))]
    if errors or valid_from is None:
        raise SettingInvalid(errors)
    row, _created = ComplaintSetting.objects.update_or_create(
        division=division,
        valid_from=valid_from,
        defaults={**values, "source": source, "example": example},
    )
    record_event(
        event_type=EventType.COMPLAINT_SETTING_SET,
        subject=(ComplaintSetting._meta.label_lower, str(row.pk)),
        actor=actor,
        role=role,
        division_code=division_code,
        new={**values, "valid_from": valid_from, "source": source, "example": example},
    )
    return row
