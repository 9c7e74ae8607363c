"""Audit events can be added, never changed or removed: by the ORM or by raw SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from yimen.audit.models import AppendOnlyError, AuditEvent
from yimen.audit.verify import verify_chain

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def _unchanged(log8) -> None:
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "reason", "hash"))
    assert rows == [(e.seq, e.reason, e.hash) for e in log8]
    assert verify_chain().ok


def test_save_after_create_is_refused(log8):
    event = log8[2]
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    fetched = AuditEvent.objects.get(seq=4)
    fetched.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        fetched.save(update_fields=["reason"])
    log8[2].reason = "step 3 done"
    _unchanged(log8)


def test_instance_delete_is_refused(log8):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.get(seq=5).delete()
    _unchanged(log8)


@pytest.mark.parametrize(
    "attempt",
    [
        lambda: AuditEvent.objects.filter(seq=3).update(reason="rewritten"),
        lambda: AuditEvent.objects.update(reason="rewritten"),
        lambda: AuditEvent.objects.filter(seq__gt=6).delete(),
        lambda: AuditEvent.objects.all().delete(),
        lambda: AuditEvent.objects.bulk_update(list(AuditEvent.objects.all()), ["reason"]),
    ],
    ids=["filter-update", "manager-update", "filter-delete", "all-delete", "bulk-update"],
)
def test_queryset_changes_are_refused(log8, attempt):
    with pytest.raises(AppendOnlyError):
        attempt()
    _unchanged(log8)


def test_actor_of_an_event_cannot_be_deleted(log8, actor):
    with pytest.raises(ProtectedError), transaction.atomic():
        actor.delete()
    _unchanged(log8)


@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {AuditEvent._meta.db_table} SET reason = 'rewritten' WHERE seq = 3",
        f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = 8",
        f"DELETE FROM {AuditEvent._meta.db_table}",
    ],
    ids=["update", "delete-one", "delete-all"],
)
@pytest.mark.postgres
@postgres_only
def test_postgres_trigger_refuses_raw_sql(log8, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    _unchanged(log8)


@pytest.mark.postgres
@postgres_only
def test_trigger_is_back_on_after_a_test_tampers(log8):
    from tests.audit.tamper import edit_reason

    edit_reason(3, "rewritten")
    assert AuditEvent.objects.get(seq=3).reason == "rewritten"
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET reason = 'again'")
    assert AuditEvent.objects.get(seq=3).reason == "rewritten"
