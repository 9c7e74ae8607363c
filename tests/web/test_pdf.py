"""The shared PDF layer: an embedded font, amounts never broken, the signature and seal
block never alone on a page."""

from __future__ import annotations

import re

import pytest
from reportlab.pdfbase import pdfmetrics

from tests.web.pdfcheck import assert_readable, fonts, page_texts
from yimen.assistance.notices import render_pdf
from yimen.web import pdf

GROUNDS = (
    "    家庭月人均收入−120.00元，低于当地低保标准700.00元（人民币柒佰元整），"
    "差额820.00元；个人账户转移金额1,234.56 元，案件编号DB-2026-000123。"
)
AMOUNTS = ("−120.00元", "700.00元", "人民币柒佰元整", "820.00元", "1,234.56 元", "DB-2026-000123")


@pytest.mark.parametrize("width", range(160, 480, 7))  # the narrowest column is ~230 pt
def test_an_amount_or_number_is_never_broken_across_lines(width):
    lines = pdf.wrap(GROUNDS, width, 12)
    for amount in AMOUNTS:
        assert sum(amount in line for line in lines) == 1, (amount, lines)
    assert "".join(lines).replace(" ", "") == GROUNDS.replace(" ", "")
    for line in lines:
        set_solid = line.rstrip("，。；）")  # closing punctuation may hang in the margin
        measured = pdfmetrics.stringWidth(set_solid, pdf.FONT, 12)
        assert measured <= width or not re.search(r"[\u4e00-\u9fff]", line), (line, width)


def test_punctuation_never_starts_a_line_and_an_opening_bracket_never_ends_one():
    for width in range(100, 300, 3):
        for line in pdf.wrap(GROUNDS, width, 12)[1:]:
            assert line[0] not in "，。；）", (width, line)
        for line in pdf.wrap(GROUNDS, width, 12)[:-1]:
            assert line[-1] != "（", (width, line)


def test_a_token_wider_than_the_line_is_cut_by_character():
    digest = "ab" * 40
    lines = pdf.wrap(f"校验码：{digest}", 150, 12)
    assert "".join(lines) == f"校验码：{digest}" and len(lines) >= 3


@pytest.mark.parametrize("fill", range(18, 40))
def test_the_signature_and_seal_stay_on_the_page_of_the_closing_paragraph(fill):
    body = ["张三：", *(f"    第{i}项：月救助金额700.00元。" for i in range(fill))]
    body += ["", "    如对本决定不服，可自收到本通知书之日起六十日内申请行政复议。"]
    signature = ["审批人（签字负责）：李四", "2026年12月01日"]
    document = render_pdf("确认通知书", body, signature, author="李四")
    pages = page_texts(document)
    signed = [i for i, page in enumerate(pages) if any("审批人" in line for line in page)]
    assert len(signed) == 1
    page = "".join(pages[signed[0]])
    assert "申请行政复议" in page and "盖章处" in page
    assert_readable(document, lines=("700.00元",))


def test_the_font_is_embedded_once_as_a_subset():
    document = render_pdf("通知书", ["正文−1.00元"], ["签字"], author="")
    listed = fonts(document)
    assert [font["emb"] for font in listed] == ["yes"]
    assert listed[0]["name"].endswith("WenQuanYiMicroHei-0") and "+" in listed[0]["name"]
    assert len(document) < 120_000  # a subset, not the 5 MB collection
