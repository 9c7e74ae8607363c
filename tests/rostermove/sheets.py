"""A realistic old-system 花名册 for tests: N households, one row per person, in the
villages of 南关区, with amounts the rules give — and planted errors, each recorded as the
(row, column, problem) the dry run must report, nothing more."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric

HEADERS = [
    "户主姓名",
    "户主身份证号",
    "成员姓名",
    "身份证号",
    "与户主关系",
    "救助类别",
    "城乡类别",
    "保障人口",
    "月保障金额",
    "享受起始年月",
    "开户银行",
    "银行账号",
    "乡镇（街道）",
    "村（社区）",
    "区划代码",
    "家庭住址",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国明华丽芳军伟秀英志强玉兰淑珍德福海燕桂春"
VILLAGES = [("南岭街道", "华阳社区"), ("南岭街道", "恒安社区"), ("自强街道", "北安社区")]
RELATIONS = ["配偶", "子女", "父母", "孙子女"]


def make_id(serial: int, birth: str) -> str:
    body = f"220102{birth}{serial % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


@dataclass
class Household:
    rows: list[dict]
    kind: str
    hukou: str
    members: int


@dataclass
class PlantedSheet:
    households: list[Household]
    planted: set[tuple[int, str, str]] = field(default_factory=set)  # (row, column, code)
    blocked: set[int] = field(default_factory=set)  # household indexes kept out

    def rows(self) -> list[list[str]]:
        out = []
        for h in self.households:
            for r in h.rows:
                out.append([r.get(k, "") for k in HEADERS])
        return out

    def row_of(self, household: int, member: int = 0) -> int:
        n = 2 + sum(len(h.rows) for h in self.households[:household])
        return n + member

    def csv_bytes(self) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS)
        writer.writerows(self.rows())
        return buffer.getvalue().encode("utf-8-sig")

    def xlsx_bytes(self) -> bytes:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("花名册")
        sheet.append(HEADERS)
        for row in self.rows():
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def generate(n: int, amounts, *, seed: int = 22, serial_base: int = 0) -> PlantedSheet:
    """``n`` clean households; ``amounts(kind, hukou, birth dates)`` gives the rules' amount."""
    rng = random.Random(seed)
    households = []
    serial = serial_base
    used: set[str] = set()
    for i in range(n):
        kind = rng.choices(["低保", "特困", "低收入"], [80, 10, 10])[0]
        hukou = rng.choice(["城市", "农村"])
        size = 1 if kind == "特困" else rng.randint(1, 4)
        township, village = VILLAGES[i % len(VILLAGES)]
        people = []
        for m in range(size):
            serial += 1
            year = 1940 + serial % 60 if m == 0 else 1950 + (serial * 7) % 70
            birth = f"{year}{1 + serial % 12:02d}{1 + serial % 28:02d}"
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
            pid = make_id(serial, birth)
            while pid in used:
                serial += 1
                pid = make_id(serial, birth)
            used.add(pid)
            people.append((name, pid, date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))))
        head_name, head_id, _birth = people[0]
        amount = amounts(kind, hukou, [p[2] for p in people])
        rows = []
        for m, (name, pid, _b) in enumerate(people):
            row = {
                "户主姓名": head_name,
                "户主身份证号": head_id,
                "成员姓名": name,
                "身份证号": pid,
                "与户主关系": "户主" if m == 0 else rng.choice(RELATIONS),
            }
            if m == 0:
                row.update(
                    {
                        "救助类别": kind,
                        "城乡类别": hukou,
                        "保障人口": str(size),
                        "月保障金额": amount,
                        "享受起始年月": f"{2015 + i % 10}-{1 + i % 12:02d}",
                        "开户银行": "吉林农村信用社",
                        "银行账号": f"62{i:014d}",
                        "乡镇（街道）": township,
                        "村（社区）": village,
                        "家庭住址": f"{village}{i % 90 + 1}号",
                    }
                )
            rows.append(row)
        households.append(Household(rows=rows, kind=kind, hukou=hukou, members=size))
    return PlantedSheet(households=households)
