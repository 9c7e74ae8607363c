"""Dynamic re-verification: the rules' batch over verified facts lists what would change."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from django.core.management import call_command

from tests.assistance.conftest import household_input, id_number
from yimen.assistance.rules.vectorised_frames import VEHICLE_PREFIX
from yimen.assistance.services import intake
from yimen.verification.reverify import UNREPORTED, reverification_changes, verified_frames

from .conftest import import_fixture

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 16)


@pytest.fixture
def roster(staff, requested, tmp_path):
    """The 张 household (partner records differ) and a 王 household nobody has records of."""
    call_command("load_parameters")
    import_fixture(tmp_path)
    data = household_input()
    for member, (birth, serial) in zip(
        data.members, [("19660101", "111"), ("19680202", "222"), ("20100303", "333")], strict=True
    ):
        member.id_number = id_number(birth, serial)
        member.name = "王" + member.name[1:]
    quiet = intake.application_create(actor=staff.caseworker, data=data)
    return requested, quiet


def test_verified_facts_take_the_records_where_they_find_more(roster):
    zhang, wang = roster
    declared, verified, members = verified_frames([zhang.pk, wang.pk], ON)
    row = verified.filter(pl.col("household_id") == zhang.pk).row(0, named=True)
    assert row["deposits_fen"] == 450050  # 4500.50 found > 3000 declared
    assert (row["homes"], row[VEHICLE_PREFIX + "car"], row["market_entities"]) == (2, 1, 0)
    assert declared.filter(pl.col("household_id") == zhang.pk)["deposits_fen"].item() == 300000
    extra = members.filter(pl.col("household_id") == zhang.pk)[UNREPORTED].to_list()
    assert extra == [30000 + 150000, 0, 0]  # wages 300 and pension 1500 a month, on the head
    assert verified.filter(pl.col("household_id") == wang.pk).drop("household_id").rows() == (
        declared.filter(pl.col("household_id") == wang.pk).drop("household_id").rows()
    )


def test_the_list_names_the_households_whose_eligibility_or_amount_changes(roster):
    zhang, wang = roster
    changes = reverification_changes([zhang.pk, wang.pk], ON)
    assert changes["household_id"].to_list() == [zhang.pk]  # 王: nothing found, nothing changes
    row = changes.row(0, named=True)
    # declared: 900 counted a month for three under a standard of 700 → 低保 of 1200
    assert (row["proposed_type"], row["proposed_amount_fen"]) == ("dibao", 120000)
    # verified: 2700 a month, a car and two homes → no assistance
    assert (row["proposed_type_verified"], row["proposed_amount_fen_verified"]) == (None, 0)
    assert row["eligibility_changed"] is True


def test_a_roster_may_give_its_own_id_numbers(roster):
    zhang, _ = roster
    head = zhang.members.get(relationship="head").id_number
    only_head = pl.DataFrame({"household_id": [zhang.pk], "id_number": [head]})
    changes = reverification_changes([zhang.pk], ON, id_numbers=only_head)
    row = changes.row(0, named=True)
    # the head alone: bank 3700.50, no car (the spouse's), one home, wages 1200 → still
    # 低保 but 300 a month less (1200 − 300 undeclared wages)
    assert (row["proposed_type_verified"], row["proposed_amount_fen_verified"]) == ("dibao", 90000)
    assert row["eligibility_changed"] is False
