"""The access log as a service: one entry per look (a whole export is one entry), the
purpose required where the issue asks for one, and the chain's verification catching every
kind of tampering."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from tests.factories import HUAYANG, NANLING
from yimen.privacy import recordsets
from yimen.privacy.access import access_record, log_export, log_full_record, log_unmask
from yimen.privacy.access_chain import hash_of_entry
from yimen.privacy.access_verify import (
    ALTERED,
    BEYOND_HEAD,
    BROKEN_LINK,
    MISSING,
    SET_ALTERED,
    TAIL_MISSING,
    UNSEALED,
    verify_access_log,
)
from yimen.privacy.errors import UnknownPurpose
from yimen.privacy.models import AccessEntry, AccessHead, AccessKind, AppendOnlyError

pytestmark = pytest.mark.django_db

TABLE = AccessEntry._meta.db_table
HEAD = AccessHead._meta.db_table


def tamper(*statements) -> None:
    """Raw SQL past the guards, as a table owner could (the PostgreSQL trigger disabled)."""
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        for sql, params in statements:
            cursor.execute(sql, params)
        if postgres:
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def three_entries(people):
    log_full_record(
        actor=people.caseworker,
        record_type="assistance.application",
        record_id=7,
        division_code=HUAYANG,
    )
    log_export(
        actor=people.caseworker,
        record_type="benefits.beneficiary",
        record_ids=[3, 1, 2, 2],
        division_code=NANLING,
        purpose="review",
        note="roster.xlsx",
    )
    log_unmask(
        actor=people.supervisor,
        record_type="assistance.application",
        record_id=7,
        division_code=HUAYANG,
        purpose="supervision",
    )
    return list(AccessEntry.objects.order_by("seq"))


def test_each_kind_is_one_chained_entry_with_who_when_which_and_why(people):
    view, export, unmask = three_entries(people)
    assert (view.kind, view.record_id, view.record_count, view.purpose) == (
        AccessKind.FULL_RECORD,
        "7",
        1,
        "",
    )
    assert view.actor == people.caseworker and view.role == "township_caseworker"
    assert export.record_id == "" and export.record_count == 3
    assert recordsets.unpack(export.record_set) == [1, 2, 3]
    assert export.record_digest == recordsets.digest(bytes(export.record_set))
    assert unmask.purpose == "supervision" and unmask.role == "county_supervisor"
    assert [e.prev_hash for e in (export, unmask)] == [view.hash, export.hash]
    head = AccessHead.objects.get()
    assert (head.seq, head.hash) == (3, unmask.hash) and head.mac
    result = verify_access_log()
    assert result.ok and result.checked == 3 and result.keyed


def test_an_export_of_200000_rows_is_one_small_entry(people):
    ids = range(1, 200_001)
    entry = log_export(
        actor=people.caseworker,
        record_type="benefits.beneficiary",
        record_ids=ids,
        division_code=NANLING,
        purpose="statistics",
    )
    assert AccessEntry.objects.count() == 1
    assert entry.record_count == 200_000
    assert len(entry.record_set) < 2_000  # consecutive ids pack to almost nothing
    stored = AccessEntry.objects.get()
    assert recordsets.unpack(bytes(stored.record_set)) == list(ids)


def test_scattered_ids_round_trip():
    ids = [5, 1_000_000_007, 12, 12, 999, 2**40]
    assert recordsets.unpack(recordsets.pack(ids)) == sorted(set(ids))
    assert recordsets.unpack(b"") == []
    with pytest.raises(ValueError):
        recordsets.pack([-1])


@pytest.mark.parametrize("kind", [AccessKind.EXPORT, AccessKind.UNMASK])
@pytest.mark.parametrize("purpose", ["", "for fun", "REVIEW"])
def test_export_and_unmask_need_a_purpose_from_the_list(people, kind, purpose):
    with pytest.raises(UnknownPurpose):
        access_record(
            actor=people.caseworker,
            kind=kind,
            record_type="assistance.application",
            record_ids=[1],
            division_code=HUAYANG,
            purpose=purpose,
        )
    assert not AccessEntry.objects.exists() and not AccessHead.objects.filter(seq__gt=0).exists()


def test_the_purpose_list_is_configuration(people, settings):
    settings.PRIVACY_PURPOSES = [["audit_2026", "2026年专项审计", "Special audit 2026"]]
    entry = log_export(
        actor=people.caseworker,
        record_type="benefits.beneficiary",
        record_ids=[1, 2],
        division_code=NANLING,
        purpose="audit_2026",
    )
    assert entry.purpose == "audit_2026"
    with pytest.raises(UnknownPurpose):  # the default list no longer applies
        log_export(
            actor=people.caseworker,
            record_type="benefits.beneficiary",
            record_ids=[1, 2],
            division_code=NANLING,
            purpose="review",
        )


def test_entries_cannot_be_changed_or_deleted_through_the_orm(people):
    view, *_ = three_entries(people)
    with pytest.raises(AppendOnlyError):
        view.save()
    with pytest.raises(AppendOnlyError):
        view.delete()
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.filter(pk=view.pk).update(note="x")
    with pytest.raises(AppendOnlyError):
        AccessEntry.objects.all().delete()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_raw_updates_and_deletes(people):
    from django.db import DatabaseError

    three_entries(people)
    for sql in (f"UPDATE {TABLE} SET note = 'x'", f"DELETE FROM {TABLE}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_verify_names_an_edited_entry(people):
    three_entries(people)
    tamper((f"UPDATE {TABLE} SET actor_name = %s WHERE seq = 2", ["别人"]))
    result = verify_access_log()
    assert not result.ok and (result.problem, result.first_bad_seq, result.checked) == (
        ALTERED,
        2,
        1,
    )
    assert "#2" in result.message


def test_verify_names_a_changed_record_set(people):
    three_entries(people)
    forged = recordsets.pack([1, 2])  # one household taken out of the export
    tamper((f"UPDATE {TABLE} SET record_set = %s WHERE seq = 2", [forged]))
    assert verify_access_log().problem == SET_ALTERED


def test_verify_names_a_rehashed_entry_by_its_broken_link(people):
    view, *_ = three_entries(people)
    view.note = "rewritten"
    view.prev_hash = "f" * 64
    tamper(
        (
            f"UPDATE {TABLE} SET note = %s, prev_hash = %s, hash = %s WHERE seq = 1",
            [view.note, view.prev_hash, hash_of_entry(view)],
        )
    )
    result = verify_access_log()
    assert (result.problem, result.first_bad_seq) == (BROKEN_LINK, 1)


def test_verify_names_a_deleted_entry_and_a_deleted_tail(people):
    three_entries(people)
    tamper((f"DELETE FROM {TABLE} WHERE seq = 2", []))
    assert (verify_access_log().problem, verify_access_log().first_bad_seq) == (MISSING, 2)
    tamper((f"DELETE FROM {TABLE} WHERE seq = 3", []))
    assert verify_access_log().problem == TAIL_MISSING


def test_verify_notices_a_head_moved_without_the_key(people):
    _, export, _ = three_entries(people)
    tamper((f"DELETE FROM {TABLE} WHERE seq = 3", []))
    tamper((f"UPDATE {HEAD} SET seq = 2, hash = %s", [export.hash]))
    result = verify_access_log()
    assert (result.problem, result.first_bad_seq) == (UNSEALED, 2)


def test_verify_notices_an_entry_forged_past_the_head(people):
    *_, unmask = three_entries(people)
    forged = AccessEntry(
        seq=4,
        occurred_at=unmask.occurred_at,
        actor_name="nobody",
        kind=AccessKind.FULL_RECORD,
        record_type="assistance.application",
        record_id="8",
        division_code=HUAYANG,
        prev_hash=unmask.hash,
    )
    forged.hash = hash_of_entry(forged)
    forged.save()
    result = verify_access_log()
    assert (result.problem, result.first_bad_seq) == (BEYOND_HEAD, 4)
