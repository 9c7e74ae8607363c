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
