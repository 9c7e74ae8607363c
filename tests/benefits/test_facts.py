"""The roster's stored household facts (benefits.models.facts): written at enrolment,
decoded into exactly the frames the application tables give, topped up when missing or of
an older layout, and checked against the tables by `yimen benefits_facts`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from django.core.management import CommandError, call_command

from tests.benefits.test_recalc import ON
from tests.factories import NANLING, TEST_PASSWORD
from yimen.assistance.models import Member
from yimen.assistance.parameters import params_for
from yimen.assistance.rules.vectorised import evaluate_frame
from yimen.benefits import facts_codec
from yimen.benefits.frames import (
    roster_frames,
    roster_where,
    source_frames,
    store_household_facts,
)
from yimen.benefits.models import Beneficiary, HouseholdFacts
from yimen.benefits.services.recalc import recalc_compute

pytestmark = pytest.mark.django_db
MEMBER_COLUMNS = [
    "household_id",
    "birth_date",
    "disability_kind",
    "disability_grade",
    "work_ability",
    "living_apart",
    "student",
]


def _normalised(members: pl.DataFrame) -> pl.DataFrame:
    """Members as plain values (the tables give NULL grades and text, the copy 0 and Enums)."""
    incomes = sorted(c for c in members.columns if c.startswith("income_"))
    return members.select(
        *MEMBER_COLUMNS[:2],
        pl.col("disability_kind").cast(pl.String),
        pl.col("disability_grade").fill_null(0).cast(pl.Int64),
        pl.col("work_ability").cast(pl.String),
        *MEMBER_COLUMNS[5:],
        *incomes,
    )


def test_enrolment_stores_the_facts_and_they_read_back_as_the_tables(three_households):
    assert HouseholdFacts.objects.count() == 3
    assert set(HouseholdFacts.objects.values_list("layout", flat=True)) == {facts_codec.LAYOUT}
    where, params = roster_where(NANLING[:9])
    from_tables = source_frames(where, params)
    stored = roster_frames(NANLING[:9], date(2027, 1, 1))
    assert _normalised(stored.members).equals(_normalised(from_tables[1]))
    columns = ["household_id", "hukou_type", "deposits_fen", "homes", "has_able_supporter"]
    assert (
        stored.households.select(columns)
        .with_columns(pl.col("hukou_type").cast(pl.String))
        .equals(from_tables[0].select(columns))
    )
    wages = stored.members.filter(pl.col("income_wages") > 0)["income_wages"].sort().to_list()
    assert wages == [80_000, 90_000, 2_000_000]  # 800, the default 900 and 20,000 yuan in fen
    params_in_force = params_for(NANLING, ON)
    assert evaluate_frame(*from_tables, params_in_force, ON).equals(
        evaluate_frame(stored.households, stored.members, params_in_force, ON)
    )


def test_codec_round_trip_on_random_households():
    rng = np.random.default_rng(7)
    n, per = 500, rng.integers(1, 7, 500)
    ids = np.arange(1, n + 1)
    member_ids = np.repeat(ids, per)
    incomes = {
        f"income_{c}": rng.integers(0, 2**31, len(member_ids)) * (rng.random(len(member_ids)) < 0.3)
        for c in facts_codec.INCOMES
    }
    members = pl.DataFrame(
        {
            "household_id": member_ids,
            "birth_date": pl.Series(rng.integers(-25_000, 20_000, len(member_ids))).cast(pl.Date),
            "disability_kind": rng.choice(facts_codec.DISABILITY_KINDS, len(member_ids)),
            "disability_grade": rng.integers(0, 5, len(member_ids)),
            "work_ability": rng.choice(facts_codec.WORK_ABILITIES, len(member_ids)),
            "living_apart": rng.random(len(member_ids)) < 0.1,
            "student": rng.random(len(member_ids)) < 0.1,
            **incomes,
        }
    )
    households = pl.DataFrame(
        {
            "household_id": ids,
            "hukou_type": rng.choice(facts_codec.HUKOU_TYPES, n),
            "has_able_supporter": rng.random(n) < 0.2,
            "hardship_tier": rng.choice(["", "1", "二档"], n),
            "deposits_fen": rng.integers(0, 10**13, n),
            "homes": rng.integers(0, 3, n),
            "market_entities": rng.integers(0, 2, n),
            **{f"vehicle_{k}": rng.integers(0, 3, n) for k in facts_codec.VEHICLES},
        }
    )
    encoded = list(facts_codec.encode(households, members))
    ids = [e.household_id for e in encoded]
    labels = [f"220102001001|dibao|{e.hardship_tier}" for e in encoded]
    records = [e.records for e in encoded]
    # as a DB-API driver hands them back (one value each), and as Arrow columns: split in
    # two batches, the second a slice of a larger array (an offset into shared buffers)
    from_rows = [facts_codec.StoredBatch.of_rows(ids, labels, records)]
    padded = pa.array([b"x" * facts_codec.RECORD.itemsize, *records], type=pa.binary())
    from_arrow = [
        facts_codec.StoredBatch.of_arrow(
            pa.array(ids[:200]), pa.array(labels[:200]), pa.array(records[:200], pa.binary())
        ),
        facts_codec.StoredBatch.of_arrow(
            pa.array(ids[200:]), pa.array(labels[200:]), padded.slice(201)
        ),
    ]
    for batches in (from_rows, from_arrow):
        decoded_households, decoded_members = facts_codec.decode(batches)
        assert _normalised(decoded_members).equals(_normalised(members))
        assert (
            decoded_households.drop("division_id", "current_type")
            .with_columns(pl.col("hukou_type").cast(pl.String))
            .equals(
                households.select(decoded_households.drop("division_id", "current_type").columns)
            )
        )


def test_missing_or_old_facts_are_written_before_the_batch_reads(three_households):
    before = recalc_compute(NANLING, ON)
    HouseholdFacts.objects.filter(pk=Beneficiary.objects.order_by("pk").first().pk).delete()
    HouseholdFacts.objects.filter(pk=Beneficiary.objects.order_by("pk").last().pk).update(
        layout=facts_codec.LAYOUT + 1, records=b""
    )
    after = recalc_compute(NANLING, ON)
    assert after.digest == before.digest and after.count == before.count > 0
    assert set(HouseholdFacts.objects.values_list("layout", flat=True)) == {facts_codec.LAYOUT}
    assert HouseholdFacts.objects.count() == 3


def test_the_check_command_finds_facts_that_differ_and_rebuilds_them(three_households, capsys):
    call_command("benefits_facts", NANLING)
    assert "differing 0" in capsys.readouterr().out
    member = Member.objects.filter(application=three_households[0]).order_by("pk").first()
    Member.objects.filter(pk=member.pk).update(work_ability="none")  # behind the services
    with pytest.raises(CommandError):
        call_command("benefits_facts", NANLING)
    call_command("benefits_facts", NANLING, "--rebuild")
    call_command("benefits_facts", NANLING)
    assert "differing 0" in capsys.readouterr().out.splitlines()[-1]
    with pytest.raises(CommandError):
        call_command("benefits_facts", "999999999999")


def test_a_long_list_shows_its_first_part_and_downloads_whole(
    client, staff, three_households, monkeypatch
):
    from yimen.benefits import views_recalc

    monkeypatch.setattr(views_recalc, "SHOWN", 1)
    assert client.login(username=staff.caseworker.username, password=TEST_PASSWORD)
    result = recalc_compute(NANLING, ON)
    assert result.count >= 2
    page = client.get(f"/benefits/recalc/?division={NANLING}&on={ON}").content.decode()
    assert 'id="recalc-more"' in page and f"共 {result.count} 条变化" in page
    download = client.get(f"/benefits/recalc/?division={NANLING}&on={ON}&format=csv")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == result.count + 1
    assert {line.split(",")[0] for line in lines[1:]} == {
        str(c.beneficiary_id) for c in result.changes
    }


def test_an_income_above_the_cap_is_stored_capped_and_decides_the_same(three_households):
    """Incomes are stored in 32 bits (facts_codec.INCOME_CAP_FEN); a larger one is capped,
    which cannot change a result: such a household is ineligible either way."""
    member = Member.objects.filter(application=three_households[0]).order_by("pk").first()
    member.incomes.update(monthly_amount=Decimal("30000000.00"))  # 30 million yuan a month
    store_household_facts(list(Beneficiary.objects.values_list("pk", flat=True)))
    where, params = roster_where(NANLING[:9])
    from_tables = source_frames(where, params)
    stored = roster_frames(NANLING[:9], date(2027, 1, 1))
    assert stored.members["income_wages"].max() == facts_codec.INCOME_CAP_FEN
    assert from_tables[1]["income_wages"].max() == 3_000_000_000
    params_in_force = params_for(NANLING, ON)
    columns = ["household_id", "proposed_type", "proposed_amount_fen"]
    expected = evaluate_frame(*from_tables, params_in_force, ON).select(columns)
    assert (
        evaluate_frame(stored.households, stored.members, params_in_force, ON)
        .select(columns)
        .equals(expected)
    )
    rich = Beneficiary.objects.get(application=three_households[0]).pk
    assert expected.filter(pl.col("household_id") == rich)["proposed_type"].to_list() == [None]


def test_entitlements_read_by_id_range_give_the_same_list(three_households, monkeypatch):
    """A large roster reads its entitlements by the range of its ids, not joined to the
    roster again; the list of changes must not depend on which."""
    from yimen.benefits import frames

    joined = recalc_compute(NANLING, ON)
    monkeypatch.setattr(frames, "RANGE_READ_MIN", 1)
    by_range = recalc_compute(NANLING, ON)
    assert by_range.digest == joined.digest and by_range.count == joined.count > 0
    assert by_range.evaluated == joined.evaluated == 3
