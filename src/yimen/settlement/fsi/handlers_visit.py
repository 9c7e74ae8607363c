"""Sign-in, person information, registration/admission, fee upload and referral filing.

9001/9002, 1101, 2201–2205, 2301/2302, 2401–2405, 2501/2502 (medins-protocol.md §5).
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.db.models import Q

from yimen.errors import YimenError
from yimen.medins.ledger import account_balance
from yimen.medins.models import InsuredPerson, InsuredStatus
from yimen.people import age_on

from ..errors import Refuse
from ..models import Encounter, FeeDetail, FilingCategory, FilingChannel, SettlementStatus, SignIn
from ..models.encounter import EncounterKind, EncounterStatus
from ..rules.catalog import BillLine, split_line
from ..services.filing import DOC_FORM, DOC_IDENTITY, DOC_REFERRAL, filing_cancel, filing_create
from ..services.lookup import catalog_for
from ..services.settling import new_id
from ..services.visits import visit_cancel, visit_discharge, visit_discharge_undo
from .context import (
    INSUTYPE,
    Context,
    amount,
    beijing,
    birth_and_gender,
    decimal,
    encounter,
    node,
    person,
    psn_type,
    rows,
    stamp,
    text,
    when,
    yuan,
)

#: med_type values treated as emergency (急诊); 2204/2301 lines may also carry er_flag 1
EMERGENCY_MED_TYPES = {"13"}


def _exp(data: dict[str, Any]) -> dict[str, Any]:
    value = data.get("exp_content")
    return value if isinstance(value, dict) else {}


def sign_in(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "signIn")
    sign = SignIn.objects.create(
        sign_no=beijing(ctx.now).strftime("%Y%m%d%H%M%S") + secrets.token_hex(6),
        institution=ctx.institution,
        opter=text(data, "opter_no", required=False) or ctx.env.opter,
        signed_in_at=ctx.now,
    )
    return {"signinoutb": {"sign_time": stamp(ctx.now), "sign_no": sign.sign_no}}


def sign_out(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "signOut")
    sign_no = text(data, "sign_no", required=False) or ctx.env.sign_no
    updated = SignIn.objects.filter(
        sign_no=sign_no, institution=ctx.institution, signed_out_at__isnull=True
    ).update(signed_out_at=ctx.now)
    if not updated:
        raise Refuse("签到编号无效或已签退")
    return {"signoutoutb": {"sign_time": stamp(ctx.now)}}


def person_info(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "data")
    cert_type = text(data, "mdtrt_cert_type")
    if cert_type == "01":
        raise Refuse("本系统不支持医保电子凭证令牌，请使用身份证（02）或社保卡（03）")
    certno = text(data, "certno", required=False) or text(data, "mdtrt_cert_no")
    found = InsuredPerson.objects.filter(id_number=certno.upper()).first()
    if found is None:
        raise Refuse("未查询到该人员的参保信息")
    name = text(data, "psn_name", required=False)
    if name and name != found.name:
        raise Refuse("姓名与证件号码不符")
    born, gender = birth_and_gender(found.id_number)
    today = beijing(ctx.now).date()
    age = age_on(born, today) if born else None
    balance = account_balance(found) if found.insurance_type == "employee" else 0
    return {
        "baseinfo": {
            "psn_no": str(found.pk),
            "psn_cert_type": "01",
            "certno": found.id_number,
            "psn_name": found.name,
            "gend": gender,
            "naty": "",
            "brdy": born.isoformat() if born else "",
            "age": age,
            "exp_content": None,
        },
        "insuinfo": [
            {
                "balc": yuan(balance),
                "insutype": INSUTYPE[found.insurance_type],
                "psn_type": psn_type(found),
                "psn_insu_stas": "2" if found.status == InsuredStatus.STOPPED else "1",
                "psn_insu_date": found.created_at.date().isoformat(),
                "paus_insu_date": None,
                "cvlserv_flag": "0",
                # the pooling area (统筹区, the city), not the district: 220100 for Changchun
                "insuplc_admdvs": found.insured_division_id[:4].ljust(6, "0"),
                "emp_name": "",
            }
        ],
        "idetinfo": [],
    }


def _check_insutype(ctx: Context, data: dict[str, Any], who: InsuredPerson) -> str:
    insutype = text(data, "insutype")
    if insutype != INSUTYPE[who.insurance_type]:
        raise Refuse(f"险种类型 {insutype} 与人员参保险种不符")
    if who.status == InsuredStatus.STOPPED:
        raise Refuse("该人员参保状态为暂停，不能直接结算")
    return insutype


def _open(ctx: Context, data: dict[str, Any], kind: str, med_type: str, number: str) -> Encounter:
    who = person(ctx, data)
    insutype = _check_insutype(ctx, data, who)
    exp = _exp(data)
    return Encounter.objects.create(
        mdtrt_id=new_id("M"),
        institution=ctx.institution,
        person=who,
        kind=kind,
        med_type=med_type,
        insutype=insutype,
        begntime=when(data, "begntime", ctx.now),
        emergency=med_type in EMERGENCY_MED_TYPES or str(exp.get("er_flag", "")) == "1",
        ipt_otp_no=text(data, number, required=False)[:30],
        info={k: v for k, v in data.items() if isinstance(v, (str, int, float))},
    )


def register(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "data")
    visit = _open(ctx, data, EncounterKind.OUTPATIENT, text(data, "med_type", False) or "11",
                  "ipt_otp_no")  # fmt: skip
    return {"data": {"mdtrt_id": visit.mdtrt_id, "psn_no": str(visit.person_id),
                     "ipt_otp_no": visit.ipt_otp_no}}  # fmt: skip


def unregister(ctx: Context) -> dict[str, Any]:
    visit_cancel(encounter(ctx, node(ctx, "data")))
    return {}


def visit_info(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "mdtrtinfo")
    visit = encounter(ctx, data)
    if visit.status != EncounterStatus.OPEN:
        raise Refuse("该就诊不在可修改状态")
    med_type = text(data, "med_type", required=False) or visit.med_type
    visit.med_type = med_type
    visit.emergency = visit.emergency or med_type in EMERGENCY_MED_TYPES
    visit.info = {**visit.info, **{k: v for k, v in data.items() if isinstance(v, (str, int))}}
    visit.save(update_fields=["med_type", "emergency", "info"])
    return {}


def _fee_lines(ctx: Context, kind: str) -> dict[str, Any]:
    lines = rows(ctx, "feedetail")
    visit = encounter(ctx, lines[0])
    if visit.kind != kind:
        raise Refuse("明细上传交易与就诊类型不符（门诊用 2204，住院用 2301）")
    if visit.status != EncounterStatus.OPEN and not (
        kind == EncounterKind.INPATIENT and visit.status == EncounterStatus.DISCHARGED
    ):
        raise Refuse("该就诊已结算或已撤销，不能上传明细")
    day = beijing(ctx.now).date()
    catalog = catalog_for(
        visit.institution.division_id, [text(x, "med_list_codg") for x in lines], day
    )
    seen = set(visit.fees.values_list("feedetl_sn", flat=True))
    made, out = [], []
    for raw in lines:
        sn = text(raw, "feedetl_sn")
        if text(raw, "mdtrt_id") != visit.mdtrt_id:
            raise Refuse(f"明细 {sn} 的 mdtrt_id 与其他明细不一致")
        if sn in seen:
            raise Refuse(f"明细流水号 {sn} 重复")
        seen.add(sn)
        fen, cnt, pric = (
            amount(raw, "det_item_fee_sumamt"),
            decimal(raw, "cnt"),
            decimal(raw, "pric"),
        )
        assert fen is not None
        if pric < 0:
            raise Refuse(f"明细 {sn} 的单价 pric 不能为负数")
        if abs(Decimal(fen) - cnt * pric * 100) > 1:
            raise Refuse(f"明细 {sn} 的金额与单价×数量不符")
        refund_ok = kind == EncounterKind.INPATIENT and text(raw, "init_feedetl_sn", False) in seen
        if (fen < 0 or cnt < 0) and not refund_ok:
            raise Refuse(f"明细 {sn} 为负数，须为住院退费并填写原明细流水号 init_feedetl_sn")
        item = catalog.get(text(raw, "med_list_codg"))
        line = BillLine(sn, text(raw, "med_list_codg"), abs(fen), abs(cnt), pric,
                        item.item_class if item else None,
                        item.selfpay_prop if item else Decimal(0),
                        item.price_cap if item else None)  # fmt: skip
        split, sign = split_line(line), (-1 if fen < 0 else 1)
        exp = _exp(raw)
        made.append(FeeDetail(
            encounter=visit, feedetl_sn=sn, chrg_bchno=text(raw, "chrg_bchno", False)[:30],
            med_list_codg=line.code[:50], amount_fen=fen, cnt=cnt, pric=pric,
            item_class=item.item_class if item else "", selfpay_prop=split.selfpay_prop,
            price_cap=line.price_cap, fulamt_ownpay_fen=sign * split.fulamt_ownpay_fen,
            overlmt_fen=sign * split.overlmt_fen, preselfpay_fen=sign * split.preselfpay_fen,
            inscp_fen=sign * split.inscp_fen, er_flag=str(exp.get("er_flag", "")) == "1",
        ))  # fmt: skip
        out.append({
            "feedetl_sn": sn, "det_item_fee_sumamt": yuan(fen), "cnt": float(cnt),
            "pric": float(pric), "pric_uplmt_amt": float(line.price_cap or 0),
            "selfpay_prop": float(split.selfpay_prop),
            "fulamt_ownpay_amt": yuan(sign * split.fulamt_ownpay_fen),
            "overlmt_amt": yuan(sign * split.overlmt_fen),
            "preselfpay_amt": yuan(sign * split.preselfpay_fen),
            "inscp_scp_amt": yuan(sign * split.inscp_fen), "chrgitm_lv": split.chrgitm_lv,
            "med_chrgitm_type": "", "bas_medn_flag": "0", "hi_nego_drug_flag": "0",
            "chld_medc_flag": "0", "list_sp_item_flag": "0", "lmt_used_flag": "0",
            "drt_reim_flag": "0", "memo": split.explanation_zh,
        })  # fmt: skip
    FeeDetail.objects.bulk_create(made)
    return {"result": out}


def upload_outpatient(ctx: Context) -> dict[str, Any]:
    return _fee_lines(ctx, EncounterKind.OUTPATIENT)


def upload_inpatient(ctx: Context) -> dict[str, Any]:
    return _fee_lines(ctx, EncounterKind.INPATIENT)


def _drop_lines(ctx: Context, field: str, by: str) -> dict[str, Any]:
    data = node(ctx, "data")
    visit = encounter(ctx, data)
    value = text(data, field)
    open_lines = visit.fees.filter(
        Q(settlement__isnull=True) | Q(settlement__status=SettlementStatus.CANCELLED)
    )
    if value != "0000":
        open_lines = open_lines.filter(**{by: value})
    deleted, _ = open_lines.delete()
    if not deleted:
        raise Refuse("没有可撤销的未结算明细")
    return {}


def cancel_outpatient_lines(ctx: Context) -> dict[str, Any]:
    return _drop_lines(ctx, "chrg_bchno", "chrg_bchno")


def cancel_inpatient_lines(ctx: Context) -> dict[str, Any]:
    return _drop_lines(ctx, "feedetl_sn", "feedetl_sn")


def admit(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "mdtrtinfo")
    visit = _open(
        ctx, data, EncounterKind.INPATIENT, text(data, "med_type", False) or "21", "ipt_no"
    )
    return {"result": {"mdtrt_id": visit.mdtrt_id}}


def discharge(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "dscginfo")
    visit_discharge(encounter(ctx, data), at=when(data, "endtime", ctx.now))
    return {}


def change_admission(ctx: Context) -> dict[str, Any]:
    data = (
        node(ctx, "adminfo")
        if isinstance(ctx.input.get("adminfo"), dict)
        else node(ctx, "mdtrtinfo")
    )
    visit = encounter(ctx, data)
    if visit.status not in (EncounterStatus.OPEN, EncounterStatus.DISCHARGED):
        raise Refuse("该就诊已结算或已撤销，不能变更")
    med_type = text(data, "med_type", required=False) or visit.med_type
    exp = _exp(data)
    visit.med_type = med_type
    visit.emergency = med_type in EMERGENCY_MED_TYPES or str(exp.get("er_flag", "")) == "1"
    visit.begntime = when(data, "begntime", visit.begntime)
    visit.save(update_fields=["med_type", "emergency", "begntime"])
    return {}


def cancel_admission(ctx: Context) -> dict[str, Any]:
    visit = encounter(ctx, node(ctx, "data"))
    if visit.kind != EncounterKind.INPATIENT:
        raise Refuse("该就诊不是住院")
    visit_cancel(visit)
    return {}


def cancel_discharge(ctx: Context) -> dict[str, Any]:
    visit_discharge_undo(encounter(ctx, node(ctx, "data")))
    return {}


def refer(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "refmedin")
    who = person(ctx, data)
    _check_insutype(ctx, data, who)
    begin = when(data, "begndate", ctx.now).date()
    end_raw = text(data, "enddate", required=False)
    try:
        filing = filing_create(
            None, person=who, category=FilingCategory.REFERRAL,
            destination_code=text(data, "mdtrtarea_admdvs"), begin_date=begin,
            end_date=when(data, "enddate", ctx.now).date() if end_raw else None,
            documents=[DOC_IDENTITY, DOC_FORM, DOC_REFERRAL], channel=FilingChannel.HOSPITAL,
            referring_institution=ctx.institution, phone=text(data, "tel", False),
            address=text(data, "addr", False),
        )  # fmt: skip
    except YimenError as exc:
        raise Refuse(exc.render("zh-hans")) from exc
    return {"result": {"trt_dcla_detl_sn": filing.serial}}


def cancel_referral(ctx: Context) -> dict[str, Any]:
    data = node(ctx, "data")
    who = person(ctx, data)
    found = who.filings.filter(
        serial=text(data, "trt_dcla_detl_sn"), referring_institution=ctx.institution
    ).first()
    if found is None:
        raise Refuse("转院备案不存在或不是本机构办理")
    filing_cancel(None, filing=found, channel=FilingChannel.HOSPITAL,
                  reason=text(data, "memo", False) or "定点机构撤销转院备案")  # fmt: skip
    return {}
