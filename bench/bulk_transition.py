"""Benchmark: 100,000 cases of a three-step process advanced by one batch decision.

Generates the cases (each waiting at step 1 in one township) straight into a fresh
database, then times `tasks_bulk_complete` — the same service, guards and audit as the
page and API use — and the audit chain's verification afterwards.

    .venv/bin/python bench/bulk_transition.py --cases 100000
    .venv/bin/python bench/bulk_transition.py --cases 100000 --postgres postgres://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

from common import configured_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--postgres", help="server URL; a fresh database is made and dropped")
    args = parser.parse_args()
    with configured_database(args.postgres):
        run(args)


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from yimen.accounts.models import RoleBinding, User
    from yimen.accounts.roles import Action, Role
    from yimen.audit.verify import verify_chain
    from yimen.regions.codes import Level, level_of, parent_code
    from yimen.regions.models import Division
    from yimen.workflow.calendar import Duration
    from yimen.workflow.models import Case, Task
    from yimen.workflow.process import Process, Stage, Step
    from yimen.workflow.registry import register
    from yimen.workflow.services import tasks_bulk_complete

    call_command("migrate", verbosity=0)
    township = "220102001000"
    for code, name in [
        ("220000000000", "吉林省"),
        ("220100000000", "长春市"),
        ("220102000000", "南关区"),
        (township, "南岭街道"),
    ]:
        parent = parent_code(code)
        Division.objects.get_or_create(
            code=code, defaults={"name": name, "level": level_of(code), "parent_id": parent}
        )
    user = User.objects.create(username="bench", full_name="基准测试")
    RoleBinding.objects.create(user=user, role=Role.TOWNSHIP_CASEWORKER, division_id=township)

    def step(code: str) -> Step:
        return Step(
            code,
            code,
            (Role.TOWNSHIP_CASEWORKER,),
            Level.TOWNSHIP,
            Action.CASE_ACCEPT,
            deadline=Duration(5),
        )

    process = register(
        Process(
            "bench3",
            "three steps",
            (Stage((step("one"),)), Stage((step("two"),)), Stage((step("three"),))),
        )
    )

    t0 = time.perf_counter()
    now = timezone.now()
    cases = [
        Case(
            number=f"BENCH-{i:07d}",
            process=process.code,
            title=f"基准案件 {i}",
            division_id=township,
            opened_at=now,
        )
        for i in range(args.cases)
    ]
    Case.objects.bulk_create(cases, batch_size=5000)
    ids = list(Case.objects.filter(process=process.code).values_list("id", flat=True))
    Task.objects.bulk_create(
        [
            Task(
                case_id=i,
                step="one",
                stage=0,
                roles="|township_caseworker|",
                division_id=township,
                opened_at=now,
            )
            for i in ids
        ],
        batch_size=5000,
    )
    generate_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = tasks_bulk_complete(
        process_code=process.code,
        step_code="one",
        case_ids=ids,
        actor=user,
        outcome="done",
        reason="批量受理 benchmark",
    )
    decide_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    verdict = verify_chain()
    verify_s = time.perf_counter() - t0
    assert verdict.ok, verdict
    assert Task.objects.filter(step="two", status="open").count() == args.cases
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"bulk_transition db={connection.vendor} cases={args.cases} "
        f"decided={result.decided} audit_events={verdict.checked} "
        f"generate_s={generate_s:.1f} decide_s={decide_s:.1f} "
        f"cases_per_s={args.cases / decide_s:,.0f} verify_s={verify_s:.1f} "
        f"peak_rss_mib={peak_mib:.0f} python={platform.python_version()} "
        f"cpus={os.cpu_count()}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    main()
