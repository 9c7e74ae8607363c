"""Synthetic data for the demo, the tests and the benchmark — labelled synthetic
everywhere it shows. Official grid polygons were NOT FOUND (docs/burning.md): these are
rectangles laid out on a lattice near the real 农安县 (Nong'an county, Changchun), one per
village, each cut into grids; one grid has a hole (a pond). The fire points are generated
in NASA FIRMS VIIRS 375 m CSV format, exactly as the area API returns them."""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .feeds import VIIRS_COLUMNS

COUNTY = "220122000000"  # 农安县
#: (village division code, village name) per township, in lattice order
VILLAGES = [
    ("220122101201", "东榛柴村"),
    ("220122101202", "兴隆村"),
    ("220122101203", "泉眼岭村"),
    ("220122101204", "西榛柴村"),
    ("220122102200", "哈拉海村"),
    ("220122102201", "头道沟村"),
]
ORIGIN = (125.05, 44.35)  # south-west corner of the lattice (lon, lat)
VILLAGE_SIZE = (0.04, 0.03)  # degrees (about 3.2 km × 3.3 km)
GRIDS_PER_SIDE = 2
SYNTHETIC_NOTE = "synthetic (示例) boundaries — official grid polygons not found"


def _ring(x0: float, y0: float, x1: float, y1: float) -> list[list[float]]:
    return [
        [round(x0, 6), round(y0, 6)],
        [round(x1, 6), round(y0, 6)],
        [round(x1, 6), round(y1, 6)],
        [round(x0, 6), round(y1, 6)],
        [round(x0, 6), round(y0, 6)],
    ]


@dataclass(frozen=True)
class SyntheticGrid:
    code: str
    name: str
    village: str
    bounds: tuple[float, float, float, float]
    hole: tuple[float, float, float, float] | None = None


def grids(villages=VILLAGES, per_side: int = GRIDS_PER_SIDE) -> list[SyntheticGrid]:
    """The grids of the synthetic layout: villages three to a row, each cut per_side²."""
    made = []
    width, height = VILLAGE_SIZE
    for v, (code, name) in enumerate(villages):
        vx = ORIGIN[0] + (v % 3) * width
        vy = ORIGIN[1] + (v // 3) * height
        n = 0
        for row in range(per_side):
            for col in range(per_side):
                n += 1
                x0 = vx + col * width / per_side
                y0 = vy + row * height / per_side
                bounds = (x0, y0, x0 + width / per_side, y0 + height / per_side)
                hole = None
                if v == 0 and n == 1:  # the first grid has a pond in its middle
                    dx, dy = width / per_side / 4, height / per_side / 4
                    hole = (x0 + dx, y0 + dy, x0 + 3 * dx, y0 + 3 * dy)
                made.append(
                    SyntheticGrid(f"{code}-G{n:02d}", f"{name}第{n}网格", code, bounds, hole)
                )
    return made


def village_bounds(index: int) -> tuple[float, float, float, float]:
    width, height = VILLAGE_SIZE
    x0 = ORIGIN[0] + (index % 3) * width
    y0 = ORIGIN[1] + (index // 3) * height
    return (x0, y0, x0 + width, y0 + height)


def geojson(villages=VILLAGES, per_side: int = GRIDS_PER_SIDE) -> bytes:
    """The county's upload: village boundaries, then their grids (parent = village code)."""
    features = []
    for i, (code, name) in enumerate(villages):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name": name,
                    "level": "village",
                    "parent": code[:9] + "000",
                    "synthetic": True,
                },
                "geometry": {"type": "Polygon", "coordinates": [_ring(*village_bounds(i))]},
            }
        )
    for grid in grids(villages, per_side):
        rings = [_ring(*grid.bounds)]
        if grid.hole:
            rings.append(_ring(*grid.hole)[::-1])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "code": grid.code,
                    "name": grid.name,
                    "parent": grid.village,
                    "households": 40,
                    "synthetic": True,
                },
                "geometry": {"type": "Polygon", "coordinates": rings},
            }
        )
    doc = {"type": "FeatureCollection", "name": SYNTHETIC_NOTE, "features": features}
    return json.dumps(doc, ensure_ascii=False).encode()


def firms_viirs_csv(points: list[tuple[float, float, datetime, str]]) -> bytes:
    """(lon, lat, UTC time, confidence l/n/h) → a FIRMS VIIRS 375 m CSV (NOAA-20, NRT)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VIIRS_COLUMNS)
    for lon, lat, at, confidence in points:
        at = at.astimezone(UTC)
        writer.writerow(
            [
                f"{lat:.5f}",
                f"{lon:.5f}",
                "335.12",
                "0.39",
                "0.36",
                at.strftime("%Y-%m-%d"),
                at.strftime("%H%M"),
                "N20",
                "VIIRS",
                confidence,
                "2.0NRT",
                "289.44",
                "4.87",
                "D" if 0 <= at.hour < 10 else "N",
            ]
        )
    return out.getvalue().encode()


def week_of_points(last_day: date, *, seed: int = 18, per_day: int = 4) -> list:
    """A week of detections ending ``last_day``, inside the synthetic grids (and one just
    outside every grid each day), at satellite overpass times (about 13:30 and 01:30 local,
    i.e. 05:30 and 17:30 UTC — the latter the previous UTC day)."""
    rng = random.Random(seed)
    layout = grids()
    points = []
    for offset in range(6, -1, -1):
        day = last_day - timedelta(days=offset)
        for n in range(per_day):
            grid = layout[rng.randrange(len(layout))]
            x0, y0, x1, y1 = grid.bounds
            lon = x0 + (x1 - x0) * rng.uniform(0.1, 0.9)
            lat = y0 + (y1 - y0) * rng.uniform(0.1, 0.9)
            if (
                grid.hole
                and grid.hole[0] < lon < grid.hole[2]
                and grid.hole[1] < lat < grid.hole[3]
            ):
                lon = x0 + (x1 - x0) * 0.05
            hour = 5 if n % 2 == 0 else 17
            moment = datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC)
            if hour == 17:
                moment -= timedelta(days=1)  # 01:30 Beijing of ``day``
            points.append((lon, lat, moment, rng.choice("nnh")))
        # one point 300 m east of the lattice: the nearest grid takes it
        lon = ORIGIN[0] + 3 * VILLAGE_SIZE[0] + 0.004
        points.append(
            (
                lon,
                ORIGIN[1] + 0.01 + offset * 0.001,
                datetime(day.year, day.month, day.day, 5, 40, tzinfo=UTC),
                "l",
            )
        )
    return points
