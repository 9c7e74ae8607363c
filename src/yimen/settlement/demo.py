"""Demo and reference data: designated institutions around Changchun (and one in Haikou for
care away from home), catalog items of the two provinces, Changchun's policy set, and a few
insured persons for trying the interface, and a month of hospital traffic replayed through the
national interface itself (``fsi.view.replay``: the same envelope parsing, handlers and fast
settlement as a hospital's calls), so the indicators page shows real figures. Idempotent;
returns a one-line summary.

Institution codes follow the national shape (H + 6-digit division + 5 digits) but are made up
for the demo; they are not the hospitals' real national codes.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.db import transaction
from django.utils import timezone
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

#: more Changchun insured persons for the month of traffic: serial, name, type, status, and
#: a long-stay filing to Hainan (resettled retirees wintering in Haikou) or none
TRAFFIC_PERSONS = [
    (911, "孙桂珍", InsuranceType.EMPLOYEE, InsuredStatus.RETIRED, "retiree"),
    (912, "周德明", InsuranceType.EMPLOYEE, InsuredStatus.RETIRED, "retiree"),
    (913, "吴玉兰", InsuranceType.EMPLOYEE, InsuredStatus.RETIRED, "retiree"),
    (914, "郑国强", InsuranceType.EMPLOYEE, InsuredStatus.RETIRED, "retiree"),
    (915, "冯淑华", InsuranceType.EMPLOYEE, InsuredStatus.RETIRED, "resident"),
    (916, "陈立新", InsuranceType.EMPLOYEE, InsuredStatus.CONTRIBUTING, "posted"),
    (917, "褚晓东", InsuranceType.EMPLOYEE, InsuredStatus.CONTRIBUTING, ""),
    (918, "卫红梅", InsuranceType.EMPLOYEE, InsuredStatus.CONTRIBUTING, ""),
    (919, "蒋志远", InsuranceType.EMPLOYEE, InsuredStatus.CONTRIBUTING, ""),
    (920, "沈丽娟", InsuranceType.RESIDENT, InsuredStatus.CONTRIBUTING, ""),
    (921, "韩春生", InsuranceType.RESIDENT, InsuredStatus.CONTRIBUTING, "resident"),
    (922, "杨秋菊", InsuranceType.RESIDENT, InsuredStatus.CONTRIBUTING, ""),
]
TRAFFIC_DAYS = 30  # the month before the day the demo is loaded
HAIKOU, CHANGCHUN_HOSPITALS = "H46010000001", ("H22010200001", "H22010200002", "H22010300003")
INSUTYPE = {InsuranceType.EMPLOYEE: "310", InsuranceType.RESIDENT: "390"}


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


class _Hospital:
    """One designated institution's system calling the interface during the replayed day."""

    def __init__(self, institution: Institution, msgids: count):
        self.institution, self.msgids, self.sign_no = institution, msgids, ""

    def call(self, infno: str, data: dict[str, Any], at: datetime, person=None) -> dict:
        from .fsi.view import replay

        stamp = timezone.localtime(at)
        envelope = {
            "infno": infno,
            "msgid": f"{self.institution.code}{stamp:%Y%m%d%H%M%S}{next(self.msgids):06d}",
            "mdtrtarea_admvs": self.institution.division_id[:6],
            "insuplc_admdvs": (person.insured_division_id if person else CHANGCHUN)[:6],
            "recer_sys_code": "YBXT", "infver": "V1.0", "opter_type": "1",
            "opter": "1099", "opter_name": "收费员（演示）",
            "inf_time": f"{stamp:%Y-%m-%d %H:%M:%S}",
            "fixmedins_code": self.institution.code,
            "fixmedins_name": self.institution.name,
            "sign_no": self.sign_no,
            "input": data,
        }  # fmt: skip
        answer = replay(envelope, at=at)
        if str(answer["infcode"]) != "0":  # the demo's own traffic must be accepted
            raise RuntimeError(f"demo {infno} refused: {answer['err_msg']}")
        return answer["output"]

    def sign_in(self, at: datetime) -> None:
        out = self.call("9001", {"signIn": {"opter_no": "1099", "mac": "", "ip": "127.0.0.1"}}, at)
        self.sign_no = out["signinoutb"]["sign_no"]

    def sign_out(self, at: datetime) -> None:
        self.call("9002", {"signOut": {"sign_no": self.sign_no, "opter_no": "1099"}}, at)
        self.sign_no = ""

    def _lines(self, mdtrt_id: str, psn: str, amount: Decimal, at: datetime) -> list[dict]:
        # a class-A drug and a class-B item, as a real bill mixes them
        first = (amount * Decimal("0.4")).quantize(Decimal("0.01"))
        parts = [("XJ01CAA001", first), ("XC10AAA005", amount - first)]
        return [
            {"feedetl_sn": str(n), "mdtrt_id": mdtrt_id, "psn_no": psn, "med_list_codg": code,
             "det_item_fee_sumamt": str(fee), "cnt": 1, "pric": str(fee),
             "fee_ocur_time": f"{timezone.localtime(at):%Y-%m-%d %H:%M:%S}"}
            for n, (code, fee) in enumerate(parts, start=1)
        ]  # fmt: skip

    def outpatient(self, person, amount: Decimal, at: datetime, emergency: bool) -> None:
        psn, insutype = str(person.pk), INSUTYPE[person.insurance_type]
        data = {"psn_no": psn, "insutype": insutype, "mdtrt_cert_type": "02",
                "mdtrt_cert_no": person.id_number,
                "med_type": "13" if emergency else "11"}  # fmt: skip
        mdtrt_id = self.call("2201", {"data": data}, at, person)["data"]["mdtrt_id"]
        lines = self._lines(mdtrt_id, psn, amount, at)
        self.call("2204", {"feedetail": lines}, at + timedelta(minutes=20), person)
        settle = {"psn_no": psn, "mdtrt_id": mdtrt_id, "medfee_sumamt": str(amount),
                  "insutype": insutype, "acct_used_flag": "0", "mdtrt_cert_type": "02"}  # fmt: skip
        self.call("2207", {"data": settle}, at + timedelta(minutes=30), person)

    def inpatient(self, person, amount: Decimal, at: datetime, days: int) -> None:
        psn, insutype = str(person.pk), INSUTYPE[person.insurance_type]
        admitted = at - timedelta(days=days)
        data = {"psn_no": psn, "insutype": insutype, "med_type": "21",
                "begntime": f"{timezone.localtime(admitted):%Y-%m-%d %H:%M:%S}"}  # fmt: skip
        mdtrt_id = self.call("2401", {"mdtrtinfo": data}, at, person)["result"]["mdtrt_id"]
        self.call("2301", {"feedetail": self._lines(mdtrt_id, psn, amount, at)}, at, person)
        discharge = {"mdtrt_id": mdtrt_id, "psn_no": psn, "insutype": insutype}
        self.call("2402", {"dscginfo": discharge}, at + timedelta(minutes=10), person)
        settle = {"psn_no": psn, "mdtrt_id": mdtrt_id, "medfee_sumamt": str(amount),
                  "insutype": insutype, "acct_used_flag": "0", "mdtrt_cert_type": "02"}  # fmt: skip
        self.call("2304", {"data": settle}, at + timedelta(minutes=20), person)


def _traffic_persons(first_day: date) -> list[tuple[InsuredPerson, str]]:
    """The traffic's insured persons, with their long-stay filings to Hainan filed at the
    counter (the filing service, as the medins agency's staff would) before the month."""
    from yimen.accounts.models import RoleBinding
    from yimen.accounts.roles import Role

    from .models import Filing
    from .services.filing import DOC_COMMITMENT, DOC_FORM, DOC_IDENTITY, filing_create

    binding = (
        RoleBinding.objects.filter(role=Role.MEDINS_AGENCY, division_id=CHANGCHUN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if binding is None:  # no medical-insurance agency staff to file at the counter
        return []
    staff = binding.user
    persons = []
    for serial, name, kind, status, category in TRAFFIC_PERSONS:
        person, _ = InsuredPerson.objects.get_or_create(
            id_number=_id_number(serial),
            defaults={"name": name, "insured_division_id": "220102001000",
                      "insurance_type": kind, "status": status},
        )  # fmt: skip
        if category and not Filing.objects.filter(person=person).exists():
            filing_create(
                staff, person=person, category=category, destination_code="460000",
                begin_date=first_day - timedelta(days=60), channel="counter",
                documents=[DOC_IDENTITY, DOC_FORM, DOC_COMMITMENT],
                phone=f"1360431{serial:04d}",  # a demo mobile number (texts go to a file)
            )  # fmt: skip
        persons.append((person, category))
    return persons


@transaction.atomic  # one commit for the month, not one per call: seconds, not a minute
def load_traffic(today: date | None = None) -> int:
    """Replay a month of hospital traffic (the TRAFFIC_DAYS days before ``today``) through
    the national interface: each day every hospital signs in, registers, bills and settles
    its patients, then signs out. Skipped when the traffic's persons already have
    settlements (safe to rerun). Returns the number of settlements made."""
    from .models import Settlement

    if not Division.objects.filter(pk="460100000000").exists():
        return 0
    institutions = {i.code: i for i in Institution.objects.filter(active=True)}
    if HAIKOU not in institutions or not PolicySet.objects.filter(division_id=CHANGCHUN).exists():
        return 0
    today = today or timezone.localdate()
    first_day = today - timedelta(days=TRAFFIC_DAYS)
    persons = _traffic_persons(first_day)
    if not persons or Settlement.objects.filter(person__in=[p for p, _ in persons]).exists():
        return 0
    rng = random.Random(20261207)  # the same month every time it is loaded
    msgids = count(1)
    haikou = _Hospital(institutions[HAIKOU], msgids)
    local = [_Hospital(institutions[c], msgids) for c in CHANGCHUN_HOSPITALS if c in institutions]
    filed = [p for p, category in persons if category]
    unfiled = [p for p, category in persons if not category]
    made = 0
    for offset in range(TRAFFIC_DAYS):
        day = first_day + timedelta(days=offset)

        def at(hour: int, minute: int = 0, day=day) -> datetime:
            return timezone.make_aware(datetime.combine(day, time(hour, minute)))

        haikou.sign_in(at(8))
        # Haikou: the wintering retirees' outpatient visits, now and then an admission,
        # and travellers without a filing who fall ill (emergency) or just seek care
        for n in range(rng.randint(1, 3)):
            person = rng.choice(filed)
            amount = Decimal(rng.randint(8000, 60000)) / 100
            haikou.outpatient(person, amount, at(9 + n, rng.randint(0, 50)), emergency=False)
            made += 1
        if offset % 3 == 0:
            person = rng.choice(filed)
            amount = Decimal(rng.randint(600000, 2500000)) / 100
            haikou.inpatient(person, amount, at(14, 10), days=rng.randint(5, 12))
            made += 1
        if offset % 4 == 1:
            person = rng.choice(unfiled)
            amount = Decimal(rng.randint(20000, 150000)) / 100
            haikou.outpatient(person, amount, at(15, 30), emergency=offset % 8 == 1)
            made += 1
        haikou.sign_out(at(17, 30))
        # Changchun: local care in the insured city itself, which the indicators leave out
        if local and offset % 2 == 0:
            hospital = rng.choice(local)
            hospital.sign_in(at(8))
            amount = Decimal(rng.randint(5000, 40000)) / 100
            hospital.outpatient(rng.choice(unfiled), amount, at(10, 20), emergency=False)
            hospital.sign_out(at(17, 30))
            made += 1
    return made


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
    settlements = load_traffic()
    return (
        f"settlement: {institutions} institutions, {items} catalog items, "
        f"{policies} policy set, {persons} insured persons, "
        f"{settlements} settlements replayed through the interface"
    )


def credential_lines() -> list[str]:
    """The hospital interface's demo credentials, printed by ``yimen load_demo`` with the
    accounts (``demo_credentials`` on the AppConfig): what ``make demo`` switches on, or how
    to switch it on when the loader runs outside ``make demo``."""
    from .fsi.auth import DEMO_CREDENTIALS, DEMO_HOSPITAL, configured

    name = next(row[1] for row in INSTITUTIONS if row[0] == DEMO_HOSPITAL)
    lines = [
        "定点医药机构接口 Hospital interface: POST /fsi/api/rsfComIfsService/callService",
        f"  {name} {DEMO_HOSPITAL}",
    ]
    if not any(entry in configured() for entry in DEMO_CREDENTIALS):
        lines.append(
            "  演示凭据未启用 demo credential off: YIMEN_DEBUG=1 YIMEN_FSI_DEMO_CREDENTIAL=1 "
            "(make demo sets both)"
        )
        return lines
    for entry in DEMO_CREDENTIALS:
        if entry["scheme"] == "bearer":
            lines.append(f"  Authorization: Bearer {entry['token']}")
        elif entry["scheme"] == "csb":
            lines.append(
                f"  SDK 网关签名 gateway signature (_api_*): access key {entry['access_key']}, "
                f"secret {entry['secret']} (granian; not the development server)"
            )
    return lines
