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
from datetime import datetime

import numpy as np

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
    grids, hows, distances = locate_columns(
        index, lons, lats, nearest_m=nearest_m, county_m=county_m
    )
    return [Spot(*spot) for spot in zip(grids, hows, distances, strict=True)]


def locate_columns(
    index: GridIndex,
    lons: Sequence[float],
    lats: Sequence[float],
    *,
    nearest_m: float,
    county_m: float,
) -> tuple[list[int], list[str], list[float | None]]:
    """``locate`` as three columns (grid position or -1, how, distance in metres or None),
    decided with array operations: a batch of 100,000 points builds no object per point."""
    found = index.locate(lons, lats, within_m=max(nearest_m, county_m))
    grid = found.index
    how = np.where(
        grid < 0,
        "outside",
        np.where(
            found.inside,
            "in_grid",
            np.where(found.distance_m <= nearest_m, "nearest", "county"),
        ),
    )
    distance: list[float | None] = np.where(found.inside, 0.0, found.distance_m).tolist()
    for i in np.flatnonzero(grid < 0).tolist():
        distance[i] = None
    return grid.tolist(), how.tolist(), distance


class OpenCase:
    """What joining needs to know of a case (an existing one or one opened in this batch);
    its window also as POSIX seconds, which compare faster than aware datetimes."""

    __slots__ = ("county", "first", "last", "lat", "lon", "permit", "ref", "t0", "t1")

    def __init__(self, ref, county, lon, lat, first: datetime, last: datetime, permit):
        self.ref = ref  # the FireCase's key, or a new one
        self.county = county
        self.lon = lon
        self.lat = lat
        self.first = first
        self.last = last
        self.permit = permit
        self.t0 = first.timestamp()
        self.t1 = last.timestamp()

    def widen(self, at: datetime, t: float) -> None:
        """A detection at ``at`` (``t`` in POSIX seconds) joined: the window covers it."""
        if t < self.t0:
            self.t0, self.first = t, at
        if t > self.t1:
            self.t1, self.last = t, at


class Joiner:
    """Finds the open case a detection joins: same county, same permit (or none), within
    ``metres`` of the case's first point and within ``hours`` of its detections."""

    def __init__(self, metres: float, hours: float):
        self.metres = float(metres)
        self.window_s = float(hours) * 3600.0
        self.cell = max(self.metres, 1.0) / M_PER_DEG_LAT  # degrees of latitude per cell
        # per county, cell number → cases; a cell number is row * _ROW + column, so the nine
        # cells around a point are found by adding offsets (no tuple built per look-up)
        self.buckets: dict[str, dict[int, list[OpenCase]]] = defaultdict(lambda: defaultdict(list))

    def _cell(self, lon: float, lat: float, scale: float) -> int:
        # longitude cells as wide as latitude cells in metres at this latitude
        return math.floor(lat / self.cell) * _ROW + math.floor(lon * scale / self.cell)

    @staticmethod
    def _scale(lat: float) -> float:
        return max(math.cos(math.radians(lat)), 0.01)

    def add(self, case: OpenCase) -> None:
        cell = self._cell(case.lon, case.lat, self._scale(case.lat))
        self.buckets[case.county][cell].append(case)

    def find(
        self,
        county: str,
        lon: float,
        lat: float,
        at: datetime,
        permit: int | None,
        t: float | None = None,
    ) -> OpenCase | None:
        """The nearest case the detection may join, or None (``t``: ``at`` in POSIX
        seconds, when the caller has it)."""
        cells = self.buckets.get(county)
        if not cells:
            return None
        scale = self._scale(lat)
        centre = self._cell(lon, lat, scale)
        # distances on the local equirectangular plane (under 0.1 % off the great circle at
        # a kilometre): a file of 100,000 points compares some 400,000 pairs
        x_scale = M_PER_DEG_LON_AT_EQUATOR * math.cos(math.radians(lat))
        limit = self.metres * self.metres
        if t is None:
            t = at.timestamp()
        earliest, latest = t + self.window_s, t - self.window_s
        best = None
        best_squared = limit
        for offset in _AROUND:
            bucket = cells.get(centre + offset)
            if bucket is None:
                continue
            for case in bucket:
                if case.permit != permit or earliest < case.t0 or latest > case.t1:
                    continue
                dx = (lon - case.lon) * x_scale
                dy = (lat - case.lat) * M_PER_DEG_LAT
                squared = dx * dx + dy * dy
                if squared < best_squared or (squared == best_squared and best is None):
                    best, best_squared = case, squared
        return best


_ROW = 1 << 32  # more columns than a row of cells can hold (a cell is at least a metre)
_AROUND = tuple(dr * _ROW + dc for dr in (-1, 0, 1) for dc in (-1, 0, 1))
