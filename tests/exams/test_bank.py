"""The question bank import from Excel: types, options and answers validated, every bad
row refused with its number, duplicates detected, each import a new bank version."""

from __future__ import annotations

import io

import openpyxl
import pytest

from yimen.exams import errors
from yimen.exams.bank import questions_import
from yimen.exams.models import Question

pytestmark = pytest.mark.django_db
HEADER = ["类型", "题目", "选项A", "选项B", "选项C", "选项D", "答案", "难度", "层级"]


def book(rows) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["判断", "电工作业须持证上岗。", None, None, None, None, "正确", 1, "国家"],
    [
        "单选",
        "低压电工作业指对多少伏以下电气设备作业？",
        "1000V",
        "380V",
        "220V",
        "36V",
        "A",
        2,
        "国家",
    ],
    ["多选", "下列属于安全用具的有：", "绝缘手套", "验电器", "扳手", "绝缘靴", "ABD", 3, "省级"],
]


def test_a_clean_sheet_is_imported_as_a_version_and_repeats_are_skipped(exam_world):
    code = "T-HW-SC"
    assert (
        questions_import(
            category_code=code,
            data=book(GOOD),
            filename="q.xlsx",
            actor=exam_world.admin,
            division_code="220000000000",
        )
        == 3
    )
    rows = {q.kind: q for q in Question.objects.filter(category_code=code)}
    assert rows["tf"].answer == [0] and rows["multiple"].answer == [0, 1, 3]
    assert rows["multiple"].tier == "provincial"
    again = [GOOD[0], ["判断", "新题：作业前须检查。", None, None, None, None, "错误", 1, "国家"]]
    assert (
        questions_import(
            category_code=code,
            data=book(again),
            filename="q.xlsx",
            actor=exam_world.admin,
            division_code="220000000000",
        )
        == 1
    )
    assert set(
        Question.objects.filter(category_code=code).values_list("bank_version", flat=True)
    ) == {1, 2}


def test_every_bad_row_is_refused_with_its_number_and_nothing_imported(exam_world):
    bad = [
        *GOOD,
        ["问答", "题型不对", None, None, None, None, "A", 1, "国家"],  # row 5
        ["单选", "两个答案", "甲", "乙", "丙", None, "AB", 1, "国家"],  # row 6
        ["多选", "一个答案", "甲", "乙", "丙", None, "A", 1, "国家"],  # row 7
        ["单选", "答案不在选项中", "甲", "乙", None, None, "D", 1, "国家"],  # row 8
        ["判断", "电工作业须持证上岗。", None, None, None, None, "正确", 1, "国家"],  # row 9: dup
    ]
    with pytest.raises(errors.ImportRefused) as refused:
        questions_import(
            category_code="T-HW-SC",
            data=book(bad),
            filename="q.xlsx",
            actor=exam_world.admin,
            division_code="220000000000",
        )
    assert [n for n, _msg in refused.value.rows] == [5, 6, 7, 8, 9]
    assert not Question.objects.filter(category_code="T-HW-SC").exists()


def test_only_the_exam_administrator_imports(exam_world):
    with pytest.raises(errors.NotAllowed):
        questions_import(
            category_code="T-HW-SC",
            data=book(GOOD),
            filename="q.xlsx",
            actor=exam_world.staff,
            division_code="220100000000",
        )
