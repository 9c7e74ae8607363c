"""The personal-account ledger: idempotent postings, never negative, race-safe."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from yimen.medins.errors import InsufficientBalance, PostingConflict, ZeroPosting
from yimen.medins.ledger import account_balance, account_post
from yimen.medins.models import AccountEntry, EntryKind, InsuredPerson

from .helpers import id_number, insured


@pytest.fixture
def person(tree):
    return insured(1)


def test_balance_is_the_sum_of_postings(person):
    assert account_balance(person) == 0
    account_post(person, 12345, EntryKind.CONTRIBUTION, "c-1")
    account_post(person, -345, EntryKind.SETTLEMENT, "s-1", memo="门诊")
    assert account_balance(person) == 12000
    assert account_balance(person.pk) == 12000


def test_repeat_posting_returns_the_first_entry(person):
    first = account_post(person, 500, EntryKind.CONTRIBUTION, "c-1")
    again = account_post(person, 500, EntryKind.CONTRIBUTION, "c-1")
    assert again.pk == first.pk
    assert AccountEntry.objects.count() == 1
    assert account_balance(person) == 500


def test_repeat_with_another_amount_or_person_conflicts(person):
    account_post(person, 500, EntryKind.CONTRIBUTION, "c-1")
    with pytest.raises(PostingConflict):
        account_post(person, 501, EntryKind.CONTRIBUTION, "c-1")
    other = insured(2)
    with pytest.raises(PostingConflict) as caught:
        account_post(other, 500, EntryKind.CONTRIBUTION, "c-1")
    assert caught.value.code == "medins.posting_conflict"
    # the same reference under another kind is another event
    account_post(person, -500, EntryKind.SETTLEMENT, "c-1")
    assert account_balance(person) == 0


def test_debit_beyond_balance_is_refused_in_both_languages(person):
    account_post(person, 100, EntryKind.CONTRIBUTION, "c-1")
    with pytest.raises(InsufficientBalance) as caught:
        account_post(person, -101, EntryKind.TRANSFER_OUT, "t-1")
    assert "个人账户" in caught.value.render("zh-hans")
    assert "negative" in caught.value.render("en")
    assert AccountEntry.objects.filter(kind=EntryKind.TRANSFER_OUT).count() == 0
    assert account_balance(person) == 100


def test_zero_and_unknown_kind_are_refused(person):
    with pytest.raises(ZeroPosting):
        account_post(person, 0, EntryKind.ADJUSTMENT, "z")
    with pytest.raises(Exception, match="kind"):
        account_post(person, 1, "gift", "z")


def test_id_number_is_validated_with_its_check_digit(tree):
    good = id_number(7)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    person = InsuredPerson(
        id_number=bad, name="李四", insured_division_id="220100000000", insurance_type="employee"
    )
    with pytest.raises(ValidationError):
        person.full_clean()
    person.id_number = good
    person.full_clean()


@pytest.mark.django_db(transaction=True)
def test_concurrent_debits_never_overdraw():
    from tests.factories import build_tree

    build_tree()
    person = insured(3, balance_fen=1000)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def debit(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(account_post(person.pk, -400, EntryKind.SETTLEMENT, f"race-{i}"))
        except BaseException as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=debit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    wins = [o for o in outcomes if isinstance(o, AccountEntry)]
    refusals = [o for o in outcomes if isinstance(o, InsufficientBalance)]
    assert len(wins) == 2 and len(refusals) == 2, outcomes
    assert account_balance(person.pk) == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_same_reference_posts_once():
    from tests.factories import build_tree

    build_tree()
    person = insured(4, balance_fen=1000)
    barrier = threading.Barrier(4)
    outcomes: list[object] = []

    def post() -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(account_post(person.pk, -300, EntryKind.TRANSFER_OUT, "T-1"))
        except BaseException as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(o, AccountEntry) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert account_balance(person.pk) == 700


def test_posting_statement_is_the_ledger_insert_both_paths_use(person):
    """The statement the settlement fast path sends writes the row ``account_post`` would."""
    from django.db import IntegrityError, connection, transaction
    from django.utils import timezone

    from yimen.medins.errors import UnknownEntryKind
    from yimen.medins.ledger import posting_statement

    account_post(person, 1000, EntryKind.CONTRIBUTION, "c-1")
    at = timezone.now()
    sql, params = posting_statement(
        person_id=person.pk, amount_fen=-300, kind=EntryKind.SETTLEMENT, reference="m-1",
        memo="S1" * 150, at=at,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    entry = AccountEntry.objects.get(kind=EntryKind.SETTLEMENT, reference="m-1")
    assert (entry.person_id, entry.amount_fen, len(entry.memo)) == (person.pk, -300, 200)
    assert entry.created_at == at
    assert account_balance(person) == 700
    # once per (kind, reference): a second send fails the unique index and writes nothing
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert account_balance(person) == 700
    # the checks that need no database are the statement's own
    with pytest.raises(ZeroPosting):
        posting_statement(person_id=person.pk, amount_fen=0, kind=EntryKind.SETTLEMENT,
                          reference="m-2", at=at)  # fmt: skip
    with pytest.raises(UnknownEntryKind):
        posting_statement(person_id=person.pk, amount_fen=1, kind="gift", reference="m-3", at=at)
    # account_post returns the row it wrote, as read back
    made = account_post(person, -200, EntryKind.SETTLEMENT, "m-4", memo="S2")
    assert made == AccountEntry.objects.get(reference="m-4")
    assert not made._state.adding
