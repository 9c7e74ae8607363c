"""Racing threads against PostgreSQL: calls released together by a barrier, each on its own
database connection; every result or the exception it raised is returned for the test."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from yimen.errors import YimenError

# House pattern (tests/audit/test_concurrency.py): real row locks, committed transactions.
on_postgres = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks"),
    pytest.mark.django_db(transaction=True),
]


def race(*calls: Callable[[], object]) -> list[object]:
    """Run ``calls`` in threads released together; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():  # one request's worth of work, as a view would do
                results[index] = call()
        except BaseException as exc:
            results[index] = exc
        finally:
            connections.close_all()  # this thread's connection, not the test's

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results


def one_winner(results: list[object], refusal: type[YimenError]) -> object:
    """The single success; every other call must have been refused with ``refusal`` —
    never a database error (IntegrityError, deadlock), which a view would answer with 500."""
    database = [r for r in results if isinstance(r, DatabaseError)]
    assert not database, database
    others = [r for r in results if isinstance(r, BaseException) and not isinstance(r, refusal)]
    assert not others, others
    wins = [r for r in results if not isinstance(r, BaseException)]
    assert len(wins) == 1, results
    return wins[0]
