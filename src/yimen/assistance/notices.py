"""The confirmation notice (确认通知书) and refusal notice as PDF, in Chinese.

The font is embedded (see yimen.web.pdf), so the notice reads the same in any PDF reader;
an amount is never broken across lines and the signature and seal block stays on the page
of the text it closes. Amounts appear in figures and in upper-case RMB (cn2an), as on any
Chinese financial document."""

from __future__ import annotations

from datetime import date

from django.utils import timezone, translation
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from yimen.money import format_yuan, yuan_in_capitals
from yimen.months import next_month
from yimen.web import pdf

from .models import Application, Decision
from .proposal import proposal_for


def first_payment_month(decided: date) -> str:
    """Payment starts the month after the decision [A2021 Art.21]."""
    first = next_month(decided)
    return f"{first.year}年{first.month}月"


def notice_lines(application: Application, decision: Decision) -> tuple[str, list[str], list[str]]:
    """The notice's title, paragraphs and signature lines, always in Chinese."""
    with translation.override("zh-hans"):
        return _notice_lines(application, decision)


def _notice_lines(application: Application, decision: Decision) -> tuple[str, list[str], list[str]]:
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
        lines.append(
            f"    你户于{applied:%Y年%m月%d日}提出的社会救助申请，经受理、家庭经济状况调查核对"
            f"{appraised}，符合{kind}条件，现予确认。"
        )
        lines += [
            f"    家庭保障人口：{application.members.filter(living_apart=False).count()}人",
            f"    月救助金额：{format_yuan(amount, grouped=False)}元"
            f"（人民币{yuan_in_capitals(amount)}）",
            f"    自{first_payment_month(decided)}起按月发放至你户银行账户。",
            "    请如实报告家庭人口、收入和财产变化情况，接受定期复核。",
        ]
        grounds = proposal_for(application, on=decided).grounds_zh
        if grounds:
            lines += ["    审核依据：", *(f"    {g}" for g in grounds)]
    else:
        title = "社会救助不予确认通知书"
        lines.append(
            f"    你户于{applied:%Y年%m月%d日}提出的社会救助申请，经审核不符合条件，决定不予确认。"
        )
        lines += ["    理由：", *(f"    {line}" for line in decision.reasons.splitlines())]
    lines += [
        "",
        "    如对本决定不服，可自收到本通知书之日起六十日内申请行政复议，"
        "或者六个月内依法提起行政诉讼。",
    ]
    signature = [
        f"审批人（签字负责）：{decision.signer_name}",
        f"{township}",
        f"{decided:%Y年%m月%d日}",
    ]
    return title, lines, signature


def notice_pdf(application: Application, decision: Decision) -> bytes:
    """Render the notice as an A4 PDF."""
    title, lines, signature = notice_lines(application, decision)
    return render_pdf(title, lines, signature, author=decision.signer_name)


def render_pdf(title: str, lines: list[str], signature: list[str], *, author: str) -> bytes:
    """A4 pages: the title centred, the paragraphs, then the signature and seal block.

    An empty line is a gap; the last paragraph (the appeal rights on a notice) and the
    signature block are kept together, so the signature never stands alone on a page."""
    story = pdf.title(title)
    paragraphs = [
        Spacer(1, 4 * mm) if not line.strip() else pdf.TextBlock(line, size=12) for line in lines
    ]
    story += paragraphs[:-1]
    story.append(pdf.closing(paragraphs[-1:], signature))
    return pdf.build(story, doc_title=title, author=author)
