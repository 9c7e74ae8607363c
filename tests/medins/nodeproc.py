"""Runs inside one node's environment (its own database) for the two-node test:
``python -m tests.medins.nodeproc seed-outgoing|seed-incoming|apply COUNT SEED``."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yimen.settings.base")

import django

django.setup()

from django.db import transaction  # noqa: E402

from yimen.accounts.models import RoleBinding, User  # noqa: E402
from yimen.accounts.roles import Role  # noqa: E402
from yimen.medins.ledger import account_post  # noqa: E402
from yimen.medins.models import ContributionMonth, EntryKind, InsuredPerson  # noqa: E402
from yimen.medins.services.incoming import transfer_apply  # noqa: E402

from .plan import HAIKOU, SANYA, plan  # noqa: E402


def seed_outgoing(count: int, seed: int) -> None:
    with transaction.atomic():
        for p in plan(count, seed):
            if not p.exists:
                continue
            person = InsuredPerson.objects.create(
                id_number=p.id_number,
                name=p.name,
                insured_division_id=p.division,
                insurance_type="employee",
                status=p.status,
            )
            ContributionMonth.objects.bulk_create(
                ContributionMonth(
                    person=person,
                    month=m,
                    employer_name="长春市测试单位",
                    employer_code="91220100MA0000000X",
                    division_id=p.division,
                    amount_fen=30000 + p.serial,
                )
                for m in p.months
            )
            if p.balance_fen:
                account_post(person, p.balance_fen, EntryKind.CONTRIBUTION, f"seed-{p.serial}")


def staff() -> User:
    user, made = User.objects.get_or_create(
        username="hainan-staff", defaults={"full_name": "海南经办"}
    )
    if made:
        RoleBinding.objects.create(user=user, role=Role.MEDINS_AGENCY, division_id="460000000000")
    return user


def apply(count: int, seed: int) -> None:
    user = staff()
    for p in plan(count, seed):
        transfer_apply(
            actor=user,
            data={
                "id_number": p.id_number,
                "name": p.applied_name,
                "insurance_type": "employee",
                "from_division": p.division,
                "to_division": HAIKOU if p.serial % 2 else SANYA,
            },
        )
    print(f"applied {count}")


if __name__ == "__main__":
    command, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    if command == "seed-outgoing":
        seed_outgoing(count, seed)
    elif command == "seed-incoming":
        staff()
    elif command == "apply":
        apply(count, seed)
    else:
        raise SystemExit(f"unknown command {command}")
