"""Demo data: a few people insured in Changchun with contribution months and account balances,
so a Jilin node has someone to transfer out (stopped), and someone to refuse (still
contributing; retired). Idempotent: rerunning changes nothing."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from yimen.people import parse_id_number
from yimen.regions.models import Division

from .ledger import account_post
from .models import ContributionMonth, EntryKind, InsuredPerson

CHANGCHUN = "220100000000"

# (ID body without check digit, name, type, status, first month, last month, employer, code)
PEOPLE = [
    ("22010219850315001", "刘建国", "employee", "stopped", (2019, 1), (2026, 9),
     "长春市第一汽车配件有限公司", "91220101MA17XK3L2B"),
    ("22010419900708002", "陈晓梅", "employee", "stopped", (2023, 4), (2026, 6),
     "吉林省长春市光华软件有限公司", "91220101MA0Y5RCW8N"),
    ("22010319780112003", "赵志强", "employee", "contributing", (2012, 3), (2026, 10),
     "长春市城市建设集团", "91220101124002567H"),
    ("22010219600921004", "孙玉兰", "employee", "retired", (1995, 1), (2020, 9),
     "长春市纺织厂", "91220101123986241K"),
    ("22018219950503005", "王磊", "resident", "stopped", (2021, 1), (2026, 8), "", ""),
]  # fmt: skip

MONTHLY_ACCOUNT_FEN = {"employee": 21_600, "resident": 0}  # part credited to the account
MONTHLY_CONTRIBUTION_FEN = {"employee": 54_000, "resident": 3_200}


def _with_check_digit(body: str) -> str:
    from stdnum.cn import ric

    number = body + ric.calc_check_digit(body + "0")
    return parse_id_number(number).number


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[date]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def load() -> str:
    if not Division.objects.filter(code=CHANGCHUN).exists():
        return "skipped: divisions not loaded"
    made = 0
    with transaction.atomic():
        for body, name, kind, status, first, last, employer, code in PEOPLE:
            person, created = InsuredPerson.objects.get_or_create(
                id_number=_with_check_digit(body),
                defaults={
                    "name": name,
                    "insured_division_id": CHANGCHUN,
                    "insurance_type": kind,
                    "status": status,
                },
            )
            made += int(created)
            for month in _months(first, last)[-36:]:  # the last three years are enough
                ContributionMonth.objects.get_or_create(
                    person=person,
                    month=month,
                    division_id=CHANGCHUN,
                    defaults={
                        "employer_name": employer,
                        "employer_code": code,
                        "amount_fen": MONTHLY_CONTRIBUTION_FEN[kind],
                    },
                )
                if MONTHLY_ACCOUNT_FEN[kind]:
                    account_post(
                        person,
                        MONTHLY_ACCOUNT_FEN[kind],
                        EntryKind.CONTRIBUTION,
                        f"demo-{person.id_number}-{month:%Y%m}",
                        memo="个人账户划入",
                    )
    return f"{len(PEOPLE)} insured persons in Changchun ({made} new)"
