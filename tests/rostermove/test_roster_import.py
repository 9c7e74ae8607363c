"""Moving the old roster in: a realistic 5,000-household sheet with planted errors reports
exactly the planted problems by row and column; the import enrols every other household
with its members, entitlement and stored facts (equal to the facts read back from the
tables), audited as one migration event vouching for the moved-in notes; a second run
adds nothing; a concurrent second import of one batch is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import HUAYANG, user_with
from tests.rostermove.sheets import generate
from yimen.accounts.roles import Role
from yimen.assistance.models import Application, Member
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.audit.verify import verify_chain
from yimen.benefits.frames import facts_differing, roster_where
from yimen.benefits.models import Beneficiary, Entitlement, HouseholdFacts
from yimen.errors import YimenError
from yimen.rostermove.errors import AlreadyImported, NotAllowed
from yimen.rostermove.models import BatchStatus, MovedRecord, RowProblem
from yimen.rostermove.selectors import moved_intact
from yimen.rostermove.services import batch_check, batch_import
from yimen.workflow.models import Case

from .conftest import TODAY, rules_amount

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]

ID_COL = "身份证号"


def _existing_household(staff, id_number: str, *, with_case: bool) -> None:
    """A household already in the system: on the roster, or only in an open case."""
    application = Application.objects.create(
        division_id=HUAYANG,
        address="已有",
        hukou_type="urban",
        assistance_type="dibao",
        channel="counter",
        created_by=staff,
    )
    Member.objects.create(
        application=application,
        name="已有户",
        id_number=id_number,
        relationship="head",
        birth_date=date(1960, 1, 1),
        sex="M",
    )
    if with_case:
        case = Case.objects.create(
            number=f"T-{application.pk}", process="assist", title="x", division_id=HUAYANG
        )
        Application.objects.filter(pk=application.pk).update(case=case)
        return
    Beneficiary.objects.create(
        application=application,
        division_id=HUAYANG,
        assistance_type="dibao",
        head_name="已有户",
        head_id_number=id_number,
        initials="yyh",
        members=1,
        start_month=date(2020, 1, 1),
        stability="stable",
        next_review_on=date(2027, 1, 1),
        payee_name="已有户",
    )


def plant(sheet, staff):
    """Plant one error in each of a set of households; returns the sheet."""
    hs = sheet.households

    def head_row(i):
        return hs[i].rows[0]

    def mark(i, member, column, code):
        sheet.planted.add((sheet.row_of(i, member), column, code))
        sheet.blocked.add(i)

    multi = [i for i, h in enumerate(hs) if h.members >= 2]
    dibao = [i for i, h in enumerate(hs) if h.kind == "低保" and i not in multi[:40]]
    i = iter(multi)
    d = iter(dibao)
    # ID numbers: wrong check digit, impossible birth date, too short (a member's row)
    k = next(i)
    pid = hs[k].rows[1][ID_COL]
    hs[k].rows[1][ID_COL] = pid[:17] + ("0" if pid[17] != "0" else "1")
    mark(k, 1, ID_COL, "id_check")
    k = next(i)
    pid = hs[k].rows[1][ID_COL]
    hs[k].rows[1][ID_COL] = pid[:10] + "13" + pid[12:]
    mark(k, 1, ID_COL, "id_birth")
    k = next(i)
    hs[k].rows[1][ID_COL] = hs[k].rows[1][ID_COL][:17]
    mark(k, 1, ID_COL, "id_format")
    # the same person in two households (the later row is reported, naming the first)
    a, b = next(i), next(i)
    hs[b].rows[1][ID_COL] = hs[a].rows[1][ID_COL]
    mark(b, 1, ID_COL, "duplicate_in_sheet")
    # already on the roster / in an open case
    k = next(i)
    _existing_household(staff, hs[k].rows[1][ID_COL], with_case=False)
    mark(k, 1, ID_COL, "on_roster")
    k = next(i)
    _existing_household(staff, hs[k].rows[1][ID_COL], with_case=True)
    mark(k, 1, ID_COL, "open_case")
    # missing name, unknown relation
    k = next(i)
    hs[k].rows[1]["成员姓名"] = ""
    mark(k, 1, "成员姓名", "missing")
    k = next(i)
    hs[k].rows[1]["与户主关系"] = "邻居"
    mark(k, 1, "与户主关系", "relation_unknown")
    # no head row; a second head row
    k = next(i)
    hs[k].rows[0]["与户主关系"] = "配偶"
    mark(k, 0, "户主身份证号", "no_head")
    k = next(i)
    hs[k].rows[1]["与户主关系"] = "本人"
    mark(k, 1, "与户主关系", "two_heads")
    # the household's own fields, on its head's row
    for column, value, code in [
        ("救助类别", "五保", "type_unknown"),
        ("城乡类别", "郊区", "hukou_unknown"),
        ("月保障金额", "12.345", "amount_bad"),
        ("月保障金额", "0", "amount_missing"),
        ("享受起始年月", "2023-13", "month_bad"),
        ("享受起始年月", "2027-05", "month_future"),
        ("银行账号", "1234", "account_bad"),
        ("村（社区）", "不存在村", "division_unknown"),
    ]:
        k = next(d)
        head_row(k)[column] = value
        mark(k, 0, column, code)
    k = next(d)
    head_row(k)["乡镇（街道）"] = ""
    head_row(k)["村（社区）"] = "新村"
    mark(k, 0, "村（社区）", "division_ambiguous")
    k = next(d)
    head_row(k)["区划代码"] = "220103"
    mark(k, 0, "区划代码", "division_outside")
    # an amount the rules would not give: a notice, the household still moves in
    k = next(d)
    amount = Decimal(head_row(k)["月保障金额"]) + 10
    head_row(k)["月保障金额"] = str(amount)
    sheet.planted.add((sheet.row_of(k), "月保障金额", "amount_differs"))
    sheet.notice_row = sheet.row_of(k)
    return sheet


def problems(batch) -> set[tuple[int, str, str]]:
    return set(RowProblem.objects.filter(batch=batch).values_list("row", "column", "code"))


@pytest.fixture
def planted(county):
    return plant(generate(5000, rules_amount), county.staff)


def test_dry_run_reports_exactly_the_planted_problems_and_writes_nothing(county, planted):
    before = Beneficiary.objects.count()
    batch = batch_check(
        actor=county.staff,
        kind="roster",
        division_code="220102",
        data=planted.xlsx_bytes(),
        file_name="花名册.xlsx",
    )
    assert problems(batch) == planted.planted
    assert batch.records == 5000
    assert batch.valid == 5000 - len(planted.blocked)
    assert batch.blocking == len(planted.planted) - 1 and batch.notices == 1
    notice = RowProblem.objects.get(batch=batch, code="amount_differs")
    assert not notice.blocking and notice.row == planted.notice_row
    assert Beneficiary.objects.count() == before  # the dry run moved nobody in


def test_import_enrols_the_rest_and_a_second_run_adds_nothing(county, planted):
    data = planted.csv_bytes()
    existing = Beneficiary.objects.count()
    batch = batch_check(
        actor=county.staff, kind="roster", division_code="220102", data=data, file_name="a.csv"
    )
    outcome = batch_import(actor=county.staff, batch=batch)
    moved = 5000 - len(planted.blocked)
    assert outcome.imported == moved and outcome.skipped == len(planted.blocked)
    assert outcome.batch.status == BatchStatus.IMPORTED
    new = Beneficiary.objects.filter(application__channel="moved_in")
    assert new.count() == moved == Beneficiary.objects.count() - existing
    # the import wrote the stored facts the rules' batch reads: as the tables give them
    new_ids = set(new.values_list("pk", flat=True))
    assert HouseholdFacts.objects.filter(beneficiary__in=new).count() == moved
    assert not new_ids & set(facts_differing(*roster_where("220102")))
    # one household, as the sheet has it
    index = next(i for i in range(len(planted.households)) if i not in planted.blocked)
    first = planted.households[index]
    head = first.rows[0]
    household = new.get(head_id_number=head["户主身份证号"])
    assert household.members == first.members
    assert household.division_id == ["220102001001", "220102001002", "220102002001"][index % 3]
    assert household.account_number == head["银行账号"]
    assert household.next_review_on > TODAY
    ent = Entitlement.objects.get(beneficiary=household)
    assert ent.effective_month == date(2015 + index % 10, 1 + index % 12, 1)
    assert ent.monthly_amount == Decimal(head["月保障金额"] or "0")
    assert ent.decided_by == county.staff
    assert sorted(household.application.members.values_list("id_number", flat=True)) == sorted(
        r["身份证号"] for r in first.rows
    )
    # audited as a migration: one event for the batch (who, why) vouching for its notes,
    # which say which household came from which row
    event = AuditEvent.objects.get(event_type=EventType.RECORD_MIGRATED)
    assert event.subject_id == str(batch.pk) and event.actor_id == county.staff.pk
    assert event.reason == f"迁移：旧系统导入，批次 {batch.pk}"
    assert event.new["count"] == moved and event.new["records"] == "benefits.beneficiary"
    note = MovedRecord.objects.get(kind="roster", object_id=household.pk)
    assert (note.batch_id, note.row, note.key) == (
        batch.pk,
        planted.row_of(index),
        head["户主身份证号"],
    )
    assert verify_chain().ok and moved_intact(batch.pk)
    MovedRecord.objects.filter(pk=note.pk).update(row=note.row + 1)
    assert not moved_intact(batch.pk)  # an altered note no longer matches the event
    MovedRecord.objects.filter(pk=note.pk).update(row=note.row)
    # the planted households stayed out
    for i in planted.blocked:
        assert not new.filter(head_id_number=planted.households[i].rows[0]["户主身份证号"]).exists()

    again = batch_check(
        actor=county.staff, kind="roster", division_code="220102", data=data, file_name="a.csv"
    )
    assert again.valid == 0 and again.already_moved == moved
    assert not RowProblem.objects.filter(
        batch=again,
        code="on_roster",
        row__in=[planted.row_of(i) for i in range(50) if i not in planted.blocked],
    ).exists()
    second = batch_import(actor=county.staff, batch=again)
    assert second.imported == 0
    assert Beneficiary.objects.count() == existing + moved
    assert MovedRecord.objects.filter(kind="roster").count() == moved


def test_one_batch_imports_once(county):
    sheet = generate(20, rules_amount)
    batch = batch_check(
        actor=county.staff,
        kind="roster",
        division_code="220102",
        data=sheet.csv_bytes(),
        file_name="b.csv",
    )
    batch_import(actor=county.staff, batch=batch)
    with pytest.raises(AlreadyImported):
        batch_import(actor=county.staff, batch=batch)
    assert Beneficiary.objects.count() == 20


def test_only_county_civil_affairs_staff_of_the_area(county):
    data = generate(3, rules_amount).csv_bytes()
    township = user_with(Role.TOWNSHIP_APPROVER, "220102001")
    other_county = user_with(Role.COUNTY_SUPERVISOR, "220103")
    for actor in (township, other_county):
        with pytest.raises(NotAllowed):
            batch_check(
                actor=actor, kind="roster", division_code="220102", data=data, file_name="c.csv"
            )
    # a county supervisor elsewhere finds none of this county's villages
    batch = batch_check(
        actor=other_county, kind="roster", division_code="220103", data=data, file_name="c.csv"
    )
    assert batch.valid == 0
    assert set(RowProblem.objects.filter(batch=batch).values_list("code", flat=True)) == {
        "division_unknown"
    }


@pytest.mark.parametrize(
    "data, name",
    [
        (b"PK\x03\x04not a zip", "x.xlsx"),
        (b"\x00\x01binary", "x.xls"),
        ("户主姓名,身份证号\n张三,1\n".encode(), "x.csv"),
    ],
)
def test_unreadable_or_incomplete_sheets_are_refused_before_anything_is_written(county, data, name):
    with pytest.raises(YimenError) as refused:
        batch_check(
            actor=county.staff, kind="roster", division_code="220102", data=data, file_name=name
        )
    assert refused.value.status == 400
    assert refused.value.render("zh-hans") != refused.value.render("en")
