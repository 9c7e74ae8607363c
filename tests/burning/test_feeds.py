"""Parsing each feed: FIRMS VIIRS and MODIS columns, UTC → Beijing across midnight, the
provincial bulletin in degrees-minutes-seconds (CSV in GB 18030 and Excel), and every bad
row refused with its number."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from yimen.burning import feeds
from yimen.burning.feeds import MODIS_COLUMNS, VIIRS_COLUMNS, parse_dms, parse_rows
from yimen.burning.services.fires import read_table

VIIRS_ROW = "44.37012,125.07203,336.5,0.39,0.36,2026-10-20,1730,N20,VIIRS,h,2.0NRT,290.1,5.2,N"
MODIS_ROW = "44.37012,125.07203,318.2,1.0,1.0,2026-10-20,0245,T,MODIS,85,6.1NRT,289.3,11.4,D"


def csv_rows(*lines: str):
    return read_table("\n".join(lines).encode(), "fire.csv")


def test_viirs_row_utc_evening_is_the_next_beijing_day():
    parsed = parse_rows(csv_rows(",".join(VIIRS_COLUMNS), VIIRS_ROW))
    assert parsed.source == "viirs" and parsed.errors == []
    row = parsed.rows[0]
    assert row.acquired_at == datetime(2026, 10, 20, 17, 30, tzinfo=UTC)
    assert row.day == date(2026, 10, 21)  # 01:30 Beijing time
    assert (row.latitude, row.longitude) == (44.37012, 125.07203)
    assert row.confidence_level == "high" and row.satellite == "N20"
    assert row.brightness == 336.5 and row.brightness_2 == 290.1 and row.frp == 5.2


def test_modis_row_and_confidence_classes():
    parsed = parse_rows(csv_rows(",".join(MODIS_COLUMNS), MODIS_ROW))
    assert parsed.source == "modis"
    row = parsed.rows[0]
    assert row.day == date(2026, 10, 20) and row.acquired_at.hour == 2
    assert row.confidence == "85" and row.confidence_level == "high"
    low = parse_rows(csv_rows(",".join(MODIS_COLUMNS), MODIS_ROW.replace(",85,", ",12,")))
    assert low.rows[0].confidence_level == "low"


def test_acq_time_without_leading_zeros_is_minutes_after_midnight():
    assert feeds.utc_moment("2026-10-20", "5") == datetime(2026, 10, 20, 0, 5, tzinfo=UTC)
    assert feeds.utc_moment("2026-10-20", 2359).hour == 23


def test_extra_columns_are_ignored_and_the_column_order_does_not_matter():
    header = [*reversed(VIIRS_COLUMNS), "type"]
    values = [*reversed(VIIRS_ROW.split(",")), "0"]
    parsed = parse_rows([header, values])
    assert parsed.errors == [] and parsed.rows[0].latitude == 44.37012


def test_every_bad_row_is_refused_with_its_number():
    bad = [
        VIIRS_ROW,
        VIIRS_ROW.replace("44.37012", "94.1"),  # latitude out of range
        VIIRS_ROW.replace(",1730,", ",2460,"),  # not a time
        VIIRS_ROW.replace(",h,", ",q,"),  # confidence
        VIIRS_ROW.replace(",VIIRS,", ",MODIS,"),  # instrument
        "",  # a blank line is skipped, not refused
        VIIRS_ROW.replace("2026-10-20", "20/10/2026"),
    ]
    parsed = parse_rows(csv_rows(",".join(VIIRS_COLUMNS), *bad))
    assert [n for n, _ in parsed.errors] == [3, 4, 5, 6, 8]
    assert len(parsed.rows) == 1


def test_a_header_of_neither_feed_is_refused():
    with pytest.raises(feeds.FeedError):
        parse_rows([["lat", "lon", "when"], ["1", "2", "3"]])
    with pytest.raises(feeds.FeedError, match="frp"):
        parse_rows([[c for c in VIIRS_COLUMNS if c != "frp"]])


@pytest.mark.parametrize(
    ("text", "axis", "value"),
    [
        ("116°14'37.289\"E", "lon", 116 + 14 / 60 + 37.289 / 3600),
        ("43°50′12″N", "lat", 43 + 50 / 60 + 12 / 3600),
        ("E125°4'30\"", "lon", 125.075),
        ("125度04分30秒", "lon", 125.075),
        ("东经125°4'30\"", "lon", 125.075),
        ("44.5", "lat", 44.5),
        ("33°30'S", "lat", -33.5),
    ],
)
def test_degrees_minutes_seconds(text, axis, value):
    assert parse_dms(text, axis) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize(
    ("text", "axis"),
    [("116°61'0\"E", "lon"), ("43°50'12\"E", "lat"), ("195°0'0\"E", "lon"), ("abc", "lat")],
)
def test_bad_degrees_minutes_seconds(text, axis):
    with pytest.raises(ValueError):
        parse_dms(text, axis)


BULLETIN_HEADER = ["序号", "设区市", "县（市、区）", "乡镇", "中心经度", "中心纬度", "卫星过境日期"]
BULLETIN_ROW = [1, "长春市", "农安县", "伏龙泉镇", "125°4'19.3\"E", "44°22'12.4\"N", "2026-10-21"]


def test_bulletin_csv_in_gb18030():
    text = "\n".join(",".join(str(c) for c in r) for r in (BULLETIN_HEADER, BULLETIN_ROW))
    rows = read_table(text.encode("gb18030"), "通报.csv")
    parsed = parse_rows(rows)
    assert parsed.source == "bulletin" and parsed.errors == []
    row = parsed.rows[0]
    assert row.county == "农安县" and row.township == "伏龙泉镇" and row.city == "长春市"
    assert row.longitude == pytest.approx(125 + 4 / 60 + 19.3 / 3600)
    assert row.day == date(2026, 10, 21) and not row.time_known


def test_bulletin_excel_with_date_cells_and_bad_rows():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(BULLETIN_HEADER)
    sheet.append(
        [
            1,
            "长春市",
            "农安县",
            "伏龙泉镇",
            "125°4'19.3\"E",
            "44°22'12.4\"N",
            datetime(2026, 10, 21),
        ]
    )
    sheet.append([2, "长春市", "", "伏龙泉镇", "125°4'19.3\"E", "44°22'12.4\"N", "2026-10-21"])
    sheet.append(
        [3, "长春市", "农安县", "伏龙泉镇", "125°4'19.3\"N", "44°22'12.4\"N", "2026-10-21"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = parse_rows(read_table(buffer.getvalue(), "通报.xlsx"))
    assert [n for n, _ in parsed.errors] == [3, 4]
    assert parsed.rows[0].day == date(2026, 10, 21)


def test_the_key_is_the_same_for_the_same_detection():
    a = parse_rows(csv_rows(",".join(VIIRS_COLUMNS), VIIRS_ROW)).rows[0]
    b = parse_rows(csv_rows(",".join(VIIRS_COLUMNS), VIIRS_ROW.replace("336.5", "337"))).rows[0]
    c = parse_rows(csv_rows(",".join(VIIRS_COLUMNS), VIIRS_ROW.replace("1730", "1731"))).rows[0]
    assert a.key == b.key != c.key


# --- the column-by-column parser of large FIRMS files agrees with the row-by-row one -------


def _same(table) -> feeds.Parsed:
    from yimen.burning import feeds_fast

    fast = feeds_fast.parse(table)
    slow = parse_rows(table)
    assert fast is not None and slow.errors == []
    assert fast.source == slow.source and fast.rows == slow.rows
    assert [r.key for r in fast.rows] == [r.key for r in slow.rows]
    return fast


def test_the_fast_parser_gives_the_same_rows_for_clean_files():
    from yimen.burning import synthetic

    week = read_table(synthetic.firms_viirs_csv(synthetic.week_of_points(date(2026, 12, 7))), "w")
    assert len(_same(week).rows) == 35
    modis = [
        ",".join(MODIS_COLUMNS),
        MODIS_ROW,
        MODIS_ROW.replace(",85,", ",12,").replace("0245", "5"),
    ]
    _same(csv_rows(*modis))
    # any column order, extra columns, blank lines at the end, spaces around cells
    header = [*reversed(VIIRS_COLUMNS), "type"]
    values = [*(f" {c} " for c in reversed(VIIRS_ROW.split(","))), "0"]
    rows = _same([header, values, ["", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]])
    assert [r.row for r in rows.rows] == [2]


@pytest.mark.parametrize(
    "cell, value",
    [
        (0, "nan"),  # latitude not finite
        (0, "95"),  # out of range
        (0, ""),  # required
        (5, "2026-13-01"),  # no such day
        (5, "2026/10/20"),  # another date format: the row-by-row parser decides
        (6, "2460"),  # no such minute
        (8, "MODIS"),  # wrong instrument
        (9, "x"),  # confidence
        (13, "X"),  # day/night
        (7, ""),  # satellite
    ],
)
def test_any_doubt_leaves_the_file_to_the_row_by_row_parser(cell, value):
    from yimen.burning import feeds_fast

    cells = VIIRS_ROW.split(",")
    cells[cell] = value
    table = csv_rows(",".join(VIIRS_COLUMNS), VIIRS_ROW, ",".join(cells))
    assert feeds_fast.parse(table) is None
    slow = parse_rows(table)
    if value != "2026/10/20":
        assert [n for n, _m in slow.errors] == [3]
    # short rows and cells that are not text (a spreadsheet) take the same way
    assert feeds_fast.parse([VIIRS_COLUMNS, VIIRS_ROW.split(",")[:5]]) is None
    assert feeds_fast.parse([VIIRS_COLUMNS, [44.3, *VIIRS_ROW.split(",")[1:]]]) is None
