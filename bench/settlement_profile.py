"""Per-request cost of 2207 in one process: CPU ms and SQL statements per settlement.

Makes a fresh PostgreSQL database with the same data as bench/settlement_load.py, then calls
the WSGI application directly (no sockets, no client) for each prepared 2207 and reports the
process's CPU per settlement, the PostgreSQL backend's CPU per settlement (read from /proc,
same machine), and the statements sent per settlement; ``--profile`` adds a cProfile listing.
This is the figure to watch while cutting the per-request cost: unlike the load test it does
not depend on how busy the shared machine is.

    .venv/bin/python bench/settlement_profile.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --requests 500 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from settlement_load import (
    TOKEN,
    drop_database,
    fresh_database,
    generate,
    proc_cpu,
    setup_django,
)


def environ(body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/fsi/api/rsfComIfsService/callService",
        "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http",
        "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(body)),
        "HTTP_AUTHORIZATION": f"Bearer {TOKEN}", "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False, "wsgi.version": (1, 0),
    }  # fmt: skip


def call(app, body: bytes) -> dict:
    status: list[str] = []
    chunks = app(environ(body), lambda s, h, exc_info=None: status.append(s))
    data = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    answer = json.loads(data)
    if not status[0].startswith("200") or answer.get("infcode") != 0:
        raise SystemExit(f"unexpected answer {status[0]} {data[:300]!r}")
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="server URL; a fresh database is used")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database (name printed)")
    args = parser.parse_args()
    name, url = fresh_database(args.postgres)
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        warmup = 20
        jobs = generate(500, args.requests + warmup)
        from yimen.wsgi import application

        bodies = [json.dumps(j, ensure_ascii=False).encode() for j in jobs]
        for body in bodies[:warmup]:
            call(application, body)
        statements = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                statements.append(sql) or execute(sql, params, many, context)
            )
        ):
            call(application, bodies[warmup])
        connection.close_at = None  # keep this connection (and backend) for the whole run
        backend = connection.connection.info.backend_pid
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall
        pg0, cpu0, wall0 = proc_cpu(backend), os.times(), time.perf_counter()
        if profiler:
            profiler.enable()
        for body in bodies[warmup + 1 :]:
            call(application, body)
        if profiler:
            profiler.disable()
        n = len(bodies) - warmup - 1
        cpu1, wall = os.times(), time.perf_counter() - wall0
        user, system = cpu1.user - cpu0.user, cpu1.system - cpu0.system
        if connection.connection.info.backend_pid != backend:
            raise SystemExit("the database connection was replaced during the run")
        pg = proc_cpu(backend) - pg0
        print(json.dumps({
            "requests": n, "python_cpu_ms": round((user + system) * 1000 / n, 2),
            "of_which_system_ms": round(system * 1000 / n, 2),
            "postgres_cpu_ms": round(pg * 1000 / n, 2), "wall_ms": round(wall * 1000 / n, 2),
            "statements_through_django_cursor": len(statements),
            "loadavg": [round(x, 2) for x in os.getloadavg()],
        }))  # fmt: skip
        if os.environ.get("SHOW_SQL"):
            print("\n".join(statements))
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("SORT", "cumulative")
            ).print_stats(int(os.environ.get("TOP", "60")))
            print(out.getvalue())
    finally:
        from django.db import connections

        connections.close_all()
        if args.keep:
            print(f"kept database {name}")
        else:
            drop_database(args.postgres, name)


if __name__ == "__main__":
    main()
