"""Changchun's shipped policy values (medins-params.md), as the JSON a PolicySet stores.

Sources: 长医保联〔2022〕16号 (employee outpatient pooling, from 2023-01-01) and
长医保发〔2024〕30号 (inpatient and 大额, from 2025-01-01); away-from-home factors from the same
parameter notes and 医保发〔2022〕22号. One set from 2025-01-01 carries both, because that is
the first date on which every value below was in force together.

Values that no source gave are still needed to compute; they are set here as *configured*
values and listed under ``configured`` with a note, so every page and explanation that uses
them can say so, and an operator can replace them with a dated set when the document is found.
"""

from __future__ import annotations

from typing import Any

CHANGCHUN = "220100000000"
VALID_FROM = "2025-01-01"
SOURCE = (
    "长医保联〔2022〕16号 (2023-01-01); 长医保发〔2024〕30号 (2025-01-01); 医保发〔2022〕22号; "
    "docs: /work/shared/domain/medins-params.md"
)


def _levels(rows: list[tuple[str, int, str, bool]]) -> dict[str, Any]:
    return {
        level: {"deductible_fen": yuan * 100, "ratio": ratio, "covered": covered}
        for level, yuan, ratio, covered in rows
    }


CHANGCHUN_2025: dict[str, Any] = {
    "outpatient": {
        "employee": {
            "levels": _levels(
                [
                    ("community", 100, "0.60", True),
                    ("level1", 100, "0.60", True),
                    ("level2", 200, "0.55", True),
                    ("level3_city", 300, "0.50", True),
                    ("level3_provincial", 300, "0.50", True),
                ]
            ),
            "annual_cap_fen": 2_000_00,
            "retiree_bonus": "0.02",
        },
        "resident": {
            "levels": _levels(
                [
                    ("community", 0, "0.50", True),
                    ("level1", 0, "0.50", True),
                    ("level2", 200, "0.50", True),
                    ("level3_city", 0, "0", False),
                    ("level3_provincial", 0, "0", False),
                ]
            ),
            "annual_cap_fen": 1_000_00,
        },
    },
    "inpatient": {
        "employee": {
            "levels": _levels(
                [
                    ("community", 200, "0.95", True),
                    ("level1", 200, "0.95", True),
                    ("level2", 400, "0.92", True),
                    ("level3_city", 700, "0.88", True),
                    ("level3_provincial", 1200, "0.85", True),
                ]
            ),
            "annual_cap_fen": 150_000_00,
            "retiree_bonus": "0.02",
            "deductible_year_ceiling_fen": 2_400_00,
        },
        "resident": {
            "levels": _levels(
                [
                    ("community", 200, "0.85", True),
                    ("level1", 200, "0.85", True),
                    ("level2", 400, "0.75", True),
                    ("level3_city", 800, "0.65", True),
                    ("level3_provincial", 1200, "0.55", True),
                ]
            ),
            "annual_cap_fen": 150_000_00,
            "deductible_year_ceiling_fen": 2_400_00,
        },
    },
    # employee large-amount subsidy (大额补助): 90 % above the basic cap, "up to 500,000 in total"
    "large_amount_ratio": "0.90",
    "large_amount_cap_fen": 350_000_00,
    # resident critical-illness insurance (大病保险) on the year's in-scope personal burden
    "critical_bands": [
        {"lower_fen": 0, "upper_fen": 13_000_00, "ratio": "0"},
        {"lower_fen": 13_000_00, "upper_fen": 50_000_00, "ratio": "0.60"},
        {"lower_fen": 50_000_00, "upper_fen": 100_000_00, "ratio": "0.65"},
        {"lower_fen": 100_000_00, "upper_fen": None, "ratio": "0.75"},
    ],
    "critical_cap_fen": 350_000_00,
    # multiply the home ratio (medins-params.md "relative to the ratio above")
    "away_factors": {
        "employee": {
            "long_stay": "1",
            "referral": "0.90",
            "emergency": "0.90",
            "temporary_other": "0.90",
            "unfiled_other": "0.70",
        },
        "resident": {
            "long_stay": "1",
            "referral": "0.85",
            "emergency": "0.85",
            "temporary_other": "0.85",
            "unfiled_other": "0.60",
        },
    },
    "configured": {
        "inpatient.deductible_year_ceiling_fen": (
            "NOT FOUND in the sources (the rule says repeated admissions stop deducting at a "
            "yearly ceiling, without the figure): configured 2,400 yuan."
        ),
        "large_amount_cap_fen": (
            "Derived: '90 % above the basic cap up to 500,000 yuan in total' read as basic "
            "150,000 + large-amount 350,000."
        ),
        "away_factors.*.temporary_other": (
            "NOT FOUND for filed other-temporary care: configured equal to referral."
        ),
        "outpatient.level3_provincial": (
            "The outpatient table gives level 3 once; applied to both level-3 kinds."
        ),
    },
}
