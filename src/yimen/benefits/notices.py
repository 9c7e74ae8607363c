"""The written notice of a review's outcome (复核决定通知书): reductions, suspensions and
stops must be notified with their reasons [A2021 Art.32]; the household may appeal."""

from __future__ import annotations

from django.utils import timezone, translation

from yimen.assistance.notices import render_pdf
from yimen.money import format_yuan, yuan_in_capitals

from .models import Review, ReviewOutcome


def review_notice_lines(review: Review) -> tuple[str, list[str], list[str]]:
    """Title, paragraphs and signature lines, always in Chinese (an official document)."""
    with translation.override("zh-hans"):
        b = review.beneficiary
        outcome = ReviewOutcome(review.outcome)
        decided = timezone.localdate(review.decided_at)
        lines = [f"{b.head_name}：", "", f"    复核案件编号：{review.case.number}"]
        lines += [
            f"    经对你户家庭人口、收入和财产状况复核，决定：{outcome.label}。",
            f"    自{review.effective_month:%Y年%m月}起执行。",
        ]
        if outcome == ReviewOutcome.ADJUST and review.new_amount is not None:
            amount = review.new_amount
            lines.append(
                f"    调整后月救助金额：{format_yuan(amount, grouped=False)}元"
                f"（人民币{yuan_in_capitals(amount)}）"
            )
        if outcome == ReviewOutcome.PHASE_OUT:
            lines.append(f"    渐退期{review.phase_out_months}个月，期满后停止发放。")
        lines += ["    理由：", *(f"    {line}" for line in review.reasons.splitlines())]
        lines += [
            "",
            "    如对本决定不服，可自收到本通知书之日起六十日内申请行政复议，"
            "或者六个月内依法提起行政诉讼。",
        ]
        signer = review.decided_by.get_full_name() if review.decided_by else ""
        signature = [f"审批人（签字负责）：{signer}", f"{decided:%Y年%m月%d日}"]
        return "社会救助复核决定通知书", lines, signature


def review_notice_pdf(review: Review) -> bytes:
    """The notice as an A4 PDF, signature and seal block kept with the appeal rights."""
    title, lines, signature = review_notice_lines(review)
    signer = review.decided_by.get_full_name() if review.decided_by else ""
    return render_pdf(title, lines, signature, author=signer)
