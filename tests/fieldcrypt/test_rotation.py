"""Key rotation: batches with progress, a failure mid-way, the rerun that finishes it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import translation

from tests.fieldcrypt.test_fields import an_id, candidate
from yimen.exams.models import Candidate
from yimen.fieldcrypt import rotation
from yimen.fieldcrypt.models import DataKey, Rotation

pytestmark = pytest.mark.django_db


def kids() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM exams_candidate ORDER BY id")
        return [value.split(":")[1] for (value,) in cursor.fetchall()]


def run(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("fieldkeys", *args, stdout=out)
    return out.getvalue()


def test_rotation_fails_mid_way_then_resumes_and_every_value_reads(tree, monkeypatch):
    numbers = [an_id(n) for n in range(10, 17)]
    for number in numbers:
        candidate(tree, number)
    old = set(kids())
    assert len(old) == 1

    real = rotation._reseal
    calls = {"n": 0}

    def dies_at_third_batch(table, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed")
        return real(table, rows)

    monkeypatch.setattr(rotation, "_reseal", dies_at_third_batch)
    with pytest.raises(RuntimeError):
        run("rotate", "--table", "exams_candidate", "--batch", "2")
    state = Rotation.objects.get(table="exams_candidate", finished_at__isnull=True)
    assert (state.batches, state.done, state.total) == (2, 4, 7)
    new = DataKey.objects.get(table="exams_candidate", active=True).kid
    assert kids().count(new) == 4 and old.pop() in kids()  # whole batches only
    assert "unfinished: 4 of 7" in run("status")

    monkeypatch.setattr(rotation, "_reseal", real)
    out = run("rotate", "--table", "exams_candidate", "--batch", "2")
    assert "7 of 7" in out and f"now under key {new}" in out
    assert set(kids()) == {new}
    state.refresh_from_db()
    assert state.finished_at is not None
    assert sorted(c.id_number for c in Candidate.objects.all()) == sorted(numbers)
    assert Candidate.objects.get(id_number=numbers[0]).id_number == numbers[0]


def test_max_batches_stops_and_a_rerun_continues(tree):
    for n in range(20, 25):
        candidate(tree, an_id(n))
    out = run("rotate", "--table", "exams_candidate", "--batch", "2", "--max-batches", "1")
    assert "run the command again" in out
    run("rotate", "--table", "exams_candidate", "--batch", "2")
    new = DataKey.objects.get(table="exams_candidate", active=True).kid
    assert set(kids()) == {new}
    assert DataKey.objects.filter(table="exams_candidate", active=False).count() >= 1


def test_unknown_table_is_refused(tree):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("rotate", "--table", "auth_user")
