"""Where fire points go, and which open case they join (pure over plain data, so the same
code serves an import of one report and of 100,000 detections).

- ``locate``: each point into its grid (point in polygon, STRtree), else the nearest grid
  within a distance, else the county of the nearest grid within a larger distance, else
  outside our area (geo.GridIndex does the spatial work).
- ``Joiner``: a detection within a distance and time of an open case joins it instead of
  opening another; cases are bucketed on a coarse lattice so each detection compares only
  with the cases near it."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .geo import M_PER_DEG_LAT, M_PER_DEG_LON_AT_EQUATOR, GridIndex


@dataclass(frozen=True)
class Spot:
    """Where one point went: the grid's position in the index (or -1), how, how far."""

    grid: int
    how: str  # in_grid | nearest | county | outside
    distance_m: float | None


def locate(
    index: GridIndex,
    lons: Sequence[float],
    lats: Sequence[float],
    *,
    nearest_m: float,
    county_m: float,
) -> list[Spot]:
    """The placement of every point (see the module's docstring)."""
    found = index.locate(lons, lats, within_m=max(nearest_m, county_m))
    spots = []
    for i in range(len(found.index)):
        grid = int(found.index[i])
        if grid < 0:
            spots.append(Spot(-1, "outside", None))
        elif found.inside[i]:
            spots.append(Spot(grid, "in_grid", 0.0))
        else:
            distance = float(found.distance_m[i])
            spots.append(Spot(grid, "nearest" if distance <= nearest_m else "county", distance))
    return spots


@dataclass
class OpenCase:
    """What joining needs to know of a case (an existing one or one opened in this batch)."""

    ref: object  # the FireCase, or a new one
    county: str
    lon: float
    lat: float
    first: datetime
    last: datetime
    permit: int | None


class Joiner:
    """Finds the open case a detection joins: same county, same permit (or none), within
    ``metres`` of the case's first point and within ``hours`` of its detections."""

    def __init__(self, metres: float, hours: float):
        self.metres = float(metres)
        self.window = timedelta(hours=hours)
        self.cell = max(self.metres, 1.0) / M_PER_DEG_LAT  # degrees of latitude per cell
        # per county, cell number → cases; a cell number is row * _ROW + column, so the nine
        # cells around a point are found by adding offsets (no tuple built per look-up)
        self.buckets: dict[str, dict[int, list[OpenCase]]] = defaultdict(lambda: defaultdict(list))

    def _cell(self, lon: float, lat: float) -> int:
        # longitude cells as wide as latitude cells in metres at this latitude
        scale = max(math.cos(math.radians(lat)), 0.01)
        return math.floor(lat / self.cell) * _ROW + math.floor(lon * scale / self.cell)

    def add(self, case: OpenCase) -> None:
        self.buckets[case.county][self._cell(case.lon, case.lat)].append(case)

    def find(
        self, county: str, lon: float, lat: float, at: datetime, permit: int | None
    ) -> OpenCase | None:
        cells = self.buckets.get(county)
        if not cells:
            return None
        centre = self._cell(lon, lat)
        # distances on the local equirectangular plane (under 0.1 % off the great circle at
        # a kilometre): a file of 100,000 points compares some 400,000 pairs
        x_scale = M_PER_DEG_LON_AT_EQUATOR * math.cos(math.radians(lat))
        limit = self.metres * self.metres
        earliest, latest = at + self.window, at - self.window
        best: tuple[float, OpenCase] | None = None
        for offset in _AROUND:
            for case in cells.get(centre + offset, ()):
                if case.permit != permit or earliest < case.first or latest > case.last:
                    continue
                dx = (lon - case.lon) * x_scale
                dy = (lat - case.lat) * M_PER_DEG_LAT
                squared = dx * dx + dy * dy
                if squared <= limit and (best is None or squared < best[0]):
                    best = (squared, case)
        return best[1] if best else None


_ROW = 1 << 32  # more columns than a row of cells can hold (a cell is at least a metre)
_AROUND = tuple(dr * _ROW + dc for dr in (-1, 0, 1) for dc in (-1, 0, 1))
