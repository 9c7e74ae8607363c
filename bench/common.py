"""What every benchmark needs: a fresh database (SQLite in a temporary directory, or a new
PostgreSQL database made and dropped on the given server), Django set up on it, and the
divisions a benchmark's townships hang from."""

from __future__ import annotations

import contextlib
import os
import resource
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

TOWNSHIP = "220102001000"
DIVISIONS = [
    ("220000000000", "吉林省"),
    ("220100000000", "长春市"),
    ("220102000000", "南关区"),
    (TOWNSHIP, "南岭街道"),
    ("220102001001", "华阳社区"),
]


@contextlib.contextmanager
def configured_database(
    postgres_url: str | None, *, keep: bool = False, reuse: str | None = None
) -> Iterator[None]:
    """Point Django (not yet set up) at a new, empty database — SQLite in a temporary
    directory, or a PostgreSQL database made on ``postgres_url`` and dropped afterwards
    unless ``keep`` — or at the existing PostgreSQL database ``reuse``."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "yimen.settings.base"
    os.environ["YIMEN_ALLOW_INSECURE_KEY"] = "1"
    os.environ["YIMEN_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("YIMEN_DATA_DIR", tempfile.mkdtemp(prefix="yimen-bench-"))
    name = None
    if postgres_url:
        base = postgres_url.rsplit("/", 1)[0]
        if reuse:
            os.environ["YIMEN_DATABASE_URL"] = f"{base}/{reuse}"
        else:
            import psycopg

            name = f"yimen_bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            os.environ["YIMEN_DATABASE_URL"] = f"{base}/{name}"
            print(f"database {name}", flush=True)
    try:
        yield
    finally:
        if name and not keep:
            import psycopg
            from django.db import connections

            connections.close_all()
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@contextlib.contextmanager
def fresh_database(postgres_url: str | None, *, keep: bool = False) -> Iterator[None]:
    """A new, empty database with Django set up on it and migrated (kept afterwards if
    ``keep``, to measure again with ``--measure-only``)."""
    with configured_database(postgres_url, keep=keep):
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield


def add_divisions() -> None:
    from yimen.regions.codes import level_of, parent_code
    from yimen.regions.models import Division

    for code, name in DIVISIONS:
        Division.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level_of(code), "parent_id": parent_code(code)},
        )


def peak_rss_mib() -> float:
    """This process's peak resident memory, MiB. Linux's VmHWM, not getrusage's ru_maxrss:
    a process started by a large parent (the benches measure again in a fresh process)
    inherits in ru_maxrss the parent's size at the fork, which is not its own use."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def process_cpu() -> float:
    """CPU seconds (user + system) of this process so far, its threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu() -> float:
    """CPU seconds so far of the PostgreSQL backend serving Django's connection, read from
    /proc (the server runs on this machine), or 0 on SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
