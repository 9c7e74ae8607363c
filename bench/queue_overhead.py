"""Benchmark: a payment roll and a verification run called directly, then queued and run by
a `yimen worker` process (procrastinate on PostgreSQL): the queued time, from enqueue to the
job's row saying done, against the direct call's (target: within 1.2×).

    .venv/bin/python bench/queue_overhead.py --postgres postgres://postgres@127.0.0.1:5432/postgres

The roll: --households on one township (bench/payment_roll.py's generator), issued for one
month directly and for another through the queue, --repeat times each (best of). The
verification run (optional, --verification-db NAME): a database left by
`bench/verification_batch.py --populate-only --postgres URL`; two copies of it are made
(CREATE DATABASE … TEMPLATE) and the run is timed directly on one, queued on the other.
CPU: this process's (direct) and the worker's (queued), user+sys from /proc — the same
work, so the difference is the queue's own cost."""

# ruff: noqa: S603 — runs our own worker and this script
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

from common import TOWNSHIP, add_divisions, configured_database, fresh_database

ROOT = Path(__file__).resolve().parent.parent


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    times = os.times()
    return times.user + times.system


class Worker:
    def __init__(self):
        command = [sys.executable, "-c", "from yimen.cli import main; main()", "worker"]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        self.proc = subprocess.Popen(command, env=env, cwd=ROOT)
        time.sleep(4)  # Django set up, connected, listening
        assert self.proc.poll() is None, "the worker did not start"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def wait_done(job_id: int, timeout: float = 600) -> None:
    from yimen.jobs.models import Job, JobStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Job.objects.values_list("status", flat=True).get(pk=job_id)
        if status == JobStatus.DONE:
            return
        assert status != JobStatus.FAILED, Job.objects.get(pk=job_id).error
        time.sleep(0.02)
    raise AssertionError("the job did not finish")


def roll(args) -> None:
    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Role
    from yimen.benefits.services.payments import roll_issue
    from yimen.jobs.services import enqueue

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from payment_roll import generate

    add_divisions()
    user = User.objects.create(username="bench", full_name="基准审批人")
    RoleBinding.objects.create(user=user, role=Role.TOWNSHIP_APPROVER, division_id=TOWNSHIP)
    generate(args.households, user)
    months = [date(2026, m, 1) for m in range(1, 1 + 2 * args.repeat)]
    direct, queued = [], []
    for month in months[: args.repeat]:
        t0, c0 = time.perf_counter(), own_cpu()
        roll_issue(actor=user, township_code=TOWNSHIP, month=month, today=month)
        direct.append((time.perf_counter() - t0, own_cpu() - c0))
    worker = Worker()
    try:
        for month in months[args.repeat :]:
            w0 = cpu_of(worker.proc.pid)
            t0 = time.perf_counter()
            job = enqueue(
                "benefits.roll_issue",
                actor=user,
                actor_id=user.pk,
                township=TOWNSHIP,
                month=month.isoformat(),
                today=month.isoformat(),
            )
            wait_done(job.pk)
            queued.append((time.perf_counter() - t0, cpu_of(worker.proc.pid) - w0))
    finally:
        worker.stop()
    report("roll", args, direct, queued)


def report(what: str, args, direct, queued) -> None:
    best_d, best_q = min(direct), min(queued)
    print(
        f"queue_overhead {what} households={args.households} repeat={len(direct)} "
        f"direct_s={best_d[0]:.2f} direct_cpu_s={best_d[1]:.2f} "
        f"queued_s={best_q[0]:.2f} worker_cpu_s={best_q[1]:.2f} "
        f"ratio={best_q[0] / best_d[0]:.3f} load={os.getloadavg()[0]:.2f}",
        flush=True,
    )


def verification_once(mode: str) -> None:
    """In a copy of the populated database: one run, direct or queued; prints its times."""
    import django

    django.setup()
    from yimen.jobs.services import enqueue
    from yimen.verification.runs import run_execute, run_start

    run = run_start(division_prefix="")
    if mode == "direct":
        t0, c0 = time.perf_counter(), own_cpu()
        run_execute(run.pk)
        print(f"RESULT {time.perf_counter() - t0:.3f} {own_cpu() - c0:.3f}", flush=True)
        return
    worker = Worker()
    try:
        w0 = cpu_of(worker.proc.pid)
        t0 = time.perf_counter()
        job = enqueue("verification.run", run_id=run.pk)
        wait_done(job.pk, timeout=3600)
        spent = time.perf_counter() - t0
        print(f"RESULT {spent:.3f} {cpu_of(worker.proc.pid) - w0:.3f}", flush=True)
    finally:
        worker.stop()


def verification(args) -> None:
    import psycopg

    figures = {"direct": [], "queued": []}
    for _ in range(args.repeat):
        for mode in ("direct", "queued"):
            name = f"yimen_copy_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{args.verification_db}"')
            try:
                env = {
                    **os.environ,
                    "YIMEN_DATABASE_URL": f"{args.postgres.rsplit('/', 1)[0]}/{name}",
                    "YIMEN_JOBS_BACKEND": "procrastinate",
                    "YIMEN_JOBS_SCHEDULE": "off",
                    "DJANGO_SETTINGS_MODULE": "yimen.settings.base",
                    "YIMEN_ALLOW_INSECURE_KEY": "1",
                    "PYTHONPATH": str(ROOT / "src"),
                }
                if args.data_dir:
                    env["YIMEN_DATA_DIR"] = args.data_dir
                out = subprocess.run(
                    [sys.executable, __file__, "--once", mode],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
                wall, cpu = next(ln for ln in out.splitlines() if ln.startswith("RESULT")).split()[
                    1:
                ]
                figures[mode].append((float(wall), float(cpu)))
            finally:
                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    report("verification", args, figures["direct"], figures["queued"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--verification-db", help="database left by verification_batch.py")
    parser.add_argument("--data-dir", help="its YIMEN_DATA_DIR (the partner data)")
    parser.add_argument("--once", choices=["direct", "queued"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:
        verification_once(args.once)
        return
    if not args.postgres:
        parser.error("--postgres: the queue is PostgreSQL's")
    os.environ["YIMEN_JOBS_BACKEND"] = "procrastinate"
    os.environ["YIMEN_JOBS_SCHEDULE"] = "off"  # the queued job alone, no periodic work
    with fresh_database(args.postgres):
        roll(args)
    if args.verification_db:
        with configured_database(None):
            verification(args)


if __name__ == "__main__":
    main()
