"""Demo and reference data: designated institutions around Changchun (and one in Haikou for
care away from home), catalog items of the two provinces, Changchun's policy set, and a few
insured persons for trying the interface. Idempotent; returns a one-line summary.

Institution codes follow the national shape (H + 6-digit division + 5 digits) but are made up
for the demo; they are not the hospitals' real national codes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from stdnum.cn import ric

from yimen.medins.ledger import account_post
from yimen.medins.models import EntryKind, InsuranceType, InsuredPerson, InsuredStatus
from yimen.regions.models import Division

from .models import CatalogItem, Institution, PolicySet
from .rules.changchun import CHANGCHUN, CHANGCHUN_2025, SOURCE, VALID_FROM

INSTITUTIONS = [
    # code, name, level, division, settles cross-province
    ("H22010200001", "吉林大学第一医院（演示）", "level3_provincial", "220102000000", True),
    ("H22010200002", "长春市中心医院（演示）", "level3_city", "220102000000", True),
    ("H22010300003", "长春市宽城区人民医院（演示）", "level2", "220103000000", True),
    ("H22018200004", "榆树市人民医院（演示）", "level2", "220182000000", False),
    ("H22010200005", "南岭街道社区卫生服务中心（演示）", "community", "220102000000", False),
    ("H46010000001", "海南省人民医院（演示）", "level3_provincial", "460100000000", True),
]

CATALOG = [
    # code, name, class, self-paid share, price cap (yuan)
    ("XJ01CAA001", "阿莫西林胶囊", "A", "0", None),
    ("XC10AAA005", "阿托伐他汀钙片", "B", "0.10", None),
    ("XJ01DDA063", "注射用头孢曲松钠", "B", "0.05", "12.00"),
    ("XK01ZZZ999", "进口营养补充剂", "C", "0", None),
    ("001101000010000", "普通病房床位费", "A", "0", "50.00"),
    ("002301000010000", "X线计算机体层（CT）平扫", "B", "0.10", "200.00"),
    ("001102000010000", "急诊观察费", "A", "0", None),
]
CATALOG_DIVISIONS = ("220000000000", "460000000000")
CATALOG_FROM = date(2024, 1, 1)

PERSONS = [
    # serial, name, insurance type, status, opening account balance (fen)
    (901, "刘建华", InsuranceType.EMPLOYEE, InsuredStatus.CONTRIBUTING, 200000),
    (902, "王淑芬", InsuranceType.EMPLOYEE, InsuredStatus.RETIRED, 350000),
    (903, "赵小燕", InsuranceType.RESIDENT, InsuredStatus.CONTRIBUTING, 0),
    (904, "王秀英", InsuranceType.RESIDENT, InsuredStatus.CONTRIBUTING, 0),  # the demo citizen
]
CITIZEN = ("citizen", 904)  # the demo's citizen login, verified as this insured person


def _id_number(serial: int) -> str:
    body = f"22010219700101{serial:03d}"[:17]
    return body + ric.calc_check_digit(body)


@transaction.atomic
def load_reference() -> tuple[int, int, int]:
    """Institutions, catalog and policy (needs the divisions to exist); safe to rerun."""
    present = set(Division.objects.values_list("code", flat=True))
    made = [0, 0, 0]
    for code, name, level, division, cross in INSTITUTIONS:
        if division in present:
            Institution.objects.update_or_create(
                code=code,
                defaults={"name": name, "level": level, "division_id": division,
                          "cross_province": cross},
            )  # fmt: skip
            made[0] += 1
    for division in CATALOG_DIVISIONS:
        if division not in present:
            continue
        for code, name, cls, prop, cap in CATALOG:
            CatalogItem.objects.update_or_create(
                division_id=division, code=code, valid_from=CATALOG_FROM,
                defaults={"name": name, "item_class": cls, "selfpay_prop": Decimal(prop),
                          "price_cap": Decimal(cap) if cap else None},
            )  # fmt: skip
            made[1] += 1
    if CHANGCHUN in present:
        PolicySet.objects.get_or_create(
            division_id=CHANGCHUN,
            valid_from=date.fromisoformat(VALID_FROM),
            defaults={"values": CHANGCHUN_2025, "source": SOURCE},
        )
        made[2] = 1
    return made[0], made[1], made[2]


def _link_demo_citizen() -> None:
    """Let the demo citizen file online, as if verified at the counter."""
    from django.contrib.auth import get_user_model

    from .models import PersonLink

    username, serial = CITIZEN
    user = get_user_model().objects.filter(username=username).first()
    person = InsuredPerson.objects.filter(id_number=_id_number(serial)).first()
    if user is not None and person is not None:
        PersonLink.objects.get_or_create(user=user, defaults={"person": person})


def load() -> str:
    """The demo loader named on the AppConfig."""
    institutions, items, policies = load_reference()
    persons = 0
    if Division.objects.filter(pk="220102001000").exists():
        for serial, name, kind, status, balance in PERSONS:
            person, created = InsuredPerson.objects.get_or_create(
                id_number=_id_number(serial),
                defaults={"name": name, "insured_division_id": "220102001000",
                          "insurance_type": kind, "status": status},
            )  # fmt: skip
            if created and balance:
                account_post(person, balance, EntryKind.ADJUSTMENT, f"demo-opening-{person.pk}")
            persons += 1
        _link_demo_citizen()
    return (
        f"settlement: {institutions} institutions, {items} catalog items, "
        f"{policies} policy set, {persons} insured persons"
    )
