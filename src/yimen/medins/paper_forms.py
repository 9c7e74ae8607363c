"""The paper forms as PDF, printed from the same data as the electronic transfer.

The 2021 process uses one electronic 参保人员基本医疗保险信息表; the two older forms named in
the seed (基本医疗保险关系转移接续申请表, 参保人员基本医疗保险类型变更信息表) are still asked
for at counters, so they print from the transfer record, with the embedded font and the
signature and seal block of yimen.web.pdf."""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby

from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from yimen.money import format_fen, yuan_in_capitals
from yimen.regions.models import Division
from yimen.web import pdf

from .models import InsuranceType, Transfer

FORMS = {
    "application": "基本医疗保险关系转移接续申请表",
    "type-change": "参保人员基本医疗保险类型变更信息表",
    "information": "参保人员基本医疗保险信息表",
}
TYPE_ZH = {
    InsuranceType.EMPLOYEE: "职工基本医疗保险",
    InsuranceType.RESIDENT: "城乡居民基本医疗保险",
}
CHANNEL_ZH = {"counter": "窗口", "online": "网上"}


def _place(code: str) -> str:
    division = Division.objects.filter(code=code).first()
    return f"{division.full_name or division.name}（{code[:6]}）" if division else code[:6]


def yuan(fen: int | None) -> str:
    """A form's amount: figures and capitals, ``1,234.56 元（壹仟贰佰叁拾肆元伍角陆分）``."""
    return f"{format_fen(fen or 0)} 元（{yuan_in_capitals(Decimal(fen or 0) / 100)}）"


def month_runs(months: list[dict]) -> list[str]:
    """Consecutive months with the same region and employer, one line each."""
    lines = []
    rows = sorted(months, key=lambda m: m["month"])
    for (division, employer), run in groupby(
        rows, key=lambda m: (m["division"], m.get("employer_name", ""))
    ):
        items = list(run)
        total = sum(int(m.get("amount_fen", 0)) for m in items)
        lines.append(
            f"{items[0]['month'][:7]} 至 {items[-1]['month'][:7]}  {len(items)} 个月  "
            f"{division[:6]}  {employer or '（居民）'}  缴费 {format_fen(total)} 元"
        )
    return lines


def form_lines(transfer: Transfer, form: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """(title, label/value rows, free lines) of ``form``; also shown on screen."""
    info = transfer.info or {}
    rows: list[tuple[str, str]] = [
        ("业务编号", transfer.transfer_id),
        ("姓名", transfer.name),
        ("公民身份号码", transfer.id_number),
    ]
    extra: list[str] = []
    applied = timezone.localtime(transfer.applied_at)
    if form == "application":
        rows += [
            ("申请转入险种", TYPE_ZH.get(transfer.insurance_type, transfer.insurance_type)),
            ("转出地（统筹区）", _place(transfer.from_division)),
            ("转入地（统筹区）", _place(transfer.to_division)),
            ("联系电话", transfer.phone or "—"),
            ("申请渠道", CHANNEL_ZH.get(transfer.channel, transfer.channel or "—")),
            ("申请日期", f"{applied:%Y年%m月%d日}"),
        ]
        extra = ["本人申请办理基本医疗保险关系转移接续，所填信息真实有效。"]
    else:
        before = info.get("insurance_type", "")
        rows += [
            ("原险种类型", TYPE_ZH.get(before, before or "—")),
            ("转入后险种类型", TYPE_ZH.get(transfer.insurance_type, transfer.insurance_type)),
            ("转出地（统筹区）", _place(info.get("insured_division") or transfer.from_division)),
            ("转入地（统筹区）", _place(transfer.to_division)),
            ("缴费月数", f"{len(info.get('months', []))} 个月"),
            ("个人账户转移金额", yuan(info.get("balance_fen", transfer.balance_fen))),
            ("信息表出具日期", info.get("issued_on", "—")),
        ]
        if transfer.continuity:
            rows.append(("待遇衔接", transfer.continuity["reasons"][0]["zh"]))
        extra = ["缴费记录：", *month_runs(info.get("months", []))]
        if transfer.info_seal:
            extra += ["", f"转出地电子签章（Ed25519）：{transfer.info_seal[:44]}…"]
    return FORMS[form], rows, extra


def signature_lines(transfer: Transfer, form: str) -> list[str]:
    """Who signs or seals the printed form: the applicant on the application, the
    issuing agency on the information forms."""
    if form == "application":
        applied = timezone.localtime(transfer.applied_at)
        return ["申请人（签字）：", f"申请日期：{applied:%Y年%m月%d日}"]
    issued = (transfer.info or {}).get("issued_on") or "—"
    return ["经办机构（盖章）：", f"出具日期：{issued}"]


def render_pdf(transfer: Transfer, form: str) -> bytes:
    """The form as A4 pages; the last lines and the signature block share a page."""
    title, rows, extra = form_lines(transfer, form)
    story = [*pdf.title(title, size=16), pdf.LabelledRows(rows), Spacer(1, 4 * mm)]
    blocks = [
        Spacer(1, 3 * mm) if not text else pdf.TextBlock(text, size=11, leading=11 * 1.7)
        for text in extra
    ]
    story += blocks[:-1]
    story.append(pdf.closing(blocks[-1:], signature_lines(transfer, form)))
    footer = f"打印日期：{timezone.localdate():%Y-%m-%d}　由一门平台据电子转移记录生成"
    return pdf.build(story, doc_title=title, footer=footer)
