"""The pure code functions, table-driven over every level and the awkward Hainan codes."""

import pytest

from yimen.regions.codes import (
    InvalidCode,
    Level,
    ancestor_codes,
    code_at_level,
    display_code,
    level_of,
    normalize_code,
    parent_code,
    prefix_of,
)

# code, level, prefix, ancestors (province first), display form
CASES = [
    ("220000000000", Level.PROVINCE, "22", [], "220000"),
    ("220100000000", Level.CITY, "2201", ["220000000000"], "220100"),
    ("220102000000", Level.COUNTY, "220102", ["220000000000", "220100000000"], "220102"),
    (
        "220102001000",
        Level.TOWNSHIP,
        "220102001",
        ["220000000000", "220100000000", "220102000000"],
        "220102001",
    ),
    (
        "220102001001",
        Level.VILLAGE,
        "220102001001",
        ["220000000000", "220100000000", "220102000000", "220102001000"],
        "220102001001",
    ),
    # Hainan: 五指山市 sits under the grouping 省直辖县级行政区划 (4690)
    ("469001000000", Level.COUNTY, "469001", ["460000000000", "469000000000"], "469001"),
    (
        "469001100000",
        Level.TOWNSHIP,
        "469001100",
        ["460000000000", "469000000000", "469001000000"],
        "469001100",
    ),
    # 儋州市 is a prefecture (4604) whose towns hang directly from it: no county segment
    ("460400100000", Level.TOWNSHIP, "460400100", ["460000000000", "460400000000"], "460400100"),
    (
        "460400100001",
        Level.VILLAGE,
        "460400100001",
        ["460000000000", "460400000000", "460400100000"],
        "460400100001",
    ),
]


@pytest.mark.parametrize(("code", "level", "prefix", "ancestors", "shown"), CASES)
def test_code_functions(code, level, prefix, ancestors, shown):
    assert level_of(code) == level
    assert prefix_of(code) == prefix
    assert ancestor_codes(code) == ancestors
    assert parent_code(code) == (ancestors[-1] if ancestors else None)
    assert display_code(code) == shown
    assert normalize_code(prefix) == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("22", "220000000000"),
        ("2201", "220100000000"),
        ("220102", "220102000000"),
        ("220102001", "220102001000"),
        ("220102001001", "220102001001"),
        ("469001", "469001000000"),
        (" 460100 ", "460100000000"),
    ],
)
def test_normalize_code_accepts_every_written_form(raw, expected):
    assert normalize_code(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "2",
        "220",
        "22010",
        "2201020",
        "2201020010",
        "22010200100",
        "2201020010010",
        "00",
        "000000",
        "2201a2",
        "２２０１０２",
        "22-01",
        "220102 001",
    ],
)
def test_normalize_code_refuses_what_is_not_a_code(raw):
    with pytest.raises(InvalidCode):
        normalize_code(raw)


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (Level.PROVINCE, "220000000000"),
        (Level.CITY, "220100000000"),
        (Level.COUNTY, "220182000000"),
        (Level.TOWNSHIP, "220182100000"),
        (Level.VILLAGE, "220182100201"),
    ],
)
def test_code_at_level(level, expected):
    assert code_at_level("220182100201", level) == expected
