"""Builders for medins tests: valid ID numbers and insured persons with contributions."""

from __future__ import annotations

from datetime import date

from stdnum.cn import ric

from yimen.medins.ledger import account_post
from yimen.medins.models import (
    ContributionMonth,
    EntryKind,
    InsuranceType,
    InsuredPerson,
    InsuredStatus,
)

CHANGCHUN = "220100000000"
HAIKOU = "460100000000"


def id_number(serial: int, *, birth: str = "19850315", area: str = "220102") -> str:
    """A valid 18-character number (check digit computed) distinct per ``serial``."""
    body = f"{area}{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def insured(
    serial: int,
    *,
    division: str = CHANGCHUN,
    status: str = InsuredStatus.STOPPED,
    insurance_type: str = InsuranceType.EMPLOYEE,
    balance_fen: int = 0,
    months: list[date] | None = None,
    name: str = "张三",
) -> InsuredPerson:
    person = InsuredPerson.objects.create(
        id_number=id_number(serial),
        name=name,
        insured_division_id=division,
        insurance_type=insurance_type,
        status=status,
    )
    for month in months or []:
        ContributionMonth.objects.create(
            person=person,
            month=month,
            employer_name="长春一汽",
            employer_code="91220101123456789X",
            division_id=division,
            amount_fen=45000,
        )
    if balance_fen:
        account_post(person, balance_fen, EntryKind.ADJUSTMENT, f"opening-{person.pk}")
    return person
