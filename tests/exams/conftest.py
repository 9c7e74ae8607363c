"""Fixtures of the exams tests: the catalogue, a small question bank, users of every exam
role, an employer, candidates and a session at the pinned clock (tests/conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count

import pytest
from stdnum.cn import ric, uscc

from tests.factories import NANGUAN, user_with
from yimen.accounts.models import User
from yimen.accounts.roles import Role
from yimen.exams.bank import generate_bank
from yimen.exams.catalogue import load_catalogue
from yimen.exams.models import Candidate, Employer, ExamSession, Question
from yimen.exams.services.candidates import CandidateData, candidate_register, employer_register
from yimen.exams.services.scheduling import application_schedule, application_submit, session_open
from yimen.regions.models import Division

PROVINCE, CITY, YUSHU = "220000000000", "220100000000", "220182000000"
SERIAL = count(100)
TODAY = date(2026, 12, 7)  # tests/conftest.py PINNED_NOW


def id_for(birth: str, n: int | None = None) -> str:
    body = f"220102{birth}{(n or next(SERIAL)) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def uscc_for(body: str = "91220102MA14XQ3B7") -> str:
    return body + uscc.calc_check_digit(body)


@dataclass
class ExamWorld:
    admin: User
    staff: User
    certifier: User
    employer_user: User
    candidate_user: User
    yushu_admin: User
    employer: Employer
    nanguan: Division

    def candidate(self, *, birth="19850312", education="senior", name="赵国庆", user=None, **kw):
        data = CandidateData(
            id_for(birth),
            name,
            education,
            kw.pop("health", TODAY - timedelta(days=30)),
            kw.pop("hours", 48),
            "培训记录",
        )
        return candidate_register(
            data=data,
            division=self.nanguan,
            actor=self.admin,
            employer=kw.pop("employer", self.employer),
            user=user,
            today=TODAY,
        )

    def session(self, *, starts_at: datetime, capacity=10, division=None) -> ExamSession:
        return session_open(
            name="第1期",
            division=division or self.nanguan,
            site="考点",
            room="1",
            starts_at=starts_at,
            capacity=capacity,
            invigilators="甲, 乙",
            actor=self.admin,
        )

    def seated(self, *, code="T-EL-LV", session=None, starts_at=None, **kw):
        person = self.candidate(**kw)
        app = application_submit(candidate=person, category_code=code, actor=self.admin, on=TODAY)
        room = session or self.session(starts_at=starts_at)
        return application_schedule(application=app, session=room, actor=self.admin)


@pytest.fixture
def exam_world(tree) -> ExamWorld:
    load_catalogue()
    for code in ("T-EL-LV", "PL-HAZ", "T-HC-AU"):
        Question.objects.bulk_create(generate_bank(code, tf=45, single=55, multiple=12))
    admin = user_with(Role.EXAM_ADMIN, PROVINCE, full_name="朱红梅")
    employer_user = user_with(Role.EXAM_EMPLOYER, NANGUAN, full_name="邓丽华")
    nanguan = Division.objects.get(pk=NANGUAN)
    employer = employer_register(
        uscc_code=uscc_for(), name="示例化工", division=nanguan, contact=employer_user, actor=admin
    )
    return ExamWorld(
        admin=admin,
        staff=user_with(Role.EXAM_STAFF, CITY, full_name="石磊"),
        certifier=user_with(Role.EXAM_CERTIFIER, PROVINCE, full_name="卢静"),
        employer_user=employer_user,
        candidate_user=user_with(Role.EXAM_CANDIDATE, NANGUAN, full_name="韩志刚"),
        yushu_admin=user_with(Role.EXAM_ADMIN, YUSHU, full_name="榆树考务"),
        employer=employer,
        nanguan=nanguan,
    )


__all__ = ["TODAY", "Candidate", "ExamWorld", "id_for", "uscc_for"]
