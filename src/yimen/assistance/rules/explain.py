"""The reasons of an evaluation in plain Chinese, for notices and the public self-check.

Written in Chinese on purpose (not through gettext): a notice quotes the reasons in the
language of the decision whatever the reader's interface language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from yimen.money import format_yuan as y

from .params import Params

if TYPE_CHECKING:
    from .engine import Evaluation

#: Changchun and its districts and counties (GB/T 2260, 12-digit), for citing parameters
CHANGCHUN_DIVISIONS: tuple[tuple[str, str], ...] = (
    ("220100000000", "长春市"),
    ("220102000000", "南关区"),
    ("220103000000", "宽城区"),
    ("220104000000", "朝阳区"),
    ("220105000000", "二道区"),
    ("220106000000", "绿园区"),
    ("220112000000", "双阳区"),
    ("220113000000", "九台区"),
    ("220122000000", "农安县"),
    ("220182000000", "榆树市"),
    ("220183000000", "德惠市"),
    ("220184000000", "公主岭市"),
)
_NAMES = dict(CHANGCHUN_DIVISIONS)


def division_name(code: str) -> str:
    return _NAMES.get(code.ljust(12, "0"), code)


# What staff read when a set's values are placeholders (house rule 14): plain Chinese, no
# source notes; citizens are not shown it (their pages pass mark_placeholder=False).
PLACEHOLDER_ZH = "示例参数，待主管部门确认"


def _factor(value) -> str:
    """A factor of the standard as people write it: 1.5, not 1.500."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number.normalize():f}"
    return text


def reference_zh(params: Params, *, mark_placeholder: bool = True) -> str:
    """The parameter set as a citation: 长春市 2020-11-01 起 (example values marked for staff)."""
    span = f"{params.valid_from:%Y-%m-%d} 起"
    if params.valid_to:
        span = f"{params.valid_from:%Y-%m-%d} 至 {params.valid_to:%Y-%m-%d}"
    note = f"（{PLACEHOLDER_ZH}）" if params.placeholder and mark_placeholder else ""
    return f"{division_name(params.division_code)} {span}{note}"


def sentences_zh(ev: Evaluation, *, mark_placeholder: bool = True) -> list[str]:
    """One sentence per rule, then the conclusion."""
    ref = reference_zh(ev.params, mark_placeholder=mark_placeholder)
    out: list[str] = []
    for r in ev.rules:
        v = r.values
        if r.code == "household_size":
            apart = (
                f"，另有 {v['living_apart']} 人不共同生活，不计入"
                if v["living_apart"] != "0"
                else ""
            )
            out.append(f"计入共同生活的家庭成员 {v['members']} 人{apart}。")
        elif r.code == "dibao_income":
            verb = "低于" if r.passed else "不低于"
            period = ""
            if v.get("period_total", "0.00") not in ("0", "0.00"):
                period = (
                    f"其中季节性、不固定收入近 {v['lookback_months']} 个月合计 "
                    f"{y(v['period_total'])} 元，按月平均计 {y(v['period_monthly'])} 元；"
                )
            out.append(
                f"{period}家庭月人均收入 {y(v['per_capita_income'])} 元，{verb}低保标准 "
                f"{y(v['standard'])} 元（{ref}）。"
            )
        elif r.code in ("tekun_assets", "low_income_assets"):
            scheme = "特困人员" if r.code == "tekun_assets" else "低收入人口"
            verb = "符合" if r.passed else "不符合"
            out.append(
                f"{scheme}财产条件：金融资产 {y(v['deposits'])} 元（限额 {y(v['limit'])} 元，"
                f"低保标准的 {v['deposit_months']} 个月 × 人数），住房 {v['homes']} 套"
                f"（限 {v['max_homes']} 套），计入财产的机动车 {v['counted_vehicles']} 辆，"
                f"市场主体登记 {v['market_entities']} 个：{verb}。"
            )
        elif r.code == "deposits":
            verb = "未超过" if r.passed else "超过"
            out.append(
                f"家庭金融资产 {y(v['deposits'])} 元，人均 {y(v['per_capita_deposits'])} 元，{verb}"
                f"人均限额 {y(v['per_capita_limit'])} 元（低保标准的 {v['deposit_months']} 个月）。"
            )
        elif r.code == "vehicles":
            out.append(
                "没有计入家庭财产的机动车。"
                if r.passed
                else f"有 {v['counted_vehicles']} 辆计入家庭财产的机动车"
                "（残疾人功能性补偿代步车、摩托车、电动自行车、农用车除外）。"
            )
        elif r.code == "homes":
            verb = "未超过" if r.passed else "超过"
            out.append(f"家庭住房 {v['homes']} 套，{verb}限额 {v['max_homes']} 套。")
        elif r.code == "market_entities":
            if v["market_entities"] == "0":
                out.append("没有市场主体登记。")
            elif r.passed:
                out.append(f"有市场主体登记 {v['market_entities']} 个，本地参数允许。")
            else:
                out.append(f"有市场主体登记 {v['market_entities']} 个，不符合财产条件。")
        elif r.code == "tekun_no_work_ability":
            students = v.get("students", "0")
            if students != "0":
                out.append(
                    f"其中 {students} 名成员年满 {v['minor_age']} 周岁但仍在接受义务教育或在"
                    "普通高中、中等职业学校就读，按无劳动能力认定。"
                )
            if r.passed:
                out.append(
                    f"全部 {v['members']} 名成员均无劳动能力（年满 {v['elderly_age']} 周岁、"
                    f"未满 {v['minor_age']} 周岁、在校就读的学生、符合条件的残疾等级或经认定"
                    "无劳动能力）。"
                )
            else:
                able = int(v["members"]) - int(v["unable_to_work"])
                out.append(f"{v['members']} 名成员中有 {able} 人有劳动能力，不符合特困人员条件。")
        elif r.code == "tekun_no_living_source":
            out.append(
                f"按特困人员收入规定（基本养老金、基本医疗保险等社会保险、优待抚恤金、高龄津贴"
                f"不计入）计算，月人均收入 {y(v['per_capita_income'])} 元。"
                + (
                    "无生活来源：人均收入低于低保标准，且财产符合特困人员规定。"
                    if r.passed
                    else "有生活来源：人均收入不低于低保标准，或财产超过特困人员规定。"
                )
            )
        elif r.code == "tekun_no_supporter":
            out.append(
                "无具备履行能力的法定赡养、抚养、扶养义务人。"
                if r.passed
                else "有具备履行能力的法定赡养、抚养、扶养义务人，不符合特困人员条件。"
            )
        elif r.code == "low_income":
            verb = "低于" if r.passed else "不低于"
            out.append(
                f"家庭月人均收入 {y(v['per_capita_income'])} 元，{verb}低收入认定标准 "
                f"{y(v['threshold'])} 元（低保标准的 {_factor(v['factor'])} 倍）。"
            )
    if ev.proposed_type == "tekun":
        out.append(f"结论：符合特困人员条件，每月救助供养金额 {y(ev.tekun_computed)} 元。")
        out.extend(_adjustment(ev.tekun_computed, ev.tekun_amount, ev))
    elif ev.proposed_type == "dibao":
        out.append(_dibao_conclusion(ev))
        out.extend(_adjustment(ev.dibao_computed, ev.dibao_amount, ev))
    elif ev.proposed_type == "low_income":
        out.append("结论：不符合低保条件，符合低保边缘家庭（低收入人口）条件。")
    else:
        out.append("结论：按所填情况，不符合低保、特困人员或低保边缘家庭条件。")
    if ev.params.placeholder and mark_placeholder:
        out.append(f"注意：{PLACEHOLDER_ZH}。")
    return out


ROUNDING_ZH = {"fen": "分", "jiao": "角", "yuan": "元"}
MODE_ZH = {"half_up": "四舍五入", "up": "向上", "down": "向下"}


def _adjustment(computed, paid, ev: Evaluation) -> list[str]:
    """The payment rounding or minimum of the set in force, when it changed the amount."""
    if computed == paid:
        return []
    p = ev.params
    parts = []
    if p.payment_rounding != "fen":
        parts.append(f"按{MODE_ZH[p.payment_rounding_mode]}取整到{ROUNDING_ZH[p.payment_rounding]}")
    if p.payment_minimum > 0 and paid == (p.payment_minimum * ev.members).quantize(paid):
        parts.append(f"不低于每人每月 {y(p.payment_minimum)} 元的最低发放额")
    how = "、".join(parts) or "按本地发放规定"
    return [f"计算金额 {y(computed)} 元，{how}，发放 {y(paid)} 元。"]


def _dibao_conclusion(ev: Evaluation) -> str:
    """分档 when the household has a tier of the set in force [A2021 Art.23], else 补差
    (saying why when the set has tiers)."""
    if ev.tier is not None:
        name = ev.tier.label or ev.tier.code
        return (
            f"结论：符合最低生活保障条件，按分档“{name}”每月 {y(ev.dibao_computed)} 元"
            f"（每人 {y(ev.tier.amount_per_person)} 元 × {ev.members} 人）。"
        )
    why = ""
    if ev.hardship_tier:
        why = f"所定分档“{ev.hardship_tier}”不在所用参数的分档中，按补差计算；"
    elif ev.params.tiers:
        why = "未确定分档，按补差计算；"
    return (
        f"结论：符合最低生活保障条件，每月补差 {y(ev.dibao_computed)} 元"
        f"（{why}低保标准 {y(ev.standard)} 元 × {ev.members} 人 − 家庭月收入 "
        f"{y(ev.counted_income)} 元）。"
    )
