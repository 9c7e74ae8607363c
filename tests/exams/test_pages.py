"""Pages by role: the employer's bulk import (every bad row refused with its number,
nothing half-imported), scoping for each role (fails closed), the candidate's own page,
certificates as PDF with the QR code to the public verification page."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.exams.conftest import TODAY, id_for, uscc_for
from tests.factories import NANGUAN, ZIQIANG, user_with
from yimen.accounts.roles import Role
from yimen.exams import errors
from yimen.exams.models import Candidate, Certificate, ExamSession
from yimen.exams.services import certificates as certs
from yimen.exams.services.candidates import check_uscc
from yimen.exams.services.scheduling import application_submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_clock")]


def sheet(rows) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["身份证号", "姓名", "文化程度", "体检日期", "培训学时", "培训记录"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("staff.xlsx", buffer.getvalue())


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bulk_import_refuses_every_bad_row_by_number_and_imports_nothing(exam_world):
    good = id_for("19850312", 1)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    upload = sheet(
        [
            [good, "甲", "高中", "2026-10-01", 48, ""],
            [bad_check, "乙", "高中", "2026-10-01", 48, ""],
            [id_for("19900101", 2), "", "高中", "2026-10-01", 48, ""],
            [id_for("19900101", 3), "丁", "博士后", "2026-10-01", 48, ""],
            [good, "戊", "初中", "2026-10-01", 48, ""],
        ]
    )
    client = as_user(exam_world.employer_user)
    page = client.post("/exams/employer/", {"employer": exam_world.employer.pk, "file": upload})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="refused-rows"' in html
    for n in (3, 4, 5, 6):  # the header is row 1
        assert f"{n}:" in html or f"第 {n} 行" in html or f"Row {n}" in html
    assert "Row 2" not in html and "第 2 行" not in html
    assert Candidate.objects.count() == 0


def test_bulk_import_of_a_clean_sheet(exam_world):
    upload = sheet(
        [
            [id_for("19850312", 1), "甲", "高中", "2026-10-01", 48, "某培训"],
            [id_for("19900101", 2), "乙", "初中", None, 12, ""],
        ]
    )
    client = as_user(exam_world.employer_user)
    response = client.post("/exams/employer/", {"employer": exam_world.employer.pk, "file": upload})
    assert response.status_code == 302
    assert set(Candidate.objects.values_list("name", "employer_id")) == {
        ("甲", exam_world.employer.pk),
        ("乙", exam_world.employer.pk),
    }
    page = client.get("/exams/employer/").content.decode()
    assert "甲" in page and "乙" in page


def test_credit_code_check_character():
    assert check_uscc("91110000600037341L") == "91110000600037341L"
    with pytest.raises(errors.BadUscc):
        check_uscc("91110000600037341A")


def test_each_role_sees_its_own_and_no_more(exam_world):
    mine = exam_world.candidate(name="韩志刚", user=exam_world.candidate_user)
    mine.user = exam_world.candidate_user
    mine.save()
    other = exam_world.candidate(name="外人", employer=None, birth="19900101")
    for who, allowed, refused in [
        (exam_world.admin, [mine, other], []),
        (exam_world.staff, [mine, other], []),
        (exam_world.yushu_admin, [], [mine, other]),  # another county
        (exam_world.employer_user, [mine], [other]),  # its own staff only
        (exam_world.candidate_user, [mine], [other]),  # itself only
    ]:
        client = as_user(who)
        for person in allowed:
            assert client.get(f"/exams/candidates/{person.pk}/").status_code == 200, who
        for person in refused:
            assert client.get(f"/exams/candidates/{person.pk}/").status_code == 404, who
    township = as_user(user_with(Role.TOWNSHIP_CASEWORKER, ZIQIANG))
    for url in (
        "/exams/",
        "/exams/candidates/",
        "/exams/sessions/",
        "/exams/certificates/",
        "/exams/statistics/",
        f"/exams/candidates/{mine.pk}/",
        "/exams/mine/",
        "/exams/employer/",
    ):
        assert township.get(url).status_code == 404, url
    assert Client().get("/exams/").status_code == 302  # to the login page
    # a candidate's own page shows its applications, not others'
    page = as_user(exam_world.candidate_user).get("/exams/mine/").content.decode()
    assert "韩志刚" in page and "外人" not in page
    # the county's supervisor reads the statistics but cannot schedule
    county = as_user(user_with(Role.COUNTY_SUPERVISOR, NANGUAN))
    assert county.get("/exams/statistics/").status_code == 200
    app = application_submit(
        candidate=other, category_code="T-EL-LV", actor=exam_world.admin, on=TODAY
    )
    assert county.post(f"/exams/applications/{app.pk}/schedule/", {"session": 1}).status_code == 404


def test_the_candidate_registers_and_applies_on_a_phone_sized_page(exam_world):
    client = as_user(exam_world.candidate_user)
    page = client.get("/exams/mine/")
    assert 'id="register"' in page.content.decode()
    client.post(
        "/exams/mine/",
        {
            "reg-id_number": id_for("20081208", 7),
            "reg-name": "少年",
            "reg-education": "junior",
            "reg-health_checked_on": "2026-11-01",
            "reg-training_hours": 0,
        },
    )
    person = Candidate.objects.get(user=exam_world.candidate_user)
    client.post("/exams/mine/", {"app-category": "T-EL-LV"})
    html = client.get("/exams/mine/").content.decode()
    assert person.applications.get().status == "refused"
    assert "17" in html  # the reason is shown: 17, under 18 on the pinned day


def test_certificate_pdf_and_the_public_verification_page(exam_world):
    person = exam_world.candidate(name="孙建华")
    app = application_submit(
        candidate=person, category_code="T-EL-LV", actor=exam_world.admin, on=TODAY
    )
    app.status, app.theory_score, app.practical_score = "passed", Decimal(90), Decimal(90)
    app.save()
    cert = Certificate.objects.create(
        application=app,
        candidate=person,
        division=app.division,
        requested_on=TODAY,
        accept_due_on=TODAY,
    )
    certs.certificate_accept(certificate=cert, missing=[], actor=exam_world.certifier, day=TODAY)
    cert = certs.certificate_issue(certificate=cert, actor=exam_world.certifier, day=TODAY)
    pdf = as_user(exam_world.certifier).get(f"/exams/certificates/{cert.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (
        as_user(exam_world.yushu_admin).get(f"/exams/certificates/{cert.pk}.pdf").status_code == 404
    )
    public = Client()
    page = public.get("/exams/verify/", {"number": cert.number, "name": "孙建华"}).content.decode()
    assert 'id="verification-state"' in page and "孙*华" in page
    # what the page tells (the visitor's own query is echoed only in the language form)
    told = page[page.index('id="verification"') :]
    assert person.id_number not in told and "孙建华" not in told
    wrong = public.get("/exams/verify/", {"number": cert.number, "name": "别人"}).content.decode()
    assert "孙*华" not in wrong
    certs.certificate_revoke(certificate=cert, reason="违规", actor=exam_world.certifier, day=TODAY)
    page = public.get("/exams/verify/", {"number": cert.number, "name": "孙建华"}).content.decode()
    assert "已撤销" in page[page.index('id="verification"') :]


def test_the_ticket_pdf_and_the_console_for_staff_only(exam_world):
    paper = exam_world.seated(starts_at=timezone.now() + timedelta(days=3))
    assert as_user(exam_world.staff).get(f"/exams/papers/{paper.pk}/ticket.pdf").status_code == 200
    assert (
        as_user(exam_world.yushu_admin).get(f"/exams/sessions/{paper.session_id}/").status_code
        == 404
    )
    assert (
        as_user(exam_world.employer_user).get(f"/exams/papers/{paper.pk}/ticket.pdf").status_code
        == 404
    )


def test_the_administrator_opens_a_session_and_approves_a_green_channel(exam_world):
    client = as_user(exam_world.admin)
    assert client.get("/exams/manage/").status_code == 200
    response = client.post(
        "/exams/manage/",
        {
            "form": "session",
            "s-name": "第9期",
            "s-site": "考点",
            "s-room": "3",
            "s-starts_at": "2026-12-20T09:00",
            "s-capacity": 30,
            "s-invigilators": "甲, 乙",
        },
    )
    assert response.status_code == 302
    one = client.post(
        "/exams/manage/",
        {
            "form": "session",
            "s-name": "第10期",
            "s-site": "考点",
            "s-room": "4",
            "s-starts_at": "2026-12-21T09:00",
            "s-capacity": 30,
            "s-invigilators": "甲",
        },
        follow=True,
    )
    assert "请填写本考场的两名监考人员" in one.content.decode()
    assert not ExamSession.objects.filter(name="第10期").exists()
    client.post(
        "/exams/manage/",
        {
            "form": "green",
            "g-employer": exam_world.employer.pk,
            "g-reason": "复工复产",
            "g-valid_until": "2027-03-01",
        },
    )
    assert exam_world.employer.channels.get().approved_by == exam_world.admin
    page = client.get("/exams/manage/").content.decode()
    assert "复工复产" in page
    for other in (exam_world.staff, exam_world.certifier, exam_world.employer_user):
        assert as_user(other).get("/exams/manage/").status_code == 404


def test_the_categories_page_shows_the_blueprint_in_words(exam_world):
    page = as_user(exam_world.staff).get("/exams/categories/").content.decode()
    assert "判断题 40（省级 8）" in page
    assert "单选题 50（省级 10，国家级 难度3 5）" in page
    assert "每题 1 分，满分 100 分，120 分钟，80 分及格" in page
    assert '"cells"' not in page and "provincial" not in page  # labels, not codes


def test_self_registration_cannot_take_over_someone_elses_record(exam_world):
    staffer = exam_world.candidate(name="钱晓东")  # registered by the administrator
    client = as_user(exam_world.candidate_user)
    response = client.post(
        "/exams/mine/",
        {
            "reg-id_number": staffer.id_number,
            "reg-name": "冒名",
            "reg-education": "college",
            "reg-training_hours": 99,
        },
    )
    assert "该身份证号已登记" in response.content.decode()
    staffer.refresh_from_db()
    assert staffer.user_id is None and staffer.name == "钱晓东" and staffer.education == "senior"
    assert not Candidate.objects.filter(user=exam_world.candidate_user).exists()


def test_the_candidate_applies_where_registered_or_where_working(exam_world):
    from yimen.exams.services.candidates import employer_register
    from yimen.regions.models import Division

    yushu = Division.objects.get(pk="220182000000")
    works = employer_register(
        uscc_code=uscc_for("91220182MA14XQ3C8"), name="榆树电力", division=yushu,
        contact=None, actor=exam_world.admin,
    )  # fmt: skip
    person = exam_world.candidate(user=exam_world.candidate_user, employer=works)
    client = as_user(exam_world.candidate_user)
    page = client.get("/exams/mine/").content.decode()
    assert "（工作单位所在地）" in page and "（户籍或登记地）" in page
    client.post("/exams/mine/", {"app-category": "T-EL-LV", "app-division": "999999999999"})
    assert not person.applications.exists()  # not one of the two places: nothing written
    client.post("/exams/mine/", {"app-category": "T-EL-LV", "app-division": yushu.pk})
    assert person.applications.get().division_id == yushu.pk
