"""Fixtures of the job tests: a township with one household to pay (benefits' fixtures)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.assistance.conftest import staff  # noqa: F401  (re-exported fixture)
from tests.benefits.conftest import quick_household
from tests.factories import NANLING
from yimen.jobs import catalogue
from yimen.jobs.services import enqueue

DEC = date(2026, 12, 1)


@pytest.fixture
def payable(staff):  # noqa: F811
    """Two households on NANLING's roster, paid from December 2026."""
    quick_household(staff.caseworker, amount=Decimal("500.00"))
    quick_household(staff.caseworker, amount=Decimal("812.35"), kind="tekun", name="李四")
    return staff


@pytest.fixture
def flaky_kind(monkeypatch, tmp_path):
    """A kind whose function fails twice, then answers; retried up to ``retries`` times."""

    def make(retries: int):
        kind = catalogue.Kind(
            "tests.flaky",
            "flaky",
            ("tests.jobs.flaky.fail_then_answer",),
            retries=retries,
            retry_wait=0,
        )
        monkeypatch.setitem(catalogue.KINDS, kind.name, kind)
        return kind, str(tmp_path / "calls")

    return make


def issue_job(people):
    """NANLING's December 2026 roll, issued by its approver as a background job."""
    return enqueue(
        "benefits.roll_issue",
        actor=people.approver,
        actor_id=people.approver.pk,
        township=NANLING,
        month=DEC.isoformat(),
        today=DEC.isoformat(),
    )
