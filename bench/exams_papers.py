"""Benchmark: the safety exams' paper work (issue 19) — drawing papers from the bank,
scoring papers, and saving answers one by one from many candidates at once.

Makes a fresh database, loads the catalogue and a generated bank, seats CANDIDATES
candidates in sessions, then times
  1. drawing 1,000 papers (the seeded rule over the bank, as at sign-in),
  2. scoring 10,000 papers of 100 answers (the scoring rule, as at submission),
  3. answer saves: every seated candidate signs in and answers all 100 questions, from
     THREADS threads at once, each save the same service the exam page calls; p50/p99.

    .venv/bin/python bench/exams_papers.py
    .venv/bin/python bench/exams_papers.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    options: --candidates 500 --threads 16
It runs in one process (no HTTP server): the figures are the service's, not the server's.
"""

from __future__ import annotations

import argparse
import platform
import random
import threading
import time
from datetime import date, timedelta

from common import configured_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with configured_database(args.postgres):
        run(args)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone
    from stdnum.cn import ric

    from yimen.accounts.models import RoleBinding, User
    from yimen.exams import rules
    from yimen.exams.bank import generate_bank
    from yimen.exams.catalogue import BLUEPRINT, load_catalogue
    from yimen.exams.models import Application, Candidate, ExamSession, Paper, Question
    from yimen.exams.services.sitting import answer_save, paper_sign_in
    from yimen.regions.models import Division

    call_command("migrate", verbosity=0)
    call_command("load_divisions", verbosity=0)
    load_catalogue()
    Question.objects.bulk_create(generate_bank("T-EL-LV", tf=150, single=200, multiple=50))
    bank = [
        (q, k, len(o), t, d)
        for q, k, o, t, d in Question.objects.values_list(
            "pk", "kind", "options", "tier", "difficulty"
        )
    ]
    keys = dict(Question.objects.values_list("pk", "answer"))
    print(f"{connection.vendor}, {platform.python_version()}, bank {len(bank)} questions")

    started = time.perf_counter()
    pools = rules.group_bank(bank)
    papers = [rules.draw_from(f"seed-{n}", pools, BLUEPRINT) for n in range(1000)]
    draw = time.perf_counter() - started
    print(f"draw 1,000 papers: {draw:.2f} s")

    rng = random.Random(7)
    qids = [[i["q"] for i in papers[n % 1000]] for n in range(10_000)]
    packed = [[rules.pack_order(i["order"]) for i in p] for p in papers]
    orders = [packed[n % 1000] for n in range(10_000)]
    chosen = [
        [1 << rng.randrange(len(i["order"])) for i in papers[n % 1000]] for n in range(10_000)
    ]
    masks = rules.key_masks(keys)
    started = time.perf_counter()
    scores = rules.score_batch(qids, orders, chosen, masks)
    score = time.perf_counter() - started
    print(f"score 10,000 papers (batch): {score:.2f} s (mean {scores.mean():.1f})")
    started = time.perf_counter()
    for n in range(1000):
        rules.score_answers(
            papers[n], keys, {p: [c.bit_length() - 1] for p, c in enumerate(chosen[n])}
        )
    one = time.perf_counter() - started
    print(f"score 1,000 papers one by one (at submission): {one:.2f} s")

    admin = User.objects.create(username="bench-admin")
    RoleBinding.objects.create(user=admin, role="exam_admin", division_id="220000000000")
    division = Division.objects.get(pk="220102000000")
    category = load_category()
    now = timezone.now()
    seated = []
    for n in range(args.candidates):
        birth = date(1970, 1, 1) + timedelta(days=n)
        body = f"220102{birth:%Y%m%d}{n % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        person = Candidate.objects.create(
            id_number=number,
            name=f"考生{n}",
            birth_date=ric.get_birth_date(number),
            education="senior",
            division=division,
        )
        app = Application.objects.create(
            candidate=person,
            category=category,
            division=division,
            applied_on=now.date(),
            exam_due_on=now.date(),
            status="scheduled",
        )
        if n % 100 == 0:
            room = ExamSession.objects.create(
                name=f"场次{n // 100}",
                division=division,
                site="考点",
                room=str(n // 100),
                starts_at=now - timedelta(minutes=1),
                capacity=100,
                invigilators="甲, 乙",
            )
        seated.append(
            Paper.objects.create(
                application=app, session=room, seat=n % 100 + 1, ticket=f"B{n:07d}", seed=f"s{n}"
            )
        )
    started = time.perf_counter()
    for paper in seated:
        paper_sign_in(id_number=paper.application.candidate.id_number, ticket=paper.ticket)
    signin = time.perf_counter() - started
    print(f"sign in (draw + save) {len(seated)} papers: {signin:.2f} s")
    connections.close_all()

    timings: list[float] = []
    lock = threading.Lock()

    def sit(chunk):
        mine = []
        for paper in chunk:
            for position in range(100):
                t0 = time.perf_counter()
                answer_save(paper_id=paper.pk, position=position, chosen=[0])
                mine.append(time.perf_counter() - t0)
        connections.close_all()
        with lock:
            timings.extend(mine)

    chunks = [seated[i :: args.threads] for i in range(args.threads)]
    threads = [threading.Thread(target=sit, args=(c,)) for c in chunks]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    timings.sort()
    p = lambda q: timings[min(len(timings) - 1, int(q * len(timings)))] * 1000  # noqa: E731
    print(
        f"answer saves: {len(timings):,} from {args.threads} threads in {wall:.1f} s "
        f"({len(timings) / wall:.0f}/s); p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms"
    )


def load_category():
    from yimen.exams.models import Category

    return Category.objects.filter(code="T-EL-LV").order_by("valid_from").first()


if __name__ == "__main__":
    main()
