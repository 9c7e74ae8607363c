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
from yimen.privacy.models import AccessEntry

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
    assert evaluate_frame(*from_tables[:2], params_in_force, ON, from_tables[2]).equals(
        evaluate_frame(stored.households, stored.members, params_in_force, ON, stored.supporters)
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
        decoded_households, decoded_members, _ = facts_codec.decode(batches)
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
    # the whole list is personal data leaving the system: a purpose, one access-log entry
    refused = client.get(f"/benefits/recalc/?division={NANLING}&on={ON}&format=csv")
    assert refused.status_code == 302 and not AccessEntry.objects.exists()
    download = client.get(f"/benefits/recalc/?division={NANLING}&on={ON}&format=csv&purpose=review")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    entry = AccessEntry.objects.get()
    assert (entry.kind, entry.purpose, entry.record_count) == ("export", "review", result.count)
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
    expected = evaluate_frame(*from_tables[:2], params_in_force, ON, from_tables[2]).select(columns)
    assert (
        evaluate_frame(stored.households, stored.members, params_in_force, ON, stored.supporters)
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


def test_the_newer_facts_survive_the_stored_copy_and_decide_as_the_engine(
    three_households, django_user_model
):
    """Further certificates, the latest self-care assessment, seasonal income, 特困 as a
    minor and legal supporters are stored with the household and read back as the tables
    give them: the roster's batch decides each household as ``engine.evaluate`` does."""
    from yimen.assistance.application_facts import facts_from_application
    from yimen.assistance.models import DisabilityCertificate, SelfCareAssessment, Supporter
    from yimen.assistance.rules.engine import evaluate

    first, second, third = three_households
    assessor = django_user_model.objects.create(username="assessor")
    head = first.members.order_by("pk").first()
    DisabilityCertificate.objects.create(member=head, kind="visual", grade=2)
    DisabilityCertificate.objects.create(member=head, kind="visual", grade=1)
    DisabilityCertificate.objects.create(member=head, kind="hearing", grade=3)
    items = dict.fromkeys(SelfCareAssessment.ITEMS, True)
    SelfCareAssessment.objects.create(
        member=head, assessed_on=date(2026, 1, 5), assessor=assessor, **items
    )
    SelfCareAssessment.objects.create(  # the latest: four items failed
        member=head,
        assessed_on=date(2026, 6, 5),
        assessor=assessor,
        **{**items, "eating": False, "dressing": False, "bathing": False, "toileting": False},
    )
    earner = second.members.order_by("pk").first()
    earner.incomes.update(period_amount=Decimal("3600.50"))
    Member.objects.filter(pk=earner.pk).update(tekun_as_minor=True, student=True)
    Supporter.objects.create(
        application=third,
        name="赵建国",
        id_number="220102195001011234",
        relationship="child",
        birth_date=date(1950, 1, 1),
        annual_income=Decimal("12000.00"),
        deposits=Decimal("5000.00"),
        vehicles=["car", "car"],
        disability_kind="physical",
        disability_grade=2,
        imprisoned=True,
    )
    store_household_facts(list(Beneficiary.objects.values_list("pk", flat=True)))
    stored = roster_frames(NANLING[:9], date(2027, 1, 1))
    by_member = stored.members.sort("household_id")
    assert by_member["cert_visual"].drop_nulls().to_list() == [1]  # the most severe
    assert by_member["cert_hearing"].drop_nulls().to_list() == [3]
    assert by_member["self_care_failed"].drop_nulls().to_list() == [4]  # the latest
    assert by_member["tekun_as_minor"].sum() == 1
    assert sorted(set(by_member["period_wages"].to_list())) == [0, 360_050]
    supporter = stored.supporters.row(0, named=True)
    assert (supporter["vehicle_car"], supporter["imprisoned"], supporter["deposits_fen"]) == (
        2,
        True,
        500_000,
    )
    where, params = roster_where(NANLING[:9])
    _, members, supporters = source_frames(where, params)
    assert _normalised(stored.members).equals(_normalised(members))
    newer = ["household_id", "tekun_as_minor", "self_care_failed", "^cert_.*$", "^period_.*$"]
    assert stored.members.select(newer).equals(members.select(newer))
    assert stored.supporters.equals(supporters)
    assert stored.households["has_able_supporter"].to_list() == [None, None, None]
    params_in_force = params_for(NANLING, ON)
    batch = evaluate_frame(
        stored.households, stored.members, params_in_force, ON, stored.supporters
    )
    for application in three_households:
        one = evaluate(facts_from_application(application), params_in_force, ON)
        pk = Beneficiary.objects.get(application=application).pk
        row = batch.filter(pl.col("household_id") == pk).row(0, named=True)
        assert (row["dibao_eligible"], row["tekun_eligible"]) == (
            one.dibao_eligible,
            one.tekun_eligible,
        )
        assert row["tekun_amount_fen"] == round(one.tekun_amount * 100)
    # the check command agrees: nothing differs after the rewrite
    from yimen.benefits.frames import facts_differing

    assert facts_differing(where, params) == []


def test_codec_round_trip_of_the_newer_facts_on_random_households():
    rng = np.random.default_rng(11)
    n, per = 300, rng.integers(1, 9, 300)
    ids = np.arange(1, n + 1)
    member_ids = np.repeat(ids, per)
    k = len(member_ids)

    def sparse(values, share):  # null (none) for most members
        return pl.Series(values).set(pl.Series(rng.random(k) >= share), None)

    members = pl.DataFrame(
        {
            "household_id": member_ids,
            "birth_date": pl.Series(rng.integers(-25_000, 20_000, k)).cast(pl.Date),
            "disability_kind": rng.choice(facts_codec.DISABILITY_KINDS, k),
            "disability_grade": rng.integers(0, 5, k),
            "work_ability": rng.choice(facts_codec.WORK_ABILITIES, k),
            "living_apart": rng.random(k) < 0.1,
            "student": rng.random(k) < 0.1,
            "tekun_as_minor": rng.random(k) < 0.1,
            "self_care_failed": sparse(rng.integers(0, 7, k), 0.2),
            **{f"income_{c}": rng.integers(0, 10**6, k) for c in facts_codec.INCOMES},
            **{f"cert_{c}": sparse(rng.integers(1, 5, k), 0.05) for c in facts_codec.CERT_KINDS},
            **{
                f"period_{c}": rng.integers(0, 10**7, k) * (rng.random(k) < 0.05)
                for c in facts_codec.INCOMES
            },
        }
    )
    households = pl.DataFrame(
        {
            "household_id": ids,
            "hukou_type": rng.choice(facts_codec.HUKOU_TYPES, n),
            "has_able_supporter": pl.Series(rng.random(n) < 0.5).set(
                pl.Series(rng.random(n) < 0.5), None
            ),
            "hardship_tier": [""] * n,
            "deposits_fen": rng.integers(0, 10**9, n),
            "homes": rng.integers(0, 3, n),
            "market_entities": rng.integers(0, 2, n),
            **{f"vehicle_{v}": rng.integers(0, 3, n) for v in facts_codec.VEHICLES},
        }
    )
    with_supporters = np.sort(rng.choice(ids, 60))
    supporters = pl.DataFrame(
        {
            "household_id": with_supporters,
            "birth_date": pl.Series(rng.integers(-25_000, 0, 60)).cast(pl.Date),
            **{f: rng.random(60) < 0.3 for f in facts_codec.SUPPORTER_FLAGS},
            "disability_kind": rng.choice(facts_codec.DISABILITY_KINDS, 60),
            "disability_grade": pl.Series(rng.integers(1, 5, 60)).set(
                pl.Series(rng.random(60) < 0.5), None
            ),
            "annual_income_fen": rng.integers(0, 10**8, 60),
            "deposits_fen": rng.integers(0, 10**9, 60),
            "homes": rng.integers(0, 3, 60),
            "market_entities": rng.integers(0, 2, 60),
            **{f"vehicle_{v}": rng.integers(0, 3, 60) for v in facts_codec.VEHICLES},
        },
        schema=facts_codec.SUPPORTER_SCHEMA,
    )
    encoded = list(facts_codec.encode(households, members, supporters))
    batch = facts_codec.StoredBatch.of_rows(
        [e.household_id for e in encoded],
        [f"220102001001|tekun|{e.hardship_tier}" for e in encoded],
        [e.records for e in encoded],
    )
    decoded_households, decoded_members, decoded_supporters = facts_codec.decode([batch])
    assert decoded_supporters.equals(supporters)
    assert decoded_households["has_able_supporter"].equals(households["has_able_supporter"])
    newer = ["household_id", "tekun_as_minor", "self_care_failed", "^cert_.*$", "^period_.*$"]
    assert decoded_members.select(newer).equals(members.select(newer))
    assert _normalised(decoded_members).equals(_normalised(members))
