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

from .geo import M_PER_DEG_LAT, GridIndex, haversine_m


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
        self.buckets: dict[tuple[str, int, int], list[OpenCase]] = defaultdict(list)

    def _key(self, county: str, lon: float, lat: float) -> tuple[str, int, int]:
        # longitude cells as wide as latitude cells in metres at this latitude
        scale = max(math.cos(math.radians(lat)), 0.01)
        return county, math.floor(lat / self.cell), math.floor(lon * scale / self.cell)

    def add(self, case: OpenCase) -> None:
        self.buckets[self._key(case.county, case.lon, case.lat)].append(case)

    def find(
        self, county: str, lon: float, lat: float, at: datetime, permit: int | None
    ) -> OpenCase | None:
        county_, row, col = self._key(county, lon, lat)
        best: tuple[float, OpenCase] | None = None
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for case in self.buckets.get((county_, row + dr, col + dc), ()):
                    if case.permit != permit:
                        continue
                    if at < case.first - self.window or at > case.last + self.window:
                        continue
                    distance = haversine_m(lon, lat, case.lon, case.lat)
                    if distance <= self.metres and (best is None or distance < best[0]):
                        best = (distance, case)
        return best[1] if best else None
