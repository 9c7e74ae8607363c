"""Transfer applications for a person not yet known, made at the same moment (PostgreSQL):
one transfer, one enrolment, the others refused as already in progress — never a 500."""

from __future__ import annotations

from tests.factories import user_with
from tests.races import on_postgres, one_winner, race
from yimen.accounts.roles import Role
from yimen.audit.verify import verify_chain
from yimen.errors import Conflict
from yimen.medins.models import InsuredPerson, OutboxMessage, Transfer
from yimen.medins.services.incoming import transfer_apply

from .test_incoming import application

pytestmark = on_postgres
CLERKS = 10


def test_simultaneous_applications_for_an_unknown_person_have_one_winner(as_hainan):
    clerks = [user_with(Role.MEDINS_AGENCY, "460000000000") for _ in range(CLERKS)]
    assert not InsuredPerson.objects.exists()
    results = race(*[lambda c=c: transfer_apply(actor=c, data=application()) for c in clerks])
    transfer = one_winner(results, Conflict)
    assert isinstance(transfer, Transfer)
    assert InsuredPerson.objects.count() == 1
    assert list(Transfer.objects.values_list("pk", flat=True)) == [transfer.pk]
    assert OutboxMessage.objects.count() == 1
    assert verify_chain().ok
