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
             --big-rows 100000 --big-grids 50000 (0 skips the in-memory part, the small
             import or the big one)

The big import prints its stages (wall, this process's CPU, the PostgreSQL backend's CPU);
BENCH_SQL=1 adds the time per statement kind, BENCH_PROFILE=tottime (or cumulative) runs it
under cProfile on CPU time.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import os
import platform
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

from common import backend_cpu, configured_database


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


#: the import's stages, as (module, function) wrapped with timers by ``time_stages`` (the
#: bench's own instrumentation, not the app's); nested ones count inside their callers
STAGES = (
    ("yimen.burning.services.fires", "read_table", "read the file"),
    ("yimen.burning.feeds_fast", "parse", "parse and check (Polars)"),
    ("yimen.burning.services.fires", "known_keys", "keys imported before"),
    ("yimen.burning.services.placing", "_grids_near", "grids near the points (query)"),
    ("yimen.burning.geo", "shapes_from_text", "boundaries JSON → shapely"),
    ("yimen.burning.services.placing", "locate_columns", "place (STRtree)"),
    ("yimen.burning.services.placing", "_zones", "zones and permits"),
    ("yimen.burning.services.placing", "open_and_join", "join and open cases"),
    ("yimen.burning.services.opening", "answerable_many", "  who answered (query)"),
    ("yimen.burning.services.opening", "_insert_cases", "  write cases"),
    ("yimen.burning.services.placing", "insert_detections", "write detections"),
    ("yimen.burning.services.placing", "announce", "audit events"),
)


@contextlib.contextmanager
def time_stages():
    """Per stage [wall s, this process's CPU s, PostgreSQL backend CPU s], while inside."""
    import importlib

    spent: dict[str, list[float]] = {}
    originals = []
    for module_name, name, label in STAGES:
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            continue
        original = getattr(module, name)
        originals.append((module, name, original))

        def wrapper(*a, _original=original, _label=label, **k):
            t0, c0, d0 = time.perf_counter(), time.process_time(), backend_cpu()
            try:
                return _original(*a, **k)
            finally:
                entry = spent.setdefault(_label, [0.0, 0.0, 0.0])
                entry[0] += time.perf_counter() - t0
                entry[1] += time.process_time() - c0
                entry[2] += backend_cpu() - d0

        setattr(module, name, wrapper)
    try:
        yield spent
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


@contextlib.contextmanager
def statement_times():
    """With BENCH_SQL=1: time per statement kind (first 70 characters), printed after."""
    from django.db import connection

    if not os.environ.get("BENCH_SQL"):
        yield
        return
    spent: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])

    def timer(execute, sql, params, many, context):
        s0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = spent[("many " if many else "") + sql[:70]]
            entry[0] += 1
            entry[1] += time.perf_counter() - s0

    connection.execute_wrappers.append(timer)
    try:
        yield
    finally:
        connection.execute_wrappers.pop()
        for sql, (n, seconds) in sorted(spent.items(), key=lambda kv: -kv[1][1])[:20]:
            print(f"  {seconds:7.3f}s {n:6d}× {sql}")


def _timed_import(data: bytes, office, label: str, *, stages: bool = False) -> None:
    from django.db import connection
    from django.utils import timezone

    from yimen.burning.services import fires

    load = os.getloadavg()[0]
    db0 = backend_cpu()
    with time_stages() as spent, statement_times():
        t = time.perf_counter()
        cpu = time.process_time()
        kwargs = {"data": data, "filename": "bench.csv", "actor": office, "now": timezone.now()}
        if os.environ.get("BENCH_PROFILE") and stages:
            import cProfile
            import pstats

            # CPU time, not wall: on a shared machine the wall clock charges the waits for
            # a core to whatever function happened to be running
            profile = cProfile.Profile(time.process_time)
            record = profile.runcall(fires.fires_import, **kwargs)
            pstats.Stats(profile).sort_stats(os.environ["BENCH_PROFILE"]).print_stats(40)
        else:
            record = fires.fires_import(**kwargs)
        import_s = time.perf_counter() - t
        cpu_s = time.process_time() - cpu
    db_s = backend_cpu() - db0
    load_after = os.getloadavg()[0]
    print(
        f"import: {record.rows:,} FIRMS rows into {label} end to end {import_s:.2f} s "
        f"(this process's CPU {cpu_s:.2f} s"
        + (f", PostgreSQL backend CPU {db_s:.2f} s" if connection.vendor == "postgresql" else "")
        + f"; {record.cases_opened:,} cases opened, "
        f"{record.joined:,} joined, {record.outside:,} outside) on {connection.vendor}, "
        f"load average {load:.1f} before, {load_after:.1f} after",
        flush=True,
    )
    if stages:
        print("  stages (wall s / CPU s / PostgreSQL CPU s):")
        for label, (wall, cpu, db) in spent.items():
            print(f"  {label:32s} {wall:6.2f} {cpu:6.2f} {db:6.2f}")


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
    if args.import_rows:
        _timed_import(
            _firms_file(cells, args.import_rows, day, 7), office, f"{args.county_grids:,} grids"
        )
    if args.big_rows:
        big = User.objects.create(username="bench-big", full_name="榆树市禁烧办")
        RoleBinding.objects.create(user=big, role=Role.BURNING_COUNTY, division_id="220182000000")
        big_cells = lattice(args.big_grids, lon0=126.0, lat0=44.5, size=0.005)
        _county_grids("220182000000", "220182101201", big_cells)
        data = _firms_file(big_cells, args.big_rows, day, 11)
        _timed_import(data, big, f"{args.big_grids:,} grid polygons", stages=True)
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
        if args.points:
            assignment(args.points, args.grids)
        if args.db:
            database(args)


if __name__ == "__main__":
    main()
