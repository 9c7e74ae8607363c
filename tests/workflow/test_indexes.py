"""The indexes of cases and tasks: none redundant, the status ones over open tasks only.

A batch that completes 100,000 tasks writes an entry in every index of every task it
changes; these tests keep the layout migration 0004 chose (docs/performance.md, issue 5)."""

from __future__ import annotations

import pytest
from django.db import connection

from yimen.workflow.models import Case, Task

pytestmark = pytest.mark.django_db


def _indexes(model) -> dict[str, list[str]]:
    """Name → columns of every index on ``model``'s table (primary key left out)."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        name: info["columns"]
        for name, info in found.items()
        if (info["index"] or info["unique"]) and not info["primary_key"] and info["columns"]
    }


@pytest.mark.parametrize("model", [Case, Task])
def test_no_index_is_a_prefix_of_another(model):
    """An index on (a) is redundant beside one on (a, b): the second serves the first's
    queries. Partial indexes do not count (they cover only some rows); neither do the
    PostgreSQL pattern-ops twins (they serve LIKE, the others do not)."""
    partial = {i.name for i in model._meta.indexes if i.condition is not None}
    indexes = {
        name: columns
        for name, columns in _indexes(model).items()
        if name not in partial and not name.endswith(("_like", "_prefix"))
    }
    redundant = [
        (name, other)
        for name, columns in indexes.items()
        for other, longer in indexes.items()
        if other != name and len(longer) > len(columns) and longer[: len(columns)] == columns
    ]
    assert redundant == []


def test_task_status_indexes_cover_open_tasks_only():
    """Every status filter on tasks asks for open ones: the indexes that serve them are
    partial, so a completed task leaves them, and none indexes status itself."""
    partial = {i.name: (i.fields, i.condition) for i in Task._meta.indexes if i.condition}
    assert set(partial) == {
        "workflow_task_open_division",
        "workflow_task_open_due",
        "workflow_task_open_case",
    }
    for _fields, condition in partial.values():
        assert condition.children == [("status", "open")]
    assert all("status" not in columns for columns in _indexes(Task).values())
    assert set(_indexes(Task)) >= set(partial)


@pytest.mark.parametrize(
    "lookup",
    [{"division_id": "220102001000"}, {"case_id": 1}, {"due_at__lte": "2026-01-01T00:00+08:00"}],
)
def test_open_task_queries_can_use_the_partial_indexes(lookup):
    """On PostgreSQL the open tasks of a division, of a case and past a time are read from
    an index over open tasks (EXPLAIN with sequential scans off; on an empty table the
    planner may pick any of the three)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")
    from yimen.workflow.states import TaskStatus

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Task.objects.filter(status=TaskStatus.OPEN, **lookup).order_by().explain()
    assert "Index Scan using workflow_task_open_" in plan
