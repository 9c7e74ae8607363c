"""Geometry, pure (no database): grid polygons from GeoJSON checked as a whole, distances
in metres, and fire points located in their grid with an STRtree spatial index (shapely).

Coordinates are WGS-84 longitude/latitude in degrees, as FIRMS and GeoJSON give them, and
containment is decided in those coordinates — a GeoJSON polygon's edges are straight lines
in longitude/latitude. Distances (tolerances, the nearest unit, a photo's distance) are in
metres: on a local equirectangular projection around the data's mean latitude for areas,
buffers and nearest-neighbour queries (error under 1 % across a county, about 4 % at the
edges of a province-wide index), and by the haversine formula between two points."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.utils.translation import gettext_lazy as _
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import explain_validity

from .feeds import Explained, Several

EARTH_RADIUS_M = 6_371_008.8
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_AT_EQUATOR = 111_320.0
# China's extent (with a margin): a polygon outside it is in projected metres or swapped
LON_RANGE, LAT_RANGE = (70.0, 140.0), (15.0, 56.0)
#: overlaps smaller than this (m²) are rounding between neighbours, not worth reporting
OVERLAP_FLOOR_M2 = 1.0
UNIT_LEVELS = {"village": 5, "grid": 6, "plot": 7, "村": 5, "网格": 6, "屯": 6, "地块": 7}


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class LocalMetres:
    """An equirectangular projection to metres around (lon0, lat0)."""

    lon0: float
    lat0: float

    @classmethod
    def around(cls, geoms) -> LocalMetres:
        if not len(geoms):
            return cls(0.0, 0.0)
        bounds = shapely.bounds(np.asarray(geoms, dtype=object))
        return cls(
            float(np.nanmean((bounds[:, 0] + bounds[:, 2]) / 2)),
            float(np.nanmean((bounds[:, 1] + bounds[:, 3]) / 2)),
        )

    @property
    def scale(self) -> np.ndarray:
        return np.array(
            [M_PER_DEG_LON_AT_EQUATOR * math.cos(math.radians(self.lat0)), M_PER_DEG_LAT]
        )

    def geometry(self, geom):
        origin, scale = np.array([self.lon0, self.lat0]), self.scale
        return shapely.transform(geom, lambda xy: (xy - origin) * scale)

    def points(self, lons, lats) -> np.ndarray:
        scale = self.scale
        return shapely.points(
            (np.asarray(lons, dtype=float) - self.lon0) * scale[0],
            (np.asarray(lats, dtype=float) - self.lat0) * scale[1],
        )


# --- grid boundaries from GeoJSON ----------------------------------------------------------


@dataclass
class Feature:
    """One feature of an uploaded file: a unit (village, grid or plot) and its polygon."""

    number: int  # 1-based position in the file, as the county's GIS shows it
    code: str
    name: str
    level: int
    parent: str
    geometry: Polygon | MultiPolygon
    households: int | None = None
    properties: dict = field(default_factory=dict)


@dataclass
class GridCheck:
    """What checking a file found: the features, and refusals and warnings by number."""

    features: list[Feature]
    errors: list[tuple[int, Explained]]
    warnings: list[tuple[int, str]]


def _prop(props: dict, *names: str) -> str:
    for name in names:
        value = props.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def parse_features(data: bytes) -> tuple[list[Feature], list[tuple[int, Explained]]]:
    """A GeoJSON FeatureCollection → features, and every refused feature with its number.
    Properties: ``code``, ``name``, ``parent`` (the parent unit's code: a village's 12-digit
    division code, or another feature of the file), optional ``level`` (village, grid —
    the default —, plot) and ``households``; or their Chinese names 编码, 名称, 上级编码,
    层级 (村, 网格 or 屯, 地块) and 户数."""
    errors: list[tuple[int, Explained]] = []
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [], [(0, Explained(_("not GeoJSON: %(reason)s"), reason=str(exc)[:160]))]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [], [(0, Explained(_("not a GeoJSON FeatureCollection")))]
    raw = doc.get("features")
    if not isinstance(raw, list) or not raw:
        return [], [(0, Explained(_("the FeatureCollection has no features")))]
    features: list[Feature] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(raw, start=1):
        problems: list[Explained] = []
        props = (item or {}).get("properties") or {} if isinstance(item, dict) else {}
        if not isinstance(props, dict):
            props = {}
        code = _prop(props, "code", "编码", "网格编码")
        name = _prop(props, "name", "名称", "网格名称")
        parent = _prop(props, "parent", "上级编码", "上级")
        level_name = _prop(props, "level", "层级").lower() or "grid"
        if not code or len(code) > 40:
            problems.append(Explained(_("code missing or longer than 40 characters")))
        elif code in seen:
            problems.append(
                Explained(
                    _("code %(code)s repeats feature %(number)s"), code=code, number=seen[code]
                )
            )
        if not name or len(name) > 100:
            problems.append(Explained(_("name missing or longer than 100 characters")))
        if not parent:
            problems.append(Explained(_("parent code missing")))
        level = UNIT_LEVELS.get(level_name)
        if level is None:
            problems.append(
                Explained(
                    _("level “%(level)s” is not village, grid or plot"), level=level_name[:20]
                )
            )
        households = None
        raw_households = _prop(props, "households", "户数")
        if raw_households:
            if raw_households.isdigit() and len(raw_households) < 7:
                households = int(raw_households)
            else:
                problems.append(Explained(_("households is not a whole number")))
        geom, unreadable = None, False
        raw_geom = item.get("geometry") if isinstance(item, dict) else None
        try:
            geom = shape(raw_geom) if raw_geom else None
        except Exception as exc:  # shapely raises several kinds for malformed coordinates
            unreadable = True
            problems.append(Explained(_("geometry unreadable: %(reason)s"), reason=str(exc)[:100]))
        if geom is not None:
            problems += _geometry_problems(geom)
        elif not unreadable:
            problems.append(Explained(_("geometry missing")))
        if problems:
            errors.append((number, Several(problems)))
            continue
        seen[code] = number
        features.append(
            Feature(number, code, name, level or 6, parent, geom, households, props)  # type: ignore[arg-type]
        )
    return features, errors


def _geometry_problems(geom) -> list[Explained]:
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return [
            Explained(
                _("geometry is a %(kind)s, not a Polygon or MultiPolygon"), kind=geom.geom_type
            )
        ]
    if geom.is_empty:
        return [Explained(_("geometry is empty"))]
    problems = []
    minx, miny, maxx, maxy = geom.bounds
    if not (LON_RANGE[0] <= minx and maxx <= LON_RANGE[1]) or not (
        LAT_RANGE[0] <= miny and maxy <= LAT_RANGE[1]
    ):
        problems.append(Explained(_("coordinates are not WGS-84 longitude/latitude in China")))
    if not geom.is_valid:
        problems.append(
            Explained(_("invalid geometry: %(reason)s"), reason=explain_validity(geom)[:140])
        )
    return problems


def outside_by_m(child, parent, proj: LocalMetres) -> float:
    """How far (m) the child polygon's farthest vertex lies outside the parent polygon."""
    inner = proj.geometry(parent)
    coords = shapely.get_coordinates(proj.geometry(child))
    if not len(coords):
        return 0.0
    return float(shapely.distance(shapely.points(coords), inner).max())


def sibling_overlaps(
    geoms: Sequence, labels: Sequence[str], proj: LocalMetres
) -> list[tuple[int, int, float]]:
    """Pairs (i, j) of the given polygons that overlap by more than OVERLAP_FLOOR_M2, with
    the overlap in m² — through an STRtree, so not every pair is compared."""
    if len(geoms) < 2:
        return []
    projected = np.array([proj.geometry(g) for g in geoms], dtype=object)
    tree = shapely.STRtree(projected)
    left, right = tree.query(projected, predicate="intersects")
    found = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i < j:
            area = float(shapely.intersection(projected[i], projected[j]).area)
            if area > OVERLAP_FLOOR_M2:
                found.append((i, j, area))
    return found


def area_m2(geom, proj: LocalMetres | None = None) -> float:
    proj = proj or LocalMetres.around([geom])
    return float(proj.geometry(geom).area)


def shapes_from_text(texts: Sequence[str]) -> np.ndarray:
    """GeoJSON geometries given as JSON text → shapely geometries, in one vectorised call."""
    return shapely.from_geojson(np.asarray(list(texts), dtype=object))


def to_geojson(geom) -> dict:
    return json.loads(shapely.to_geojson(geom))


# --- fire points into grids ----------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """Where each point went: an index into the grids (or -1), how, and the distance."""

    index: np.ndarray  # int, -1 = none
    inside: np.ndarray  # bool: inside (or on the boundary of) the grid
    distance_m: np.ndarray  # 0 inside, the distance to the nearest grid otherwise, nan if none


class GridIndex:
    """The grids of an area in an STRtree, to locate many points at once.

    A point inside a grid (or on its boundary) goes to that grid; one on the boundary two
    grids share, to the one whose code sorts first (a fixed rule, so a re-import agrees);
    one in a hole of a grid is outside it. A point outside every grid goes to the nearest
    grid within ``within_m`` metres, measured on the local projection."""

    def __init__(self, codes: Sequence[str], geoms: Iterable):
        self.codes = list(codes)
        self.geoms = np.asarray(list(geoms), dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        # ties on a shared boundary go to the smallest code
        self.rank = np.argsort(np.argsort(np.asarray(self.codes, dtype=object)))
        self._projected: tuple[LocalMetres, shapely.STRtree] | None = None

    def __len__(self) -> int:
        return len(self.codes)

    def _metric(self) -> tuple[LocalMetres, shapely.STRtree]:
        if self._projected is None:
            proj = LocalMetres.around(self.geoms)
            self._projected = (proj, shapely.STRtree(proj.geometry(self.geoms)))
        return self._projected

    def locate(self, lons: Iterable[float], lats: Iterable[float], within_m: float) -> Located:
        lons = np.asarray(list(lons), dtype=float)
        lats = np.asarray(list(lats), dtype=float)
        n = len(lons)
        index = np.full(n, -1, dtype=np.int64)
        distance = np.full(n, np.nan)
        if n == 0 or len(self) == 0:
            return Located(index, np.zeros(n, dtype=bool), distance)
        pts = shapely.points(lons, lats)
        hit_point, hit_grid = self.tree.query(pts, predicate="intersects")
        if len(hit_point):
            # per point, the hit with the smallest rank: sort by (point, rank), keep firsts
            order = np.lexsort((self.rank[hit_grid], hit_point))
            hit_point, hit_grid = hit_point[order], hit_grid[order]
            first = np.ones(len(hit_point), dtype=bool)
            first[1:] = hit_point[1:] != hit_point[:-1]
            index[hit_point[first]] = hit_grid[first]
            distance[hit_point[first]] = 0.0
        inside = index >= 0
        missing = np.flatnonzero(~inside)
        if len(missing) and within_m > 0:
            proj, tree = self._metric()
            far = proj.points(lons[missing], lats[missing])
            (near_point, near_grid), dist = tree.query_nearest(
                far, max_distance=within_m, return_distance=True, all_matches=False
            )
            index[missing[near_point]] = near_grid
            distance[missing[near_point]] = dist
        return Located(index, inside, distance)
