"""The posts and the special-work catalogue as dated rows (domain digest exams.md §2, §3):
loaded by the demo and by ``yimen load_exam_catalogue``; rerunning changes nothing.

Values no source confirmed are marked ``placeholder`` (staff see "示例参数，待确认"): the
new special-operator regime (应急管理部令第19号, in force 2026-06-01) was listed but its text
not read, so its rows repeat the 2010 values as placeholders."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from .models import Category, QuestionKind

T30 = date(2010, 7, 1)  # 原安监总局令第30号 in force
N19 = date(2026, 6, 1)  # 应急管理部令第19号 (text not read: placeholder)
#: counts by type, and inside a type by tier and difficulty; every question 1 point of 100,
#: 120 minutes, pass ≥ 80 (ZX Art 9). The type mix and the cells are NOT FOUND: placeholder.
#: Cells of one type should not overlap (each is drawn from what the earlier ones left).
BLUEPRINT = {
    "tf": 40,
    "single": 50,
    "multiple": 10,
    "cells": [
        {"kind": "tf", "tier": "provincial", "count": 8},
        {"kind": "single", "tier": "provincial", "count": 10},
        {"kind": "single", "tier": "national", "difficulty": 3, "count": 5},
        {"kind": "multiple", "tier": "provincial", "count": 2},
    ],
}

#: (code, name, post, industry, high_risk, min_education, parts)
ROWS = [
    ("PL-COAL", "主要负责人（煤矿）", "principal", "煤矿", True),
    ("PL-MINE", "主要负责人（非煤矿山）", "principal", "非煤矿山", True),
    ("PL-HAZ", "主要负责人（危险化学品）", "principal", "危险化学品", True),
    ("PL-FIRE", "主要负责人（烟花爆竹）", "principal", "烟花爆竹", True),
    ("PL-METAL", "主要负责人（金属冶炼）", "principal", "金属冶炼", True),
    ("PL-GEN", "主要负责人（其他行业）", "principal", "其他行业", False),
    ("SM-COAL", "安全生产管理人员（煤矿）", "safety_manager", "煤矿", True),
    ("SM-MINE", "安全生产管理人员（非煤矿山）", "safety_manager", "非煤矿山", True),
    ("SM-HAZ", "安全生产管理人员（危险化学品）", "safety_manager", "危险化学品", True),
    ("SM-FIRE", "安全生产管理人员（烟花爆竹）", "safety_manager", "烟花爆竹", True),
    ("SM-METAL", "安全生产管理人员（金属冶炼）", "safety_manager", "金属冶炼", True),
    ("SM-GEN", "安全生产管理人员（其他行业）", "safety_manager", "其他行业", False),
]
#: special work: (code, type, operating item, 危化 work needs 高中)
SPECIAL = [
    ("T-EL-LV", "电工作业", "低压电工作业", False),
    ("T-EL-HV", "电工作业", "高压电工作业", False),
    ("T-WD-FU", "焊接与热切割作业", "熔化焊接与热切割作业", False),
    ("T-HW-SC", "高处作业", "登高架设作业", False),
    ("T-RF-OP", "制冷与空调作业", "制冷与空调设备运行操作作业", False),
    ("T-HC-AU", "危险化学品安全作业", "化工自动化控制仪表作业", True),
    ("T-HC-CL", "危险化学品安全作业", "氯化工艺作业", True),
]


def load_catalogue() -> int:
    """Create the rows that do not exist yet; returns how many were created."""
    made = 0
    for code, name, post, industry, high_risk in ROWS:
        _, created = Category.objects.get_or_create(
            code=code,
            valid_from=T30,
            defaults={
                "name": name,
                "post": post,
                "industry": industry,
                "high_risk": high_risk,
                "min_education": "primary",
                "health_check": False,
                "training_hours": 48 if high_risk else 32,
                "refresher_hours": 16 if high_risk else 12,
                "parts": "theory",
                "validity_years": 3,
                "review_years": 0,
                "blueprint": BLUEPRINT,
                "placeholder": False,
            },
        )
        made += created
    for code, kind, item, hazchem in SPECIAL:
        for valid_from, placeholder in ((T30, False), (N19, True)):
            _, created = Category.objects.get_or_create(
                code=code,
                valid_from=valid_from,
                defaults={
                    "name": f"{kind}·{item}",
                    "post": "special_operator",
                    "industry": kind,
                    "high_risk": hazchem,
                    "min_age": 18,
                    "max_age": 60,
                    "min_education": "senior" if hazchem else "junior",
                    "health_check": True,
                    "health_check_months": 12,
                    "training_hours": 0,
                    "refresher_hours": 0,
                    "parts": "theory_practical",
                    "validity_years": 6,
                    "review_years": 3,
                    "blueprint": BLUEPRINT,
                    "placeholder": placeholder,
                },
            )
            made += created
    return made


def blueprint_text(blueprint: dict) -> str:
    """The paper's structure in words, for the categories page: counts by type, and inside a
    type by tier and difficulty, then points, time and the pass mark (labels, not codes)."""
    tiers = {"national": _("national tier"), "provincial": _("provincial tier")}
    parts = []
    for kind in QuestionKind:
        count = blueprint.get(kind.value)
        if not count:
            continue
        inside = []
        for cell in blueprint.get("cells", []):
            if cell.get("kind") != kind.value:
                continue
            what = [str(tiers.get(cell.get("tier"), ""))] if cell.get("tier") else []
            if cell.get("difficulty"):
                what.append(_("difficulty %(d)s") % {"d": cell["difficulty"]})
            inside.append(f"{' '.join(what)} {cell.get('count')}")
        parts.append(f"{kind.label} {count}" + (f"（{'，'.join(inside)}）" if inside else ""))
    total = sum(blueprint.get(k.value, 0) for k in QuestionKind)
    if not total:
        return ""
    points = 100 / total
    tail = _("%(points)s point(s) each, 100 points, 120 minutes, pass at 80") % {
        "points": f"{points:g}"
    }
    return "；".join([*parts, tail])
