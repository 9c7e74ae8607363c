"""Pre-settlement, settlement, cancellation and reversal: 2206–2208, 2303–2305, 2601.

The amounts the hospital sends with a settlement (medfee_sumamt, and with 2207/2304 the
scope amounts) must equal what the uploaded lines give; a difference is refused rather than
silently recomputed, so both sides always hold the same figures.
"""

from __future__ import annotations

from typing import Any

from yimen.audit.events import EventType
from yimen.errors import YimenError
from yimen.people import age_on

from ..errors import AdmissionNotReversible, Refuse
from ..models import FsiMessage, Settlement, SettlementStatus
from ..models.encounter import AMOUNT_FIELDS, Encounter, EncounterKind, EncounterStatus
from ..rules.engine import FUND_NAMES, Result
from ..services.settling import cancel_settlement, compute, restore_settlement, settle_encounter
from ..services.visits import visit_cancel
from .context import (
    INSUTYPE,
    Context,
    amount,
    beijing,
    birth_and_gender,
    encounter,
    node,
    psn_type,
    stamp,
    text,
    yuan,
)
from .envelope import answer

REVERSIBLE = {"2207", "2208", "2304", "2305", "2401"}
#: the amounts a 2207/2304 may send that must equal ours (medfee_sumamt always must)
CHECKED_ON_SETTLE = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")


def setlinfo(visit: Any, amounts: Any, *, setl_id: str, msgid: str, when, sign: int = 1,
             person: Any = None,
             reasons: list[dict] | None = None, basis: str = "") -> dict[str, Any]:  # fmt: skip
    who = person or visit.person
    born, gender = birth_and_gender(who.id_number)
    info: dict[str, Any] = {
        "mdtrt_id": visit.mdtrt_id, "setl_id": setl_id, "psn_no": str(who.pk),
        "psn_name": who.name, "psn_cert_type": "01", "certno": who.id_number, "gend": gender,
        "naty": "", "brdy": born.isoformat() if born else "",
        "age": age_on(born, beijing(when).date()) if born else None,
        "insutype": INSUTYPE[who.insurance_type], "psn_type": psn_type(who),
        "cvlserv_flag": "0", "setl_time": stamp(when),
        "mdtrt_cert_type": "02", "med_type": visit.med_type,
    }  # fmt: skip
    for name in AMOUNT_FIELDS:
        value = getattr(amounts, name)
        info[name] = yuan(value if name == "balc" else sign * value)
    info.update(
        cvlserv_pay=0.0, hifes_pay=0.0, oth_pay=0.0, hosp_part_amt=0.0, acct_mulaid_pay=0.0,
        medins_setl_id=msgid, clr_optins=who.insured_division_id[:6], clr_way="1",
        clr_type="11" if visit.kind == EncounterKind.OUTPATIENT else "21",
        exp_content={"basis": basis, "reasons": reasons or []},
    )  # fmt: skip
    return info


def setldetail(rows: list[dict[str, Any]], sign: int = 1) -> list[dict[str, Any]]:
    return [
        {
            "fund_pay_type": r["fund_pay_type"],
            "inscp_scp_amt": yuan(sign * r["inscp_scp_amt"]),
            "crt_payb_lmt_amt": yuan(sign * r["crt_payb_lmt_amt"]),
            "fund_payamt": yuan(sign * r["fund_payamt"]),
            "fund_pay_type_name": FUND_NAMES.get(r["fund_pay_type"], ""),
            "setl_proc_info": r["setl_proc_info"],
        }
        for r in rows
    ]


def _checked(ctx: Context, kind: str, final: bool) -> tuple[Encounter, dict[str, Any]]:
    data = node(ctx, "data")
    visit = encounter(ctx, data)
    if visit.kind != kind:
        raise Refuse("结算交易与就诊类型不符（门诊 2206/2207，住院 2303/2304）")
    allowed = {EncounterStatus.OPEN, EncounterStatus.DISCHARGED}
    if final and kind == EncounterKind.INPATIENT:
        if text(data, "mid_setl_flag", required=False) not in ("", "0"):
            raise Refuse("暂不支持中途结算")
        allowed = {EncounterStatus.DISCHARGED}
    if visit.status not in allowed:
        raise Refuse("该就诊不在可结算状态（住院须先办理出院 2402）")
    if text(data, "insutype") != visit.insutype:
        raise Refuse("险种类型与就诊不符")
    return visit, data


def _compare(data: dict[str, Any], result: Result, names: tuple[str, ...]) -> None:
    for name in names:
        sent = amount(data, name, required=name == "medfee_sumamt")
        if sent is not None and sent != getattr(result, name):
            raise Refuse(
                f"{name} 与已上传明细计算结果不符（中心 {yuan(getattr(result, name))} 元）"
            )


def _acct(data: dict[str, Any]) -> bool:
    return text(data, "acct_used_flag", required=False) in ("", "1")


def _preview(ctx: Context, kind: str) -> dict[str, Any]:
    visit, data = _checked(ctx, kind, final=False)
    c = compute(visit, person=visit.person, when=ctx.now, acct_used=_acct(data))
    if not c.fees:
        raise Refuse("没有待结算的费用明细")
    _compare(data, c.result, ("medfee_sumamt",))
    rows = [d.__dict__ for d in c.result.setldetail]
    reasons = [x.__dict__ for x in c.result.reasons]
    return {"setlinfo": setlinfo(visit, c.result, setl_id="", msgid=ctx.env.msgid, when=ctx.now,
                                 reasons=reasons, basis=c.basis),
            "setldetail": setldetail(rows)}  # fmt: skip


def _settle(ctx: Context, kind: str) -> dict[str, Any]:
    visit, data = _checked(ctx, kind, final=True)
    try:
        s, c = settle_encounter(visit, msgid=ctx.env.msgid, acct_used=_acct(data), when=ctx.now)
    except YimenError as exc:
        raise Refuse(exc.render("zh-hans")) from exc
    _compare(data, c.result, ("medfee_sumamt", *CHECKED_ON_SETTLE))
    return _settlement_output(s, ctx.env.msgid, sign=1)


def _settlement_output(s: Settlement, msgid: str, sign: int) -> dict[str, Any]:
    return {"setlinfo": setlinfo(s.encounter, s, setl_id=s.setl_id, msgid=msgid, when=s.setl_time,
                                 person=s.person,
                                 sign=sign, reasons=s.reasons, basis=s.basis),
            "setldetail": setldetail(s.setldetail, sign)}  # fmt: skip


def _cancel(ctx: Context, kind: str) -> dict[str, Any]:
    data = node(ctx, "data")
    visit = encounter(ctx, data)
    s = Settlement.objects.filter(setl_id=text(data, "setl_id"), encounter=visit, kind=kind).first()
    if s is None:
        raise Refuse("结算记录不存在")
    try:
        s = cancel_settlement(s, msgid=ctx.env.msgid, event=EventType.SETTLEMENT_CANCELLED)
    except YimenError as exc:
        raise Refuse(exc.render("zh-hans")) from exc
    return _settlement_output(s, ctx.env.msgid, sign=-1)


def preview_outpatient(ctx: Context) -> dict[str, Any]:
    return _preview(ctx, EncounterKind.OUTPATIENT)


def settle_outpatient(ctx: Context) -> dict[str, Any]:
    return _settle(ctx, EncounterKind.OUTPATIENT)


def cancel_outpatient(ctx: Context) -> dict[str, Any]:
    return _cancel(ctx, EncounterKind.OUTPATIENT)


def preview_inpatient(ctx: Context) -> dict[str, Any]:
    return _preview(ctx, EncounterKind.INPATIENT)


def settle_inpatient(ctx: Context) -> dict[str, Any]:
    return _settle(ctx, EncounterKind.INPATIENT)


def cancel_inpatient(ctx: Context) -> dict[str, Any]:
    return _cancel(ctx, EncounterKind.INPATIENT)


def reverse(ctx: Context) -> dict[str, Any]:
    """2601 冲正: undo exactly what the original message did, or nothing if it did nothing."""
    data = node(ctx, "data")
    omsgid, oinfno = text(data, "omsgid"), text(data, "oinfno")
    if oinfno not in REVERSIBLE:
        raise Refuse(f"交易 {oinfno} 不可冲正")
    original = FsiMessage.objects.select_for_update().filter(msgid=omsgid).first()
    if original is None:
        # never arrived (lost on the way): nothing to undo, and it must not act if it comes late
        refusal = answer(False, err_msg="该交易已被冲正", area=ctx.env.mdtrtarea_admvs)
        FsiMessage.objects.create(msgid=omsgid, infno=oinfno, infcode=-1, response=refusal,
                                  fixmedins_code=ctx.institution.code,
                                  reversed_by=ctx.env.msgid)  # fmt: skip
        return {"data": {"omsgid": omsgid, "undone": "none"}}
    if original.fixmedins_code != ctx.institution.code or original.infno != oinfno:
        raise Refuse("原交易不存在或不属于本机构")
    if original.reversed_by:
        raise Refuse("原交易已冲正")
    if int(original.infcode) != 0:
        original.reversed_by = ctx.env.msgid
        original.save(update_fields=["reversed_by"])
        return {"data": {"omsgid": omsgid, "undone": "none"}}
    out = original.response.get("output") or {}
    try:
        _undo(ctx, oinfno, out)
    except YimenError as exc:
        raise Refuse(exc.render("zh-hans")) from exc
    original.reversed_by = ctx.env.msgid
    original.save(update_fields=["reversed_by"])
    return {"data": {"omsgid": omsgid, "undone": oinfno}}


def _undo(ctx: Context, oinfno: str, out: dict[str, Any]) -> None:
    if oinfno == "2401":
        visit = (
            Encounter.objects.select_for_update()
            .filter(
                mdtrt_id=(out.get("result") or {}).get("mdtrt_id", ""), institution=ctx.institution
            )
            .first()
        )
        if visit is None or visit.fees.exists() or visit.status == EncounterStatus.SETTLED:
            raise AdmissionNotReversible()
        if visit.status != EncounterStatus.CANCELLED:  # already withdrawn: nothing to undo
            visit_cancel(visit)
        return
    setl_id = (out.get("setlinfo") or {}).get("setl_id", "")
    s = Settlement.objects.filter(setl_id=setl_id, institution=ctx.institution).first()
    if s is None:
        raise Refuse("原结算记录不存在")
    if oinfno in ("2207", "2304"):
        if s.status != SettlementStatus.SETTLED:
            raise Refuse("原结算已撤销，无需冲正")
        cancel_settlement(s, msgid=ctx.env.msgid, event=EventType.SETTLEMENT_REVERSED)
    else:
        restore_settlement(s, msgid=ctx.env.msgid)
