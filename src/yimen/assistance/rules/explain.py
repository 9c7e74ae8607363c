"""The reasons of an evaluation in plain Chinese, for notices and the public self-check.

Written in Chinese on purpose (not through gettext): a notice quotes the reasons in the
language of the decision whatever the reader's interface language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from yimen.money import format_yuan as y

from .params import Params
from .results import Evaluation

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


#: the rules each scheme rests on, for a notice that quotes only its own grounds
SCHEME_RULES = {
    "dibao": (
        "household_size",
        "dibao_income",
        "deposits",
        "vehicles",
        "homes",
        "market_entities",
    ),
    "tekun": (
        "household_size",
        "tekun_no_work_ability",
        "tekun_assets",
        "tekun_no_living_source",
        "tekun_no_supporter",
    ),
    "low_income": ("household_size", "dibao_income", "low_income", "low_income_assets"),
}


def sentences_zh(
    ev: Evaluation, *, mark_placeholder: bool = True, scheme: str | None = None
) -> list[str]:
    """One sentence per rule, then the conclusion; with ``scheme`` only that scheme's
    rules (a notice of a 低保 decision need not cite the 特困 tests)."""
    ref = reference_zh(ev.params, mark_placeholder=mark_placeholder)
    out: list[str] = []
    wanted = SCHEME_RULES.get(scheme or "")
    for r in ev.rules:
        if wanted is not None and r.code not in wanted:
            continue
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
                f"财产{verb}{scheme}规定（金融资产限额 {y(v['limit'])} 元，住房限 "
                f"{v['max_homes']} 套）。"
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
                f"按特困人员收入规定计算月人均收入 {y(v['per_capita_income'])} 元，"
                + (
                    "无生活来源。"
                    if r.passed
                    else "有生活来源（收入不低于低保标准或财产超过规定）。"
                )
            )
        elif r.code == "tekun_no_supporter":
            out.append(_supporter_sentence(r.passed, v, ref))
        elif r.code == "low_income":
            verb = "低于" if r.passed else "不低于"
            out.append(
                f"家庭月人均收入 {y(v['per_capita_income'])} 元，{verb}低收入认定标准 "
                f"{y(v['threshold'])} 元（低保标准的 {_factor(v['factor'])} 倍）。"
            )
    if ev.proposed_type == "tekun":
        out.append(f"结论：符合特困人员条件，每月救助供养金额 {y(ev.tekun_computed)} 元。")
        out.append(_care_sentence(ev.care_levels))
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


SUPPORTER_REASON_ZH = {
    "tekun": "本人是特困人员",
    "dibao_elderly": "是60周岁以上的最低生活保障对象",
    "elderly_low_income": "年满70周岁，收入低于当地上年人均可支配收入，财产符合低收入人口规定",
    "disabled_low_income": (
        "是重度残疾人或三级智力、精神残疾人，收入低于当地上年人均可支配收入，财产符合低收入人口规定"
    ),
    "incapacitated": "无民事行为能力、被宣告失踪或在监狱服刑，财产符合低收入人口规定",
    "able": "不属于无履行能力的情形，具备履行能力",
}


def _disposable_income_sentence(v: dict[str, str], ref: str) -> str:
    """The figure the supporter income test compares with, and where it comes from: last
    year's local per-capita disposable income is NOT FOUND for the demo cities, so the
    set's placeholder mark (staff only) comes with the citation; 0 means not yet set."""
    figure = v.get("disposable_income", "0.00")
    if figure in ("", "0", "0.00"):
        return f"当地上年人均可支配收入尚未设定（{ref}），不能按收入条件认定义务人无履行能力。"
    return f"收入条件按当地上年人均可支配收入 {y(figure)} 元计（{ref}）。"


def _supporter_sentence(passed: bool, v: dict[str, str], ref: str) -> str:
    """The supporter test of TK2021 Art.8 in plain words, supporter by supporter, the
    disposable-income figure it reads, and the caseworker's finding when it departs from
    the computation."""
    reasons = [c for c in v.get("reasons", "").split(",") if c]
    if not reasons:
        head = ""
    else:
        parts = [
            f"第 {i} 位义务人{SUPPORTER_REASON_ZH.get(c, c)}" for i, c in enumerate(reasons, 1)
        ]
        head = "；".join(parts) + "。" + _disposable_income_sentence(v, ref)
    finding = v.get("finding", "")
    computed_able = v.get("computed") == "yes"
    if finding and (finding == "yes") != computed_able:
        head += (
            "经办人员认定"
            + ("有" if finding == "yes" else "无")
            + "具备履行能力的义务人（与按所填情况的判断不同，已记录理由）。"
        )
    return head + (
        "无具备履行能力的法定赡养、抚养、扶养义务人。"
        if passed
        else "有具备履行能力的法定赡养、抚养、扶养义务人，不符合特困人员条件。"
    )


CARE_ZH = {
    "full": "具备生活自理能力",
    "partial": "生活自理能力部分丧失",
    "none": "生活自理能力完全丧失",
    "unassessed": "尚未评估生活自理能力（评估前按具备自理能力计发照料护理费）",
}


def _care_sentence(levels: tuple[str, ...]) -> str:
    """How many members are at each self-care level [TK2021 Art.21–22]."""
    counts = [
        f"{levels.count(code)} 人{text}" for code, text in CARE_ZH.items() if levels.count(code)
    ]
    return "照料护理：" + "，".join(counts) + "。"


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
