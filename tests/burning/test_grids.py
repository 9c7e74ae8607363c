"""Grid boundaries: the GeoJSON upload checked as a whole (valid geometry, inside the parent
within the tolerance, overlaps between siblings reported), and points located in grids —
on a boundary, in a hole, outside every grid."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Polygon, box

from tests.burning.conftest import DONGZHENCHAI, NONGAN
from yimen.burning import geo, synthetic
from yimen.burning.errors import NotAllowed, RowsRefused
from yimen.burning.models import GridImport, Unit, UnitLevel
from yimen.burning.placement import locate
from yimen.burning.services.tree import grids_import
from yimen.regions.models import Division

pytestmark = pytest.mark.django_db


def feature(code, parent, ring, level="grid", name=None):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name or code, "parent": parent, "level": level},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def square(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]


def test_the_synthetic_county_is_imported_with_its_tree(burning_world):
    grids = Unit.objects.filter(level=UnitLevel.GRID)
    assert grids.count() == len(synthetic.grids())
    assert all(g.synthetic and g.county_code == "220122" for g in grids)
    grid = burning_world.grid
    assert grid.parent.code == DONGZHENCHAI and grid.division_id == DONGZHENCHAI
    assert grid.parent.parent.code == "220122101000"  # the township unit, made from its division
    assert grid.parent.parent.parent.code == NONGAN
    assert 2.0e6 < grid.area_m2 < 3.5e6  # about 1.6 km × 1.7 km
    assert GridImport.objects.get().synthetic


def test_bad_features_are_refused_by_number_and_nothing_is_imported(burning_world):
    county = Division.objects.get(pk=NONGAN)
    bowtie = [[125.06, 44.36], [125.07, 44.37], [125.07, 44.36], [125.06, 44.37], [125.06, 44.36]]
    data = collection(
        feature("G-OK", DONGZHENCHAI, square(125.051, 44.351, 125.06, 44.36)),
        feature("G-BOW", DONGZHENCHAI, bowtie),  # self-intersecting
        feature("G-OUT", DONGZHENCHAI, square(125.051, 44.351, 125.2, 44.36)),  # sticks out
        feature("G-NOPARENT", "220182101201", square(125.051, 44.351, 125.06, 44.36)),
        {
            "type": "Feature",
            "properties": {"code": "G-PT", "name": "p", "parent": DONGZHENCHAI},
            "geometry": {"type": "Point", "coordinates": [125.05, 44.35]},
        },
        feature("G-METRES", DONGZHENCHAI, square(500000, 4900000, 501000, 4901000)),
    )
    before = Unit.objects.count()
    with pytest.raises(RowsRefused) as refused:
        grids_import(county=county, data=data, filename="bad.geojson", actor=burning_world.county)
    numbers = [n for n, _ in refused.value.rows]
    assert numbers == [2, 3, 4, 5, 6]
    text = {n: message.render("en") for n, message in refused.value.rows}
    assert "invalid geometry" in text[2] and "Self-intersection" in text[2]
    assert "sticks out of its parent" in text[3]
    assert "neither a unit nor a division of this county" in text[4]
    assert "Point" in text[5]
    assert "WGS-84" in text[6]
    assert Unit.objects.count() == before and GridImport.objects.count() == 1


def test_a_grid_sticking_out_within_the_tolerance_is_accepted(burning_world):
    county = Division.objects.get(pk=NONGAN)
    x0, y0, _x1, _y1 = synthetic.village_bounds(0)
    # 0.0003° of longitude is about 24 m at 44°N: within the default 50 m
    data = collection(
        feature("G-EDGE", DONGZHENCHAI, square(x0 - 0.0003, y0, x0 + 0.005, y0 + 0.005))
    )
    result = grids_import(
        county=county, data=data, filename="edge.geojson", actor=burning_world.county
    )
    assert result.created == 1
    # …and it overlaps the synthetic grid it was drawn on: reported, not refused
    assert any("G-EDGE" in w and "overlaps" in w for _n, w in result.warnings)


def test_only_the_county_itself_imports_its_grids(burning_world):
    county = Division.objects.get(pk=NONGAN)
    for outsider in (burning_world.yushu, burning_world.township, burning_world.inspector):
        with pytest.raises(NotAllowed):
            grids_import(county=county, data=synthetic.geojson(), filename="x", actor=outsider)


def test_reimporting_replaces_boundaries_without_new_units(burning_world):
    county = Division.objects.get(pk=NONGAN)
    before = Unit.objects.count()
    result = grids_import(
        county=county,
        data=synthetic.geojson(),
        filename="again.geojson",
        actor=burning_world.county,
    )
    assert result.created == 0 and result.updated == len(synthetic.grids()) + len(
        synthetic.VILLAGES
    )
    assert Unit.objects.count() == before


# --- point in polygon ----------------------------------------------------------------------


def test_points_on_a_boundary_in_a_hole_and_outside_every_grid():
    left, right = box(125.0, 44.0, 125.1, 44.1), box(125.1, 44.0, 125.2, 44.1)
    pond = Polygon(
        [(125.2, 44.0), (125.3, 44.0), (125.3, 44.1), (125.2, 44.1)],
        [[(125.22, 44.02), (125.28, 44.02), (125.28, 44.08), (125.22, 44.08)]],
    )
    index = geo.GridIndex(["B", "A", "C"], [left, right, pond])
    spots = locate(
        index,
        [125.05, 125.1, 125.1, 125.25, 125.3048, 126.0, 125.2],
        [44.05, 44.05, 44.1, 44.05, 44.05, 44.05, 44.0],
        nearest_m=500,
        county_m=20000,
    )
    assert spots[0].grid == 0 and spots[0].how == "in_grid"
    # on the edge two grids share: the one whose code sorts first ("A"), every time
    assert spots[1].grid == 1 and spots[2].grid == 1
    # in the hole: not inside the holed grid; its edge is 2.4 km away, so the county's
    assert spots[3].how == "county" and spots[3].distance_m > 2000
    # 385 m east of the last grid: the nearest grid takes it
    assert spots[4].grid == 2 and spots[4].how == "nearest" and 300 < spots[4].distance_m < 450
    # far outside everything
    assert spots[5].how == "outside" and spots[5].grid == -1
    # the corner three polygons share goes to the smallest code as well
    assert spots[6].grid == 1 and spots[6].how == "in_grid"


def test_haversine_and_the_local_projection_agree():
    proj = geo.LocalMetres(125.1, 44.4)
    a, b = proj.points([125.1, 125.11], [44.4, 44.41])
    assert a.distance(b) == pytest.approx(geo.haversine_m(125.1, 44.4, 125.11, 44.41), rel=0.01)


def test_chinese_property_names_are_read():
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "编码": "G-1",
                        "名称": "一号网格",
                        "上级编码": DONGZHENCHAI,
                        "层级": "地块",
                        "户数": "12",
                    },
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [square(125.0, 44.0, 125.01, 44.01)],
                    },
                }
            ],
        }
    ).encode()
    features, errors = geo.parse_features(data)
    assert errors == []
    assert (features[0].code, features[0].level, features[0].parent, features[0].households) == (
        "G-1",
        UnitLevel.PLOT,
        DONGZHENCHAI,
        12,
    )


def test_a_refused_feature_reads_in_chinese_and_in_english(burning_world):
    """Each refusal of a feature is a translated message: the page in Chinese shows it in
    Chinese, the API's problem body carries both languages."""
    county = Division.objects.get(pk=NONGAN)
    data = collection(
        feature("G-OUT", DONGZHENCHAI, square(125.051, 44.351, 125.2, 44.36)),
        {"type": "Feature", "properties": {"code": "G-X", "parent": DONGZHENCHAI, "level": "x"}},
        feature("G-NOPARENT", "220182101201", square(125.051, 44.351, 125.06, 44.36)),
    )
    with pytest.raises(RowsRefused) as refused:
        grids_import(county=county, data=data, filename="bad.geojson", actor=burning_world.county)
    zh = {n: m.render("zh-hans") for n, m in refused.value.rows}
    en = {n: m.render("en") for n, m in refused.value.rows}
    assert "超出上级" in zh[1] and "容差" in zh[1] and "sticks out" not in zh[1]
    assert "sticks out of its parent" in en[1]
    assert zh[2] == "名称缺失或超过 100 个字符; 层级“x”不是村、网格或地块; 缺少几何图形"
    assert en[2] == (
        "name missing or longer than 100 characters; "
        "level “x” is not village, grid or plot; geometry missing"
    )
    assert "既不是本县" in zh[3]
    body = refused.value.as_problem()["rows"]
    assert [r["row"] for r in body] == [1, 2, 3]
    assert body[1]["detail_zh"] == zh[2] and body[1]["detail_en"] == en[2]
    _, file_errors = geo.parse_features(b'{"type": "Feature"}')
    assert file_errors[0][1].render("zh-hans") == "不是 GeoJSON FeatureCollection（要素集合）"
