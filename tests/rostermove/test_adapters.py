"""The same dry run and import for the subsidy's surveyed units and the exams' certificate
holders: each with planted problems reported by row, the rest moved in, a rerun adding
nothing, and the right staff only (the bureau for units, the exam administration for
certificates)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from tests.exams.conftest import exam_world, id_for  # noqa: F401  (fixture)
from tests.factories import user_with
from tests.subsidy.conftest import YUSHU, uscc_for, world  # noqa: F401  (fixture)
from tests.subsidy.conftest import id_for as farm_id
from yimen.accounts.roles import Role
from yimen.audit.events import EventType
from yimen.audit.models import AuditEvent
from yimen.exams.models import Certificate, CertificateStatus
from yimen.rostermove.errors import NotAllowed
from yimen.rostermove.models import RowProblem
from yimen.rostermove.selectors import moved_intact
from yimen.rostermove.services import batch_check, batch_import
from yimen.subsidy.models import Survey, SurveyStatus, Unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def csv_of(headers, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("gb18030")  # the old systems' usual encoding


UNIT_HEADERS = [
    "主体类型",
    "名称",
    "身份证号或统一社会信用代码",
    "所在村（区划代码）",
    "联系人",
    "牛存栏",
    "羊存栏",
]


def test_subsidy_units_move_in_as_surveyed_entries(world):  # noqa: F811
    scheme = world.scheme
    good_id, good_code = farm_id(), uscc_for()
    known = Unit.objects.create(
        applicant_type="farm",
        name="老户",
        id_kind="ric",
        identity=farm_id(),
        division_id="220182001200",
    )
    rows = [
        ["养殖场户", "张建国", good_id, "220182001200", "张建国", "12", "0"],  # 2
        ["草食畜养殖合作社", "榆树合作社", good_code, "220182002200", "李明", "40", "100"],  # 3
        ["养殖场户", "老户", known.identity, "220182001200", "", "3", ""],  # 4: reused unit
        [
            "养殖场户",
            "错号",
            good_id[:17] + ("1" if good_id[17] != "1" else "2"),
            "220182001200",
            "",
            "",
            "",
        ],  # 5
        ["养殖大户", "未知类型", farm_id(), "220182001200", "", "", ""],  # 6
        ["养殖场户", "重复", good_id, "220182001200", "", "", ""],  # 7
        ["养殖场户", "区外", farm_id(), "220102001001", "", "", ""],  # 8
        ["养殖场户", "头数", farm_id(), "220182001200", "", "-3", ""],  # 9
    ]
    data = csv_of(UNIT_HEADERS, rows)
    batch = batch_check(
        actor=world.reviewer,
        kind="subsidy",
        division_code="",
        scheme_id=scheme.pk,
        data=data,
        file_name="units.csv",
    )
    found = set(RowProblem.objects.filter(batch=batch).values_list("row", "code"))
    assert found == {
        (5, "id_check"),
        (6, "unit_type_unknown"),
        (7, "duplicate_in_sheet"),
        (8, "division_outside"),
        (9, "head_count_bad"),
    }
    assert batch.valid == 3
    outcome = batch_import(actor=world.reviewer, batch=batch)
    assert outcome.imported == 3
    surveys = Survey.objects.filter(scheme=scheme)
    assert surveys.count() == 3
    assert set(surveys.values_list("status", flat=True)) == {SurveyStatus.SURVEYED}
    assert surveys.get(unit__identity=good_code).cattle == 40
    assert Unit.objects.filter(identity=known.identity).count() == 1
    migrated = AuditEvent.objects.get(
        event_type=EventType.RECORD_MIGRATED, subject_id=str(batch.pk)
    )  # one event for the batch, vouching for its moved-in notes
    assert migrated.new["records"] == "subsidy.survey" and migrated.new["count"] == 3
    assert moved_intact(batch.pk)
    again = batch_check(
        actor=world.reviewer,
        kind="subsidy",
        division_code="",
        scheme_id=scheme.pk,
        data=data,
        file_name="units.csv",
    )
    assert again.valid == 0 and again.already_moved == 3
    assert batch_import(actor=world.reviewer, batch=again).imported == 0
    assert Survey.objects.filter(scheme=scheme).count() == 3
    # the surveyor, or the reviewer of another county, may not
    for actor in (world.surveyor, world.outsider):
        with pytest.raises(NotAllowed):
            batch_check(
                actor=actor,
                kind="subsidy",
                division_code="",
                scheme_id=scheme.pk,
                data=data,
                file_name="u.csv",
            )


CERT_HEADERS = ["姓名", "身份证号", "文化程度", "作业类别", "证书编号", "发证日期", "有效期至"]


def test_certificate_holders_move_in_as_valid_certificates(exam_world):  # noqa: F811
    admin = exam_world.admin
    a, b = id_for("19800101"), id_for("19900202")
    existing = exam_world.candidate(birth="19750505")
    rows = [
        ["赵国庆", a, "高中", "T-EL-LV", "T" + a, "2024-03-01", ""],  # 2
        ["钱多多", b, "初中", "T-HC-AU", "T" + b, "2025/6/30", "2031-06-30"],  # 3
        [
            existing.name,
            existing.id_number,
            "高中",
            "T-EL-LV",
            "T" + existing.id_number,
            "2024-05-01",
            "",
        ],  # 4
        [
            "孙过期",
            id_for("19700101"),
            "高中",
            "T-EL-LV",
            "T-OLD-1",
            "2015-01-01",
            "2021-01-01",
        ],  # 5
        ["李无类", id_for("19700101"), "高中", "不存在的类别", "T-X-2", "2024-01-01", ""],  # 6
        ["周学历", id_for("19700101"), "博士后", "T-EL-LV", "T-X-3", "2024-01-01", ""],  # 7
        ["吴日期", id_for("19700101"), "高中", "T-EL-LV", "T-X-4", "2024-02-30", ""],  # 8
        ["郑重号", id_for("19700101"), "高中", "T-EL-LV", "T" + a, "2024-01-01", ""],  # 9
    ]
    data = csv_of(CERT_HEADERS, rows)
    batch = batch_check(
        actor=admin, kind="certificates", division_code="220102", data=data, file_name="c.csv"
    )
    found = set(RowProblem.objects.filter(batch=batch).values_list("row", "code"))
    assert found == {
        (5, "certificate_expired"),
        (6, "category_unknown"),
        (7, "education_unknown"),
        (8, "date_bad"),
        (9, "duplicate_in_sheet"),
    }
    assert batch.valid == 3
    assert batch_import(actor=admin, batch=batch).imported == 3
    cert = Certificate.objects.get(number="T" + a)
    assert cert.status == CertificateStatus.VALID
    assert cert.issued_on == date(2024, 3, 1)
    assert cert.valid_until == date(2030, 3, 1)  # the category's six years
    assert cert.candidate.birth_date == date(1980, 1, 1)
    assert Certificate.objects.get(number="T" + b).valid_until == date(2031, 6, 30)
    assert Certificate.objects.get(number="T" + existing.id_number).candidate == existing
    again = batch_check(
        actor=admin, kind="certificates", division_code="220102", data=data, file_name="c.csv"
    )
    assert again.valid == 0 and again.already_moved == 3
    assert batch_import(actor=admin, batch=again).imported == 0
    assert Certificate.objects.count() == 3
    with pytest.raises(NotAllowed):
        batch_check(
            actor=user_with(Role.EXAM_CERTIFIER, "220000"),
            kind="certificates",
            division_code="220102",
            data=data,
            file_name="c.csv",
        )
