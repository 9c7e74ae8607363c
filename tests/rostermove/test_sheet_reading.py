"""A CSV read by Polars in one call gives the very sheet the csv module reads row by row:
the same rows, numbers, cells and headers — for clean sheets and for the awkward ones
(blank lines, short and long rows, quoted line breaks, stray quotes, bare CRs, odd spaces,
GB18030), where the fast reader hands over to the row-by-row one."""

from __future__ import annotations

import pytest

from yimen.import_limits import ImportTooLarge
from yimen.rostermove.errors import MissingColumns
from yimen.rostermove.kinds.roster_columns import FIELDS
from yimen.rostermove.sheet import _fast_csv_sheet, read_sheet, streamed_sheet

from .sheets import generate

HEADER = (
    "户主姓名,户主身份证号,成员姓名,身份证号,与户主关系,救助类别,城乡类别,"
    "月保障金额,享受起始年月,城乡类别2,乡镇（街道）,村（社区）\n"
)
ROW = (
    "王一,220102195001011234,王一,220102195001011234,户主,低保,城市,"
    "600,2020-01,,南岭街道,华阳社区\n"
)

AWKWARD = {
    "blank lines": HEADER + ROW + "\n\n" + ROW + ",,,,,,\n" + ROW,
    "short rows": HEADER + ROW + "王二,1,王二\n" + ROW,
    "quoted line break": HEADER + ROW + '王"三",2,"王\n三",3,户主\n' + ROW,
    "long row": HEADER + ROW + ROW.strip() + ",x,y,z\n",
    "stray quote": HEADER + 'a"b,1,"c"d,2\n' + ROW,
    "bare CR (refused)": (HEADER + ROW + ROW).replace("\n", "\r"),
    "CRLF": (HEADER + ROW + ROW).replace("\n", "\r\n"),
    "spaces": HEADER + " 王一\u3000, 220102195001011234 ,\x1c王\u00a0一\t,x , ,,,,,,,\n",
    "header only": HEADER,
}


def _read(reader, data: bytes):
    try:
        return reader(data, "a.csv", FIELDS, {})
    except Exception as exc:
        return type(exc)


def _same(data: bytes) -> None:
    fast, slow = _read(read_sheet, data), _read(streamed_sheet, data)
    if isinstance(slow, type):
        assert fast is slow  # refused alike
        return
    assert fast.rows == slow.rows
    assert fast.headers == slow.headers
    assert fast.frame.columns == slow.frame.columns
    assert fast.frame.to_dict(as_series=False) == slow.frame.to_dict(as_series=False)


@pytest.mark.parametrize("case", sorted(AWKWARD))
def test_awkward_csv_reads_as_the_csv_module_reads_it(case):
    _same(AWKWARD[case].encode("utf-8-sig"))


def test_gb18030_and_a_generated_roster_read_alike():
    _same((HEADER + ROW + ROW).encode("gb18030"))
    data = generate(300, lambda *a: "600.00").csv_bytes()
    assert _fast_csv_sheet(data, "a.csv", FIELDS, {}) is not None  # the fast path is taken
    _same(data)


def test_missing_columns_and_caps_refused_alike(settings):
    with pytest.raises(MissingColumns):
        read_sheet("姓名,x\n张三,1\n".encode(), "a.csv", FIELDS, {})
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_rows": 2}
    with pytest.raises(ImportTooLarge):
        read_sheet((HEADER + ROW * 3).encode(), "a.csv", FIELDS, {})
    read_sheet((HEADER + ROW * 2).encode(), "a.csv", FIELDS, {})
