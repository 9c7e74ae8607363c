"""Concurrent messages on one visit never both win (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from yimen.medins.ledger import account_balance
from yimen.settlement.models import Settlement

from .conftest import Fsi
from .test_interface import outpatient_bill, settle_body

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def _race(bodies):
    answers = [None] * len(bodies)
    barrier = threading.Barrier(len(bodies))

    def go(i):
        try:
            barrier.wait()
            answers[i] = Fsi(Client()).post(bodies[i])[1]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_same_msgid_twice_at_once_settles_once(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    body = settle_body(fsi, psn_no, mdtrt_id, msgid="H22010200002202601011200005555")
    first, second = _race([body, body])
    assert first == second and first["infcode"] == 0
    assert Settlement.objects.count() == 1
    assert account_balance(employee) == 100000 - 40000


def test_two_settlements_of_one_visit_at_once_one_wins(fsi, employee):
    psn_no, mdtrt_id = outpatient_bill(fsi, employee)
    answers = _race([settle_body(fsi, psn_no, mdtrt_id), settle_body(fsi, psn_no, mdtrt_id)])
    assert sorted(a["infcode"] for a in answers) == [-1, 0]
    assert Settlement.objects.count() == 1
    assert account_balance(employee) == 100000 - 40000
