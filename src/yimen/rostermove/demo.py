"""Demo data of moving in (``demo_loader`` on the app config): the county supervisor of 南关区
(``supervisor``) has checked a small old-system 花名册 of twelve households — two of them
with problems (a wrong ID check digit, a person already on the roster), one with an amount
the rules would not give — and imported it; a second sheet is checked and waits for its
import. Rerunning changes nothing (the batches are found by their files' digests)."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

from django.utils import timezone
from stdnum.cn import ric

from yimen.accounts.models import User
from yimen.assistance.models import Member
from yimen.regions.models import Division

from .kinds.roster_amounts import rules_amount
from .models import ImportBatch
from .services import batch_check, batch_import

COUNTY = "220102000000"
HEADERS = [
    "户主姓名",
    "户主身份证号",
    "成员姓名",
    "身份证号",
    "与户主关系",
    "救助类别",
    "城乡类别",
    "月保障金额",
    "享受起始年月",
    "开户银行",
    "银行账号",
    "区划代码",
]
NAMES = [
    "刘淑珍",
    "高德福",
    "何玉兰",
    "罗志强",
    "郭桂春",
    "马秀英",
    "林海燕",
    "胡建国",
    "朱明华",
    "孙丽芳",
    "徐伟",
    "吴淑英",
    "周福海",
    "黄春兰",
]


def _id(birth: str, n: int) -> str:
    body = f"220102{birth}{n:03d}"
    return body + ric.calc_check_digit(body + "0")


def _sheet(first: int, count: int, villages: list[str], extra_rows=()) -> bytes:
    today = timezone.localdate()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for i in range(first, first + count):
        head = NAMES[i % len(NAMES)]
        head_id = _id(f"19{40 + i:02d}0{1 + i % 9}1{i % 9}", 700 + i)
        village = villages[i % len(villages)]
        kind = "特困" if i % 5 == 0 else "低保"
        people = [(head, head_id)]
        if kind == "低保":
            people.append(
                (NAMES[(i + 5) % len(NAMES)], _id(f"20{10 + i % 9:02d}0{1 + i % 9}15", 800 + i))
            )
        births = [date(int(p[6:10]), int(p[10:12]), int(p[12:14])) for _n, p in people]
        amount = rules_amount(
            "tekun" if kind == "特困" else "dibao", "urban", births, village, today
        )
        if i == 3:  # the old system paid this one more than the rules give: a notice
            amount = f"{float(amount or 0) + 20:.2f}"
        for m, (name, number) in enumerate(people):
            row = [head, head_id, name, number, "户主" if m == 0 else "子女"]
            if m == 0:
                row += [
                    kind,
                    "城市",
                    amount,
                    f"20{16 + i % 9}-0{1 + i % 9}",
                    "吉林银行",
                    f"6217{i:012d}",
                    village,
                ]
            writer.writerow(row)
    for row in extra_rows:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8-sig")


def load() -> str:
    supervisor = User.objects.filter(username="supervisor").first()
    villages = list(
        Division.objects.filter(code__startswith="220102", level=5)
        .order_by("code")
        .values_list("code", flat=True)[:3]
    )
    if supervisor is None or not villages:
        return "跳过 skipped: no county supervisor or villages"
    on_roster = (
        Member.objects.filter(application__beneficiary__isnull=False)
        .values_list("id_number", flat=True)
        .first()
    )
    bad_id = _id("19560312", 990)
    extra = [
        [
            "错号户",
            bad_id[:17] + ("1" if bad_id[17] != "1" else "2"),
            "错号户",
            bad_id[:17] + ("1" if bad_id[17] != "1" else "2"),
            "户主",
            "低保",
            "城市",
            "800",
            "2019-05",
            "",
            "",
            villages[0],
        ]
    ]
    if on_roster:
        head = _id("19620708", 991)
        extra += [
            [
                "赵重复",
                head,
                "赵重复",
                head,
                "户主",
                "低保",
                "城市",
                "900",
                "2020-03",
                "",
                "",
                villages[0],
            ],
            ["赵重复", head, "已在册", on_roster, "配偶"],
        ]
    sheets = [
        ("南关区低保特困花名册（旧系统导出）.csv", _sheet(0, 12, villages, extra), True),
        ("南关区花名册补充.csv", _sheet(12, 4, villages), False),
    ]
    made = []
    for name, data, do_import in sheets:
        digest = hashlib.sha256(data).hexdigest()
        if ImportBatch.objects.filter(sha256=digest).exists():
            continue
        batch = batch_check(
            actor=supervisor, kind="roster", division_code=COUNTY, data=data, file_name=name
        )
        if do_import:
            batch_import(actor=supervisor, batch=batch)
        made.append(batch.pk)
    if not made:
        return f"已有 already loaded: {ImportBatch.objects.count()} batches"
    return f"{len(made)} batches"
