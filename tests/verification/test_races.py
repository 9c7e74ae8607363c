"""Runs of the same township started by different users at the same moment (PostgreSQL):
one run is queued, the others are refused — one run at a time."""

from __future__ import annotations

from tests.factories import NANLING, user_with
from tests.races import on_postgres, one_winner, race
from yimen.accounts.roles import Role
from yimen.verification.models import VerificationRun
from yimen.verification.runs import RunActive, run_start

pytestmark = on_postgres
STARTERS = 8


def test_simultaneous_starts_of_one_township_queue_one_run(tree):
    users = [user_with(Role.TOWNSHIP_CASEWORKER, NANLING) for _ in range(STARTERS)]
    results = race(
        *[lambda u=u: run_start(actor=u, division_prefix=NANLING) for u in users],
        lambda: run_start(division_prefix=NANLING, scheduled=True),  # the cron job, too
    )
    run = one_winner(results, RunActive)
    assert list(VerificationRun.objects.values_list("pk", flat=True)) == [run.pk]
