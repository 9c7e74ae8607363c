"""The 受理回执: what the household takes home when its application is entered — the case
number, the receipt code to check the case with, what happens next and by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from yimen.workflow.calendar import local_date
from yimen.workflow.models import Task

from .errors import NoReceipt
from .limits import time_limit_for
from .models import Application


@dataclass(frozen=True)
class Receipt:
    number: str
    code: str
    head_name: str
    type_label: str
    channel_label: str
    division: str
    received_on: date
    phone: str  # masked: the receipt may be left lying about
    accept_due: date | None  # the township accepts (or lists what is missing) by this day
    calendar_days: int  # the decision, counted from acceptance: the township's promise
    statutory_working_days: int  # the legal hard line [TZ2022 §4(1)]
    decision_target: date | None  # known once accepted
    decision_limit: date | None
    next_steps: list[str]


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits."""
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:] if len(phone) > 7 else phone


def receipt_for(application: Application) -> Receipt:
    """The receipt of a submitted application (a draft has no case and no receipt yet)."""
    case = application.case
    if case is None:
        raise NoReceipt(_("A draft has no receipt: submit it to the township first."))
    received = local_date(case.opened_at)
    limit = time_limit_for(application.division_id, received)
    accept = Task.objects.filter(case_id=case.pk, step="accept").first()
    return Receipt(
        number=case.number,
        code=application.receipt_code,
        head_name=application.head_name,
        type_label=str(application.get_assistance_type_display()),
        channel_label=str(application.get_channel_display()),
        division=application.division.full_name or application.division.name,
        received_on=received,
        phone=mask_phone(application.phone),
        accept_due=local_date(accept.due_at) if accept and accept.due_at else None,
        calendar_days=limit.calendar_days,
        statutory_working_days=limit.statutory_working_days,
        decision_target=local_date(case.due_at) if case.due_at else None,
        decision_limit=local_date(case.limit_at) if case.limit_at else None,
        next_steps=[
            _(
                "The township checks the materials. It accepts the application, or gives "
                "you one notice that lists everything still missing."
            ),
            _(
                "After acceptance, the household's income and assets are verified with the "
                "partner departments and two staff visit the household."
            ),
            _("Where the facts are disputed, the village committee holds a democratic appraisal."),
            _(
                "The township decides and signs the decision. An approval is posted in the "
                "village for 7 days; a refusal is sent to you in writing with its reasons."
            ),
        ],
    )
