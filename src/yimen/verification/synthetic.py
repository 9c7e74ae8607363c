"""A seeded generator of people and partner files for every verification source.

Used by the demo, the tests and the benchmark: the same seed gives the same people and the
same files byte for byte. Names are drawn from common surnames and given-name characters,
ID numbers are valid (real Changchun county area codes, real birth dates, check digit by
python-stdnum) and people live in real Changchun villages and communities read from the
shipped division list. Values follow rough real shapes: deposits lognormal, vehicles mostly
electric bicycles, a few market-entity registrations, pensions for the old."""

from __future__ import annotations

import csv
import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from stdnum.cn import ric

from yimen.months import add_months, month_of
from yimen.people import age_on
from yimen.spreadsheets import csv_writer, xlsx_append

from .sources import AREA, DATE, MONEY, SOURCES, YEAR, Source

DIVISIONS_CSV = Path(__file__).resolve().parent.parent / "regions" / "data" / "divisions.csv"
FORMATS = ("csv", "parquet", "xlsx")

# The most common surnames (by the 2020 census order) and characters of given names.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾"
)
GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆志国建文东海峰成龙林博晨阳"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华玲桂兰红梅琳燕萍雪婷慧颖倩洁晶莉欣悦佳雨思月"
BANKS = (
    "中国工商银行",
    "中国农业银行",
    "中国银行",
    "中国建设银行",
    "中国邮政储蓄银行",
    "吉林银行",
    "长春农村商业银行",
    "交通银行",
)
BROKERS = ("东北证券", "中信证券", "国泰君安证券", "华泰证券", "招商证券")
TRADES = ("小吃部", "便利店", "五金店", "理发店", "农机维修部", "服装店", "种植专业合作社")
# Pools of divisions used when nothing is given: a few hundred villages and communities.
DIVISION_POOL_SIZE = 300


@dataclass(frozen=True)
class Person:
    """One synthetic resident: who they are and where their household is registered."""

    id_number: str
    name: str
    sex: str  # "M" or "F"
    birth_date: date
    division_code: str  # 12-digit village or community code
    hukou_type: str  # "urban" or "rural"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


@functools.cache
def changchun_villages(limit: int = DIVISION_POOL_SIZE) -> tuple[str, ...]:
    """Up to ``limit`` real village/community codes under 长春市 (2201), spread evenly."""
    codes: list[str] = []
    with DIVISIONS_CSV.open(encoding="utf-8") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(lines):
            code = row["code"]
            if code.startswith("2201") and not code.endswith("000"):
                codes.append(code)
    codes.sort()
    step = max(1, len(codes) // limit)
    return tuple(codes[::step][:limit])


def id_number_for(area: str, birth: date, serial: int) -> str:
    """A valid 18-digit number: area, birth date, 3-digit serial (odd: male), check digit."""
    body = f"{area}{birth:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # the argument includes a check slot


def people(
    n: int,
    seed: int,
    *,
    divisions: Sequence[str] | None = None,
    today: date | None = None,
) -> list[Person]:
    """``n`` distinct people in households of one to five, living in ``divisions``."""
    rng = random.Random(f"people:{seed}")
    today = today or date.today()
    pool = list(divisions) if divisions else list(changchun_villages())
    made: list[Person] = []
    seen: set[str] = set()
    while len(made) < n:
        division = rng.choice(pool)
        hukou = "urban" if division[9] == "0" and rng.random() < 0.7 else "rural"
        surname = rng.choice(SURNAMES)
        size = min(n - len(made), rng.choices((1, 2, 3, 4, 5), (15, 30, 30, 18, 7))[0])
        head_age = rng.randint(22, 88)
        for k in range(size):
            age = head_age if k == 0 else _member_age(rng, head_age, k)
            sex = rng.choice("MF")
            birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
            name = _name(rng, surname if k == 0 or k >= 2 else rng.choice(SURNAMES), sex)
            while True:
                serial = rng.randrange(0, 1000)
                if (serial % 2 == 1) != (sex == "M"):
                    serial = (serial + 1) % 1000
                number = id_number_for(division[:6], birth, serial)
                if number not in seen:
                    break
            seen.add(number)
            made.append(Person(number, name, sex, birth, division, hukou))
    return made


def _member_age(rng: random.Random, head_age: int, k: int) -> int:
    if k == 1:  # the spouse
        return max(18, min(95, head_age + rng.randint(-5, 5)))
    if head_age > 70 and rng.random() < 0.5:
        return rng.randint(30, head_age - 20)
    return max(0, min(head_age - 18, rng.randint(0, 30)))


def _name(rng: random.Random, surname: str, sex: str) -> str:
    pool = GIVEN_MALE if sex == "M" else GIVEN_FEMALE
    given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
    return surname + given


def _money(value: float) -> Decimal:
    return Decimal(str(round(max(0.0, value), 2))).quantize(Decimal("0.01"))


def _past_day(rng: random.Random, today: date, years: int) -> date:
    return today - timedelta(days=rng.randint(1, years * 365))


def _months_back(today: date, count: int) -> list[str]:
    """The ``count`` months before this one, oldest first (YYYY-MM)."""
    this_month = month_of(today)
    return [f"{add_months(this_month, -back):%Y-%m}" for back in range(count, 0, -1)]


def rows_for(
    source: str, persons: Sequence[Person], *, seed: int, today: date | None = None
) -> list[dict[str, Any]]:
    """The rows one partner agency would send about ``persons`` (typed values)."""
    if source not in SOURCES:
        raise KeyError(source)
    rng = random.Random(f"{source}:{seed}")
    today = today or date.today()
    adults = [p for p in persons if p.age_on(today) >= 18]
    rows: list[dict[str, Any]] = []
    if source == "household_register":
        for p in persons:
            rows.append(
                {
                    "id_number": p.id_number,
                    "name": p.name,
                    "division_code": p.division_code,
                    "hukou_type": p.hukou_type,
                }
            )
    elif source == "bank_deposits":
        for p in adults:
            for _ in range(rng.choices((0, 1, 2, 3), (10, 50, 30, 10))[0]):
                rows.append(
                    {
                        "id_number": p.id_number,
                        "bank": rng.choice(BANKS),
                        "account_masked": f"62{rng.randint(10, 99)}****{rng.randint(0, 9999):04d}",
                        "balance": _money(rng.lognormvariate(math.log(6000), 1.4)),
                    }
                )
    elif source == "securities":
        for p in adults:
            if rng.random() < 0.04:
                rows.append(
                    {
                        "id_number": p.id_number,
                        "institution": rng.choice(BROKERS),
                        "market_value": _money(rng.lognormvariate(math.log(20000), 1.2)),
                    }
                )
    elif source == "vehicles":
        kinds = ("ebike", "car", "motorcycle", "farm", "disabled_carriage")
        for p in adults:
            if rng.random() < 0.3:
                kind = rng.choices(kinds, (70, 15, 8, 5, 2))[0]
                plate = (
                    f"吉A{rng.choice('ABCDEFGHJK')}{rng.randint(0, 9999):04d}"
                    if kind == "car"
                    else f"长春{rng.randint(0, 999999):06d}"
                )
                rows.append(
                    {
                        "id_number": p.id_number,
                        "plate": plate,
                        "vehicle_kind": kind,
                        "registered_on": _past_day(rng, today, 12),
                    }
                )
    elif source == "real_estate":
        for p in adults:
            for _ in range(rng.choices((0, 1, 2), (45, 50, 5))[0]):
                rows.append(
                    {
                        "id_number": p.id_number,
                        "property_id": f"吉({today.year - rng.randint(0, 15)})长春市不动产权"
                        f"第{rng.randint(0, 9999999):07d}号",
                        "kind": "residential" if rng.random() < 0.92 else "non_residential",
                        "area_m2": _money(min(300.0, max(20.0, rng.gauss(80, 25)))),
                        "registered_on": _past_day(rng, today, 30),
                    }
                )
    elif source == "market_entities":
        for p in adults:
            if rng.random() < 0.05:
                rows.append(
                    {
                        "id_number": p.id_number,
                        "entity_name": f"长春市{p.name}{rng.choice(TRADES)}",
                        "credit_code": "92"
                        + p.division_code[:6]
                        + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(10)),
                        "registered_on": _past_day(rng, today, 15),
                        "status": rng.choices(("active", "cancelled", "revoked"), (80, 15, 5))[0],
                    }
                )
    elif source == "social_insurance":
        months = _months_back(today, 12)
        for p in adults:
            age = p.age_on(today)
            if age >= 60 and rng.random() < 0.6:
                kind, amount = "pension", _money(rng.gauss(2600, 600))
            elif age < 60 and rng.random() < 0.35:
                kind, amount = "contribution", _money(rng.gauss(700, 150))
            else:
                continue
            for month in months:
                rows.append(
                    {"id_number": p.id_number, "month": month, "kind": kind, "amount": amount}
                )
    elif source == "housing_fund":
        months = _months_back(today, 12)
        for p in adults:
            if p.age_on(today) < 60 and rng.random() < 0.12:
                amount = _money(rng.gauss(600, 200))
                for month in months:
                    rows.append({"id_number": p.id_number, "month": month, "amount": amount})
    elif source == "tax":
        for p in adults:
            if p.age_on(today) < 65 and rng.random() < 0.15:
                rows.append(
                    {
                        "id_number": p.id_number,
                        "year": today.year - 1,
                        "taxable_income": _money(rng.lognormvariate(math.log(60000), 0.6)),
                    }
                )
    return rows


def _as_text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_source(
    source: str,
    persons: Sequence[Person],
    path: Path | str,
    fmt: str = "csv",
    seed: int = 0,
    *,
    today: date | None = None,
) -> int:
    """Write one partner file for ``source`` about ``persons``; the number of rows written.

    The file has exactly the columns the source's adapter requires, in its order."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    adapter: Source = SOURCES[source]
    rows = rows_for(source, persons, seed=seed, today=today)
    names = adapter.column_names
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv_writer(handle, lineterminator="\n")
            writer.writerow(names)
            writer.writerows([_as_text(r[c]) for c in names] for r in rows)
    elif fmt == "parquet":
        columns = {c.name: [r[c.name] for r in rows] for c in adapter.columns}
        pl.DataFrame(columns, schema=adapter.schema).write_parquet(path)
    else:
        _write_xlsx(adapter, rows, path)
    return len(rows)


def _write_xlsx(adapter: Source, rows: list[dict[str, Any]], path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(adapter.code)
    xlsx_append(sheet, adapter.column_names)
    for r in rows:
        cells = []
        for c in adapter.columns:
            value = r[c.name]
            if c.kind in (MONEY, AREA):
                value = float(value)
            elif c.kind not in (DATE, YEAR):
                value = str(value)  # ID numbers and codes stay text, never numbers
            cells.append(value)
        xlsx_append(sheet, cells)
    # A fixed creation time keeps the workbook's own properties the same for a seed (the zip
    # entries still carry the time of writing, so .xlsx is equal in content, not in bytes).
    book.properties.created = book.properties.modified = datetime(2020, 1, 1)
    book.save(path)


def write_all(
    directory: Path | str,
    persons: Sequence[Person],
    *,
    fmt: str = "csv",
    seed: int = 0,
    today: date | None = None,
) -> dict[str, Path]:
    """One file per source in ``directory``; returns the path of each by source code."""
    directory = Path(directory)
    paths = {}
    for code in SOURCES:
        path = directory / f"{code}.{fmt}"
        write_source(code, persons, path, fmt, seed, today=today)
        paths[code] = path
    return paths
