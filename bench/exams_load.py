"""Benchmark: 500 candidates sitting the computer exam at once, every answer saved through
the exam page's own endpoint (``POST /exams/sit/answer/``) on PostgreSQL, under the
production server (granian, as docs/operations.md says; gunicorn as the alternative).

Makes a fresh database, migrates, loads the catalogue and a generated bank, seats
CANDIDATES candidates in rooms of 100, signs each in (the paper is drawn, as at the seat)
and gives each browser its session cookie, starts the server, then replays the exam in a
compressed window from another process (bench/exams_client.py, open loop): every candidate
answers all 100 questions, one save per click, candidate after candidate, so over WINDOW
seconds each candidate clicks every WINDOW/100 s. The 120-minute exam squeezed into 300 s is
24 times the real rate. Afterwards every successful answer must be in the database exactly
once (one row per paper and position).

    .venv/bin/python bench/exams_load.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --candidates 500 --questions 100 --window 300 --server granian --workers 2
             --threads 4 (--server gunicorn: --worker-class gthread|sync)
Prints one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from settlement_load import backends_cpu, drop_database, fresh_database, workers_cpu

ROOT = Path(__file__).resolve().parent.parent
ANSWER = "/exams/sit/answer/"


def setup_django(url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="yimen.settings.base", YIMEN_ALLOW_INSECURE_KEY="1",
        YIMEN_LOG_LEVEL="WARNING", YIMEN_DATABASE_URL=url, YIMEN_DB_CONN_MAX_AGE="persistent",
        YIMEN_DATA_DIR=tempfile.mkdtemp(prefix="yimen-bench-"),
    )  # fmt: skip
    import django

    django.setup()


def seat(candidates: int) -> list[tuple[int, str, int]]:
    """Candidates, applications, rooms of 100 and signed-in papers; returns (paper id,
    session cookie, questions on the paper) per candidate."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone
    from stdnum.cn import ric

    from yimen.exams.bank import generate_bank
    from yimen.exams.catalogue import load_catalogue
    from yimen.exams.models import Application, Candidate, Category, ExamSession, Paper, Question
    from yimen.exams.services.sitting import paper_sign_in
    from yimen.exams.views_sit import KEY

    call_command("load_divisions", verbosity=0)
    load_catalogue()
    Question.objects.bulk_create(generate_bank("T-EL-LV", tf=150, single=200, multiple=50))
    category = Category.objects.filter(code="T-EL-LV").order_by("valid_from").first()
    now = timezone.now()
    people = []
    for n in range(candidates):
        birth = date(1970, 1, 1) + timedelta(days=n)
        body = f"220102{birth:%Y%m%d}{n % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        people.append(Candidate(id_number=number, name=f"考生{n}", birth_date=birth,
                                education="senior", division_id="220102000000"))  # fmt: skip
    people = Candidate.objects.bulk_create(people)
    apps = Application.objects.bulk_create(
        [Application(candidate=p, category=category, division_id="220102000000",
                     applied_on=now.date(), exam_due_on=now.date(), status="scheduled")
         for p in people]
    )  # fmt: skip
    rooms = ExamSession.objects.bulk_create(
        [ExamSession(name=f"场次{r}", division_id="220102000000", site="考点", room=str(r),
                     starts_at=now - timedelta(minutes=1), capacity=100, invigilators="甲, 乙")
         for r in range((candidates + 99) // 100)]
    )  # fmt: skip
    papers = Paper.objects.bulk_create(
        [Paper(application=a, session=rooms[n // 100], seat=n % 100 + 1, ticket=f"B{n:07d}",
               seed=f"s{n}") for n, a in enumerate(apps)]
    )  # fmt: skip
    seated = []
    for paper, person in zip(papers, people, strict=True):
        signed = paper_sign_in(id_number=person.id_number, ticket=paper.ticket)
        browser = SessionStore()
        browser[KEY] = signed.pk
        browser.create()
        seated.append((signed.pk, browser.session_key, len(signed.items)))
    return seated


def jobs(seated: list[tuple[int, str, int]], questions: int) -> list[dict]:
    """Request i is candidate i % C answering question i // C: every candidate clicks at
    the same pace, and no candidate has two saves in flight."""
    out = []
    for position in range(questions):
        for paper, cookie, size in seated:
            if position < size:
                out.append({"cookie": cookie, "paper": paper,
                            "body": {"position": position, "chosen": [position % 2]}})  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="server URL; a fresh database is used")
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--window", type=float, default=300, help="seconds for all the saves")
    parser.add_argument("--server", default="granian", choices=["granian", "gunicorn"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="per worker (granian: blocking)")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    name, url = fresh_database(args.postgres)
    server = None
    try:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        seated = seat(args.candidates)
        setup_s = time.perf_counter() - t0
        work = jobs(seated, args.questions)
        connections.close_all()
        jobs_file = Path(tempfile.mkdtemp()) / "jobs.json"
        jobs_file.write_text(json.dumps(work), "utf-8")
        command = server_command(args)
        server = subprocess.Popen(command, env=os.environ.copy(), cwd=ROOT, stdout=sys.stderr)  # noqa: S603
        wait_ready(args.port)
        cpu_before = workers_cpu(server.pid)
        pg_before = backends_cpu(args.postgres, name)
        load_before = os.getloadavg()
        rate = len(work) / args.window
        client = subprocess.run(  # noqa: S603 — our own client script
            [sys.executable, str(ROOT / "bench/exams_client.py"), str(jobs_file),
             f"http://127.0.0.1:{args.port}", str(rate)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        figures = json.loads(client.stdout)
        figures["server"] = " ".join(command[1:])
        sent = max(1, figures["sent"])
        figures["worker_cpu_ms_per_request"] = round(
            (workers_cpu(server.pid) - cpu_before) * 1000 / sent, 2
        )
        pg_after = backends_cpu(args.postgres, name)
        figures["postgres_cpu_ms_per_request"] = round(
            sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_after.items()) * 1000 / sent, 2
        )
        figures["loadavg_before"] = [round(x, 2) for x in load_before]
        figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        from yimen.exams.models import Answer

        stored = Answer.objects.count()
        figures.update(
            candidates=len(seated), stored_answers=stored, matches=stored == figures["ok"],
            workers=args.workers, setup_s=round(setup_s, 1), cpus=os.cpu_count(),
            python=platform.python_version(),
            date=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        )  # fmt: skip
        print(json.dumps(figures, ensure_ascii=False))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        from django.db import connections

        connections.close_all()
        drop_database(args.postgres, name)


def server_command(args: argparse.Namespace) -> list[str]:
    if args.server == "gunicorn":
        return [
            str(ROOT / ".venv/bin/gunicorn"), "yimen.wsgi", "--preload", "-w", str(args.workers),
            "-k", args.worker_class, "--threads", str(args.threads),
            "-b", f"127.0.0.1:{args.port}", "--log-level", "warning", "--backlog", "2048",
        ]  # fmt: skip
    return [
        str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "yimen.wsgi:application",
        "--workers", str(args.workers), "--blocking-threads", str(args.threads),
        "--runtime-threads", "1", "--host", "127.0.0.1", "--port", str(args.port),
        "--http", "1", "--no-ws", "--backlog", "2048", "--log-level", "warning",
    ]  # fmt: skip


def wait_ready(port: int) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{ANSWER}")
        except urllib.error.HTTPError:
            return  # any HTTP answer (405 for GET) means it is up
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


if __name__ == "__main__":
    main()
