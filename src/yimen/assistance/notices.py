"""The confirmation notice (确认通知书) and refusal notice as PDF, in Chinese.

Chinese text uses reportlab's built-in CID font STSong-Light, so no font file has to be
installed or shipped; viewers substitute their own Song typeface. Amounts appear in figures
and in upper-case RMB (cn2an), as on any Chinese financial document."""

from __future__ import annotations

import io
from datetime import date

import cn2an
from django.utils import timezone, translation
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from .models import Application, Decision
from .proposal import proposal_for

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def upper_rmb(amount) -> str:
    """壹仟贰佰叁拾肆元伍角 for 1234.50."""
    return cn2an.an2cn(f"{amount:.2f}", "rmb")


def first_payment_month(decided: date) -> str:
    """Payment starts the month after the decision [A2021 Art.21]."""
    year, month = (
        (decided.year + 1, 1) if decided.month == 12 else (decided.year, decided.month + 1)
    )
    return f"{year}年{month}月"


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        while len(paragraph) > width:
            lines.append(paragraph[:width])
            paragraph = paragraph[width:]
        lines.append(paragraph)
    return lines


def notice_lines(application: Application, decision: Decision) -> tuple[str, list[str]]:
    """The notice's title and lines (also shown on screen), always in Chinese."""
    with translation.override("zh-hans"):
        return _notice_lines(application, decision)


def _notice_lines(application: Application, decision: Decision) -> tuple[str, list[str]]:
    township = application.division.parent.name if application.division.parent else ""
    decided = timezone.localdate(decision.decided_at)
    applied = timezone.localtime(application.created_at)
    kind = decision.get_assistance_type_display()
    # the case number on a line of its own: wrapping must never split it
    lines = [f"{application.head_name}：", "", f"    案件编号：{application.case.number}"]
    if decision.approved:
        title = f"{kind}确认通知书"
        amount = decision.monthly_amount
        appraised = "、民主评议" if hasattr(application, "appraisal") else ""
        lines += _wrap(
            f"    你户于{applied:%Y年%m月%d日}提出的社会救助申请，经受理、家庭经济状况调查核对"
            f"{appraised}，符合{kind}条件，现予确认。",
            36,
        )
        lines += [
            f"    家庭保障人口：{application.members.filter(living_apart=False).count()}人",
            f"    月救助金额：{amount:.2f}元（人民币{upper_rmb(amount)}）",
            f"    自{first_payment_month(decided)}起按月发放至你户银行账户。",
            "    请如实报告家庭人口、收入和财产变化情况，接受定期复核。",
        ]
        grounds = proposal_for(application, on=decided).reasons_zh
        if grounds:
            lines += ["    审核依据："] + [f"    {line}" for g in grounds for line in _wrap(g, 34)]
    else:
        title = "社会救助不予确认通知书"
        lines += _wrap(
            f"    你户于{applied:%Y年%m月%d日}提出的社会救助申请，经审核不符合条件，决定不予确认。",
            36,
        )
        lines += ["    理由："] + [f"    {line}" for line in _wrap(decision.reasons, 34)]
    lines += [
        "",
        "    如对本决定不服，可自收到本通知书之日起六十日内申请行政复议，",
        "    或者六个月内依法提起行政诉讼。",
        "",
        f"审批人（签字负责）：{decision.signer_name}",
        f"{township}",
        f"{decided:%Y年%m月%d日}",
    ]
    return title, lines


def notice_pdf(application: Application, decision: Decision) -> bytes:
    """Render the notice as a one-page A4 PDF."""
    title, lines = notice_lines(application, decision)
    return render_pdf(title, lines, author=decision.signer_name)


def render_pdf(title: str, lines: list[str], *, author: str) -> bytes:
    """A4 pages: the title centred, then the lines, in the built-in Chinese font."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setAuthor(author)
    width, height = A4
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - 30 * mm, title)
    pdf.setFont(FONT, 12)
    y = height - 48 * mm
    for line in lines:
        if y < 25 * mm:
            pdf.showPage()
            pdf.setFont(FONT, 12)
            y = height - 25 * mm
        pdf.drawString(25 * mm, y, line)
        y -= 8 * mm
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
