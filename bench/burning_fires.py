"""Benchmark: straw-burning fire points (issue 18).

1. Assignment, in memory: POINTS detections into GRIDS grid polygons (a lattice of
   synthetic squares over central Jilin, some points outside every grid). Side by side:
   the reference — shapely's STRtree built and queried with ``predicate="intersects"`` —
   and ours, ``placement.locate`` over ``geo.GridIndex`` (the same STRtree, plus the
   tie-break on shared boundaries and the nearest-grid fallback in metres); also the cost
   of reading the polygons from their GeoJSON, as an import does from the database.
2. With a database (``--db``): a county of COUNTY_GRIDS grids and a week of detections
   (one FIRMS file of IMPORT_ROWS rows); the map's data for one county and one day
   (``mapdata.map_payload``, median of 20); and the issue's target, one FIRMS file of
   BIG_ROWS rows (100,000) imported end to end into another county of BIG_GRIDS grid
   polygons (50,000) — ``fires_import``: parse, check the keys, place (STRtree), join to
   the open cases, open and route cases, write detections, cases and audit events.

    .venv/bin/python bench/burning_fires.py
    .venv/bin/python bench/burning_fires.py --db --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --points 100000 --grids 50000 --county-grids 1782 --import-rows 10000
             --big-rows 100000 --big-grids 50000
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from common import configured_database


def lattice(n: int, *, lon0=124.0, lat0=43.2, size=0.01):
    """n squares of ``size`` degrees, row by row, as (code, geometry) pairs."""
    from shapely.geometry import box

    per_row = int(math.sqrt(n * 1.3))
    return [
        (
            f"G{i:06d}",
            box(
                lon0 + (i % per_row) * size,
                lat0 + (i // per_row) * size * 0.8,
                lon0 + (i % per_row + 1) * size,
                lat0 + (i // per_row + 1) * size * 0.8,
            ),
        )
        for i in range(n)
    ]


def assignment(points: int, grids: int) -> None:
    import numpy as np
    import shapely
    from shapely.geometry import mapping

    from yimen.burning.geo import GridIndex, shapes_from_text
    from yimen.burning.placement import locate

    cells = lattice(grids)
    codes = [c for c, _ in cells]
    geoms = [g for _, g in cells]
    minx = min(g.bounds[0] for g in geoms)
    maxx = max(g.bounds[2] for g in geoms)
    miny = min(g.bounds[1] for g in geoms)
    maxy = max(g.bounds[3] for g in geoms)
    rng = random.Random(18)
    # 95 % inside the lattice, 5 % in a 5 km band around it
    pad = 0.06
    lons = [
        rng.uniform(minx - pad, maxx + pad) if i % 20 == 0 else rng.uniform(minx, maxx)
        for i in range(points)
    ]
    lats = [
        rng.uniform(miny - pad, maxy + pad) if i % 20 == 0 else rng.uniform(miny, maxy)
        for i in range(points)
    ]

    texts = [json.dumps(mapping(g)) for g in geoms]
    t = time.perf_counter()
    parsed = shapes_from_text(texts)  # as the import reads the boundaries' JSON text
    parse_s = time.perf_counter() - t

    t = time.perf_counter()
    tree = shapely.STRtree(np.asarray(parsed, dtype=object))
    hit_point, _hit_grid = tree.query(shapely.points(lons, lats), predicate="intersects")
    reference_s = time.perf_counter() - t

    t = time.perf_counter()
    index = GridIndex(codes, parsed)
    spots = locate(index, lons, lats, nearest_m=500, county_m=20_000)
    ours_s = time.perf_counter() - t
    inside = sum(s.how == "in_grid" for s in spots)
    print(
        f"assignment: {points:,} points × {grids:,} polygons — reference STRtree query "
        f"{reference_s:.2f} s ({len(set(hit_point.tolist())):,} points hit); "
        f"ours (index, tie-break, nearest fallback) {ours_s:.2f} s ({inside:,} inside, "
        f"{sum(s.how == 'nearest' for s in spots):,} nearest, "
        f"{sum(s.how == 'county' for s in spots):,} county, "
        f"{sum(s.how == 'outside' for s in spots):,} outside); "
        f"boundaries JSON text → shapely (vectorised) {parse_s:.2f} s",
        flush=True,
    )


def _county_grids(code: str, village_code: str, cells) -> None:
    """A county's lattice of synthetic grids under one village (bulk, no import checks)."""
    from yimen.burning.models import Unit, UnitLevel
    from yimen.burning.services.common import unit_for_division
    from yimen.regions.models import Division

    village = unit_for_division(Division.objects.get(pk=village_code))
    Unit.objects.bulk_create(
        [
            Unit(
                code=f"B{code[:6]}-{cell}",
                name=f"网格{cell}",
                level=UnitLevel.GRID,
                parent=village,
                division_id=village_code,
                county_code=code[:6],
                geometry={
                    "type": "Polygon",
                    "coordinates": [[list(c) for c in geom.exterior.coords]],
                },
                min_lon=geom.bounds[0],
                min_lat=geom.bounds[1],
                max_lon=geom.bounds[2],
                max_lat=geom.bounds[3],
                synthetic=True,
            )
            for cell, geom in cells
        ],
        batch_size=2000,
    )


def _firms_file(cells, rows: int, day: date, seed: int) -> bytes:
    """A FIRMS VIIRS file of ``rows`` points uniformly over the lattice, over 8 days."""
    from yimen.burning import synthetic

    minx = min(g.bounds[0] for _, g in cells)
    maxx = max(g.bounds[2] for _, g in cells)
    miny = min(g.bounds[1] for _, g in cells)
    maxy = max(g.bounds[3] for _, g in cells)
    rng = random.Random(seed)
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=7)
    points = [
        (
            rng.uniform(minx, maxx),
            rng.uniform(miny, maxy),
            start + timedelta(minutes=rng.randrange(8 * 24 * 60)),
            rng.choice("lnh"),
        )
        for _ in range(rows)
    ]
    return synthetic.firms_viirs_csv(points)


def _timed_import(data: bytes, office, label: str) -> None:
    import os

    from django.db import connection
    from django.utils import timezone

    from yimen.burning.services.fires import fires_import

    load = os.getloadavg()[0]
    t = time.perf_counter()
    cpu = time.process_time()
    record = fires_import(data=data, filename="bench.csv", actor=office, now=timezone.now())
    import_s = time.perf_counter() - t
    cpu_s = time.process_time() - cpu
    print(
        f"import: {record.rows:,} FIRMS rows into {label} end to end {import_s:.2f} s "
        f"(this process's CPU {cpu_s:.2f} s; {record.cases_opened:,} cases opened, "
        f"{record.joined:,} joined, {record.outside:,} outside) on {connection.vendor}, "
        f"load average {load:.1f} before",
        flush=True,
    )


def database(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.burning.mapdata import map_json
    from yimen.regions.codes import level_of, parent_code
    from yimen.regions.models import Division

    for code, name in (
        ("220000000000", "吉林省"),
        ("220100000000", "长春市"),
        ("220122000000", "农安县"),
        ("220122101000", "伏龙泉镇"),
        ("220122101201", "东榛柴村委会"),
        ("220182000000", "榆树市"),
        ("220182101000", "五棵树镇"),
        ("220182101201", "五棵树村委会"),
    ):
        Division.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level_of(code), "parent_id": parent_code(code)},
        )
    office = User.objects.create(username="bench-county", full_name="农安县禁烧办")
    RoleBinding.objects.create(user=office, role=Role.BURNING_COUNTY, division_id="220122000000")
    day = date(2026, 11, 20)
    cells = lattice(args.county_grids, lon0=125.0, lat0=44.0, size=0.005)
    _county_grids("220122000000", "220122101201", cells)
    _timed_import(
        _firms_file(cells, args.import_rows, day, 7), office, f"{args.county_grids:,} grids"
    )
    if args.big_rows:
        big = User.objects.create(username="bench-big", full_name="榆树市禁烧办")
        RoleBinding.objects.create(user=big, role=Role.BURNING_COUNTY, division_id="220182000000")
        big_cells = lattice(args.big_grids, lon0=126.0, lat0=44.5, size=0.005)
        _county_grids("220182000000", "220182101201", big_cells)
        data = _firms_file(big_cells, args.big_rows, day, 11)
        _timed_import(data, big, f"{args.big_grids:,} grid polygons")
    map_json(office, "220122", day)  # warm-up: URL resolver, translations
    times = []
    body = b""
    for _ in range(20):
        t = time.perf_counter()
        body = map_json(office, "220122", day)
        times.append(time.perf_counter() - t)
    payload = json.loads(body)
    print(
        f"map data: one county ({len(payload['grids']['features']):,} grids) and one day "
        f"({len(payload['points']):,} points): median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (after one warm-up call) on {connection.vendor}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--grids", type=int, default=50_000)
    parser.add_argument("--db", action="store_true", help="also the map data and an import")
    parser.add_argument("--county-grids", type=int, default=1782)  # Changchun's grids
    parser.add_argument("--import-rows", type=int, default=10_000)
    # the target: 100,000 detections into 50,000 grid polygons, end to end
    parser.add_argument("--big-rows", type=int, default=100_000, help="0 to skip")
    parser.add_argument("--big-grids", type=int, default=50_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    print(f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}")
    with configured_database(args.postgres):
        import django

        django.setup()
        assignment(args.points, args.grids)
        if args.db:
            database(args)


if __name__ == "__main__":
    main()
